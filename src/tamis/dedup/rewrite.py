"""Rewritten copies: skeleton signatures for LSH, sentence sketches for the alignment check.

A spun copy keeps each sentence's skeleton (:mod:`tamis.dedup.skeleton`) while most of its
words change, so word shingles miss it. Here a document is described twice:

- for candidates, a MinHash signature over its skeleton 5-grams (taken inside sentences, with
  start and end marks), banded for LSH like ``minhash_dedup``'s; and one key per sentence,
  the hash of its whole skeleton, so that a copy of a few of a long document's sentences (a
  student's answer pasted from an encyclopedia article) still meets its source in a bucket;
- for verification, one small set of features per sentence: its skeleton trigrams, its names
  and numbers, and its content-word stems (a spinner keeps some). These sets, with each
  sentence's character span, are packed into one ``uint64`` array per document and live in the
  on-disk document table, never in memory for the whole corpus.

A candidate pair is declared only when the copy's sentences *align* to the original's: each
copy sentence is matched to an original sentence whose features it shares (Jaccard at least a
cut), and the matches are taken in the best order-preserving chain (an LCS over sentences), so
that generic sentences of two different stories on one subject, matched here and there out of
order, do not add up. A swapped sentence costs one match, an added one one unmatched sentence.
The share of the copy's sentences on that chain is the similarity the clustering cuts on.

A hand revision (a student's answer reworded from its source) keeps its source's content words
and figures but few of its skeletons, so it has a third kind of candidate key: per document,
:data:`CONTENT_BANDS` MinHash minima over its distinct content-word stems. A pair meeting on one
is first compared by stems alone (:func:`stems_contained`, the smaller set's share found in the
other), and only then aligned: as a spun copy, and by its sentences' words alone
(:func:`align_revision`, in any order, since a reviser moves sentences about).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np

from tamis.dedup.hashing import mix64, shingles_batch
from tamis.dedup.words import CONTENT, NAME, NUMBER, skeleton_sequences, tokenize

SKELETON_NGRAM = 5
SENTENCE_NGRAM = 3
_SENTENCE_SALT = np.uint64(0x5BD1E9955BD1E995)
_ANCHOR_SALT = np.uint64(0xA5A5A5A5A5A5A5A5)
_CONTENT_SALT = np.uint64(0xC0C0C0C0C0C0C0C0)
# the two low bits of a sentence feature: what it was made from
_KIND_MASK = 3
_TRIGRAM_BIT = 0
_NUMBER_BIT = 1
_NAME_BIT = 2
_STEM_BIT = 3
#: sentences shorter than this ("Reuter", "Advertisement") are no evidence either way: they are
#: left out of the sentence records (not of the skeleton signature)
MIN_SENTENCE_WORDS = 4
#: a sentence's own LSH key needs a skeleton of this many tokens (marks left out): shorter
#: skeletons ("^ it is X to X $") are shared by unrelated sentences everywhere
SENTENCE_KEY_TOKENS = 8
_KEY_SALT = np.uint64(0x9E6C63D0676A9A99)
#: a document's content keys: one MinHash minimum over its distinct content-word stems per
#: band, each a bucket of its own. A hand revision keeps most of its source's content words
#: but few of its sentence skeletons, so it meets its source here; buckets of common words
#: overflow the bucket cap and nominate nothing, which leaves the rarer words doing the work.
#: Two documents share a key with a probability set by the Jaccard of their stem sets, and a
#: short revision of part of a long document keeps most of its own stems (containment) but
#: few of the long one's: a quarter of a long Reuters story spun at 35%, keeping 0.6 of its
#: stems or more, met its story on 8 keys 89% of the time and on 16 keys 99%
CONTENT_BANDS = 16
#: of those keys, the first this many may have a pair removed; a pair agreeing only on the
#: others is reported (``partial_copy_of``), never removed. The others are there for recall
#: (heavy revisions are to be reported); the declared pairs stay what 8 keys gave, which on
#: the tuned Reuters part hold no false pair
DECLARING_CONTENT_BANDS = 8
#: content minima kept in the signature, with the count of distinct stems: the declaring
#: keys' minima, 16 that estimate two documents' stem containment before reading either's
#: record, and the reporting keys' minima
CONTENT_COLUMNS = 32
#: the signature's content columns that estimate: the 16 after the declaring keys' (the
#: pass-over figures below were measured on them); the reporting keys' minima follow
_ESTIMATE_COLUMNS = slice(DECLARING_CONTENT_BANDS, DECLARING_CONTENT_BANDS + 16)
#: a pair meeting on content keys whose estimated containment falls this far under the cut
#: is not read at all: on 3,000 documents of the tuned Reuters part this reads a quarter of
#: such pairs and passes over 2 of the 132 whose stems reach the cut
CONTAINMENT_ESTIMATE_SLACK = 0.3
#: with words weighed by their rarity, the unweighted estimate is cut here whatever the
#: weighted cut: where the unweighted cut of 0.6 and its slack put it, so that weighing reads
#: the pairs read before
WEIGHED_ESTIMATE_FLOOR = 0.3


def estimate_floor(cut: float, weigh: object | None) -> float:
    """The estimated (unweighted) containment under which a pair met on content keys is
    passed over, for a cut on the containment weighted or not."""
    return WEIGHED_ESTIMATE_FLOOR if weigh is not None else cut - CONTAINMENT_ESTIMATE_SLACK


#: a document with fewer distinct content stems gets no content keys (too little to go on)
MIN_CONTENT_STEMS = 20
#: a content key's bucket of at most this many documents has every two of them compared, not
#: each with its best-ranked member alone: a revision whose one shared key's bucket is led by
#: a third document still meets its source. On the tuned Reuters part this compares 17,137
#: pairs where the stars were 8,771 (most stop at the containment estimate)
CONTENT_ALL_PAIRS = 12
#: the top bit marks a content key, so that its bucket's pairs take their own verification;
#: sentence keys have it clear
CONTENT_KEY_BIT = np.uint64(1 << 63)
#: the next bit marks a reporting content key, whose bucket's pairs are aligned for a report
#: only (:data:`DECLARING_CONTENT_BANDS`)
REPORTING_KEY_BIT = np.uint64(1 << 62)
_BAND_SALT = np.uint64(0x6A09E667F3BCC909)


#: word features -> their weights (:meth:`tamis.dedup.rarity.Rarity.weights`)
Weigh = Callable[[np.ndarray], np.ndarray]


@dataclass
class BatchSketch:
    doc_hashes: np.ndarray  # skeleton 5-gram hashes of the batch
    doc_of: np.ndarray  # the document each one belongs to
    packed: list[np.ndarray]  # one packed sentence record per document
    content: np.ndarray  # (n_docs, CONTENT_COLUMNS + 1) uint32 content minima and stem count


def skeleton_keys(seq: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """One 64-bit key per sentence: an order-sensitive hash of its whole skeleton (tokens
    between its marks), or 0 when the skeleton is under :data:`SENTENCE_KEY_TOKENS` tokens."""
    n = len(lengths)
    if n == 0:
        return np.zeros(0, np.uint64)
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    pos = np.arange(len(seq)) - np.repeat(offsets, lengths)
    mixed = mix64(seq ^ mix64(pos.astype(np.uint64) ^ _KEY_SALT))
    keys = mix64(np.add.reduceat(mixed, offsets)) & ~CONTENT_KEY_BIT
    keys[keys == 0] = 1
    keys[lengths - 2 < SENTENCE_KEY_TOKENS] = 0
    return keys


#: texts are tokenized this many characters at a time: the polynomial word hashes need a
#: power table as long as the bytes tokenized at once, and a long one costs more to build
#: (and to page in) than the words it hashes
CHUNK_CHARS = 1 << 20


def content_minima(
    stems: np.ndarray, doc: np.ndarray, n_docs: int, columns: int
) -> tuple[np.ndarray, np.ndarray]:
    """(n_docs, columns) MinHash minima over each document's distinct stems (the words
    ``stems`` of documents ``doc``; all ones for a document without any), and (n_docs,) the
    count of its distinct stems. Two documents agree on a column with a probability equal to
    the Jaccard of their stem sets, whatever order or multiplicity the words come in. The
    minima are the top 32 bits of 64-bit hashes (the minimum of the tops is the top of the
    minimum): half the bytes gathered per document and stem."""
    out = np.full((n_docs, columns), np.uint32(2**32 - 1), np.uint32)
    count = np.zeros(n_docs, np.int64)
    if len(stems) == 0 or columns == 0:
        return out, count
    # distinct (document, stem) pairs in one 1-d sort: the stem's hash cut to 32 bits
    pairs = distinct((doc.astype(np.uint64) << np.uint64(32)) | (stems >> np.uint64(32)))
    doc_of, stem = (pairs >> np.uint64(32)).astype(np.int64), pairs & np.uint64(0xFFFFFFFF)
    count = np.bincount(doc_of, minlength=n_docs)
    starts = np.concatenate([[0], np.cumsum(count)[:-1]])
    some = np.flatnonzero(count)  # reduceat's groups: every document with a stem
    # a batch holds each common stem in hundreds of documents: every distinct stem is hashed
    # once, for every column, and each document's rows are gathered from that table
    order = np.argsort(stem, kind="stable")
    new = np.ones(len(stem), dtype=bool)
    new[1:] = stem[order[1:]] != stem[order[:-1]]
    which = np.empty(len(stem), dtype=np.int64)
    which[order] = np.cumsum(new) - 1
    table = (stem_hashes(stem[order[new]], columns) >> np.uint64(32)).astype(np.uint32)
    out[some] = np.minimum.reduceat(table[which], starts[some], axis=0)
    return out, count


def distinct(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values of an array: ``np.unique`` by one sort, which numpy 2's
    hash-based ``np.unique`` is many times slower than on integer arrays."""
    out = np.sort(values)
    if len(out) > 1:
        out = out[np.concatenate([[True], out[1:] != out[:-1]])]
    return out


