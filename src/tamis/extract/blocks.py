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
_END_CHARS = '.!?:;"”’)…。！？'
_NON_WORD = re.compile(r"[^\w\n]+")
_DIGIT = re.compile(r"\d")
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
    #: ``norm`` of each line, kept for callers that match blocks against other texts
    norms: list[str] = field(default_factory=list)


def _container_text(tree: Any, selector: str) -> str:
    """Normalised text of the matching elements, each once: an element nested in one already
    taken adds nothing (its text is inside), and skipping it keeps the string short, which is
    what every block's membership test scans."""
    try:
        elements = tree.document.query_selector_all(selector)
    except Exception:  # noqa: BLE001 - a selector lexbor rejects just gives no signal
        return " "
    taken = " "
    for el in elements[:_MAX_CONTAINERS]:
        text = el.text
        if not text:
            continue
        n = norm(text)
        if n not in taken:
            taken = f"{taken}|{n}"
    return taken


def _window(values: list[float], radius: int = 2) -> np.ndarray:
    """Mean of each block's neighbours within ``radius`` (the block itself excluded)."""
    v = np.asarray(values, dtype=np.float32)
    kernel = np.ones(2 * radius + 1, dtype=np.float32)
    kernel[radius] = 0.0
    # full convolution, centred slice: the same as mode="same" but also right when the page
    # has fewer blocks than the kernel is long
    n = len(v)
    sums = np.convolve(v, kernel)[radius : radius + n]
    counts = np.convolve(np.ones_like(v), kernel)[radius : radius + n]
    return np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)


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
    lines = []
    link_counts = []
    for line in linked.split("\n"):
        if line.strip():
            clean, n_links = _LINK.subn("", line)
            lines.append(clean.rstrip())
            link_counts.append(n_links)
    # one regex pass over the whole page instead of one per block; equal to norm() per line
    norms = [
        " " + x.strip() + " " for x in _NON_WORD.sub(" ", "\n".join(lines).lower()).split("\n")
    ]
    keep = [i for i, x in enumerate(norms) if len(x) > 2]
    if len(keep) < len(lines):
        lines = [lines[i] for i in keep]
        norms = [norms[i] for i in keep]
        link_counts = [link_counts[i] for i in keep]
    n = len(lines)
    page_types = set(json_ld_types)
    if not n:
        return PageBlocks([], np.zeros((0, len(FEATURES)), dtype=np.float32), page_types)

    resi_norm = norm(resi_main)
    traf_norm = norm(traf) if traf is not None else " "
    ld_norm = norm(json_ld_body) if json_ld_body else " "
    boiler = _container_text(tree, _BOILER_SELECTOR)
    main = _container_text(tree, _MAIN_SELECTOR)
    dups = Counter(norms)
    f32 = np.float32
    in_resi = np.fromiter((x in resi_norm for x in norms), dtype=f32, count=n)
    in_traf = np.fromiter((x in traf_norm for x in norms), dtype=f32, count=n)
    t_idx, r_idx = np.flatnonzero(in_traf), np.flatnonzero(in_resi)
    position = np.arange(n, dtype=f32)
    words = np.fromiter((x.count(" ") - 1 for x in norms), dtype=f32, count=n)
    chars = np.fromiter((len(line) for line in lines), dtype=f32, count=n)
    links = np.asarray(link_counts, dtype=f32)
    total_words = max(1.0, float(words.sum()))
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

    def flags(values) -> np.ndarray:
        return np.fromiter(values, dtype=f32, count=n)

    columns = [
        np.log1p(words),
        np.log1p(chars),
        in_resi,
        in_traf,
        flags(x in ld_norm for x in norms),
        np.minimum(links / np.maximum(words, 1.0), 2.0),
        (links > 0).astype(f32),
        flags(line[-1:] in _END_CHARS for line in lines),
        position / n,
        flags(x in boiler for x in norms),
        flags(x in main for x in norms),
        np.log(flags(dups[x] for x in norms)),
        _window(in_resi),
        _window(in_traf),
        _in_span(position, t_idx),
        _in_span(position, r_idx),
        *[np.full(n, v, dtype=f32) for v in page],
        flags(len(line) - len(line.lstrip()) >= 2 for line in lines),
        (chars - flags(len(_DIGIT.sub("", line)) for line in lines)) / np.maximum(chars, 1.0),
        flags(_CURRENCY.search(line) is not None for line in lines),
        flags(line.lstrip()[:1].isupper() for line in lines),
    ]
    return PageBlocks(lines, np.column_stack(columns).astype(f32), page_types, norms)


def _in_span(position: np.ndarray, idx: np.ndarray) -> np.ndarray:
    if not len(idx):
        return np.zeros_like(position)
    return ((position >= idx[0]) & (position <= idx[-1])).astype(np.float32)
