"""fastText's words, found and hashed as numpy arrays over a buffer of UTF-8 bytes.

fastText reads a text byte by byte: a word is a run of bytes between its separators (space,
``\\t``, ``\\n``, ``\\v``, ``\\f``, ``\\r``, NUL), hashed with its own 32-bit FNV-1a (each byte
taken as a signed char), and looked up in its vocabulary by that hash and then by its bytes.
Doing the same one word at a time in Python costs more than fastText's whole prediction, so
here every step runs over all the words of a batch at once: spans from a separator mask, hashes
position by position over the words still that long, and lookups in an open-addressing table
whose every hit is confirmed by the word's bytes (so a hash collision never maps a word to
another): words of up to 16 bytes, most of them, carry those bytes packed beside their hash.
"""

from __future__ import annotations

import numpy as np

FNV_OFFSET, FNV_PRIME = 2166136261, 16777619
SEPARATORS = b" \t\n\v\f\r\0"
LONG = 64  # words longer than this (rare) are hashed and compared one by one
HEAD = 16  # bytes of a word kept beside its hash: shorter words need no byte comparison

_KIND = np.ones(256, dtype=np.int8)
_KIND[list(SEPARATORS)] = 0
_KIND[ord("\n")] = 2


def fasttext_hash(word: bytes) -> int:
    """fastText's ``Dictionary::hash``: FNV-1a over the bytes taken as signed chars."""
    h = FNV_OFFSET
    for c in word:
        h = ((h ^ (c | 0xFFFFFF00 if c & 0x80 else c)) * FNV_PRIME) & 0xFFFFFFFF
    return h


