"""The ``fast`` extractor: one resiliparse text pass over a marked-up tree, lines kept by a small
model over cheap signals.

Speed comes from doing each expensive thing once. resiliparse's own main-content heuristic costs
about three times its whole-page pass (a C++ regex per element), so ``fast`` never runs it.
Instead it

1. marks the page's regions in the parsed tree: a pair of control characters is inserted as the
   first and last text of every element that a CSS selector of a region group matches
   (``nav``/``header``/``footer``/``aside`` and their ARIA roles, ``main``/``article``, hidden
   elements, forms). lexbor evaluates the selectors; Python only touches the few matched
   elements (class-name groups were measured: they match ~250 elements a page, cost more than
   resiliparse's whole call to mark, and added nothing on held-out pages);
2. takes the whole page's text in ONE resiliparse pass with ``preserve_formatting=
   "minimal_html"``, which keeps ``<p>``, ``<h1-6>``, ``<li>``, ``<pre>`` and ``<a href>`` in
   the output, so every line carries its block tag, its links and (from the markers) the
   regions it sits in;
3. turns the lines into a feature matrix with whole-text regex passes and numpy (no per-node
   Python walk): length, link share, end punctuation, case, digits, prices, repetition on the
   page, block tag, regions, presence in the publisher's JSON-LD body, and the same signals
   averaged over neighbouring lines (main content is contiguous);
4. keeps the lines that the mean of three one-hidden-layer perceptrons (weights in
   :mod:`tamis.extract.fast_weights`, fitted on half A of WCXB dev by
   ``bench/bench_extract_fast.py train``) scores above its threshold.

No rule names a site or a page. The tree passed in is modified (markers are inserted), so it
must not be used for anything else afterwards.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from html import unescape
from typing import Any

import numpy as np

from tamis.extract.backends import NOSCRIPT_FALLBACK_WORDS
from tamis.extract.core import chosen_blocks
from tamis.extract.markers import mark_elements

#: region groups, each a CSS selector list evaluated by lexbor; the order is the feature order
REGIONS = (
    (
        "boiler",
        "nav, header, footer, aside, [role=navigation], [role=banner], [role=contentinfo], "
        "[role=complementary]",
    ),
    ("main", "main, article, [role=main], [itemprop=articleBody]"),
    ("hidden", "[hidden], [style*='display:none'], [style*='display: none']"),
    ("form", "form"),
)
#: region i opens with chr(0x0E + 2i) and closes with chr(0x0F + 2i): C0 controls that are not
#: white space, so resiliparse passes them through unchanged and pages practically never hold them
_OPEN = tuple(chr(0x0E + 2 * i) for i in range(len(REGIONS)))
_CLOSE = tuple(chr(0x0F + 2 * i) for i in range(len(REGIONS)))
_MARKERS = re.compile("[\x0e-\x1f]")
#: what may precede a line's block tag: indentation and markers
_LEADING = " " + "".join(_OPEN) + "".join(_CLOSE)

#: window radii over which neighbouring lines' signals are averaged
WINDOWS = (1, 3, 10)
_WINDOWED = ("log_words", "link_share", "end_punct", "tag_p", "in_boiler")
FEATURES = (
    "log_words",
    "log_chars",
    "link_share",
    "links_per_word",
    "end_punct",
    "position",
    "upper_first",
    "digit_share",
    "price",
    "log_dup",
    "after_break",
    "tag_p",
    "tag_heading",
    "tag_li",
    "tag_pre",
    "table_cells",
    *(f"in_{name}" for name, _ in REGIONS),
    "in_jsonld",
    *(f"{name}_w{r}" for name in _WINDOWED for r in WINDOWS),
)

_TAG_LI = FEATURES.index("tag_li")
_TAG_OR_MARKER = re.compile(r"<[^>\n]*>|[\x0e-\x1f]")
#: an anchor within one line and without tags inside (nearly all; a line that an anchor holding
#: block elements wraps counts as linked as a whole)
_ANCHOR_PLAIN = re.compile(r"<a [^>\n]*>([^<\n]*)</a>")
_NON_WORD = re.compile(r"[^\w\n]+")
_END_CHARS = frozenset('.!?:;"”’)…。！？')
_PRE = re.compile(r"<pre[\s>].*?</pre>", re.DOTALL)
_HEADINGS = frozenset(("<h1>", "<h2>", "<h3>", "<h4>", "<h5>", "<h6>"))


@dataclass(slots=True)
class PageLines:
    """The page's non-empty lines and their signals."""

    #: each line's text, trimmed (what the signals read)
    lines: list[str]
    #: whether a blank line or a block boundary preceded the line in the page's text
    breaks: list[bool]
    features: np.ndarray
    #: words on the page (white-space gaps plus one per line)
    words: int = 0
    #: lines of ``<pre>`` blocks as they are output, with their indentation (by line index)
    code: dict[int, str] = field(default_factory=dict)


