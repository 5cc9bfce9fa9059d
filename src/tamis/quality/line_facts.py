"""What the line rules need of a batch of texts, in one pass over all their characters.

Gopher quality, Gopher repetition and FineWeb each split every document into lines and count
a few characters in it (``#``, ``...``, newlines, the other line breaks). On short documents
that is many small Python calls per document, and on texts stored two bytes a character (any
Indic script) each ``str.count`` or ``in`` is a loop of its own: together they cost more than
the words. Here the texts of a batch are joined by ``\\n`` (so no line crosses two documents),
read once as code points through one table of character classes, and every count the three
rule sets ask for comes out of array operations over the few characters that matter
(whitespace and the marks below) and over the lines:

* per document: its newlines, whether it holds another ``str.splitlines`` line break or
  ``"\\n\\n"``, its ``#``, its ``...`` (``str.count``: runs of dots, three to a count) and
  ``…``, its lines that open with a bullet (``-`` or ``•`` their first character that is not
  whitespace);
* per line (``\\n``-split): where it is and how many of its characters are whitespace (blank
  lines are those with no other), so FineWeb's lines, their ends and lengths need no string;
* which documents *may* repeat a line: each line keyed by its document, length and three of
  its characters; a document where no two keys are equal repeats no line (equal lines have
  equal keys). Only the others are checked with the lines themselves, as before.

A document holding a line break other than ``\\n`` (whose ``str.splitlines`` lines differ from
its ``\\n`` lines) gets no facts: its rules take the per-document path. Everything here is a
count, so the signals built from it are the same numbers, bit for bit.
"""

from __future__ import annotations

from functools import cache

import numpy as np

_WS = 1  # str.isspace (``\n`` included)
_NL = 2  # ``\n``
_BREAK = 4  # a str.splitlines line break other than ``\n``
_HASH = 8  # ``#``
_DOT = 16  # ``.``
_ELLIPSIS = 32  # ``…``
_BULLET = 64  # ``-`` or ``•``: a line may open with a bullet

_OTHER_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_BMP = 0x10000
# Key mixes for the repeated-line filter (odd 64-bit constants; wrapping is meant).
_MIX = tuple(
    np.uint64(m)
    for m in (0x9E3779B97F4A7C15, 0xD6E8FEB86659FD93, 0x632BE59BD9B4E019, 0xA0761D6478BD642F)
)

_DOC_MIX = np.uint64(0xFF51AFD7ED558CCD)


@cache
def _table() -> np.ndarray:
    """The class bits of every BMP character (above it: none)."""
    table = np.zeros(_BMP, dtype=np.uint8)
    table[[i for i in range(_BMP) if chr(i).isspace()]] = _WS
    table[ord("\n")] |= _NL
    for ch in _OTHER_BREAKS:
        table[ord(ch)] |= _BREAK
    table[ord("#")] |= _HASH
    table[ord(".")] |= _DOT
    table[ord("…")] |= _ELLIPSIS
    table[ord("-")] |= _BULLET
    table[ord("•")] |= _BULLET
    outside = np.flatnonzero(table)
    outside = outside[~np.any([(outside >= a) & (outside <= b) for a, b in _RANGES], axis=0)]
    if len(outside):
        raise ValueError(f"classed characters outside the searched ranges: {outside}")
    return table


#: every character with a class lies in one of these ranges (checked when the table is built)
_RANGES = ((0, 0x2E), (0x85, 0xA0), (0x1680, 0x3000))