def spans(buf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(starts, ends) of the words of ``buf`` (uint8) in order, each line break a word of its
    own (where fastText's line ends with its end-of-sentence token)."""
    kind = np.zeros(len(buf) + 2, dtype=np.int8)  # 0 separator, 1 word byte, 2 line break
    kind[1:-1] = _KIND[buf]
    before, here = kind[:-1], kind[1:]
    # a word starts at a line break, or at a word byte after anything else
    starts = np.flatnonzero((here == 2) | ((here == 1) & (before != 1)))
    ends = np.flatnonzero((before == 2) | ((before == 1) & (here != 1)))
    return starts, ends


def _by_length(lens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the words up to ``LONG`` bytes, longest first, and for each k how many of
    them are longer than k (the prefix still active at byte k)."""
    short = np.flatnonzero(lens <= LONG)
    key = (LONG - lens[short]).astype(np.uint8)  # a small integer key: a radix sort
    order = short[np.argsort(key, kind="stable")]
    counts = np.bincount(lens[order], minlength=LONG + 1)
    longer = len(order) - np.cumsum(counts)  # longer[k]: words longer than k bytes
    return order, longer


def hashes(buf: np.ndarray, starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """:func:`fasttext_hash` (uint32) of the words ``buf[starts[i]:starts[i] + lens[i]]``."""
    return keys(buf, starts, lens)[0]


def keys(buf: np.ndarray, starts: np.ndarray, lens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(hash, head) of the words ``buf[starts[i]:starts[i] + lens[i]]``: :func:`fasttext_hash`
    (uint32) and the first ``HEAD`` bytes packed in two uint64 (zero past the word's end), so
    that words of up to ``HEAD`` bytes with one length and head are the same word."""
    n = len(starts)
    out = np.empty(n, dtype=np.uint32)
    head = np.zeros((n, 2), dtype=np.uint64)
    for i in np.flatnonzero(lens > LONG).tolist():
        s = int(starts[i])
        word = buf[s : s + int(lens[i])].tobytes()
        out[i] = fasttext_hash(word)
        head[i] = np.frombuffer(word[:HEAD], dtype="<u8")
    order, longer = _by_length(lens)
    if not len(order):
        return out, head
    h = np.full(len(order), FNV_OFFSET, dtype=np.uint32)
    packed = np.zeros((len(order), 2), dtype=np.uint64)
    at = starts[order]
    prime = np.uint32(FNV_PRIME)
    for k in range(int(lens[order[0]])):
        a = int(longer[k])
        byte = buf[at[:a] + k]
        # FNV takes a byte as a signed char widened to 32 bits: 0x80.. become 0xFFFFFF80..
        hk = h[:a]
        np.bitwise_xor(hk, byte.view(np.int8).astype(np.int32).view(np.uint32), out=hk)
        np.multiply(hk, prime, out=hk)
        if k < HEAD:
            pk = packed[:a, k // 8]
            np.bitwise_or(pk, byte.astype(np.uint64) << np.uint64(8 * (k % 8)), out=pk)
    out[order] = h
    head[order] = packed
    return out, head


def same_bytes(
    buf: np.ndarray, starts: np.ndarray, other: np.ndarray, other_starts: np.ndarray, lens
) -> np.ndarray:
    """Whether ``buf[starts[i]:+lens[i]]`` equals ``other[other_starts[i]:+lens[i]]``."""
    eq = np.ones(len(starts), dtype=bool)
    for i in np.flatnonzero(lens > LONG).tolist():
        s, o, n = int(starts[i]), int(other_starts[i]), int(lens[i])
        eq[i] = buf[s : s + n].tobytes() == other[o : o + n].tobytes()
    order, longer = _by_length(lens)
    if not len(order):
        return eq
    a_at, b_at = starts[order], other_starts[order]
    same = np.ones(len(order), dtype=bool)
    for k in range(int(lens[order[0]])):
        a = int(longer[k])
        same[:a] &= buf[a_at[:a] + k] == other[b_at[:a] + k]
    eq[order] = same
    return eq


class Vocabulary:
    """fastText's vocabulary as an open-addressing table of word hashes (:meth:`lookup`)."""

    def __init__(self, data: np.ndarray, starts: np.ndarray, lens: np.ndarray) -> None:
        self.data, self.starts, self.lens = data, starts, lens  # word i: data[starts[i]:+lens[i]]
        self.hash, self.head = keys(data, starts, lens)
        size = 1 << max(4, int(4 * len(starts)).bit_length())  # at most a quarter full
        self.mask = size - 1
        self.table = np.full(size, -1, dtype=np.int64)
        todo = np.arange(len(starts))
        slot = self.hash.astype(np.int64) & self.mask
        while todo.size:  # of the words aiming at one free slot the first takes it, the rest
            free = np.flatnonzero(self.table[slot[todo]] < 0)  # try the next slot
            taken, first = np.unique(slot[todo[free]], return_index=True)
            self.table[taken] = todo[free[first]]
            rest = np.ones(len(todo), dtype=bool)
            rest[free[first]] = False
            todo = todo[rest]
            slot[todo] = (slot[todo] + 1) & self.mask

    def lookup(
        self, buf: np.ndarray, starts: np.ndarray, lens: np.ndarray, h: np.ndarray, head
    ) -> np.ndarray:
        """The vocabulary index of every word of ``buf`` (-1: not in the vocabulary); ``h`` and
        ``head`` are the words' :func:`keys`.

        Each word goes along its probe chain to the first entry of the same hash, length and
        head: the same word when it is no longer than the head, else when its bytes are the
        same, all compared at once; a word whose bytes differ goes on along its chain alone."""
        n = len(starts)
        cand = np.full(n, -1, dtype=np.int64)
        where = np.zeros(n, dtype=np.int64)
        todo = np.arange(n)
        slot = h.astype(np.int64) & self.mask
        while todo.size:
            c = self.table[slot[todo]]
            empty = c < 0
            c = np.where(empty, 0, c)
            same = ~empty & (self.hash[c] == h[todo]) & (self.lens[c] == lens[todo])
            same &= (self.head[c] == head[todo]).all(axis=1)
            cand[todo[same]], where[todo[same]] = c[same], slot[todo[same]]
            todo = todo[~(empty | same)]
            slot[todo] = (slot[todo] + 1) & self.mask
        hit = np.flatnonzero(cand >= 0)
        found = np.full(n, -1, dtype=np.int64)
        found[hit] = cand[hit]
        long_ = hit[lens[hit] > HEAD]
        ok = same_bytes(buf, starts[long_], self.data, self.starts[cand[long_]], lens[long_])
        for i in long_[~ok].tolist():
            word = buf[starts[i] : starts[i] + lens[i]].tobytes()
            found[i] = self._probe(word, int(h[i]), int(where[i]) + 1)
        return found

    def _probe(self, word: bytes, h: int, slot: int) -> int:
        """The index of ``word`` (hash ``h``) along its chain from ``slot`` (-1: absent)."""
        while True:
            c = int(self.table[slot & self.mask])
            if c < 0:
                return -1
            s, n = int(self.starts[c]), int(self.lens[c])
            if int(self.hash[c]) == h and self.data[s : s + n].tobytes() == word:
                return c
            slot += 1
