"""How rare each word of a run is: document frequencies of the sentence records' word features.

Two answers to one question, written apart, share the question's topic words; a revision of a
text keeps that text's own choice of words, most of which few other documents of the run hold.
So when ``rewrite_dedup`` compares two documents' words (the stem containment of a pair met on
content keys, the word Jaccard of two sentences in a hand revision) each shared word counts by
its inverse document frequency within the run, ``log((N + 1) / df)``: a word every answer to
the question uses counts little, a word only the two documents hold counts most.

The counts live in a fixed table of :data:`SLOTS` counters indexed by the feature's bits (a
feature is already a hash), so memory stays bounded whatever the corpus; two features sharing
a slot add their counts, which only makes both look commoner. The frequencies are those of the
whole document table (a previous run's documents read through ``--dedup-index`` included), so
they are the same whichever worker or order the documents came in.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tamis.dedup.rewrite import (
    _KIND_MASK,
    _TRIGRAM_BIT,
    distinct,
    record_chunks,
    record_heads,
)

#: counters in the table (4 MiB of uint32)
SLOTS = 1 << 20


def record_words(flat: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(word features, the record each comes from) of packed sentence records laid end to end
    in ``flat`` (record ``i`` ends at ``ends[i]``; the layout of
    :func:`tamis.dedup.rewrite.pack`), each record's distinct stems, names and numbers once."""
    if len(ends) == 0:
        return np.zeros(0, np.uint32), np.zeros(0, np.int64)
    starts, k, d = record_heads(flat, ends)
    n_feat = np.zeros(len(ends), np.int64)
    some = k > 0
    n_feat[some] = flat[starts[some] + 2 * k[some]].astype(np.int64)
    first = 2 * (starts + 1 + 3 * k + d)  # in uint32 words
    rec = np.repeat(np.arange(len(ends)), n_feat)
    rank = np.arange(len(rec)) - np.repeat(np.cumsum(n_feat) - n_feat, n_feat)
    words = np.ascontiguousarray(flat).view(np.uint32)[first[rec] + rank]
    keep = (words & _KIND_MASK) != _TRIGRAM_BIT
    key = distinct((rec[keep].astype(np.uint64) << np.uint64(32)) | words[keep])
    return (key & np.uint64(0xFFFFFFFF)).astype(np.uint32), (key >> np.uint64(32)).astype(np.int64)


def slots(features: np.ndarray) -> np.ndarray:
    """The counter of each feature: bits above its kind."""
    return ((np.asarray(features, np.uint32) >> 2) & (SLOTS - 1)).astype(np.intp)


class Rarity:
    """Document frequencies of word features over a document table, and the weights of
    features by them."""

    def __init__(self, counts: np.ndarray, documents: int) -> None:
        self.counts = counts
        self.documents = documents
        self._log_n = float(np.log(documents + 1))

    @classmethod
    def of_table(cls, table: Any, step: int = 1 << 14) -> Rarity:
        """Count every document's distinct word features, reading its packed records in
        chunks of ``step`` documents."""
        out = cls(np.zeros(SLOTS, np.uint32), table.n)
        for _start, flat, ends in record_chunks(table, step):
            out.count(flat, ends)
        return out

    def count(self, flat: np.ndarray, ends: np.ndarray) -> None:
        """Add the documents of packed records laid end to end (as :func:`record_words`
        reads them) to the counts: each of a document's distinct words once."""
        words, _rec = record_words(np.asarray(flat, np.uint64), ends)
        self.counts += np.bincount(slots(words), minlength=SLOTS).astype(np.uint32)

    def weights(self, features: np.ndarray) -> np.ndarray:
        """``log((N + 1) / df)`` of each feature (a feature no document was counted with
        weighs as if one held it); skeleton trigrams weigh 0."""
        df = np.maximum(self.counts[slots(features)], 1).astype(np.float64)
        out = self._log_n - np.log(df)
        out[(np.asarray(features) & _KIND_MASK) == _TRIGRAM_BIT] = 0.0
        return out
