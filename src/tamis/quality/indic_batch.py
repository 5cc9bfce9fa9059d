"""IndicNLP's trivial tokenizer over many documents at once, in array operations.

:mod:`tamis.quality.segment_indic` splits a text into space-separated units and looks each
one's words up in a memo: per document that is a ``str.split``, one dictionary lookup per unit,
a join of the units' words and a sum of their facts, all Python-level work per unit. Indic
documents are cheap for datatrove too (IndicNLP's tokenizer is two regular expressions), so that
per-unit work was a large share of tamis's time. Here a batch's texts are joined (a space
between two documents: no token crosses it) and their words found with array operations over
the separators, marks and blanks alone (about a fifth of running text) and a few over every
character, from one table of character classes:

* a token is a run of characters that are neither a space or tab nor one of the tokenizer's
  punctuation marks; each mark is a token of its own; datatrove strips each token
  (``str.strip``: Unicode whitespace, which a token may also hold inside, as in ``"a\\nb"``)
  and drops the blank ones. So a word starts at a non-blank character whose previous non-blank
  character is a separator, a mark or nothing, and ends likewise, or is a mark;
* outside Urdu, ``<token ending in a digit> <one of , . : /> <token starting with a digit>``
  (spaces between) is glued into one token (IndicNLP's ``pat_num_seq``); the three pieces
  become one word. A text that opens with such a number is left to :meth:`IndicWords.words`
  (IndicNLP's loop skips a match at position 0), as in the unit path;
* each word's facts (a symbol or not, letters, a letter or not) are read from the same
  table, from its first character when that settles them (most words), and summed per
  document.

Below ~12,000 characters a call the fixed cost of the array operations (~170 us) is more than
the unit path's lookups: :func:`tamis.quality.parts.split_units_together` decides.

The results are the words, kept as arrays for the rules that read them there
(:class:`tamis.quality.word_arrays.WordArrays`: the n-grams, the stop words; the words joined
by spaces, datatrove's n-gram text, only when asked for), and the four word statistics of
:func:`tamis.quality.chunks.word_stats`, per document; the tests hold both equal to the unit
path and to IndicNLP on real and random text.

Every pass over all the characters counts here, and two numpy habits cost several times what
they seem to: indexing with a dense boolean mask (positions from ``np.flatnonzero`` then
``np.take`` are used instead) and fancy indexing into the class table (``np.take`` again).
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np

from tamis.quality.chunks import PUNCTUATION_SET
from tamis.quality.line_facts import code_points
from tamis.quality.word_arrays import WordArrays

#: (words, non-symbol words, letters in non-symbol words, words with a letter)
WordStats = tuple[int, int, int, int]

_SEP = 1  # a space or a tab: separates tokens
_MARK = 2  # one of the tokenizer's punctuation marks: a token of its own
_BLANK = 4  # other whitespace: stripped from a token's ends
_NOT_SYMBOL = 8  # not in datatrove's PUNCTUATION_SET
_ALPHA = 16  # str.isalpha
_DIGIT = 32  # an ASCII digit
_GLUE = 64  # a mark a number may be glued across: , . : /
_BMP = 0x10000

#: documents per call are grouped up to this many characters (arrays stay cache-sized)
GROUP_CHARS = 1 << 18


def _flags_of(ch: str, mark: re.Pattern) -> int:
    if ch in " \t":
        flags = _SEP
    elif mark.fullmatch(ch):
        flags = _MARK | (_GLUE if ch in ",.:/" else 0)
    elif ch.isspace():
        flags = _BLANK
    else:
        flags = _DIGIT if ch in "0123456789" else 0
    if ch not in PUNCTUATION_SET:
        flags |= _NOT_SYMBOL
    if ch.isalpha():
        flags |= _ALPHA
    return flags


class IndicBatch:
    """The words of many texts for one IndicNLP pattern (its marks), in array operations."""

    def __init__(self, mark: re.Pattern, glues_numbers: bool) -> None:
        self._mark = mark
        self._glues = glues_numbers
        self._table = np.fromiter(
            (_flags_of(chr(i), mark) for i in range(_BMP)), dtype=np.uint8, count=_BMP
        )

    def split(self, texts: list[str]) -> list[tuple[str, tuple[int, int, int, int]]]:
        """Per text: (its words joined by single spaces, (words, non-symbol words, letters in
        non-symbol words, words with a letter)). No text may open with a glued number."""
        return [(arrays.spaced(d), stats) for arrays, d, stats in self.split_arrays(texts)]

    def split_arrays(
        self, texts: list[str], joined: tuple[np.ndarray, int] | None = None
    ) -> list[tuple[WordArrays, int, WordStats]]:
        """Per text: (the words of its group of texts, its index there, its four word
        statistics as :meth:`split` gives them). No text may open with a glued number.

        ``joined``: the code points of the texts joined by one character, from position
        ``joined[1]`` on (read there instead of encoding the texts again; the joining
        characters are read as separators whatever they are)."""
        out: list[tuple[WordArrays, int, WordStats]] = []
        start = size = 0
        at = 0 if joined is None else joined[1]
        for i, text in enumerate(texts):
            if size and size + len(text) > GROUP_CHARS:
                out += self._group(texts[start:i], joined and joined[0][at : at + size - 1])
                start, at, size = i, at + size, 0
            size += len(text) + 1
        if start < len(texts):
            out += self._group(texts[start:], joined and joined[0][at : at + size - 1])
        return out

    def _flags(self, codes: np.ndarray) -> np.ndarray:
        # np.take, not indexing: several times faster here (it skips the bounds checks)
        if codes.dtype != np.uint32 or codes.max() < _BMP:  # narrower: all in the BMP
            return np.take(self._table, codes)
        flags = np.take(self._table, codes, mode="clip")
        for i in np.flatnonzero(codes >= _BMP).tolist():  # rare: classified one by one
            flags[i] = _flags_of(chr(int(codes[i])), self._mark)
        return flags

    def _group(
        self, texts: list[str], codes: np.ndarray | None = None
    ) -> list[tuple[WordArrays, int, WordStats]]:
        if codes is None:
            codes = code_points(" ".join(texts))
        # one past each document's separator (the space joining it to the next)
        doc_end = np.cumsum([len(t) + 1 for t in texts])
        if not len(codes):
            return _no_words(texts)
        flags = self._flags(codes)
        flags[doc_end[:-1] - 1] = self._table[ord(" ")]  # whatever joins them, a separator
        special = np.flatnonzero((flags & (_SEP | _MARK | _BLANK)) != 0)
        kind = flags[special]
        starts, ends = _pieces(special, kind, len(codes))
        # Pieces are words unless glued into a number: joins[k] when piece k ends one.
        joins = np.zeros(len(starts), dtype=bool)
        if self._glues:
            _glue(flags, starts, joins, doc_end)
        # Each word's facts: a piece of one character, or whose first character is a letter
        # outside the symbols (most of them), is read from that character alone.
        n_pieces = len(starts)
        lengths = ends - starts
        facts = np.take(flags, starts) & (_NOT_SYMBOL | _ALPHA)
        unsure = np.flatnonzero((lengths > 1) & (facts != (_NOT_SYMBOL | _ALPHA)))
        if len(unsure):
            spans = np.empty(2 * len(unsure), dtype=np.intp)
            spans[0::2], spans[1::2] = starts[unsure], ends[unsure]
            if spans[-1] == len(flags):
                spans = spans[:-1]  # the last span runs to the end
            facts[unsure] = np.bitwise_or.reduceat(flags, spans)[0::2] & (_NOT_SYMBOL | _ALPHA)
        first = np.flatnonzero(~joins)
        n_words = len(first)
        if not n_words:
            return _no_words(texts)
        facts = np.bitwise_or.reduceat(facts, first)
        piece_off = np.zeros(n_pieces + 1, dtype=np.intp)
        np.cumsum(lengths, out=piece_off[1:])
        word_off = np.append(piece_off[first], piece_off[-1])
        not_symbol = (facts & _NOT_SYMBOL) != 0
        # Documents: word w is in document d when it starts in d's characters.
        doc_start = np.zeros(len(texts), dtype=np.intp)
        doc_start[1:] = doc_end[:-1]
        bounds = np.append(np.searchsorted(starts[first], doc_start), n_words)
        totals = _totals(
            not_symbol, np.where(not_symbol, np.diff(word_off), 0), (facts & _ALPHA) != 0, bounds
        )
        # The words' characters one after another: every character but the separators and the
        # blanks outside the pieces (a blank between two ordinary characters of a token is
        # inside it). Positions, then np.take: far faster than a boolean mask this dense.
        kept = (flags & _SEP) == 0
        blanks = special[(kind & _BLANK) != 0]
        if len(blanks):
            piece = np.searchsorted(starts, blanks, "right") - 1
            within = (piece >= 0) & (blanks < np.take(ends, piece, mode="clip"))
            kept[blanks[~within]] = False
        inside = np.flatnonzero(kept)
        arrays = WordArrays(np.take(codes, inside), word_off, bounds)
        sizes = np.diff(bounds).tolist()
        return [
            (arrays, d, stats)
            for d, stats in enumerate(zip(sizes, *(t.tolist() for t in totals), strict=True))
        ]


def _no_words(texts: list[str]) -> list[tuple[WordArrays, int, WordStats]]:
    arrays = WordArrays(
        np.zeros(0, dtype=np.uint32), np.zeros(1, dtype=np.intp), np.zeros(len(texts) + 1, np.intp)
    )
    return [(arrays, d, (0, 0, 0, 0)) for d in range(len(texts))]


def _pieces(special: np.ndarray, kind: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(start, end) of each word before numbers are glued, in order: a mark alone, or the
    ordinary characters of one token from its first to its last (blanks between them kept).

    Only the special characters (separators, marks, blanks: a fifth of running text) are
    visited: the runs of ordinary characters between two of them are read from their
    positions, and runs with only blanks between them belong to one token.
    """
    bound = np.empty(len(special) + 2, dtype=np.intp)  # run i lies between bound[i], bound[i+1]
    bound[0], bound[-1] = -1, n
    bound[1:-1] = special
    splits = np.empty(len(special) + 1, dtype=bool)  # a token ends at bound[i]
    splits[0] = True
    np.not_equal(kind & (_SEP | _MARK), 0, out=splits[1:])
    runs = np.flatnonzero(np.diff(bound) > 1)
    token = np.take(np.cumsum(splits), runs)
    new = np.empty(len(runs) + 1, dtype=bool)
    new[0] = new[-1] = True
    np.not_equal(token[1:], token[:-1], out=new[1:-1])
    # Words in order without sorting: slot 2i is bound i read as a mark, slot 2i + 1 the run
    # after it read as a word's first (for starts) or last (for ends) run.
    is_mark = np.zeros(2 * len(bound), dtype=bool)
    is_mark[2 * np.flatnonzero(kind & _MARK) + 2] = True
    opens = is_mark.copy()
    opens[2 * np.take(runs, np.flatnonzero(new[:-1])) + 1] = True
    closes = is_mark
    closes[2 * np.take(runs, np.flatnonzero(new[1:])) + 1] = True
    slot = np.flatnonzero(opens)
    starts = np.take(bound, slot >> 1) + (slot & 1)
    slot = np.flatnonzero(closes)
    ends = np.take(bound, (slot >> 1) + (slot & 1)) + (1 - (slot & 1))
    return starts, ends