def _mark_regions(tree: Any) -> None:
    """Insert each region's open/close markers as the first and last text of its elements."""
    for (_, selector), opening, closing in zip(REGIONS, _OPEN, _CLOSE, strict=True):
        mark_elements(tree, selector, opening, closing)


def _page_text(tree: Any, *, noscript: bool) -> str:
    from resiliparse.extract.html2text import extract_plain_text

    return extract_plain_text(
        tree,
        main_content=False,
        preserve_formatting="minimal_html",
        links=True,
        alt_texts=True,  # figures kept; the tree has no alt texts (core._parse)
        list_bullets=True,
        form_fields=False,
        noscript=noscript,
    )


def _windows(values: np.ndarray, radii: tuple[int, ...]) -> list[np.ndarray]:
    """For each radius, the mean over each line's neighbours within it (the line itself
    excluded) of every column of ``values``: prefix sums, one pass per radius."""
    n = len(values)
    padded = np.zeros((n + 1, values.shape[1]), dtype=np.float64)
    np.cumsum(values, axis=0, out=padded[1:])
    index = np.arange(n)
    out = []
    for r in radii:
        hi = np.minimum(index + r + 1, n)
        lo = np.maximum(index - r, 0)
        sums = padded[hi] - padded[lo] - values
        counts = (hi - lo - 1).astype(np.float64)[:, None]
        out.append(np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0))
    return out


def _region_flags(codes: np.ndarray, newlines: np.ndarray, keep: np.ndarray) -> list[np.ndarray]:
    """For each region, whether each kept line lies (at least partly) inside it.

    Markers are found in one vectorised pass over the code points; a region's depth at each
    line is the running sum of its opens minus its closes. A line that opens a region counts as
    inside it (its text follows the marker).
    """
    n_raw = len(newlines) + 1
    first, last = ord(_OPEN[0]), ord(_CLOSE[-1])
    at = np.flatnonzero((codes >= first) & (codes <= last))
    if not len(at):
        return [np.zeros(len(keep), dtype=np.float32) for _ in REGIONS]
    line_of = np.searchsorted(newlines, at)
    kinds = codes[at] - first
    out = []
    for g in range(len(REGIONS)):
        opens = np.bincount(line_of[kinds == 2 * g], minlength=n_raw)
        closes = np.bincount(line_of[kinds == 2 * g + 1], minlength=n_raw)
        depth_after = np.cumsum(opens - closes)
        depth_before = depth_after - opens + closes
        inside = (depth_before > 0) | (opens > 0)
        out.append(inside[keep].astype(np.float32))
    return out


def _linked_chars(raw: str, newlines: np.ndarray, n_raw: int) -> np.ndarray:
    """Per line of ``raw``, the length of the text inside its one-line anchors."""
    starts, lengths = [], []
    for m in _ANCHOR_PLAIN.finditer(raw):
        starts.append(m.start())
        lengths.append(m.end(1) - m.start(1))
    if not starts:
        return np.zeros(n_raw, dtype=np.float64)
    line_of = np.searchsorted(newlines, np.asarray(starts))
    return np.bincount(line_of, weights=lengths, minlength=n_raw)


def page_lines(tree: Any, json_ld_body: str | None = None) -> PageLines:
    """The page's lines and their signals, from one text pass over the marked tree (two when
    the visible page is a script shell and its ``<noscript>`` fallback holds more)."""
    _mark_regions(tree)
    page = _lines_of(_page_text(tree, noscript=False), json_ld_body)
    if page.words < NOSCRIPT_FALLBACK_WORDS:
        fallback = _lines_of(_page_text(tree, noscript=True), json_ld_body)
        if fallback.words > page.words:
            return fallback
    return page


