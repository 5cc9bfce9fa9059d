"""Blocks of a page and the generic signals that say whether each is main content.

A page's visible text (resiliparse, every block on its own line) is split into blocks; each
block gets signals that hold on any site: whether trafilatura and resiliparse's main-content
heuristics kept it (and how many of its neighbours they kept), whether it sits inside
``<nav>``/``<header>``/``<footer>``/``<aside>`` or inside ``<main>``/``<article>``, which kind
of element holds it (heading, list item, table cell, paragraph, form), its link density,
length and punctuation, overlap with the title and description, whether the publisher's
JSON-LD body contains it, and page-level hints (JSON-LD and Open Graph types, how much of the
page each heuristic kept). The DOM context comes from the same single text pass: marker
characters put into the tree around each context group's elements come out in the text and
say, line by line, which groups are open. A small model (:mod:`tamis.extract.model`) turns
these into a keep probability.

Generic class/id words of the ancestors (comment, related, sidebar, product...) were signals
too; on held-out pages they added nothing (WCXB dev half B 0.857 without their columns, 0.854
with) and their selector and markers were half of the block stage's time, so they are gone.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tamis.extract.markers import mark_elements
from tamis.extract.metadata import LIST_TYPES

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
_FORUM_TYPES = {"discussionforumposting", "qapage", "question", "answer", "comment"}
_PRODUCT_TYPES = {"product", "offer", "aggregateoffer", "productgroup"}
_ARTICLE_TYPES = {"article", "newsarticle", "blogposting", "techarticle", "report"}

#: element kinds a block can sit in
TAG_GROUPS = {
    "heading": "h1, h2, h3, h4, h5, h6",
    "list": "li, dd, dt",
    "table": "td, th",
    "paragraph": "p, blockquote, pre",
    "form": "form, button, select, label",
}

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
    *(f"tag_{group}" for group in TAG_GROUPS),
    "title_share",
    "desc_share",
    "links_window",
    "boiler_window",
    "end_punct_window",
    "traf_distance",
    "before_traf",
    "after_traf",
    "page_link_share",
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
    #: whether a list item (``li``, ``dt``, ``dd``) starts on the line: it is written ``- ``
    item_starts: list[bool] = field(default_factory=list)


#: marker characters (supplementary private use, never ``\\w``; the BMP private-use area is
#: taken by icon fonts) put around the content of elements of
#: each context group, so that the one whole-page text pass also says, line by line, which
#: groups of ancestors the line sits in; open = base + group, close = base + 0x80 + group
_OPEN, _CLOSE = 0xF0000, 0xF0080
_MARK = re.compile("[\U000f0000-\U000f00ff]")


#: (selector, name) of every context group, in the order of the bits of a line's context mask
_SELECTOR_GROUPS = [
    (_BOILER_SELECTOR, "boiler"),
    (_MAIN_SELECTOR, "main"),
    *[(selector, f"tag_{name}") for name, selector in TAG_GROUPS.items()],
]
_GROUP_BITS = [name for _, name in _SELECTOR_GROUPS]
_ITEM_BIT = 1 << _GROUP_BITS.index("tag_list")


def _mark_context(tree: Any) -> None:
    """Put each context group's open/close markers inside every element of the group (in
    place). An element in two groups (a ``li`` with ``role=navigation``) gets both pairs."""
    for group, (selector, _) in enumerate(_SELECTOR_GROUPS):
        mark_elements(tree, selector, chr(_OPEN + group), chr(_CLOSE + group))


def _line_contexts(text: str) -> tuple[list[str], list[int], list[int]]:
    """Lines of a marked text without their markers, each line's context mask (the groups
    open at its start or opened on it) and the mask of the groups opened on it."""
    depth = [0] * len(_GROUP_BITS)
    mask = 0
    lines, masks, opened = [], [], []
    for line in text.split("\n"):
        if _MARK.search(line) is None:
            lines.append(line)
            masks.append(mask)
            opened.append(0)
            continue
        line_mask = mask
        line_opened = 0
        for m in _MARK.finditer(line):
            code = ord(m.group())
            if (code - _OPEN) % 0x80 >= len(depth):
                continue  # the page's own private-use character, not a marker
            if code >= _CLOSE:
                group = code - _CLOSE
                depth[group] -= 1
                if depth[group] <= 0:
                    depth[group] = 0
                    mask &= ~(1 << group)
            else:
                group = code - _OPEN
                depth[group] += 1
                mask |= 1 << group
                line_mask |= 1 << group
                line_opened |= 1 << group
        lines.append(_MARK.sub("", line))
        masks.append(line_mask)
        opened.append(line_opened)
    return lines, masks, opened


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
    title: str | None = None,
    description: str | None = None,
) -> PageBlocks:
    """Blocks of the page with their signals (``traf`` None: without trafilatura's verdicts).

    Marks ``tree`` in place (context markers), so callers read anything else from it first."""
    from tamis.extract.backends import resiliparse_raw

    _mark_context(tree)
    text = resiliparse_raw(tree, main_content=False, links=True)
    raw_lines, raw_masks, raw_opened = _line_contexts(text)
    lines = []
    link_counts = []
    masks = []
    starts = []  # a list item opens on the line (or on the blank lines just before it)
    pending = False
    for line, mask, opened in zip(raw_lines, raw_masks, raw_opened, strict=True):
        pending = pending or bool(opened & _ITEM_BIT)
        if line.strip():
            clean, n_links = _LINK.subn("", line)
            lines.append(clean.rstrip())
            link_counts.append(n_links)
            masks.append(mask)
            starts.append(pending)
            pending = False
    # one regex pass over the whole page instead of one per block; equal to norm() per line
    norms = [
        " " + x.strip() + " " for x in _NON_WORD.sub(" ", "\n".join(lines).lower()).split("\n")
    ]
    keep = [i for i, x in enumerate(norms) if len(x) > 2]
    if len(keep) < len(lines):
        lines = [lines[i] for i in keep]
        norms = [norms[i] for i in keep]
        link_counts = [link_counts[i] for i in keep]
        masks = [masks[i] for i in keep]
        starts = [starts[i] for i in keep]
    n = len(lines)
    page_types = set(json_ld_types)
    if not n:
        return PageBlocks([], np.zeros((0, len(FEATURES)), dtype=np.float32), page_types)

    resi_norm = norm(resi_main)
    traf_norm = norm(traf) if traf is not None else " "
    ld_norm = norm(json_ld_body) if json_ld_body else " "
    mask_array = np.asarray(masks, dtype=np.int64)
    context = {
        name: ((mask_array >> bit) & 1).astype(np.float32) for bit, name in enumerate(_GROUP_BITS)
    }
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
        1.0 if page_types & LIST_TYPES else 0.0,
        1.0 if "article" in og else 0.0,
        1.0 if "product" in og else 0.0,
    ]

    def flags(values) -> np.ndarray:
        return np.fromiter(values, dtype=f32, count=n)

    in_boiler = context["boiler"]
    end_punct = flags(line[-1:] in _END_CHARS for line in lines)
    columns = [
        np.log1p(words),
        np.log1p(chars),
        in_resi,
        in_traf,
        flags(x in ld_norm for x in norms),
        np.minimum(links / np.maximum(words, 1.0), 2.0),
        (links > 0).astype(f32),
        end_punct,
        position / n,
        in_boiler,
        context["main"],
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
        *[context[f"tag_{name}"] for name in TAG_GROUPS],
        _share_in(norms, words, title),
        _share_in(norms, words, description),
        _window((links > 0).astype(f32)),
        _window(in_boiler),
        _window(end_punct),
        *_traf_distance(position, t_idx, n),
        np.full(n, float((links > 0).mean()), dtype=f32),
    ]
    return PageBlocks(lines, np.column_stack(columns).astype(f32), page_types, norms, starts)


def _share_in(norms: list[str], words: np.ndarray, text: str | None) -> np.ndarray:
    """Share of each block's words that occur in ``text`` (the title, the description)."""
    if not text:
        return np.zeros(len(norms), dtype=np.float32)
    vocab = set(_WORD.findall(text.lower()))
    hits = np.fromiter(
        (sum(w in vocab for w in x.split()) for x in norms), dtype=np.float32, count=len(norms)
    )
    return hits / np.maximum(words, 1.0)


def _traf_distance(position: np.ndarray, idx: np.ndarray, n: int) -> list[np.ndarray]:
    """Blocks to the nearest block the base extractor kept (log), and whether the block lies
    before the first or after the last of them."""
    if not len(idx):
        return [
            np.full(n, np.log1p(n), dtype=np.float32),
            np.zeros(n, np.float32),
            np.zeros(n, np.float32),
        ]
    right = np.searchsorted(idx, position, side="left")
    after = idx[np.minimum(right, len(idx) - 1)]
    before = idx[np.maximum(right - 1, 0)]
    dist = np.minimum(np.abs(after - position), np.abs(position - before))
    return [
        np.log1p(dist).astype(np.float32),
        (position < idx[0]).astype(np.float32),
        (position > idx[-1]).astype(np.float32),
    ]


def _in_span(position: np.ndarray, idx: np.ndarray) -> np.ndarray:
    if not len(idx):
        return np.zeros_like(position)
    return ((position >= idx[0]) & (position <= idx[-1])).astype(np.float32)
