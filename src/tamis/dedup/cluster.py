"""From signatures to duplicate clusters: LSH buckets, verified pairs, union-find, survivors.

1. Every document's signature is cut into bands; each band is hashed to a 64-bit bucket key and
   written, with the document's survivor rank, to a :class:`KeyedSpill` (bounded memory).
2. In each bucket, every member is paired with the bucket's best-ranked member (a star) and the
   pair is *verified*: kept only if its similarity reaches the cut. Members that fail are
   compared with the bucket's other representatives instead, so a bad centre hides nothing.
3. Verified pairs are joined by union-find (root = best rank).
   Stages may add buckets of their own (``rewrite_dedup``: one per sentence skeleton); those
   are verified against their centre only, and a bucket of more than ``extra_cap`` documents
   is passed over: what that many documents share is boilerplate, not a copy. Extra buckets
   whose key has its top bit set (``rewrite_dedup``'s content keys) may take a verification of
   their own, and when small, every two members verified rather than the stars.
4. Each component is split around centres: its best member keeps every member at least ``cut``
   similar to *it*; the rest form new clusters around their own best member, and so on. So a
   removed document is always similar to the survivor it names: chains A~B~C never remove C in
   favour of an unrelated A (the failure NeMo Curator PR #199 describes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np

from tamis.dedup.hashing import mix64
from tamis.dedup.spill import KeyedSpill, group_bounds
from tamis.dedup.table import DocTable
from tamis.dedup.unionfind import UnionFind

BUCKET_RECORD = np.dtype([("key", np.uint64), ("rank", np.int64)])
_ROWS_PER_CHUNK = 1 << 16
_MAX_REPRESENTATIVES = 32
_MARK = np.uint64(1 << 63)  # the top bit of an extra bucket's key
_REPORT_MARK = np.uint64(1 << 62)  # with the top bit: a bucket verified for a report only

# similarity(a_ranks, b_ranks) -> similarities, vectorised over pairs
Similarity = Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass
class ClusterResult:
    removed: np.ndarray  # ranks of removed documents
    survivor: np.ndarray  # rank of the survivor each one names
    similarity: np.ndarray  # its similarity to that survivor
    stats: dict[str, int] = field(default_factory=dict)


def band_keys(sig: np.ndarray, bands: int, rows: int, seed: int) -> np.ndarray:
    """(n, bands) uint64 bucket keys; the band index is mixed in, so bands never collide."""
    rng = np.random.default_rng([seed, 0xBA4D])
    mult = rng.integers(0, 2**63, (bands, rows), dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    out = np.empty((len(sig), bands), dtype=np.uint64)
    for b in range(bands):
        acc = np.full(len(sig), ((b + 1) * 0x9E3779B97F4A7C15) % (1 << 64), dtype=np.uint64)
        for j in range(rows):
            acc += sig[:, b * rows + j].astype(np.uint64) * mult[b, j]
        out[:, b] = mix64(acc)
    return out


def signature_similarity(table: DocTable, perm: np.ndarray, columns: int = 0) -> Similarity:
    """Share of agreeing signature slots; ``columns``: of the first ones only (0: all)."""
    width = columns or table.width

    def similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if len(a) == 0:
            return np.empty(0, dtype=np.float64)
        rows_a = table.sig_rows(perm[a])[:, :width]
        return (rows_a == table.sig_rows(perm[b])[:, :width]).mean(axis=1)

    return similarity


def jaccard_similarity(table: DocTable, perm: np.ndarray, prefilter: float) -> Similarity:
    """Exact Jaccard of shingle sets, computed only where the signature estimate is plausible."""
    from tamis.dedup.minhash import jaccard

    estimate = signature_similarity(table, perm)

    def similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        out = estimate(a, b)
        for i in np.flatnonzero(out >= prefilter):
            out[i] = jaccard(table.shingles_of(int(perm[a[i]])), table.shingles_of(int(perm[b[i]])))
        out[out < prefilter] = 0.0
        return out

    return similarity


def find_clusters(
    table: DocTable,
    perm: np.ndarray,
    rank: np.ndarray,
    bands: int,
    rows: int,
    seed: int,
    cut: float,
    similarity: Similarity,
    spill: KeyedSpill,
    extra: Iterator[np.ndarray] | None = None,
    extra_spill: KeyedSpill | None = None,
    extra_cap: int = 0,
    extra_similarity: Similarity | None = None,
    marked_similarity: Similarity | None = None,
    marked_all_pairs: int = 0,
    marked_pair_similarity: Similarity | None = None,
    report_only_similarity: Similarity | None = None,
) -> ClusterResult:
    """``extra``: more bucket records (``BUCKET_RECORD``), spilled to ``extra_spill`` and
    verified with ``extra_similarity`` (default: ``similarity``), or with
    ``marked_similarity`` where their key has its top bit set; a marked bucket of at most
    ``marked_all_pairs`` documents has every two of its members verified, not its stars
    alone; the pairs without its best-ranked member with ``marked_pair_similarity`` (default:
    as the stars). With ``report_only_similarity``, a marked bucket whose key also has its
    second bit set has all its pairs verified with it alone (for reports it records: what it
    returns is expected under ``cut``)."""
    stats = {"candidate_pairs": 0, "verified_pairs": 0}
    for start in range(0, table.n, _ROWS_PER_CHUNK):
        stop = min(start + _ROWS_PER_CHUNK, table.n)
        keys = band_keys(table.sig_chunk(start, stop), bands, rows, seed)
        records = np.empty(keys.size, dtype=BUCKET_RECORD)
        records["key"] = keys.reshape(-1)
        records["rank"] = np.repeat(rank[start:stop], bands)
        spill.add(records)

    edges_a: list[np.ndarray] = []
    edges_b: list[np.ndarray] = []
    edges_s: list[np.ndarray] = []
    for chunk in spill.sorted_chunks():
        a, b, s, n_candidates = _verified_bucket_pairs(chunk, cut, similarity)
        stats["candidate_pairs"] += n_candidates
        edges_a.append(a)
        edges_b.append(b)
        edges_s.append(s)
    if extra is not None and extra_spill is not None:
        stats["extra_candidate_pairs"] = stats["extra_buckets_passed_over"] = 0
        for records in extra:
            extra_spill.add(records)
        for chunk in extra_spill.sorted_chunks():
            chunk, passed_over = _small_groups(chunk, extra_cap)
            stats["extra_buckets_passed_over"] += passed_over
            parts = [(chunk, extra_similarity or similarity, None)]
            if marked_similarity is not None:
                marked = chunk["key"] >= _MARK
                others = marked_pair_similarity or marked_similarity
                parts = [(chunk[~marked], parts[0][1], None)]
                if report_only_similarity is not None:
                    reporting = marked & ((chunk["key"] & _REPORT_MARK) != 0)
                    marked &= ~reporting
                    parts.append((chunk[reporting], report_only_similarity, report_only_similarity))
                parts.append((chunk[marked], marked_similarity, others))
            for part, verify, pair_verify in parts:
                if pair_verify is not None and marked_all_pairs > 1:
                    a, b, s, n_candidates = _all_pairs_verified(
                        part, cut, verify, marked_all_pairs, pair_verify
                    )
                else:
                    a, b, s, n_candidates = _verified_bucket_pairs(part, cut, verify, stars=True)
                stats["extra_candidate_pairs"] += n_candidates
                edges_a.append(a)
                edges_b.append(b)
                edges_s.append(s)
    a = np.concatenate(edges_a) if edges_a else np.empty(0, dtype=np.int64)
    b = np.concatenate(edges_b) if edges_b else np.empty(0, dtype=np.int64)
    pair = np.unique(np.stack([a, b], axis=1), axis=0) if len(a) else np.empty((0, 2), np.int64)
    stats["verified_pairs"] = len(pair)
    return _split_components(pair, cut, similarity, stats)


def _small_groups(chunk: np.ndarray, cap: int) -> tuple[np.ndarray, int]:
    """The records of a key-sorted chunk whose key holds 2 to ``cap`` distinct ranks (one
    record per rank), and how many larger groups were dropped."""
    if len(chunk) < 2:
        return chunk[:0], 0
    first = np.ones(len(chunk), dtype=bool)
    first[1:] = (chunk["key"][1:] != chunk["key"][:-1]) | (chunk["rank"][1:] != chunk["rank"][:-1])
    chunk = chunk[first]
    starts, stops = group_bounds(chunk["key"])
    size = stops - starts
    keep = (size >= 2) & (size <= cap)
    return chunk[np.repeat(keep, size)], int((size > cap).sum())


def _all_pairs_verified(
    chunk: np.ndarray, cut: float, similarity: Similarity, upto: int, others: Similarity
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Each bucket's members with its centre (``similarity``), and in a bucket of at most
    ``upto`` documents every two other members too (``others``; one record per rank, ranks
    ascending within a key): two documents that share the key are compared whatever leads
    the bucket."""
    a, b, sims, tried = _verified_bucket_pairs(chunk, cut, similarity, stars=True)
    if len(chunk) < 3:
        return a, b, sims, tried
    starts, stops = group_bounds(chunk["key"])
    size = stops - starts
    ranks = chunk["rank"]
    a_parts = [a]
    b_parts = [b]
    for s in np.unique(size[(size <= upto) & (size > 2)]).tolist():
        first = starts[size == s]
        i, j = np.triu_indices(s, 1)
        i, j = i[i > 0], j[i > 0]  # the centre's pairs are the stars'
        a_parts.append(ranks[(first[:, None] + i[None, :]).reshape(-1)])
        b_parts.append(ranks[(first[:, None] + j[None, :]).reshape(-1)])
    if len(a_parts) == 1:
        return a, b, sims, tried
    pa, pb = np.concatenate(a_parts[1:]), np.concatenate(b_parts[1:])
    psims = others(pa, pb)
    ok = psims >= cut
    return (
        np.concatenate([a, pa[ok]]),
        np.concatenate([b, pb[ok]]),
        np.concatenate([sims, psims[ok]]),
        tried + len(pa),
    )


