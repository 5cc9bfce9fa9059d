"""Pages grouped by site for measuring extraction on sites a model never saw.

A split by page puts pages of one site, template and page type on both sides of a fit, so a
model fitted on it can learn the sites instead of main content and score well on their other
pages. Folds here never split a site: the benchmark (bench/extract_folds.py) fits and chooses on
some folds and scores the others, and the quality test scores the fold the shipped block model
was not fitted on.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from functools import cache

#: folds of the WCXB development split, by site
FOLDS = 5
#: the fold whose sites the shipped ``auto`` block model never saw
SHIPPED_HELD_OUT_FOLD = 0


@cache
def _extractor():
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=())  # the bundled suffix list, no network


def registered_domain(url: str) -> str:
    """The site a page belongs to: its registered domain (``news.bbc.co.uk`` -> ``bbc.co.uk``)."""
    parts = _extractor()(url)
    return parts.top_domain_under_public_suffix or parts.domain or url


def site_folds(sites: dict[str, str], folds: int = FOLDS) -> dict[str, int]:
    """Each page's fold (``sites``: page -> site): sites, largest first (ties by a hash of the
    name), each to the fold with the fewest pages so far, so that folds are even and no site is
    split. The same pages give the same folds on any machine."""
    pages_of: dict[str, list[str]] = defaultdict(list)
    for page, site in sites.items():
        pages_of[site].append(page)
    order = sorted(pages_of, key=lambda s: (-len(pages_of[s]), hashlib.sha1(s.encode()).digest()))
    sizes = [0] * folds
    fold: dict[str, int] = {}
    for site in order:
        k = min(range(folds), key=lambda i: (sizes[i], i))
        sizes[k] += len(pages_of[site])
        for page in pages_of[site]:
            fold[page] = k
    return fold