def _lines_of(raw: str, json_ld_body: str | None) -> PageLines:
    raw_lines = raw.split("\n")
    plain_lines = _TAG_OR_MARKER.sub("", raw).split("\n")
    if len(plain_lines) != len(raw_lines):  # a tag held a line break
        plain_lines = [_TAG_OR_MARKER.sub("", x) for x in raw_lines]
    codes = np.frombuffer(raw.encode("utf-32-le"), dtype=np.uint32)
    newlines = np.flatnonzero(codes == 10)
    linked = _linked_chars(raw, newlines, len(raw_lines))

    keep_list: list[int] = []
    lines: list[str] = []
    breaks: list[bool] = []
    whole_linked: list[bool] = []
    in_anchor = False
    after_break = True
    for i, (r, p) in enumerate(zip(raw_lines, plain_lines, strict=True)):
        text = p.strip()
        inside_anchor = in_anchor
        if "<a " in r or "</a>" in r:
            in_anchor = r.rfind("<a ") > r.rfind("</a>")
        if not text:
            after_break = True
            continue
        if "&" in text:
            text = unescape(text).replace("\n", " ")
        keep_list.append(i)
        lines.append(text)
        breaks.append(after_break)
        whole_linked.append(inside_anchor)
        after_break = False
    n = len(lines)
    if not n:
        return PageLines([], [], np.zeros((0, len(FEATURES)), dtype=np.float32))
    keep = np.asarray(keep_list, dtype=np.intp)

    f32 = np.float32
    tags = [raw_lines[i].lstrip(_LEADING)[:4] for i in keep_list]
    chars = np.fromiter(map(len, lines), dtype=f32, count=n)
    safe_chars = np.maximum(chars, 1.0)
    digits, currency, blanks = _char_counts(lines)
    words = blanks + 1.0  # resiliparse collapses white space: words are the gaps plus one
    dups = Counter(lines)
    raw_links = np.fromiter((raw_lines[i].count("<a ") for i in keep_list), dtype=f32, count=n)
    link_share = np.where(whole_linked, 1.0, np.minimum(linked[keep] / safe_chars, 1.0))
    end_punct = np.fromiter((x[-1] in _END_CHARS for x in lines), dtype=f32, count=n)
    tag_p = np.fromiter((t[:3] == "<p>" for t in tags), dtype=f32, count=n)
    regions = _region_flags(codes, newlines, keep)
    in_jsonld = _in_json_ld(lines, json_ld_body)
    log_words = np.log1p(words)
    columns = [
        log_words,
        np.log1p(chars),
        link_share,
        np.minimum(raw_links / np.maximum(words, 1.0), 2.0),
        end_punct,
        np.arange(n, dtype=f32) / n,
        np.fromiter((x[0].isupper() for x in lines), dtype=f32, count=n),
        digits / safe_chars,
        np.minimum(currency, 1.0),
        np.log(np.fromiter((dups[x] for x in lines), dtype=f32, count=n)),
        np.asarray(breaks, dtype=f32),
        tag_p,
        np.fromiter((t in _HEADINGS for t in tags), dtype=f32, count=n),
        np.fromiter((t == "<li>" for t in tags), dtype=f32, count=n),
        np.fromiter((t == "<pre" for t in tags), dtype=f32, count=n),
        np.fromiter(("\t\t" in x for x in lines), dtype=f32, count=n),
        *regions,
        in_jsonld,
    ]
    windowed = np.column_stack([log_words, link_share, end_punct, tag_p, regions[0]])
    means = _windows(windowed, WINDOWS)
    columns.extend(means[w][:, c] for c in range(len(_WINDOWED)) for w in range(len(WINDOWS)))
    code = _code_lines(raw, newlines, keep, plain_lines) if "<pre" in raw else {}
    return PageLines(lines, breaks, np.column_stack(columns).astype(f32), int(words.sum()), code)


def _code_lines(
    raw: str, newlines: np.ndarray, keep: np.ndarray, plain_lines: list[str]
) -> dict[int, str]:
    """The kept lines inside ``<pre>`` blocks, as output: indented as the page has them."""
    out: dict[int, str] = {}
    for m in _PRE.finditer(raw):
        first, last = np.searchsorted(newlines, [m.start(), m.end() - 1])
        lo, hi = np.searchsorted(keep, [first, last + 1])
        for j in range(lo, hi):
            line = plain_lines[keep[j]].rstrip()
            out[int(j)] = unescape(line) if "&" in line else line
    return out


