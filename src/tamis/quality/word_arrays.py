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

from collections import Counter
from functools import lru_cache
from typing import NamedTuple

import numpy as np

_SPACE = ord(" ")


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


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
        table = _stop_table(words)
        stops = table.stops
        present = np.zeros((n_docs, max(len(stops), 1)), dtype=bool)
        if not stops or not len(self.chars):
            return present.sum(axis=1).tolist()
        starts = self.word_off[:-1]
        lengths = np.diff(self.word_off)
        # Stop words sharing a key (same length and first characters) are compared one by one.
        for i in table.shared:
            self._mark_matches(present, i, stops[i], starts, lengths)
        if table.lookup is None:
            return present.sum(axis=1).tolist()
        keys = _heads(self.chars, starts, lengths)
        match, which = _lookup(keys, table)
        # Equal keys and lengths mean equal first three characters; the rest is compared here.
        stop_lengths, stop_chars = table.lengths, table.chars
        same = lengths[match] == stop_lengths[which]
        match, which = match[same], which[same]
        longer = np.flatnonzero(stop_lengths[which] > _HEAD)
        if len(longer):
            equal = np.ones(len(longer), dtype=bool)
            at_word, at_stop = starts[match[longer]], which[longer]
            for j in range(_HEAD, stop_chars.shape[1]):
                need = stop_lengths[at_stop] > j
                got = np.take(self.chars, at_word + j, mode="clip")
                equal &= ~need | (got == stop_chars[at_stop, j])
            keep = np.ones(len(match), dtype=bool)
            keep[longer[~equal]] = False
            match, which = match[keep], which[keep]
        docs = np.searchsorted(self.bounds, match, "right") - 1
        present[docs, which] = True
        return present.sum(axis=1).tolist()

    def _mark_matches(self, present, i, word, starts, lengths) -> None:
        """Mark the documents holding ``word``, comparing every word of its length."""
        found = np.flatnonzero(lengths == len(word))
        rows = self.chars[starts[found][:, None] + np.arange(len(word))]
        hit = found[(rows == _codes(word)).all(axis=1)]
        present[np.searchsorted(self.bounds, hit, "right") - 1, i] = True


#: characters packed exactly into a word's key (21 bits each: every code point is below 2**21)
_HEAD = 3
_LENGTH_MIX = np.uint64(0x9E3779B97F4A7C15)


_SHIFT = np.uint64(21)
_BUCKET_MIX = np.uint64(0xFF51AFD7ED558CCD)


def _heads(chars: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Each word's first three characters packed exactly (missing ones as 0), mixed with its
    length: words with equal keys and lengths begin with the same three characters."""
    key = np.take(chars, starts).astype(np.uint64)
    for j in range(1, _HEAD):
        key <<= _SHIFT
        key |= np.take(chars, starts + j, mode="clip") * (lengths > j)
    key ^= lengths.astype(np.uint64) * _LENGTH_MIX  # wraps modulo 2**64, as meant
    return key


class _StopTable(NamedTuple):
    """What a stop-word list's count needs of the list alone, made once per list."""

    stops: list[str]  # sorted, none empty
    lengths: np.ndarray
    chars: np.ndarray  # one row per stop word, padded with 0
    keys: np.ndarray  # each one's :func:`_heads` key
    shared: list[int]  # the stop words whose key another has: compared one by one
    #: (bits, bucket table) holding each other stop word alone, or (None, the others sorted by
    #: key) when no table keeps them apart; None when no stop word is alone
    lookup: tuple[int | None, np.ndarray] | None


def _stop_table(words: frozenset[str]) -> _StopTable:
    # keyed on the key's make-up too, which the tests change
    return _stop_table_made(words, _HEAD, int(_BUCKET_MIX))


@lru_cache(maxsize=64)
def _stop_table_made(words: frozenset[str], head: int, mix: int) -> _StopTable:
    stops = sorted(w for w in words if w)  # a word is never empty
    if not stops:
        empty = np.zeros(0, dtype=np.uint64)
        return _StopTable(stops, empty, np.zeros((0, 0), np.uint32), empty, [], None)
    lengths = np.array([len(w) for w in stops])
    chars = np.zeros((len(stops), int(lengths.max())), dtype=np.uint32)
    for i, w in enumerate(stops):
        chars[i, : len(w)] = _codes(w)
    keys = _heads(chars.ravel(), np.arange(len(stops)) * chars.shape[1], lengths)
    listed = keys.tolist()
    seen = Counter(listed)
    shared = [i for i, key in enumerate(listed) if seen[key] > 1]
    solo = np.array([i for i, key in enumerate(listed) if seen[key] == 1], dtype=np.intp)
    return _StopTable(stops, lengths, chars, keys, shared, _buckets(keys, solo))


def _buckets(stop_keys: np.ndarray, solo: np.ndarray) -> tuple[int | None, np.ndarray] | None:
    """A table of buckets that holds each of the stop words ``solo`` (distinct keys) alone."""
    if not len(solo):
        return None
    for bits in range(max(8, int(len(solo)).bit_length() + 4), 21):
        buckets = (stop_keys[solo] * _BUCKET_MIX) >> np.uint64(64 - bits)
        if len(np.unique(buckets)) == len(solo):
            table = np.full(1 << bits, -1, dtype=np.intp)
            table[buckets.astype(np.intp)] = solo
            return bits, table
    return None, solo[np.argsort(stop_keys[solo])]  # no table keeps them apart


def _lookup(keys: np.ndarray, table: _StopTable):
    """(words, stop words) whose keys are equal, among the stop words with a key of their
    own: their bucket table read once per word (or a binary search)."""
    bits, found_in = table.lookup
    stop_keys = table.keys
    if bits is None:
        order = found_in
        at = np.minimum(np.searchsorted(stop_keys[order], keys), len(order) - 1)
        match = np.flatnonzero(stop_keys[order][at] == keys)
        return match, order[at[match]]
    found = np.take(found_in, ((keys * _BUCKET_MIX) >> np.uint64(64 - bits)).astype(np.intp))
    maybe = np.flatnonzero(found >= 0)
    which = found[maybe]
    equal = np.take(stop_keys, which) == keys[maybe]
    return maybe[equal], which[equal]