def _verified_bucket_pairs(
    chunk: np.ndarray, cut: float, similarity: Similarity, stars: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Every member paired with its bucket's centre; members that fail it are tried against
    the bucket's other representatives, unless ``stars`` (the pair with the centre only)."""
    keys = chunk["key"]
    if len(keys) < 2:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0), 0
    is_start = np.ones(len(keys), dtype=bool)
    is_start[1:] = keys[1:] != keys[:-1]
    member_pos = np.flatnonzero(~is_start)
    if len(member_pos) == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0), 0
    starts, stops = group_bounds(keys)
    centre_pos = starts[np.searchsorted(starts, member_pos, side="right") - 1]
    ranks = chunk["rank"]
    centre, member = ranks[centre_pos], ranks[member_pos]
    keep = centre != member
    centre, member, centre_pos = centre[keep], member[keep], centre_pos[keep]
    sims = similarity(centre, member)
    ok = sims >= cut
    a, b, s = [centre[ok]], [member[ok]], [sims[ok]]
    n_candidates = len(centre)
    failed_groups = np.unique(centre_pos[~ok]) if not stars else []
    for g in failed_groups:
        stop = stops[np.searchsorted(starts, g)]
        ga, gb, gs, tried = _representative_pairs(ranks[g:stop], cut, similarity)
        a.append(ga)
        b.append(gb)
        s.append(gs)
        n_candidates += tried
    return np.concatenate(a), np.concatenate(b), np.concatenate(s), n_candidates