def _glue(flags, starts, joins, doc_end) -> None:
    """Mark the pieces glued into numbers: a separator mark whose nearest characters other
    than spaces and tabs, in its own document, are ASCII digits (the token before ends in a
    digit, the one after starts with one); the mark's piece and the next join the piece
    before."""
    seps = starts[(np.take(flags, starts) & _GLUE) != 0]  # a mark is a piece of its own
    if not len(seps):
        return
    prev = _visible(flags, seps - 1, -1)
    nxt = _visible(flags, seps + 1, 1)
    ok = ((flags[prev] & _DIGIT) != 0) & ((flags[nxt] & _DIGIT) != 0) & (prev >= 0)
    if not ok.any():
        return
    seps, prev, nxt = seps[ok], prev[ok], nxt[ok]
    same_doc = np.searchsorted(doc_end, prev, "right") == np.searchsorted(doc_end, nxt, "right")
    piece = np.searchsorted(starts, seps[same_doc])
    joins[piece] = True
    joins[piece + 1] = True


def _visible(flags: np.ndarray, pos: np.ndarray, step: int) -> np.ndarray:
    """From each of ``pos``, the nearest position (going by ``step``) that holds no space or
    tab; -1 or ``len(flags)`` past either end (``flags[-1]`` is read there: the caller drops
    -1, and ``len(flags)`` is clipped to the last character, a separator's neighbour)."""
    n = len(flags)
    pos = pos.copy()
    live = np.flatnonzero((pos >= 0) & (pos < n))
    while len(live):
        at = pos[live]
        sep = (flags[at] & _SEP) != 0
        live = live[sep]
        pos[live] += step
        live = live[(pos[live] >= 0) & (pos[live] < n)]
    return np.minimum(pos, n - 1)


