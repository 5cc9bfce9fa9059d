"""fastText's words, found and hashed as numpy arrays over a buffer of UTF-8 bytes.

fastText reads a text byte by byte: a word is a run of bytes between its separators (space,
``\\t``, ``\\n``, ``\\v``, ``\\f``, ``\\r``, NUL), hashed with its own 32-bit FNV-1a (each byte
taken as a signed char), and looked up in its vocabulary. Doing the same one word at a time in
Python costs more than fastText's whole prediction, so here every step runs over all the words
of a batch at once: spans from a separator mask, hashes position by position over the words
still that long, and lookups in an open-addressing table keyed by a word's first 16 bytes
(two little-endian 64-bit loads, :func:`heads`: no pass per byte) and its length, every hit
on a longer word confirmed by its bytes (so two words never map to one entry).
"""

from __future__ import annotations

import numpy as np

FNV_OFFSET, FNV_PRIME = 2166136261, 16777619
SEPARATORS = b" \t\n\v\f\r\0"
LONG = 64  # words longer than this (rare) are hashed and compared one by one
HEAD = 16  # bytes of a word read by :func:`heads`: shorter words need no byte comparison
PAD = HEAD  # bytes a buffer holds past its last word for :func:`heads`

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
    out = np.empty(len(starts), dtype=np.uint32)
    for i in np.flatnonzero(lens > LONG).tolist():
        s = int(starts[i])
        out[i] = fasttext_hash(buf[s : s + int(lens[i])].tobytes())
    order, longer = _by_length(lens)
    if not len(order):
        return out
    h = np.full(len(order), FNV_OFFSET, dtype=np.uint32)
    at = starts[order]
    prime = np.uint32(FNV_PRIME)
    for k in range(int(lens[order[0]])):
        a = int(longer[k])
        # FNV takes a byte as a signed char widened to 32 bits: 0x80.. become 0xFFFFFF80..
        hk = h[:a]
        np.bitwise_xor(hk, buf[at[:a] + k].view(np.int8).astype(np.int32).view(np.uint32), out=hk)
        np.multiply(hk, prime, out=hk)
    out[order] = h
    return out


_LOW = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [(1 << 64) - 1], dtype=np.uint64)
_MIX = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9)


def heads(buf: np.ndarray, starts: np.ndarray, lens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first 8 and the next 8 bytes of each word as little-endian uint64, zero past its
    end (a word holds no NUL, so a word of up to 16 bytes is its pair); ``buf`` holds ``PAD``
    bytes past its last word."""
    at = np.ndarray((len(buf) - 7,), dtype="<u8", buffer=buf, strides=(1,))  # a load per byte
    first = at[starts] & _LOW[np.minimum(lens, 8)]
    second = at[starts + 8] & _LOW[np.clip(lens - 8, 0, 8)]
    return first, second


def home(first: np.ndarray, second: np.ndarray, lens: np.ndarray | int, size: int) -> np.ndarray:
    """The slot (int64) where a word's probe starts in a table of ``size`` (a power of two)
    slots: the top bits of a multiplicative mix of its heads and length."""
    mixed = (first * _MIX[0]) ^ (second * _MIX[1]) ^ (np.asarray(lens).astype(np.uint64) * _MIX[2])
    return (mixed >> np.uint64(65 - size.bit_length())).astype(np.int64)


def place(table: np.ndarray, slot: np.ndarray, entries: np.ndarray) -> None:
    """Put ``entries`` in the free slots (-1) of ``table`` (open addressing, linear probing),
    each from its home ``slot``, all at once: every entry aiming at a free slot is written
    there, the one that stays has it, the others try the next slot (so every slot between an
    entry's home and its place is taken, as a probe wants)."""
    mask = len(table) - 1
    todo = np.arange(len(entries))
    while todo.size:
        at = slot[todo]
        free = table[at] < 0
        table[at[free]] = entries[todo[free]]
        placed = free
        placed[free] = table[at[free]] == entries[todo[free]]
        todo = todo[~placed]
        slot[todo] = (slot[todo] + 1) & mask


def padded(data: np.ndarray) -> np.ndarray:
    """``data`` followed by ``PAD`` zero bytes."""
    return np.concatenate([data, np.zeros(PAD, dtype=np.uint8)])


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
    """fastText's vocabulary as an open-addressing table keyed by each word's :func:`heads`
    and length (:meth:`lookup`)."""

    def __init__(self, data: np.ndarray, starts: np.ndarray, lens: np.ndarray) -> None:
        self.data, self.starts, self.lens = padded(data), starts, lens  # word i: data[starts[i]:]
        self.first, self.second = heads(self.data, starts, lens)
        size = 1 << max(4, int(4 * len(starts)).bit_length())  # at most a quarter full
        self.mask = size - 1
        self.table = np.full(size, -1, dtype=np.int64)
        place(self.table, home(self.first, self.second, lens, size), np.arange(len(starts)))

    def lookup(self, buf: np.ndarray, starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
        """The vocabulary index of every word of ``buf`` (-1: not in the vocabulary); ``buf``
        holds ``PAD`` bytes past its last word.

        Each word goes along its probe chain to the first entry of the same heads and length:
        the same word when it is no longer than ``HEAD``, else when its bytes are the same, all
        compared at once; a word whose bytes differ goes on along its chain alone."""
        n = len(starts)
        first, second = heads(buf, starts, lens)
        cand = np.full(n, -1, dtype=np.int64)
        where = np.zeros(n, dtype=np.int64)
        todo = np.arange(n)
        slot = home(first, second, lens, len(self.table))
        while todo.size:
            c = self.table[slot[todo]]
            empty = c < 0
            c = np.where(empty, 0, c)
            same = ~empty & (self.first[c] == first[todo]) & (self.second[c] == second[todo])
            same &= self.lens[c] == lens[todo]
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
            found[i] = self._probe(word, int(where[i]) + 1)
        return found

    def _probe(self, word: bytes, slot: int) -> int:
        """The index of ``word`` along its chain from ``slot`` (-1: absent)."""
        while True:
            c = int(self.table[slot & self.mask])
            if c < 0:
                return -1
            s, n = int(self.starts[c]), int(self.lens[c])
            if n == len(word) and self.data[s : s + n].tobytes() == word:
                return c
            slot += 1