def _char_counts(lines: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per line, how many ASCII digits, currency signs and spaces or tabs it holds: one
    vectorised pass over the bytes of the page's text instead of a regex per line.

    Encoding to latin-1 with replacement keeps one byte per character (anything else becomes
    ``?``), so byte offsets are character offsets; the two currency signs outside latin-1 are
    turned into ``$`` first.
    """
    n = len(lines)
    joined = "\n".join(lines).replace("€", "$").replace("₹", "$")
    codes = np.frombuffer(joined.encode("latin-1", "replace"), dtype=np.uint8)
    line_of = np.cumsum(codes == 10)
    digits = np.bincount(line_of, weights=(codes - 48) < 10, minlength=n)[:n]
    currency = np.bincount(
        line_of, weights=(codes == 0x24) | (codes == 0xA3) | (codes == 0xA5), minlength=n
    )[:n]
    blanks = np.bincount(line_of, weights=(codes == 32) | (codes == 9), minlength=n)[:n]
    return digits.astype(np.float32), currency.astype(np.float32), blanks.astype(np.float32)


def _in_json_ld(lines: list[str], json_ld_body: str | None) -> np.ndarray:
    """Whether each line's words occur, in order, in the publisher's JSON-LD body."""
    n = len(lines)
    if not json_ld_body:
        return np.zeros(n, dtype=np.float32)
    body = " " + " ".join(_NON_WORD.sub(" ", json_ld_body.lower()).split()) + " "
    norms = _NON_WORD.sub(" ", "\n".join(lines).lower()).split("\n")
    return np.fromiter(
        (len(x) > 2 and (" " + x.strip() + " ") in body for x in norms), dtype=np.float32, count=n
    )


class LineModel:
    """The mean of a few one-hidden-layer perceptrons (fitted alike from different random
    starts), evaluated with numpy. Averaging them removes most of the seed-to-seed variance a
    single small network shows on unseen pages."""

    def __init__(self, params: dict) -> None:
        if tuple(params["features"]) != FEATURES:
            raise ValueError("fast line model was trained on other features; retrain it")
        self.mean = np.asarray(params["mean"], dtype=np.float32)
        self.scale = np.asarray(params["scale"], dtype=np.float32)
        self.members = [
            [(np.asarray(w, dtype=np.float32), np.asarray(b, dtype=np.float32)) for w, b in layers]
            for layers in params["members"]
        ]
        self.threshold = float(params["threshold"])

    def keep_probability(self, features: np.ndarray) -> np.ndarray:
        if not len(features):
            return np.zeros(0, dtype=np.float32)
        x = (features - self.mean) / self.scale
        total = np.zeros(len(features), dtype=np.float32)
        for layers in self.members:
            h = x
            for i, (w, b) in enumerate(layers):
                h = h @ w + b
                if i < len(layers) - 1:
                    h = np.maximum(h, 0.0)
            total += 1.0 / (1.0 + np.exp(-h[:, 0]))
        return total / len(self.members)


@cache
def load_line_model() -> LineModel:
    from tamis.extract.fast_weights import MODEL

    return LineModel(MODEL)


def kept_lines(lines: list[str], probability: np.ndarray, threshold: float) -> np.ndarray:
    """Which lines are kept: the model's probable ones, a line the page repeats once (as
    ``auto`` adds its blocks)."""
    likely = np.flatnonzero(probability >= threshold)
    keep = np.zeros(len(lines), dtype=bool)
    keep[chosen_blocks(lines, likely, probability[likely], threshold)] = True
    return keep


def shown_lines(page: PageLines, keep: np.ndarray) -> list[str]:
    """The page's lines as output where kept: a list item with its ``- `` (as trafilatura
    writes one), a code line with its indentation."""
    lines = list(page.lines)
    for i in np.flatnonzero(keep & (page.features[:, _TAG_LI] > 0)):
        lines[i] = "- " + lines[i]
    for i, line in page.code.items():
        if keep[i]:
            lines[i] = line
    return lines


def join_lines(lines: list[str], breaks: list[bool], keep: np.ndarray) -> str:
    """The kept lines, a blank line between blocks that the page (or a dropped line) set apart."""
    out: list[str] = []
    gap = False
    for line, brk, kept in zip(lines, breaks, keep, strict=True):
        if not kept:
            gap = True
            continue
        if out:
            out.append("\n\n" if (brk or gap) else "\n")
        out.append(line)
        gap = False
    return "".join(out)


def extract_fast(tree: Any, json_ld_body: str | None = None) -> tuple[str, int, int]:
    """The page's main text, its number of lines and how many were kept."""
    page = page_lines(tree, json_ld_body)
    if not page.lines:
        return "", 0, 0
    model = load_line_model()
    keep = kept_lines(page.lines, model.keep_probability(page.features), model.threshold)
    return join_lines(shown_lines(page, keep), page.breaks, keep), len(page.lines), int(keep.sum())