@cache
def indic_batch(mark: re.Pattern, glues_numbers: bool) -> IndicBatch:
    """One :class:`IndicBatch` per pattern (its table is shared by the languages using it)."""
    return IndicBatch(mark, glues_numbers)


#: bits per field when the three per-word counts are summed as one number
_FIELD = 21


def _totals(not_symbol, letters, alpha, bounds) -> list[list[int]]:
    """Per document, the sums of three per-word counts (non-symbol words, their letters, words
    with a letter). Each sum is at most the group's characters: below 2**21 they are packed in
    21-bit fields of one integer and summed together (no field carries into the next)."""
    if int(letters.sum()) < 1 << _FIELD and len(letters) < 1 << _FIELD:
        packed = not_symbol.astype(np.int64)
        packed |= letters.astype(np.int64) << _FIELD
        packed |= alpha.astype(np.int64) << (2 * _FIELD)
        sums = _per_doc(packed, bounds)
        mask = (1 << _FIELD) - 1
        return [sums & mask, (sums >> _FIELD) & mask, sums >> (2 * _FIELD)]
    return [_per_doc(values, bounds) for values in (not_symbol, letters, alpha)]


def _per_doc(values: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Sum of ``values`` (one per word) over each document's words."""
    total = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum(values, out=total[1:])
    return np.diff(total[bounds])