def _notable(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The positions of the characters with a class, and their classes. A few comparisons
    over all the code points find the candidates (the ranges that hold every classed
    character: ASCII whitespace and punctuation, most of a Latin text's other characters and
    none of an Indic one's), then only those are looked up in the table."""
    maybe = codes <= _RANGES[0][1]
    if codes.dtype != np.uint8:  # ASCII: nothing above
        for low, high in _RANGES[1:]:
            maybe |= (codes - low) <= high - low  # wraps below low: one test a range
    at = np.flatnonzero(maybe)
    kind = np.take(_table(), np.take(codes, at))
    keep = np.flatnonzero(kind != 0)
    return np.take(at, keep), np.take(kind, keep)


def code_points(text: str) -> np.ndarray:
    """The code points of ``text`` in the narrowest array that holds them one per character
    (UTF-16 costs half of UTF-32 to write, and is one unit a character without surrogates)."""
    if text.isascii():
        return np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    units = text.encode("utf-16-le", "surrogatepass")
    if len(units) == 2 * len(text):
        return np.frombuffer(units, dtype=np.uint16)
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _sums(values: np.ndarray, bounds: np.ndarray) -> list[int]:
    """Sums of ``values`` between consecutive ``bounds`` (a cumulative sum, read at them)."""
    total = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum(values, out=total[1:])
    return np.diff(np.take(total, bounds)).tolist()


class LineFacts:
    """The facts of a batch of texts (see the module's docstring); document ``d``'s are read
    through the per-document lists, those that depend on an option through the methods."""

    def __init__(self, texts: list[str]) -> None:
        n = len(texts)
        joined = "\n".join(texts)
        #: the texts' code points, joined by \n (read by the batch's word split too)
        self.codes = codes = code_points(joined)
        if not len(codes):  # one empty text: a code to read where its (empty) line ends
            codes = np.zeros(1, dtype=np.uint8)
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
        #: where each text starts in :attr:`codes` (the last: one past the end)
        self.doc_start = doc_start = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(lengths + 1, out=doc_start[1:])
        notable, kind = _notable(codes)
        ws = np.take(notable, np.flatnonzero((kind & _WS) != 0))
        # the few characters that are more than whitespace, and their documents, found once
        rare = np.flatnonzero((kind & ~np.uint8(_WS)) != 0)
        rare_at, rare_kind = np.take(notable, rare), np.take(kind, rare)
        rare_doc = np.searchsorted(doc_start, rare_at, "right") - 1

        def docs_of(mask: int) -> np.ndarray:
            which = np.flatnonzero((rare_kind & mask) != 0)
            return np.take(rare_doc, which), np.take(rare_at, which)

        def count(mask: int) -> np.ndarray:
            return np.bincount(docs_of(mask)[0], minlength=n)

        # Lines: the \n split of the joined text; the n - 1 joining \n end each document's last.
        nl_doc, nl = docs_of(_NL)
        newlines = np.bincount(nl_doc, minlength=n)
        newlines[:-1] -= 1
        line_counts = newlines + 1
        #: per document, its lines are lines[line_bounds[d]:line_bounds[d + 1]]
        self.line_bounds = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(line_counts, out=self.line_bounds[1:])
        self.line_start = np.empty(len(nl) + 1, dtype=np.int64)
        self.line_start[0] = 0
        self.line_start[1:] = nl + 1
        self.line_end = np.append(nl, len(joined))
        self.line_doc = np.repeat(np.arange(n), line_counts)
        blanks = np.searchsorted(ws, self.line_end) - np.searchsorted(ws, self.line_start)
        self.line_length = self.line_end - self.line_start
        self.nonblank = np.flatnonzero(self.line_length > blanks)
        self._codes = codes
        # "\n\n" in a text: two \n in a row, neither of them a joining one
        joining = np.zeros(len(nl), dtype=bool)
        joining[self.line_bounds[1:-1] - 1] = True
        double = (nl[1:] == nl[:-1] + 1) & ~joining[1:] & ~joining[:-1]
        has_double = np.zeros(n, dtype=bool)
        has_double[np.take(nl_doc, np.flatnonzero(double))] = True
        # "..." as str.count counts it: each run of dots holds len // 3
        dot_doc, dots = docs_of(_DOT)
        triples = np.zeros(n, dtype=np.int64)
        if len(dots):
            run = np.flatnonzero(np.append(True, dots[1:] != dots[:-1] + 1))
            run_len = np.diff(np.append(run, len(dots)))
            np.add.at(triples, np.take(dot_doc, run), run_len // 3)
        ends = doc_start[:-1] + lengths - 1
        ends_nl = (lengths > 0) & (np.take(codes, np.maximum(ends, 0)) == ord("\n"))
        self.length = lengths.tolist()
        #: per document: None when another line break makes its lines differ from the \n ones
        self.ok = (count(_BREAK) == 0).tolist()
        self.newlines = newlines.tolist()
        #: str.splitlines lines (no empty one after a final \n; none in an empty text)
        self.splitlines = np.where(lengths > 0, line_counts - ends_nl, 0).tolist()
        self.has_double_newline = has_double.tolist()
        self.hashes = count(_HASH).tolist()
        self.dots = (triples + count(_ELLIPSIS)).tolist()
        # lines opening with a bullet: the mark is their first character that is no whitespace
        _, marks = docs_of(_BULLET)
        line = np.searchsorted(self.line_start, marks, "right") - 1
        start = np.take(self.line_start, line)
        leading = np.searchsorted(ws, marks) - np.searchsorted(ws, start)
        opened = np.take(line, np.flatnonzero(leading == marks - start))
        self.bullets = np.bincount(np.take(self.line_doc, opened), minlength=n).tolist()
        self._nonblank: dict = {}  # (what, option) -> per-document counts; "bounds"
        self._repeats: list[bool] | None = None

    def nonblank_lines(self) -> list[int]:
        """Per document, its non-blank lines (FineWeb's lines)."""
        return self._nonblank_sums("n", None)

    def nonblank_ending(self, marks: tuple[str, ...]) -> list[int] | None:
        """Per document, its non-blank lines ending in one of ``marks`` (single characters;
        None when one is longer)."""
        found = self._nonblank.get(("end", marks))
        if found is not None:
            return found
        if any(len(m) != 1 for m in marks):
            return None
        return self._nonblank_sums("end", marks)

    def nonblank_short(self, length: int) -> list[int]:
        """Per document, its non-blank lines of at most ``length`` characters."""
        return self._nonblank_sums("short", length)

    def _nonblank_sums(self, what: str, arg) -> list[int]:
        found = self._nonblank.get((what, arg))
        if found is not None:
            return found
        lines = self.nonblank
        if what == "n":
            values = np.ones(len(lines), dtype=np.int64)
        elif what == "short":
            values = np.take(self.line_length, lines) <= arg
        else:
            last = np.take(self._codes, np.take(self.line_end, lines) - 1)
            codes = [ord(m) for m in arg]
            table = np.zeros(max(codes, default=0) + 2, dtype=bool)  # its last entry: False
            table[codes] = True
            values = np.take(table, last, mode="clip")
        bounds = self._nonblank.get("bounds")
        if bounds is None:  # the non-blank lines of document d: those before line_bounds[d + 1]
            bounds = self._nonblank["bounds"] = np.searchsorted(lines, self.line_bounds)
        found = self._nonblank[(what, arg)] = _sums(values, bounds)
        return found

    def may_repeat(self) -> list[bool]:
        """Per document, whether two of its lines may be equal: False means certainly not
        (their keys, from the document, the length and three characters of each line, all
        differ), so neither may two of its non-blank lines."""
        if self._repeats is not None:
            return self._repeats
        start, length = self.line_start, self.line_length
        last = len(self._codes) - 1
        full = length > 0  # an empty line's characters are read as 0
        first = np.take(self._codes, np.minimum(start, last)) * full
        end = np.take(self._codes, np.clip(start + length - 1, 0, last)) * full
        middle = np.take(self._codes, np.minimum(start + length // 2, last)) * full
        with np.errstate(over="ignore"):
            key = length.astype(np.uint64) * _MIX[0]
            key ^= first.astype(np.uint64) * _MIX[1]
            key ^= end.astype(np.uint64) * _MIX[2]
            key ^= middle.astype(np.uint64) * _MIX[3]
            key += self.line_doc.astype(np.uint64) * _DOC_MIX
        order = np.argsort(key)
        ranked = np.take(key, order)
        same = np.flatnonzero(ranked[1:] == ranked[:-1])
        repeats = np.zeros(len(self.length), dtype=bool)
        repeats[np.take(self.line_doc, np.take(order, same))] = True
        self._repeats = repeats.tolist()
        return self._repeats


#: a batch's line facts are built when its texts hold at least this many characters (below,
#: the array operations' fixed cost is more than the per-document calls they replace)
LINE_BATCH_MIN_CHARS = 8_192
