"""Vectorised MinHash signatures over word n-gram shingles, in one pass over the shingles.

Classic MinHash evaluates ``num_perm`` hash functions on every shingle (cost shingles x
num_perm). tamis uses one-permutation hashing (Li, Owen and Zhang, 2012) with optimal
densification (Shrivastava, 2017): each shingle's 64-bit hash picks one of ``num_perm`` bins
(high bits) and competes for that bin's minimum (low 32 bits); bins left empty by a short
document borrow the value of another bin chosen by a fixed probe sequence shared by every
document. The fraction of agreeing slots is an unbiased estimate of Jaccard similarity, like
classic MinHash, at the cost of one sort of the batch's shingles: no Python loop per shingle.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tamis.dedup.hashing import shingles_batch, word_hashes
from tamis.dedup.normalize import Normalization, fold_many

EMPTY = np.uint32(0xFFFFFFFF)
_PROBE_BLOCK = 64


@dataclass
class MinHasher:
    num_perm: int = 112
    ngram: int = 5
    seed: int = 1
    norm: Normalization = field(default_factory=Normalization)

    def __post_init__(self) -> None:
        if not 1 <= self.num_perm <= 4096:
            raise ValueError(f"num_perm must be 1..4096, got {self.num_perm}")
        self._salt = np.uint64(np.random.default_rng(self.seed).integers(0, 2**63))
        self._probes = np.empty((0, self.num_perm), dtype=np.int64)

    def _probe_rows(self, count: int) -> np.ndarray:
        """Row t gives, for every bin, the bin it borrows from at densification attempt t."""
        while len(self._probes) < count:
            start = len(self._probes)
            rng = np.random.default_rng([self.seed, start])
            block = rng.integers(0, self.num_perm, (_PROBE_BLOCK, self.num_perm), dtype=np.int64)
            self._probes = np.concatenate([self._probes, block])
        return self._probes

    def shingle_batch(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(shingle hashes, document index of each) for a list of texts."""
        flat, lengths = word_hashes(fold_many(texts, self.norm))
        hashes, doc_of = shingles_batch(flat, lengths, self.ngram)
        return hashes ^ self._salt, doc_of

    def shingle_sets(self, texts: list[str]) -> list[np.ndarray]:
        """Each text's sorted, unique shingle hashes (for exact Jaccard verification)."""
        hashes, doc_of = self.shingle_batch(texts)
        order = np.lexsort((hashes, doc_of))
        hashes, doc_of = hashes[order], doc_of[order]
        bounds = np.searchsorted(doc_of, np.arange(len(texts) + 1))
        return [np.unique(hashes[bounds[i] : bounds[i + 1]]) for i in range(len(texts))]

    def signatures_from_shingles(
        self, hashes: np.ndarray, doc_of: np.ndarray, n_docs: int
    ) -> np.ndarray:
        """(n_docs, num_perm) uint32 signatures; an empty document gets all-EMPTY."""
        k = self.num_perm
        out = np.full((n_docs, k), EMPTY, dtype=np.uint32)
        if len(hashes) == 0:
            return out
        bins = ((hashes >> np.uint64(32)) * np.uint64(k)) >> np.uint64(32)
        cell = doc_of * k + bins.astype(np.int64)
        value = (hashes & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        flat = out.reshape(-1)
        np.minimum.at(flat, cell, value)
        filled = np.zeros(n_docs * k, dtype=bool)
        filled[cell] = True
        self._densify(out, filled.reshape(n_docs, k), np.bincount(doc_of, minlength=n_docs) > 0)
        return out

    def _densify(self, sig: np.ndarray, filled: np.ndarray, nonempty: np.ndarray) -> None:
        """Fill each empty bin from the first filled bin along its probe sequence.

        Probes are tried a block of attempts at a time, so a batch needs a handful of numpy
        passes even when a one-word document must probe hundreds of times.
        """
        rows, cols = np.nonzero(~filled & nonempty[:, None])
        original = sig.copy()
        attempt = 0
        while len(rows):
            block = self._probe_rows(attempt + _PROBE_BLOCK)[attempt : attempt + _PROBE_BLOCK]
            src = block[:, cols].T  # (empty cells, attempts)
            hit = filled[rows[:, None], src]
            found = hit.any(axis=1)
            first = hit.argmax(axis=1)[found]
            r, c = rows[found], cols[found]
            s = src[found, first]
            # a borrowed value is tagged with its attempt, so two documents agree on a borrowed
            # slot only when they borrowed the same bin at the same attempt
            tag = (attempt + first).astype(np.uint64) * np.uint64(0x9E3779B1)
            sig[r, c] = ((original[r, s].astype(np.uint64) + tag) & np.uint64(0xFFFFFFFF)).astype(
                np.uint32
            )
            rows, cols = rows[~found], cols[~found]
            attempt += _PROBE_BLOCK

    def signatures(self, texts: list[str]) -> np.ndarray:
        hashes, doc_of = self.shingle_batch(texts)
        return self.signatures_from_shingles(hashes, doc_of, len(texts))


def agreement(sig: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Fraction of equal signature slots: the MinHash estimate of Jaccard similarity."""
    return (others == sig).mean(axis=-1)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two sorted unique shingle-hash arrays."""
    if len(a) == 0 and len(b) == 0:
        return 1.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)
