"""Stable hashes: 128-bit document fingerprints, word hashes and word n-gram shingle hashes.

All hashes are xxh3 (stable across processes and machines, unlike Python's ``hash``). Shingle
hashes are built in numpy from per-word hashes over a whole batch at once: no Python call per
word or per n-gram.
"""

from __future__ import annotations

import numpy as np
import xxhash

_M64 = (1 << 64) - 1
# Odd multipliers that weight each word position of an n-gram differently (so "a b" != "b a").
_POSITION_MULTIPLIERS = np.array(
    [
        0x9E3779B97F4A7C15,
        0xC2B2AE3D27D4EB4F,
        0x165667B19E3779F9,
        0xD6E8FEB86659FD93,
        0xFF51AFD7ED558CCD,
        0xC4CEB9FE1A85EC53,
        0x94D049BB133111EB,
        0xBF58476D1CE4E5B9,
    ],
    dtype=np.uint64,
)
MAX_NGRAM = len(_POSITION_MULTIPLIERS)


def fingerprint128(text: str) -> tuple[int, int]:
    """128-bit hash of a (normalised) text as two unsigned 64-bit halves."""
    value = xxhash.xxh3_128_intdigest(text.encode("utf-8", "surrogatepass"))
    return value >> 64, value & _M64


def fingerprints128(texts: list[str]) -> np.ndarray:
    """:func:`fingerprint128` of each text as a row of an (n, 2) uint64 array, high half first:
    the canonical (big-endian) digests of a batch joined and read at once."""
    digest = xxhash.xxh3_128_digest
    data = b"".join([digest(t.encode("utf-8", "surrogatepass")) for t in texts])
    return np.frombuffer(data, dtype=">u8").astype(np.uint64).reshape(len(texts), 2)


def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads every input bit over the whole word (vectorised)."""
    x = x.astype(np.uint64, copy=True)
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x


_BASE = 0x9E3779B97F4A7C15
_SPACE_BYTES = np.zeros(256, dtype=bool)
_SPACE_BYTES[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True  # what str.split() splits on
_CHUNK_BYTES = 1 << 22


def _inverse64(a: int) -> int:
    x = a
    for _ in range(6):  # Newton iteration doubles the correct low bits each time
        x = (x * (2 - a * x)) & _M64
    return x


class _Powers:
    """BASE**i and BASE**-i modulo 2**64, grown on demand (shared by every batch)."""

    def __init__(self) -> None:
        self.fwd = np.ones(1, dtype=np.uint64)
        self.inv = np.ones(1, dtype=np.uint64)

    def upto(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        if len(self.fwd) < n:
            size = max(n, 2 * len(self.fwd), 1 << 16)
            self.fwd = self._grow(_BASE, size)
            self.inv = self._grow(_inverse64(_BASE), size)
        return self.fwd[:n], self.inv[:n]

    @staticmethod
    def _grow(base: int, n: int) -> np.ndarray:
        out = np.ones(n, dtype=np.uint64)
        if n > 1:
            out[1] = base
        k = 2
        while k < n:
            m = min(k, n - k)
            out[k : k + m] = out[:m] * np.uint64(pow(base, k, 1 << 64))
            k += m
        return out


_POWERS = _Powers()


def word_hashes(folded: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """64-bit hashes of the whitespace-separated words of each text, and each text's word count.

    Vectorised over bytes: a word's hash is a polynomial over its UTF-8 bytes, read off a prefix
    sum (``(H[end] - H[start]) * BASE**-start``), then mixed. No Python call per word.
    """
    hashes: list[np.ndarray] = []
    lengths = np.zeros(len(folded), dtype=np.int64)
    i = 0
    while i < len(folded):
        j, size = i, 0
        while j < len(folded) and (j == i or size + len(folded[j]) < _CHUNK_BYTES):
            size += len(folded[j]) + 1
            j += 1
        h, per_doc = _word_hashes_chunk(folded[i:j])
        hashes.append(h)
        lengths[i:j] = per_doc
        i = j
    return (np.concatenate(hashes) if hashes else np.empty(0, dtype=np.uint64)), lengths


def _word_hashes_chunk(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    encoded = [t.encode("utf-8", "surrogatepass") for t in texts]
    data = np.frombuffer(b" ".join(encoded) + b" ", dtype=np.uint8)
    doc_start = np.zeros(len(encoded), dtype=np.int64)
    np.cumsum([len(e) + 1 for e in encoded[:-1]], out=doc_start[1:])
    word = ~_SPACE_BYTES[data]
    starts = np.flatnonzero(word[1:] & ~word[:-1]) + 1
    if len(word) and word[0]:
        starts = np.concatenate([[0], starts])
    ends = np.flatnonzero(word[:-1] & ~word[1:]) + 1
    fwd, inv = _POWERS.upto(len(data))
    prefix = np.zeros(len(data) + 1, dtype=np.uint64)
    np.cumsum((data.astype(np.uint64) + np.uint64(1)) * fwd, out=prefix[1:])
    h = (prefix[ends] - prefix[starts]) * inv[starts]
    h += (ends - starts).astype(np.uint64) * np.uint64(0xC2B2AE3D27D4EB4F)
    per_doc = np.diff(np.searchsorted(starts, np.append(doc_start, len(data))))
    return mix64(h), per_doc


def shingles_batch(
    word_hashes: np.ndarray, lengths: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """All word n-gram hashes of a batch, and the index of the document each belongs to.

    ``word_hashes`` is every document's words concatenated; ``lengths`` their word counts. A
    document shorter than ``n`` words (but not empty) is one shingle of all its words.
    Shingles are not de-duplicated (MinHash does not need it).
    """
    if not 1 <= n <= MAX_NGRAM:
        raise ValueError(f"shingle size must be 1..{MAX_NGRAM}, got {n}")
    lengths = np.asarray(lengths, dtype=np.int64)
    ends = np.cumsum(lengths)
    starts = ends - lengths
    total = int(ends[-1]) if len(ends) else 0
    docs_all = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    padded = np.concatenate([word_hashes.astype(np.uint64), np.zeros(n, dtype=np.uint64)])
    acc = np.zeros(total, dtype=np.uint64)
    for j in range(n):
        acc += padded[j : j + total] * _POSITION_MULTIPLIERS[j]
    acc += np.uint64(n)
    positions = np.arange(total, dtype=np.int64)
    valid = positions + n <= ends[docs_all] if total else np.zeros(0, dtype=bool)
    hashes = [mix64(acc[valid])]
    doc_of = [docs_all[valid]]
    short = np.flatnonzero((lengths > 0) & (lengths < n))
    if len(short):
        k = lengths[short]
        h = k.astype(np.uint64)
        for j in range(n - 1):
            inside = j < k
            h[inside] += padded[starts[short][inside] + j] * _POSITION_MULTIPLIERS[j]
        hashes.append(mix64(h))
        doc_of.append(short)
    return np.concatenate(hashes), np.concatenate(doc_of)