def stem_hashes(stems: np.ndarray, columns: int) -> np.ndarray:
    """(len(stems), columns) the content hashes of 32-bit stems: a multiply-add per column
    before the mixer (salts XORed in alone left the columns' orders of a document's stems
    correlated)."""
    mult, add = _content_hashes(columns)
    return mix64(mix64(stems.astype(np.uint64))[:, None] * mult[None, :] + add[None, :])


@cache
def _content_hashes(columns: int) -> tuple[np.ndarray, np.ndarray]:
    """(multipliers, addends) of the first ``columns`` content hashes: one fixed sequence,
    so that the keys are the first minima of the signature's columns."""
    rng = np.random.default_rng(0xC0DE)
    mult = rng.integers(0, 2**63, 256, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    add = rng.integers(0, 2**63, 256, dtype=np.uint64)
    return mult[:columns], add[:columns]


def _keys_of(minima: np.ndarray, count: np.ndarray, first: int = 0) -> np.ndarray:
    """Content keys of minima columns ``first``, ``first + 1``... (each column salted by its
    number); keys of columns past :data:`DECLARING_CONTENT_BANDS` carry
    :data:`REPORTING_KEY_BIT`."""
    columns = np.arange(first, first + minima.shape[1], dtype=np.uint64)
    salts = mix64((columns + np.uint64(1)) * _BAND_SALT)
    reporting = np.where(columns >= DECLARING_CONTENT_BANDS, REPORTING_KEY_BIT, np.uint64(0))
    keys = (mix64(minima.astype(np.uint64) ^ salts) & ~REPORTING_KEY_BIT) | CONTENT_KEY_BIT
    keys |= reporting
    keys[count < MIN_CONTENT_STEMS] = 0
    return keys


def content_keys(stems: np.ndarray, doc: np.ndarray, n_docs: int, bands: int) -> np.ndarray:
    """(n_docs, bands) content keys (see :data:`CONTENT_BANDS`): one per MinHash minimum of
    :func:`content_minima`; a row of zeros for a document under :data:`MIN_CONTENT_STEMS`
    distinct stems."""
    return _keys_of(*content_minima(stems, doc, n_docs, bands))


def content_part(table: Any, skeleton_columns: int) -> np.ndarray:
    """(documents, CONTENT_COLUMNS + 1) the content part of every signature in a document
    table, read in chunks: 100 bytes a document, so that the containment of every pair met on
    content keys is estimated without reading anything per pair."""
    step = 1 << 16
    parts = [
        np.ascontiguousarray(
            table.sig_chunk(start, min(start + step, table.n))[:, skeleton_columns:]
        )
        for start in range(0, table.n, step)
    ]
    if not parts:
        return np.zeros((0, CONTENT_COLUMNS + 1), np.uint32)
    return np.concatenate(parts)


def estimated_containment(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """For rows of the content part of two signatures (minima, then the stem count): the
    share of the smaller stem set found in the other, estimated from the minima's agreement
    (Jaccard J gives J (a + b) / ((1 + J) min(a, b))). The keys' minima are left out: the
    pair met on one of them, so they agree more often than the sets do."""
    agree = (first[:, _ESTIMATE_COLUMNS] == second[:, _ESTIMATE_COLUMNS]).mean(axis=1)
    a = first[:, -1].astype(np.float64)
    b = second[:, -1].astype(np.float64)
    smaller = np.minimum(a, b)
    est = agree * (a + b) / ((1 + agree) * np.maximum(smaller, 1))
    return np.where(smaller > 0, est, 0.0)


def sketch_batch(texts: list[str], min_words: int) -> BatchSketch:
    """Skeleton shingles and packed sentence records for a batch of texts.

    A text under ``min_words`` words gets no shingles and an empty record: too short to tell
    a rewrite from a coincidence, it is neither removed nor an original.
    """
    parts = []
    start = 0
    while start < len(texts):
        stop, size = start + 1, len(texts[start])
        while stop < len(texts) and size + len(texts[stop]) <= CHUNK_CHARS:
            size += len(texts[stop])
            stop += 1
        part = _sketch_chunk(texts[start:stop], min_words)
        parts.append(BatchSketch(part.doc_hashes, part.doc_of + start, part.packed, part.content))
        start = stop
    if len(parts) == 1:
        return parts[0]
    if not parts:
        return _sketch_chunk([], min_words)
    return BatchSketch(
        np.concatenate([p.doc_hashes for p in parts]),
        np.concatenate([p.doc_of for p in parts]),
        [r for p in parts for r in p.packed],
        np.concatenate([p.content for p in parts]),
    )


def _sketch_chunk(texts: list[str], min_words: int) -> BatchSketch:
    w = tokenize(texts)
    n_sent = len(w.sentence_doc)
    long_doc = w.doc_words >= min_words
    seq, lengths = skeleton_sequences(w)
    sent_words = np.bincount(w.sentence, minlength=n_sent)
    # sentences of long-enough documents carry the signature; of those, the ones of
    # MIN_SENTENCE_WORDS words or more get a record of their own
    sent_used = long_doc[w.sentence_doc] if n_sent else np.zeros(0, bool)
    with_record = sent_used & (sent_words >= MIN_SENTENCE_WORDS)
    rec_of_sent = np.where(with_record, np.cumsum(with_record) - 1, -1)
    n_rec = int(with_record.sum())
    if n_sent:
        doc_h, sent_of = shingles_batch(seq, lengths, SKELETON_NGRAM)
        used = sent_used[sent_of]
        doc_h, doc_of = doc_h[used], w.sentence_doc[sent_of[used]]
        tri_h, tri_sent = shingles_batch(seq, lengths, SENTENCE_NGRAM)
        tri_rec = rec_of_sent[tri_sent]
        word_rec = rec_of_sent[w.sentence]
        number = (w.kind == NUMBER) & (word_rec >= 0)
        name = (w.kind == NAME) & (word_rec >= 0)
        stem = (w.kind == CONTENT) & (word_rec >= 0)
        # the two lowest bits of a 32-bit feature (bits 32 and 33 here) mark its kind
        low = np.uint64(3 << 32)
        feat = np.concatenate(
            [
                mix64(tri_h[tri_rec >= 0] ^ _SENTENCE_SALT) & ~low,
                mix64(w.hash[number] ^ _ANCHOR_SALT) & ~low | np.uint64(_NUMBER_BIT << 32),
                mix64(w.hash[name] ^ _ANCHOR_SALT) & ~low | np.uint64(_NAME_BIT << 32),
                mix64(w.stem[stem] ^ _CONTENT_SALT) & ~low | np.uint64(_STEM_BIT << 32),
            ]
        )
        feat_rec = np.concatenate(
            [tri_rec[tri_rec >= 0], word_rec[number], word_rec[name], word_rec[stem]]
        )
    else:
        doc_h = np.empty(0, np.uint64)
        doc_of = np.empty(0, np.int64)
        feat = np.empty(0, np.uint64)
        feat_rec = np.empty(0, np.int64)
    # 32-bit features, unique within each sentence, grouped by sentence: one sort of
    # (record << 32 | feature) keys
    key = np.sort((feat_rec.astype(np.uint64) << np.uint64(32)) | (feat >> np.uint64(32)))
    if len(key) > 1:
        key = key[np.concatenate([[True], key[1:] != key[:-1]])]
    feat32 = (key & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    feat_rec = (key >> np.uint64(32)).astype(np.int64)
    rec_bounds = np.searchsorted(feat_rec, np.arange(n_rec + 1))
    rec_doc = w.sentence_doc[with_record]
    rec_span = w.sentence_span[with_record]
    rec_key = skeleton_keys(seq, lengths)[with_record] if n_sent else np.zeros(0, np.uint64)
    content = (w.kind == CONTENT) & long_doc[w.sentence_doc[w.sentence]]
    minima, count = content_minima(
        w.stem[content], w.sentence_doc[w.sentence[content]], len(texts), CONTENT_COLUMNS
    )
    reporting_from = _ESTIMATE_COLUMNS.stop
    doc_key = np.concatenate(
        [
            _keys_of(minima[:, :DECLARING_CONTENT_BANDS], count),
            _keys_of(minima[:, reporting_from:], count, reporting_from),
        ],
        axis=1,
    )
    packed = pack_batch(len(texts), rec_doc, rec_span, feat32, rec_bounds, rec_key, doc_key)
    content_sig = np.concatenate([minima, count[:, None].astype(np.uint32)], axis=1)
    return BatchSketch(doc_h, doc_of, packed, content_sig)


def signatures(
    hashes: np.ndarray, doc_of: np.ndarray, n_docs: int, num_perm: int, seed: int
) -> np.ndarray:
    """(n_docs, num_perm) uint32 MinHash signatures by one-permutation hashing.

    Each shingle's salted hash picks a bin (high bits) and competes for its minimum (low bits),
    as in :mod:`tamis.dedup.minhash`. Skeletons are short, so many bins stay empty; they are
    filled by rotation (Shrivastava and Li, 2014): an empty bin takes the value of the next
    filled bin to its right, shifted by the distance, which two documents agree on exactly
    when they agree on that bin. That is a handful of numpy passes, where the probe-sequence
    densification costs a pass per round. An empty document gets all-ones.
    """
    k = num_perm
    out = np.full((n_docs, k), 0xFFFFFFFF, dtype=np.uint32)
    if len(hashes) == 0 or n_docs == 0:
        return out
    salt = np.random.default_rng([seed, 0x5CE1]).integers(0, 2**63, dtype=np.uint64)
    h = mix64(hashes ^ salt)
    bins = (((h >> np.uint64(32)) * np.uint64(k)) >> np.uint64(32)).astype(np.int64)
    flat = out.reshape(-1)
    np.minimum.at(flat, doc_of * k + bins, (h & np.uint64(0xFFFFFFFF)).astype(np.uint32))
    filled = np.zeros(n_docs * k, dtype=bool)
    filled[doc_of * k + bins] = True
    filled = filled.reshape(n_docs, k)
    cols = np.arange(2 * k)
    pos = np.where(np.concatenate([filled, filled], axis=1), cols, 2 * k)
    nxt = np.minimum.accumulate(pos[:, ::-1], axis=1)[:, ::-1][:, :k]
    rows, col = np.nonzero(~filled & (nxt[:, :1] < 2 * k))
    src = nxt[rows, col]
    shift = (src - col).astype(np.uint64) * np.uint64(0x9E3779B1)
    out[rows, col] = (
        (out[rows, src % k].astype(np.uint64) + shift) & np.uint64(0xFFFFFFFF)
    ).astype(np.uint32)
    # neighbouring bins often copy one value: scatter them, so that the rows of an LSH band
    # come from bins far apart
    return np.ascontiguousarray(out[:, _scatter(k, seed)])


@cache
def _scatter(k: int, seed: int) -> np.ndarray:
    return np.random.default_rng([seed, 0x5CA7]).permutation(k)


def pack_batch(
    n_docs: int,
    rec_doc: np.ndarray,
    rec_span: np.ndarray,
    features: np.ndarray,
    rec_bounds: np.ndarray,
    rec_key: np.ndarray,
    doc_keys: np.ndarray | None = None,
) -> list[np.ndarray]:
    """:func:`pack` for every document of a batch at once: one array, cut into views.

    ``rec_doc`` is each sentence record's document (ascending), ``rec_span`` its span,
    ``features`` all records' features in record order, ``rec_bounds`` where each starts,
    ``rec_key`` each record's sentence key and ``doc_keys`` (n_docs, bands) each document's
    content keys (zeros: none; a document without sentence records keeps none either).
    """
    if n_docs == 0:
        return []
    k = np.bincount(rec_doc, minlength=n_docs).astype(np.int64)
    if doc_keys is None:
        doc_keys = np.zeros((n_docs, 0), np.uint64)
    doc_keys = np.where(k[:, None] > 0, doc_keys, np.uint64(0))
    d = (doc_keys != 0).sum(axis=1)
    first = np.concatenate([[0], np.cumsum(k)])
    nfeat = rec_bounds[first[1:]] - rec_bounds[first[:-1]]
    size = 1 + 3 * k + d + (nfeat + 1) // 2
    off = np.concatenate([[0], np.cumsum(size)])
    flat = np.zeros(int(off[-1]), dtype=np.uint64)
    flat[off[:-1]] = k.astype(np.uint64) | (d.astype(np.uint64) << np.uint64(32))
    key_doc, _ = np.nonzero(doc_keys)
    key_rank = np.arange(len(key_doc)) - np.repeat(np.cumsum(d) - d, d)
    flat[off[key_doc] + 1 + 3 * k[key_doc] + key_rank] = doc_keys[doc_keys != 0]
    if len(rec_doc):
        rank = np.arange(len(rec_doc)) - first[rec_doc]
        sp = np.asarray(rec_span, dtype=np.int64).astype(np.uint64)
        flat[off[rec_doc] + 1 + rank] = (sp[:, 0] << np.uint64(32)) | sp[:, 1]
        ends = rec_bounds[1:] - rec_bounds[first[rec_doc]]
        flat[off[rec_doc] + 1 + k[rec_doc] + rank] = ends.astype(np.uint64)
        flat[off[rec_doc] + 1 + 2 * k[rec_doc] + rank] = rec_key
        words = flat.view(np.uint32)
        feat_doc = np.repeat(rec_doc, np.diff(rec_bounds))
        feat_rank = np.arange(len(features)) - rec_bounds[first[feat_doc]]
        words[2 * (off[feat_doc] + 1 + 3 * k[feat_doc] + d[feat_doc]) + feat_rank] = features
    return np.split(flat, off[1:-1])


def pack(
    spans: np.ndarray,
    features: np.ndarray,
    bounds: np.ndarray,
    keys: np.ndarray,
    doc_keys: np.ndarray | None = None,
) -> np.ndarray:
    """One document's sentences as a uint64 array:
    ``[k | d << 32, span_0 .. span_k-1, end_0 .. end_k-1, key_0 .. key_k-1, doc key_0 ..
    doc key_d-1, features (two uint32 per slot)]`` where a span is ``start << 32 | end``
    (characters), ``end_i`` the running count of features through sentence ``i``, ``key_i``
    its skeleton key (0: none) and the ``d`` doc keys the document's content keys."""
    k = len(spans)
    if k == 0:
        return np.zeros(1, dtype=np.uint64)
    doc_keys = np.zeros(0, np.uint64) if doc_keys is None else np.asarray(doc_keys, np.uint64)
    doc_keys = doc_keys[doc_keys != 0]
    d = len(doc_keys)
    head = np.empty(1 + 3 * k + d, dtype=np.uint64)
    head[0] = k | (d << 32)
    sp = np.asarray(spans, dtype=np.int64).astype(np.uint64)
    head[1 : 1 + k] = (sp[:, 0] << np.uint64(32)) | sp[:, 1]
    head[1 + k : 1 + 2 * k] = np.asarray(bounds[1:], dtype=np.uint64)
    head[1 + 2 * k : 1 + 3 * k] = np.asarray(keys, dtype=np.uint64)
    head[1 + 3 * k :] = doc_keys
    feats = np.asarray(features, dtype=np.uint32)
    if len(feats) % 2:
        feats = np.append(feats, np.uint32(0))
    return np.concatenate([head, feats.view(np.uint64)])


def sentence_count(record: np.ndarray) -> int:
    """The number of sentence records a packed record holds."""
    return _header(record)[0]


def _header(record: np.ndarray) -> tuple[int, int]:
    """(sentence records, content keys) of a packed record."""
    if len(record) == 0:
        return 0, 0
    head = int(record[0])
    return head & 0xFFFFFFFF, head >> 32


@dataclass
class Sentences:
    """One document's sentence records, with what comparing them needs worked out once."""

    spans: np.ndarray  # (k, 2) character start, end
    bounds: np.ndarray  # (k + 1,) feature offsets
    features: np.ndarray  # uint32, grouped by sentence, unique within one
    keys: np.ndarray  # uint64 skeleton key of each sentence (0: too short for one)
    doc_keys: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint64))

    def __post_init__(self) -> None:
        k = len(self.spans)
        per_sentence = np.diff(self.bounds)
        self.sentence_of = np.repeat(np.arange(k, dtype=np.int32), per_sentence)
        self._sorted: tuple[np.ndarray, np.ndarray] | None = None
        self._weighted: np.ndarray | None = None
        self.size = per_sentence.astype(np.float64)
        # features of each kind per sentence, in one count: (k, 4)
        kinds = np.bincount(
            self.sentence_of * 4 + (self.features & _KIND_MASK), minlength=4 * k
        ).reshape(k, 4)
        self.numbers = kinds[:, _NUMBER_BIT]
        self.names = kinds[:, _NAME_BIT]
        # what a hand revision keeps of a sentence is its words (stems, names, numbers),
        # reordered and re-joined, where a spinner keeps its skeleton and changes its words:
        # the sentence's size without its skeleton trigrams
        self.words = (per_sentence - kinds[:, _TRIGRAM_BIT]).astype(np.float64)

    def __len__(self) -> int:
        return len(self.spans)

    def weighted_words(self, weigh: Weigh) -> np.ndarray:
        """(k,) each sentence's words (stems, names, numbers) summed by their weights; the
        first ``weigh`` asked is kept (one run weighs by one table)."""
        if self._weighted is None:
            self._weighted = np.bincount(
                self.sentence_of, weights=weigh(self.features), minlength=len(self)
            )
        return self._weighted

    def sorted_by_feature(self) -> tuple[np.ndarray, np.ndarray]:
        """(features, their sentences) sorted by feature: wanted when this is the original."""
        if self._sorted is None:
            order = np.argsort(self.features, kind="stable")
            self._sorted = (self.features[order], self.sentence_of[order])
        return self._sorted


def spans_of(record: np.ndarray) -> np.ndarray:
    """(k, 2) character spans of a packed record's sentences, read from its header alone."""
    k = _header(record)[0]
    return _split_spans(np.asarray(record[1 : 1 + k], dtype=np.uint64))


# the 32-bit halves of a native uint64, (low, high) on a little-endian machine
_HALVES = slice(None, None, -1) if sys.byteorder == "little" else slice(None)


def _split_spans(packed: np.ndarray) -> np.ndarray:
    """(k, 2) int64 (start, end) of spans packed as ``start << 32 | end``."""
    halves = np.ascontiguousarray(packed).view(np.uint32).reshape(-1, 2)
    return halves[:, _HALVES].astype(np.int64)


def unpack(record: np.ndarray) -> Sentences:
    record = np.asarray(record, dtype=np.uint64)
    k, d = _header(record)
    if k == 0:
        return Sentences(
            np.zeros((0, 2), np.int64),
            np.zeros(1, np.int64),
            np.zeros(0, np.uint32),
            np.zeros(0, np.uint64),
        )
    spans = _split_spans(record[1 : 1 + k])
    bounds = np.concatenate([[0], record[1 + k : 1 + 2 * k].astype(np.int64)])
    keys = record[1 + 2 * k : 1 + 3 * k]
    doc_keys = record[1 + 3 * k : 1 + 3 * k + d]
    features = np.ascontiguousarray(record[1 + 3 * k + d :]).view(np.uint32)[: bounds[-1]]
    return Sentences(spans, bounds, features, keys, doc_keys)


def record_chunks(table: Any, step: int = 1 << 14) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """(first document, packed records laid end to end, where each ends) of a document
    table's records, ``step`` documents at a time: what :func:`bucket_keys_of` and
    :func:`record_heads` read."""
    for start in range(0, table.n, step):
        stop = min(start + step, table.n)
        first = int(table.shingle_end[start - 1]) if start else 0
        ends = np.asarray(table.shingle_end[start:stop], dtype=np.int64) - first
        yield start, table.shingle_range(first, first + int(ends[-1])), ends


def record_heads(flat: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(start, sentence records, content keys) of each packed record laid end to end in
    ``flat`` (record ``i`` ends at ``ends[i]``; an empty record holds none of either)."""
    starts = np.concatenate([[0], ends[:-1]]).astype(np.int64)
    has = ends > starts
    head = np.zeros(len(ends), np.uint64)
    head[has] = flat[starts[has]]
    k = (head & np.uint64(0xFFFFFFFF)).astype(np.int64)
    return starts, k, (head >> np.uint64(32)).astype(np.int64)


def bucket_keys_of(flat: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(keys, the record each comes from) of packed records laid end to end in ``flat``
    (record ``i`` ends at ``ends[i]``), without unpacking them one by one: every sentence key
    (keys of 0, too short a skeleton, left out) and every content key."""
    if len(ends) == 0:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    starts, k, d = record_heads(flat, ends)
    # sentence keys, then content keys, sit side by side after the ends
    n = k + d
    rec = np.repeat(np.arange(len(ends)), n)
    rank = np.arange(len(rec)) - np.repeat(np.cumsum(n) - n, n)
    keys = flat[starts[rec] + 1 + 2 * k[rec] + rank]
    used = keys != 0
    return keys[used], rec[used]


def stems_of(record: np.ndarray) -> np.ndarray:
    """A packed record's distinct content-word stems (sorted 32-bit features), read without
    unpacking it."""
    return distinct(stem_features(record))


def stem_features(record: np.ndarray) -> np.ndarray:
    """A packed record's content-word stems as its sentences hold them (a stem of several
    sentences repeats), read without unpacking it: what :func:`stems_contained` takes."""
    k, d = _header(record)
    if k == 0:
        return np.zeros(0, np.uint32)
    n_feat = int(record[2 * k])
    features = record[1 + 3 * k + d :].view(np.uint32)[:n_feat]
    return features[(features & _KIND_MASK) == _STEM_BIT]


def stems_contained(
    first: list[np.ndarray], second: list[np.ndarray], weigh: Weigh | None = None
) -> np.ndarray:
    """For each pair of documents given by their stems (repeats allowed, as
    :func:`stem_features` gives them): the share of the smaller set of distinct stems found
    in the other, all pairs in one sort. The cheap test a pair meeting on content keys
    passes before its sentences are aligned. ``weigh`` (features -> weights): each stem
    counts by its weight, the smaller set being the lighter one."""
    n = len(first)
    if n == 0:
        return np.zeros(0)
    len_a = np.fromiter((len(x) for x in first), np.int64, n)
    len_b = np.fromiter((len(x) for x in second), np.int64, n)
    # key: pair, stem, side; distinct keys are each side's distinct stems, and a stem in
    # both sets of a pair is two neighbouring keys that differ in their side alone
    pair = np.arange(n, dtype=np.uint64) << np.uint64(33)
    one = np.uint64(1)
    keys = distinct(
        np.concatenate(
            [
                (np.concatenate(first).astype(np.uint64) << one) | np.repeat(pair, len_a),
                (np.concatenate(second).astype(np.uint64) << one) | np.repeat(pair | one, len_b),
            ]
        )
    )
    weight = None
    if weigh is not None:
        weight = weigh(((keys >> one) & np.uint64(0xFFFFFFFF)).astype(np.uint32))
    sizes = np.bincount(
        ((keys >> np.uint64(33)) * 2 + (keys & one)).astype(np.int64),
        weights=weight,
        minlength=2 * n,
    )
    both = np.flatnonzero((keys[1:] >> one) == (keys[:-1] >> one)) + 1
    inter = np.bincount(
        (keys[both] >> np.uint64(33)).astype(np.int64),
        weights=None if weight is None else weight[both],
        minlength=n,
    )
    smaller = np.minimum(sizes[0::2], sizes[1::2])
    return np.divide(inter, smaller, out=np.zeros(n), where=smaller > 0)


def shared_features(
    copy: Sentences, original: Sentences, weigh: Weigh | None = None
) -> np.ndarray | None:
    """(copy sentences, original sentences, 4) the features each two sentences share, by
    kind (skeleton trigrams, numbers, names, stems); None when they share none at all.
    Worked out once for a pair aligned both as a spun copy and as a revision. With
    ``weigh``, a fifth channel holds the shared words' summed weights (:data:`WEIGHTED`)."""
    n, m = len(copy), len(original)
    if n == 0 or m == 0:
        return None
    o_feat, o_sentence = original.sorted_by_feature()
    lo = np.searchsorted(o_feat, copy.features, side="left")
    hi = np.searchsorted(o_feat, copy.features, side="right")
    counts = hi - lo
    total = int(counts.sum())
    if total == 0:
        return None
    hit = np.repeat(np.arange(len(copy.features)), counts)
    cell = (
        copy.sentence_of[hit] * m
        + o_sentence[np.arange(total) + np.repeat(lo - np.cumsum(counts) + counts, counts)]
    )
    counts = np.bincount(cell * 4 + (copy.features[hit] & _KIND_MASK), minlength=4 * n * m).reshape(
        n, m, 4
    )
    if weigh is None:
        return counts
    weighted = np.bincount(cell, weights=weigh(copy.features[hit]), minlength=n * m)
    return np.concatenate([counts, weighted.reshape(n, m, 1)], axis=2)


#: the channel of :func:`shared_features` holding the shared words' weights, when weighed
WEIGHTED = 4


def sentence_similarity(
    copy: Sentences,
    original: Sentences,
    revision: bool = False,
    conflicts: np.ndarray | None = None,
    shared: np.ndarray | None = None,
    weigh: Weigh | None = None,
) -> np.ndarray:
    """(copy sentences, original sentences) Jaccard similarity of their feature sets, zero
    where their numbers or their names disagree (see below). ``revision``: of their words
    alone (no skeleton trigrams); names disagree only when none is shared, numbers when the
    copy's sentence gives one the original's lacks. ``conflicts``, an (n, m) array, receives
    the similarity of the pairs that both give figures and disagree so (0 elsewhere); it is
    only filled in with ``revision``. ``shared``: :func:`shared_features` of the two, if
    already worked out (with ``weigh``'s channel when ``weigh`` is given). ``weigh``, with
    ``revision``: each word counts by its weight (:mod:`tamis.dedup.rarity`)."""
    n, m = len(copy), len(original)
    if shared is None:
        shared = shared_features(copy, original, weigh if revision else None)
    if shared is None:
        return np.zeros((n, m))
    if revision and weigh is not None:  # words alone, each by its weight
        inter = shared[:, :, WEIGHTED].astype(np.float64)
        sizes = copy.weighted_words(weigh)[:, None] + original.weighted_words(weigh)[None, :]
    elif revision:  # words alone: the skeleton trigrams left out
        inter = shared[:, :, 1:WEIGHTED].sum(axis=2).astype(np.float64)
        sizes = copy.words[:, None] + original.words[None, :]
    else:
        inter = shared[:, :, :WEIGHTED].sum(axis=2).astype(np.float64)
        sizes = copy.size[:, None] + original.size[None, :]
    # sentences with no feature share none: their union of 0 gives 0 (as 0 / 1)
    sim = inter / np.maximum(sizes - inter, 1.0)
    # a spinner leaves figures and names alone: two sentences that share no more than half of
    # their numbers, or of their names, are not one sentence rewritten but one template filled
    # twice ("M-1 rose 500 mln dlrs to 738.7 billion" / "M-1 rose 1.0 billion dlrs to 741.0
    # billion"; "a sale of 7,000 tonnes ... to North Yemen" / "12,500 tonnes ... to Iraq")
    veto = np.zeros((n, m), dtype=bool)
    for bit, in_c, in_o in (
        (_NUMBER_BIT, copy.numbers, original.numbers),
        (_NAME_BIT, copy.names, original.names),
    ):
        common = shared[:, :, bit]
        union = in_c[:, None] + in_o[None, :] - common
        if revision and bit == _NUMBER_BIT:
            # a reviser drops a clause with its figures ("the shares were sold in 2005 for
            # $336 million") but neither changes nor adds any: figures disagree when the
            # copy's sentence gives one the original's lacks
            added = common < in_c[:, None]
            if conflicts is not None:
                conflicts[...] = np.where(added & (in_o[None, :] > 0), sim, 0.0)
            veto |= added
        elif revision and bit == _NAME_BIT:
            # a hand reviser spells a name out or shortens it ("the WWW" for "the World Wide
            # Web") and capitalises words: names disagree only when none is shared
            veto |= (in_c[:, None] > 0) & (in_o[None, :] > 0) & (common == 0)
        else:
            veto |= (union > 0) & (2 * common <= union)
    sim[veto] = 0.0
    return sim


@dataclass
class Alignment:
    share: float  # aligned copy sentences / copy sentences
    aligned: int
    copy_sentences: int
    mean_similarity: float  # over aligned pairs
    pairs: list[tuple[int, int, float]]  # (copy sentence, original sentence, similarity)
    matched: int = 0  # copy sentences matching some original sentence, in any order
    lead_matched: bool = False  # a first sentence matches one of the other's first two
    figures_differ: bool = False  # two sentences match but for their numbers


#: sentences of fewer words (stems, names, numbers) than this match nothing in a revision
#: alignment: the share of a two-word sentence found elsewhere is chance
MIN_REVISION_WORDS = 4


def align(
    copy: Sentences,
    original: Sentences,
    cut: float,
    needed: float = 0.0,
    revision: bool = False,
    shared: np.ndarray | None = None,
    weigh: Weigh | None = None,
) -> Alignment:
    """The best order-preserving chain of copy->original sentence matches (similarity >= cut).

    When fewer than ``needed`` of the copy's sentences match anything, the chain cannot reach
    that share and is not built (the share returned is then that upper bound). ``revision``:
    names are compared loosely (see :func:`sentence_similarity`), sentences under
    :data:`MIN_REVISION_WORDS` features match nothing, and the alignment tells whether two
    sentences would match but for their figures.
    """
    n = len(copy)
    if n == 0 or len(original) == 0:
        return Alignment(0.0, 0, n, 0.0, [])
    conflicts = np.zeros((n, len(original))) if revision else None
    sim = sentence_similarity(copy, original, revision, conflicts, shared, weigh)
    figures_differ = False
    if conflicts is not None:
        short = (copy.words < MIN_REVISION_WORDS)[:, None] | (original.words < MIN_REVISION_WORDS)
        sim[short] = conflicts[short] = 0
        figures_differ = bool((conflicts >= cut).any())
    match = sim >= cut
    matched = int(match.any(axis=1).sum())
    lead = bool(match[0, :2].any() or match[:2, 0].any())
    bound = matched / n
    if bound == 0.0 or bound < needed:
        return Alignment(bound, 0, n, 0.0, [], matched, lead, figures_differ)
    pairs = _chain(match, sim)
    sims = [float(sim[i, j]) for i, j in pairs]
    return Alignment(
        len(pairs) / n,
        len(pairs),
        n,
        sum(sims) / len(sims) if sims else 0.0,
        [(i, j, s) for (i, j), s in zip(pairs, sims, strict=True)],
        matched,
        lead,
        figures_differ,
    )


def align_revision(
    copy: Sentences,
    original: Sentences,
    cut: float,
    shared: np.ndarray | None = None,
    weigh: Weigh | None = None,
) -> Alignment:
    """:func:`align` of two documents' sentences described by their words alone (stems,
    names, numbers; no skeleton trigrams): a hand revision rewords and re-joins sentences,
    and keeps their content words, names and figures. ``weigh``: each word by its weight."""
    return align(copy, original, cut, revision=True, shared=shared, weigh=weigh)


#: aligned sentences that make a pair on their own; fewer count only with the lead aligned
MIN_ALIGNED_WITHOUT_LEAD = 3


def declared_share(al: Alignment) -> float:
    """The alignment's share, or 0 when its evidence is too thin to declare a pair.

    Two reports of distinct events in one recurring template (a central bank's weekly issue
    of certificates of deposit) differ in their lead, which gives the event's figures, and
    share their background sentences. So a pair resting on one or two aligned sentences counts
    only when a lead is among them: the chain starts with the first sentence of one document
    matched to one of the first two of the other (two, since a spinner may swap the first two
    sentences or add one before them).
    """
    if al.aligned >= MIN_ALIGNED_WITHOUT_LEAD:
        return al.share
    if al.pairs and min(al.pairs[0][:2]) == 0 and max(al.pairs[0][:2]) <= 1:
        return al.share
    return 0.0


#: a sentence pair aligned at this similarity or more (skeleton trigrams, names, numbers and
#: stems all counted) is one sentence pasted, not rewritten: on Clough-Stevenson tasks a-c the
#: cut answers' pasted sentences align to their source at 0.8-1.0, while no non-plagiarised
#: answer aligns a sentence above 0.3 to the source or above 0.57 to another answer
VERBATIM_SIMILARITY = 0.8
#: pasted sentences a verbatim report needs: one shared sentence is a stock phrase or a quote
MIN_VERBATIM_SENTENCES = 2


def verbatim_share(al: Alignment) -> float:
    """The share of the copy's sentences aligned, in order, to a sentence of the other pasted
    nearly verbatim (:data:`VERBATIM_SIMILARITY`); 0 under :data:`MIN_VERBATIM_SENTENCES`.
    Copying by pasting: an answer pasting three of its thirteen sentences from an article
    aligns too few sentences to be reported as a rewrite, yet holds them word for word."""
    pasted = sum(1 for _, _, s in al.pairs if s >= VERBATIM_SIMILARITY)
    if pasted < MIN_VERBATIM_SENTENCES:
        return 0.0
    return pasted / max(al.copy_sentences, 1)


#: sentences a revision must match, in any order, to count at all
MIN_REVISED_SENTENCES = 3


def revision_share(al: Alignment) -> float:
    """The share of the copy's sentences matching some original sentence in any order (a
    reviser moves sentences about), 0 under :data:`MIN_REVISED_SENTENCES` matched sentences
    (two answers to one question, written apart, share a definition or two), and 0 when
    two sentences match but for their figures: two issues of one recurring report
    share their background sentences, reworded or not, and differ in the figures of the
    sentence that tells the event, where a reviser keeps figures."""
    if al.figures_differ or al.matched < MIN_REVISED_SENTENCES:
        return 0.0
    return al.matched / max(al.copy_sentences, 1)


#: a paraphrase (a revision that rewords every sentence: a heavy revision) keeps this share
#: of its distinct content stems or more in its source, under the revision path's cut: on
#: Clough-Stevenson tasks a-c the heavy revisions missed keep 0.49-0.58, two answers written
#: apart share up to 0.42 where one of them aligns three sentences or more to the other at
#: :data:`PARAPHRASE_SIMILARITY`
PARAPHRASE_CONTAINMENT = 0.45
#: word Jaccard (stems, names, numbers) at which a paraphrased sentence aligns to its source
#: sentence: under the revision path's, since each sentence keeps few of its words
PARAPHRASE_SIMILARITY = 0.2
#: sentences a paraphrase must keep in its source's order: fewer is a definition or two that
#: answers written apart share
MIN_PARAPHRASED_SENTENCES = 3


def paraphrase_share(al: Alignment) -> float:
    """The share of the copy's sentences on the alignment's order-preserving chain; 0 under
    :data:`MIN_PARAPHRASED_SENTENCES`, when two sentences match but for their figures, or
    when neither first sentence matches one of the other's first two.

    A paraphrase rewords each of its source's sentences in turn, its lead first: many
    sentences matched at a modest similarity, *in the source's order*. Two texts written
    apart on one subject match a few sentences here and there (their definitions, in any
    order), and a chain counts only those that keep one order. A follow-up story retells its
    predecessor's background under a lead of its own (on the tuned Reuters part the lead
    rule turned away Ecuador's central bank on its debt, against the finance minister's
    statement of the day before)."""
    if al.figures_differ or al.aligned < MIN_PARAPHRASED_SENTENCES or not al.lead_matched:
        return 0.0
    return al.share


def _chain(match: np.ndarray, sim: np.ndarray) -> list[tuple[int, int]]:
    """Longest chain of matches increasing in both copy and original position (ties: the more
    similar pairs): a weighted longest increasing subsequence over the matched cells, row by
    row, with the best chain ending at or before each original sentence kept per column.

    Only matched cells are visited; after a row's updates the running maximum is carried
    right only as far as it changes anything (the columns were a running maximum before)."""
    n, m = match.shape
    best = [0.0] * (m + 1)  # best[j + 1]: best chain using original sentences <= j so far
    tail: list[tuple[int, int, object] | None] = [None] * (m + 1)
    rows, cols = np.nonzero(match)
    weights = (1.0 + 1e-3 * sim[rows, cols]).tolist()
    rows_l, cols_l = rows.tolist(), cols.tolist()
    k, total = 0, len(rows_l)
    while k < total:
        i = rows_l[k]
        updates = []
        while k < total and rows_l[k] == i:
            j = cols_l[k]
            value = best[j] + weights[k]
            if value > best[j + 1]:
                updates.append((j, value, (i, j, tail[j])))
            k += 1
        for j, value, node in updates:
            best[j + 1], tail[j + 1] = value, node
        if updates:
            last = updates[-1][0] + 1
            j = updates[0][0] + 2
            while j <= m:
                if best[j] < best[j - 1]:
                    best[j], tail[j] = best[j - 1], tail[j - 1]
                elif j > last:
                    break
                j += 1
    chain = []
    node = tail[m]
    while node is not None:
        i, j, node = node  # type: ignore[misc]
        chain.append((i, j))
    return chain[::-1]
