"""The words of a batch of documents kept as arrays, for the rules that can read them there.

:mod:`tamis.quality.indic_batch` finds a batch's words with array operations; turning them
back into one string per document (datatrove's words joined by spaces) and then, for the
n-grams, back into arrays, and searching each document's string for every stop word, cost more
than finding the words. So the words stay here as the characters of every word one after
another (no separator: a word may hold any character but a space), each word's offset and each
document's words, and:

* the n-gram measures read the characters and offsets as they are (:meth:`select`);
* the stop words are counted for every document at once (:meth:`stop_word_counts`), exactly:
  a word is a stop word when its characters equal the stop word's, compared character by
  character among the words of the same length (a hash only picks which stop word to compare);
* a document's spaced text is built only when something asks for it (:meth:`spaced`), for the
  whole batch in one set of array operations.
"""

from __future__ import annotations

import numpy as np

#: how many characters are packed into one 64-bit column of a word's key (21 bits each: every
#: code point is below 2**21)
_PER_COLUMN = 3
_MIX = np.uint64(0x9E3779B97F4A7C15)
_SPACE = ord(" ")


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _row_keys(rows: np.ndarray) -> np.ndarray:
    """A 64-bit key per row of characters (equal rows, equal keys): three characters packed
    exactly per column, the columns mixed together."""
    rows = rows.astype(np.uint64)
    key = np.zeros(len(rows), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for a in range(0, rows.shape[1], _PER_COLUMN):
            column = np.zeros(len(rows), dtype=np.uint64)
            for c in range(a, min(a + _PER_COLUMN, rows.shape[1])):
                column = (column << np.uint64(21)) | rows[:, c]
            key = key * _MIX + column
    return key


class WordArrays:
    """The words of a group of documents: ``chars[word_off[w]:word_off[w + 1]]`` is word
    ``w``; document ``d`` holds words ``bounds[d]`` to ``bounds[d + 1]``."""

    __slots__ = ("_spaced", "_stops", "bounds", "chars", "word_off")

    def __init__(self, chars: np.ndarray, word_off: np.ndarray, bounds: np.ndarray) -> None:
        self.chars = chars
        self.word_off = word_off
        self.bounds = bounds
        self._spaced: tuple[str, list[int]] | None = None
        self._stops: dict[frozenset[str], list[int]] = {}

    def spaced(self, d: int) -> str:
        """Document ``d``'s words joined by single spaces."""
        if self._spaced is None:
            n_words = len(self.word_off) - 1
            spaced = np.full(len(self.chars) + n_words, _SPACE, dtype=np.uint32)
            keep = np.ones(len(spaced), dtype=bool)
            keep[self.word_off[1:] + np.arange(n_words)] = False
            spaced[keep] = self.chars
            text = spaced.tobytes().decode("utf-32-le", "surrogatepass")
            self._spaced = (text, (self.word_off[self.bounds] + self.bounds).tolist())
        text, starts = self._spaced
        a, b = starts[d], starts[d + 1]
        return text[a : b - 1] if b > a else ""

    def select(self, docs: list[int]) -> tuple[np.ndarray, np.ndarray, list[int]]:
        """The words of ``docs`` (in that order) as (characters, word offsets from 0, words per
        document)."""
        bounds, off = self.bounds, self.word_off
        first, last = docs[0], docs[-1]
        if last - first + 1 == len(docs):  # consecutive documents: one slice
            w0, w1 = int(bounds[first]), int(bounds[last + 1])
            counts = np.diff(bounds[first : last + 2]).tolist()
            return self.chars[off[w0] : off[w1]], off[w0 : w1 + 1] - off[w0], counts
        spans = [(int(bounds[d]), int(bounds[d + 1])) for d in docs]
        chars = np.concatenate([self.chars[off[a] : off[b]] for a, b in spans])
        lengths = np.concatenate([np.diff(off[a : b + 1]) for a, b in spans])
        offsets = np.zeros(len(lengths) + 1, dtype=off.dtype)
        np.cumsum(lengths, out=offsets[1:])
        return chars, offsets, [b - a for a, b in spans]

    def stop_word_counts(self, words: frozenset[str]) -> list[int]:
        """Per document, how many of ``words`` are among its words (each counted once), the
        count of datatrove 0.5+ (``sum(w in set(words_of_doc) for w in words)``)."""
        found = self._stops.get(words)
        if found is None:
            found = self._stops[words] = self._count_stop_words(words)
        return found

    def _count_stop_words(self, words: frozenset[str]) -> list[int]:
        n_docs = len(self.bounds) - 1
        stops = sorted(w for w in words if w)  # a word is never empty
        present = np.zeros((n_docs, max(len(stops), 1)), dtype=bool)
        by_length: dict[int, list[int]] = {}
        for i, w in enumerate(stops):
            by_length.setdefault(len(w), []).append(i)
        lengths = np.diff(self.word_off)
        starts = self.word_off[:-1]
        for size, members in by_length.items():
            found = np.flatnonzero(lengths == size)
            if not len(found):
                continue
            rows = self.chars[starts[found][:, None] + np.arange(size)]
            wanted = np.stack([_codes(stops[i]) for i in members])
            wanted_keys = _row_keys(wanted)
            if len(np.unique(wanted_keys)) < len(members):  # two stop words, one key: compare all
                for j, i in enumerate(members):
                    hit = found[(rows == wanted[j]).all(axis=1)]
                    present[np.searchsorted(self.bounds, hit, "right") - 1, i] = True
                continue
            order = np.argsort(wanted_keys)
            sorted_keys = wanted_keys[order]
            keys = _row_keys(rows)
            at = np.minimum(np.searchsorted(sorted_keys, keys), len(members) - 1)
            match = np.flatnonzero(sorted_keys[at] == keys)
            if not len(match):
                continue
            which = order[at[match]]  # the stop word each match's key points to
            # exact: the characters themselves must be equal, whatever the keys said
            equal = (rows[match] == wanted[which]).all(axis=1)
            match, which = match[equal], which[equal]
            docs = np.searchsorted(self.bounds, found[match], "right") - 1
            present[docs, np.asarray(members)[which]] = True
        return present.sum(axis=1).tolist()
