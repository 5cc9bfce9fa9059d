"""What each distinct word contributes to a fastText prediction, found once per run.

A run's words repeat far more than they are new: "the" is in every document. fastText hashes
every occurrence byte by byte and looks it up; doing the same as arrays
(:mod:`tamis.classify.tokens`) costs a pass per byte of the longest word. Here a word of up to
16 bytes is known by those bytes themselves, read as two little-endian 64-bit integers (two
loads, no byte loop: a word holds no NUL, so the pair is the word), and found in a table of
the words met so far, which holds what the prediction needs of each: its row of the input
matrix, its hash as the word n-grams combine it, whether it takes part in them at all. Only
the words a batch is the first to hold, and the rare longer words, are resolved the slow way
(hashed byte by byte and looked up in the vocabulary), once.

The memo is bounded: when it holds more than ``limit`` words at the start of a batch it is
emptied (a run meets most of its vocabulary early, so a reset costs one batch of lookups), and
what an entry holds depends on its word alone, so results are the same warm, cold or reset.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tamis.classify.tokens import HEAD, heads, home, place

#: words remembered before the memo starts over
LIMIT = 300_000
#: per word of ``buf[starts[i]:+lens[i]]``: the row of the input matrix (-1: none), the hash
#: widened as the word n-grams take it (uint64), whether it is part of the n-grams
Resolve = Callable[[np.ndarray, np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]


class WordMemo:
    """The words met so far and what each one contributes (:meth:`lookup`)."""

    def __init__(self, resolve: Resolve, limit: int = LIMIT) -> None:
        self._resolve = resolve
        self.limit = limit
        self.reset()

    def reset(self) -> None:
        """Forget every word (the next batch resolves its words again)."""
        self._n = 0
        self._table = np.full(1 << 12, -1, dtype=np.int64)  # entry of each slot, -1: free
        self._first = np.zeros(1024, dtype=np.uint64)  # each entry's word: its two heads
        self._second = np.zeros(1024, dtype=np.uint64)
        self._rows = np.zeros(1024, dtype=np.int64)
        self._hashes = np.zeros(1024, dtype=np.uint64)
        self._part = np.zeros(1024, dtype=bool)

    def __len__(self) -> int:
        return self._n

    def lookup(
        self, buf: np.ndarray, starts: np.ndarray, lens: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rows, hashes, part of the n-grams) of the words ``buf[starts[i]:+lens[i]]``, as
        :data:`Resolve` gives them; ``buf`` holds ``PAD`` bytes past its last word."""
        if self._n > self.limit:
            self.reset()
        long_ = np.flatnonzero(lens > HEAD)
        if not len(long_):
            return self._known(buf, starts, lens)
        rows = np.empty(len(starts), dtype=np.int64)
        hashes = np.empty(len(starts), dtype=np.uint64)
        part = np.empty(len(starts), dtype=bool)
        rows[long_], hashes[long_], part[long_] = self._resolve(buf, starts[long_], lens[long_])
        short = np.flatnonzero(lens <= HEAD)
        rows[short], hashes[short], part[short] = self._known(buf, starts[short], lens[short])
        return rows, hashes, part

    def _known(
        self, buf: np.ndarray, starts: np.ndarray, lens: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`lookup` for words of up to ``HEAD`` bytes, new ones entered first."""
        first, second = heads(buf, starts, lens)
        entry = self._find(first, second)
        missing = np.flatnonzero(entry < 0)
        if len(missing):
            entry[missing] = self._enter(
                buf, starts[missing], lens[missing], first[missing], second[missing]
            )
        return self._rows[entry], self._hashes[entry], self._part[entry]

    def _find(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        """The entry of each word (-1: not met yet): along its probe chain to its own entry or
        to a free slot, all words at once (most stop at their first slot: that step runs on
        whole arrays, the next ones on the words still going)."""
        mask = len(self._table) - 1
        slot = home(first, second, 0, len(self._table))
        e = self._table[slot]  # -1 (free) reads the last entry: never a match, as free
        going = (self._first[e] != first) | (self._second[e] != second)
        going &= e >= 0
        found = np.where(e >= 0, e, -1)
        todo = np.flatnonzero(going)
        found[todo] = -1
        while len(todo):
            slot[todo] = (slot[todo] + 1) & mask
            e = self._table[slot[todo]]
            free = e < 0
            same = ~free & (self._first[e] == first[todo]) & (self._second[e] == second[todo])
            found[todo[same]] = e[same]
            todo = todo[~(free | same)]
        return found

    def _enter(
        self,
        buf: np.ndarray,
        starts: np.ndarray,
        lens: np.ndarray,
        first: np.ndarray,
        second: np.ndarray,
    ) -> np.ndarray:
        """Enter words not met yet (a word repeated among them once), resolved together;
        the entry of each. ``first`` / ``second``: their :func:`heads`."""
        order = np.lexsort((first, second))
        a, b = first[order], second[order]
        starts_word = np.ones(len(order), dtype=bool)  # a word unlike the one before it
        starts_word[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
        new = order[starts_word]  # one occurrence of each distinct word
        lo, hi = self._n, self._n + len(new)
        if hi > len(self._rows):  # room for twice as many: each entry is copied O(1) times
            size = 2 * hi
            self._first, self._second, self._rows, self._hashes, self._part = (
                _grown(x, size, lo)
                for x in (self._first, self._second, self._rows, self._hashes, self._part)
            )
        self._first[lo:hi], self._second[lo:hi] = first[new], second[new]
        self._rows[lo:hi], self._hashes[lo:hi], self._part[lo:hi] = self._resolve(
            buf, starts[new], lens[new]
        )
        self._n = hi
        if 4 * hi > len(self._table):  # at most a quarter full: probes stay short
            self._table = np.full(1 << (4 * hi).bit_length(), -1, dtype=np.int64)
            self._place(np.arange(hi))
        else:
            self._place(np.arange(lo, hi))
        entry = np.empty(len(order), dtype=np.int64)
        entry[order] = lo + np.cumsum(starts_word) - 1
        return entry

    def _place(self, entries: np.ndarray) -> None:
        """Put ``entries`` (absent from the table) in its free slots."""
        slot = home(self._first[entries], self._second[entries], 0, len(self._table))
        place(self._table, slot, entries)


def _grown(a: np.ndarray, size: int, used: int) -> np.ndarray:
    """``a`` with room for ``size`` entries, its first ``used`` kept."""
    out = np.zeros(size, dtype=a.dtype)
    out[:used] = a[:used]
    return out
