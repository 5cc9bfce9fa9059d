"""Blocks of a page and the generic signals that say whether each is main content.

A page's visible text (resiliparse, every block on its own line) is split into blocks; each
block gets signals that hold on any site: whether trafilatura and resiliparse's main-content
heuristics kept it (and how many of its neighbours they kept), whether it sits inside
``<nav>``/``<header>``/``<footer>``/``<aside>`` or inside ``<main>``/``<article>``, its link
density, length and punctuation, whether the publisher's JSON-LD body contains it, and
page-level hints (JSON-LD and Open Graph types, how much of the page each heuristic kept).
A small model (:mod:`tamis.extract.model`) turns these into a keep probability.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

_WORD = re.compile(r"\w+")
_LINK = re.compile(r" \([^\s()]*\)")
_END_PUNCT = re.compile(r"[.!?:;\"”’)…。！？]\s*$")
_CURRENCY = re.compile(r"[$€£¥₹]\s?\d|\d\s?[$€£¥₹]|\b(?:usd|eur|gbp)\b", re.IGNORECASE)
_BOILER_SELECTOR = (
    "nav, header, footer, aside, [role=navigation], [role=banner], [role=contentinfo]"
)
_MAIN_SELECTOR = "main, article, [role=main], [itemprop=articleBody]"
_MAX_CONTAINERS = 64
_FORUM_TYPES = {"discussionforumposting", "qapage", "question", "answer", "comment"}
_PRODUCT_TYPES = {"product", "offer", "aggregateoffer", "productgroup"}
_ARTICLE_TYPES = {"article", "newsarticle", "blogposting", "techarticle", "report"}
_LIST_TYPES = {"itemlist", "collectionpage", "searchresultspage"}

FEATURES = (
    "log_words",
    "log_chars",
    "in_resi",
    "in_traf",
    "in_jsonld",
    "link_per_word",
    "has_links",
    "end_punct",
    "position",
    "in_boiler",
    "in_main",
    "log_dup",
    "resi_window",
    "traf_window",
    "in_traf_span",
    "in_resi_span",
    "page_traf_share",
    "page_resi_share",
    "page_log_blocks",
    "type_forum",
    "type_product",
    "type_article",
    "type_list",
    "og_article",
    "og_product",
    "indented",
    "digit_share",
    "price",
    "upper_first",
)


def norm(text: str) -> str:
    """Lowercase words separated by single spaces, padded, so that ``in`` tests whole words."""
    return " " + " ".join(_WORD.findall(text.lower())) + " "


@dataclass(slots=True)
class PageBlocks:
    lines: list[str]
    features: np.ndarray
    page_types: set[str] = field(default_factory=set)


def _container_text(tree: Any, selector: str) -> str:
    parts = []
    try:
        elements = tree.document.query_selector_all(selector)
    except Exception:  # noqa: BLE001 - a selector lexbor rejects just gives no signal
        return " "
    for el in elements[:_MAX_CONTAINERS]:
        text = el.text
        if text:
            parts.append(norm(text))
    return "|".join(parts) or " "


def _window(values: list[float], radius: int = 2) -> np.ndarray:
    """Mean of each block's neighbours within ``radius`` (the block itself excluded)."""
    v = np.asarray(values, dtype=np.float32)
    kernel = np.ones(2 * radius + 1, dtype=np.float32)
    kernel[radius] = 0.0
    sums = np.convolve(v, kernel, mode="same")
    counts = np.convolve(np.ones_like(v), kernel, mode="same")
    return np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)


def _span(flags: list[float]) -> tuple[int, int]:
    idx = [i for i, f in enumerate(flags) if f]
    return (idx[0], idx[-1]) if idx else (1, 0)


def page_blocks(
    tree: Any,
    *,
    resi_main: str,
    traf: str | None,
    json_ld_body: str | None,
    json_ld_types: list[str],
    og_type: str | None,
) -> PageBlocks:
    """Blocks of the page with their signals (``traf`` None: the fast mode, without it)."""
    from tamis.extract.backends import resiliparse_raw

    linked = resiliparse_raw(tree, main_content=False, links=True)
    raw_lines = [line for line in linked.split("\n") if line.strip()]
    lines = []
    link_counts = []
    for line in raw_lines:
        clean, n_links = _LINK.subn("", line)
        lines.append(clean.rstrip())
        link_counts.append(n_links)
    norms = [norm(line) for line in lines]
    keep = [i for i, n in enumerate(norms) if n.strip()]
    lines = [lines[i] for i in keep]
    norms = [norms[i] for i in keep]
    link_counts = [link_counts[i] for i in keep]
    n = len(lines)
    page_types = {t for t in json_ld_types}
    if not n:
        return PageBlocks([], np.zeros((0, len(FEATURES)), dtype=np.float32), page_types)

    resi_norm = norm(resi_main)
    traf_norm = norm(traf) if traf is not None else " "
    ld_norm = norm(json_ld_body) if json_ld_body else " "
    boiler = _container_text(tree, _BOILER_SELECTOR)
    main = _container_text(tree, _MAIN_SELECTOR)
    dups = Counter(norms)
    in_resi = [1.0 if x in resi_norm else 0.0 for x in norms]
    in_traf = [1.0 if x in traf_norm else 0.0 for x in norms]
    t_lo, t_hi = _span(in_traf)
    r_lo, r_hi = _span(in_resi)
    words = [x.count(" ") - 1 for x in norms]
    total_words = max(1, sum(words))
    traf_share = len(traf_norm.split()) / total_words if traf is not None else 0.0
    resi_share = len(resi_norm.split()) / total_words
    og = (og_type or "").lower()
    page = [
        min(traf_share, 2.0),
        min(resi_share, 2.0),
        math.log1p(n),
        1.0 if page_types & _FORUM_TYPES else 0.0,
        1.0 if page_types & _PRODUCT_TYPES else 0.0,
        1.0 if page_types & _ARTICLE_TYPES else 0.0,
        1.0 if page_types & _LIST_TYPES else 0.0,
        1.0 if "article" in og else 0.0,
        1.0 if "product" in og else 0.0,
    ]
    resi_window = _window(in_resi)
    traf_window = _window(in_traf)
    rows = []
    for i, line in enumerate(lines):
        w = max(words[i], 1)
        x = norms[i]
        digits = sum(map(str.isdigit, line))
        stripped = line.lstrip()
        rows.append(
            [
                math.log1p(words[i]),
                math.log1p(len(line)),
                in_resi[i],
                in_traf[i],
                1.0 if x in ld_norm else 0.0,
                min(link_counts[i] / w, 2.0),
                1.0 if link_counts[i] else 0.0,
                1.0 if _END_PUNCT.search(line) else 0.0,
                i / n,
                1.0 if x in boiler else 0.0,
                1.0 if x in main else 0.0,
                math.log(dups[x]),
                float(resi_window[i]),
                float(traf_window[i]),
                1.0 if t_lo <= i <= t_hi else 0.0,
                1.0 if r_lo <= i <= r_hi else 0.0,
                *page[:3],
                *page[3:],
                1.0 if len(line) - len(stripped) >= 2 else 0.0,
                digits / max(len(line), 1),
                1.0 if _CURRENCY.search(line) else 0.0,
                1.0 if stripped[:1].isupper() else 0.0,
            ]
        )
    return PageBlocks(lines, np.asarray(rows, dtype=np.float32), page_types)