def _representative_pairs(
    members: np.ndarray, cut: float, similarity: Similarity
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Slow path for a bucket whose centre failed some member: each member is paired with the
    first representative it matches; one that matches none becomes a representative."""
    members = np.unique(members)
    reps = [int(members[0])]
    a: list[int] = []
    b: list[int] = []
    s: list[float] = []
    tried = 0
    for m in members[1:].tolist():
        rep_arr = np.array(reps, dtype=np.int64)
        sims = similarity(rep_arr, np.full(len(reps), m, dtype=np.int64))
        tried += len(reps)
        hit = np.flatnonzero(sims >= cut)
        if len(hit):
            a.append(reps[hit[0]])
            b.append(m)
            s.append(float(sims[hit[0]]))
        elif len(reps) < _MAX_REPRESENTATIVES:
            reps.append(m)
    return np.array(a, dtype=np.int64), np.array(b, dtype=np.int64), np.array(s), tried


def _split_components(
    pair: np.ndarray, cut: float, similarity: Similarity, stats: dict[str, int]
) -> ClusterResult:
    nodes = np.unique(pair) if len(pair) else np.empty(0, dtype=np.int64)
    uf = UnionFind(len(nodes))
    uf.union_many(np.searchsorted(nodes, pair[:, 0]), np.searchsorted(nodes, pair[:, 1]))
    removed: list[np.ndarray] = []
    survivor: list[np.ndarray] = []
    sims_out: list[np.ndarray] = []
    split = 0
    for comp in uf.components():
        remaining = nodes[comp]  # sorted: best rank first
        centres = 0
        while len(remaining) > 1:
            centre, rest = remaining[0], remaining[1:]
            sims = similarity(np.full(len(rest), centre, dtype=np.int64), rest)
            take = sims >= cut
            if take.any():
                removed.append(rest[take])
                survivor.append(np.full(int(take.sum()), centre, dtype=np.int64))
                sims_out.append(sims[take])
                centres += 1
            remaining = rest[~take]
        split += max(centres - 1, 0)
    stats["components_split"] = split
    if not removed:
        empty = np.empty(0, dtype=np.int64)
        return ClusterResult(empty, empty, np.empty(0, dtype=np.float32), stats)
    return ClusterResult(
        np.concatenate(removed),
        np.concatenate(survivor),
        np.concatenate(sims_out).astype(np.float32),
        stats,
    )
