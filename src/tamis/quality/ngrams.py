"""Gopher repetition's n-gram measures, vectorised with numpy and equal to datatrove's loops.

Two measures, with datatrove's definitions:

* top n-gram character fraction (``find_top_duplicate``): the most frequent n-gram (ties go to
  the one seen first, as ``Counter.most_common`` does), its length when joined with spaces,
  times its count. An n-gram's key is a polynomial hash (mod 2**64) of its words' hashes, so
  equal word tuples have equal keys.
* duplicated n-gram characters (``find_all_duplicate``): a left-to-right scan that, on meeting
  an n-gram already seen, counts its characters and jumps ``n`` words ahead (the skipped
  n-grams are never remembered). datatrove's n-gram key there is the words joined *without*
  a separator, so ``["ab", "c"]`` and ``["a", "bc"]`` are the same n-gram; tamis reproduces
  that quirk by keying on a polynomial hash of the concatenated characters plus the length.

All sizes of both measures are keyed in a handful of array operations and grouped with one
sort, so a document costs about thirty numpy calls whatever the number of sizes. Keys
are 64-bit hashes: two different n-grams of one document share a key with probability about
``n_grams**2 / 2**64``, which is not a practical concern. The greedy scan, which is inherently
sequential, visits only the positions of n-grams that occur more than once.
"""

from __future__ import annotations

import numpy as np

_MASK = 2**64 - 1
_BASE = np.uint64(0x9E3779B97F4A7C15)  # odd, so invertible modulo 2**64
_BASE_INV = np.uint64(pow(int(_BASE), -1, 2**64))
_LEN_MIX = np.uint64(0xD6E8FEB86659FD93)

_POWERS = np.ones(1, dtype=np.uint64)
_INV_POWERS = np.ones(1, dtype=np.uint64)


def _powers(m: int) -> tuple[np.ndarray, np.ndarray]:
    """BASE**k and BASE**-k modulo 2**64 for k <= m (a table grown on demand, shared)."""
    global _POWERS, _INV_POWERS
    if len(_POWERS) <= m:
        size = max(m + 1, 2 * len(_POWERS), 1 << 16)
        powers = np.empty(size, dtype=np.uint64)
        inv = np.empty(size, dtype=np.uint64)
        powers[0] = inv[0] = 1
        powers[1:] = _BASE
        inv[1:] = _BASE_INV
        with np.errstate(over="ignore"):
            np.multiply.accumulate(powers, out=powers)
            np.multiply.accumulate(inv, out=inv)
        _POWERS, _INV_POWERS = powers, inv
    return _POWERS, _INV_POWERS


_WINDOWS: dict[tuple[int, tuple[int, ...]], tuple[list[int], np.ndarray, np.ndarray]] = {}


def _windows(n_items: int, sizes: list[int]) -> tuple[list[int], np.ndarray, np.ndarray]:
    """For each size with at least one window: (sizes kept, window starts, window sizes).

    Documents of the same length share the arrays (kept read-only in a small cache).
    """
    key = (n_items, tuple(sizes))
    hit = _WINDOWS.get(key)
    if hit is not None:
        return hit
    kept = [n for n in sizes if n_items - n + 1 > 0]
    counts = np.array([n_items - n + 1 for n in kept], dtype=np.int64)
    total = int(counts.sum()) if len(kept) else 0
    seg_start = np.zeros(len(kept), dtype=np.int64)
    if len(kept) > 1:
        np.cumsum(counts[:-1], out=seg_start[1:])
    starts = np.arange(total, dtype=np.int64) - np.repeat(seg_start, counts)
    sizes_arr = np.repeat(np.array(kept, dtype=np.int64), counts)
    if len(_WINDOWS) > 4096:
        _WINDOWS.clear()
    _WINDOWS[key] = (kept, starts, sizes_arr)
    return kept, starts, sizes_arr


_CHAR_HASH: dict[str, int] = {}
_B = int(_BASE)


def _char_hash(word: str) -> int:
    """Polynomial hash of a word's characters (lowest power first), memoised across documents."""
    h = _CHAR_HASH.get(word)
    if h is None:
        h = 0
        p = 1
        for ch in word:
            h = (h + ord(ch) * p) & _MASK
            p = (p * _B) & _MASK
        if len(_CHAR_HASH) > 1_000_000:
            _CHAR_HASH.clear()
        _CHAR_HASH[word] = h
    return h


def _tag(n: np.ndarray, kind: int) -> np.ndarray:
    return (n.astype(np.uint64) * np.uint64(0x632BE59BD9B4E019)) ^ np.uint64(kind)


def ngram_repetition(
    words: list[str], top_sizes: list[int], dup_sizes: list[int]
) -> tuple[dict[int, int | None], dict[int, int]]:
    """(``find_top_duplicate`` chars per top size, or None without n-grams;
    ``find_all_duplicate`` chars per dup size)."""
    n_words = len(words)
    top: dict[int, int | None] = dict.fromkeys(top_sizes)
    dup = dict.fromkeys(dup_sizes, 0)
    top_kept, top_starts, top_n = _windows(n_words, top_sizes)
    dup_kept, dup_starts, dup_n = _windows(n_words, [n for n in dup_sizes if n_words - n + 1 > 1])
    if not top_kept and not dup_kept:
        return top, dup
    lens = np.array(list(map(len, words)), dtype=np.int64)
    offsets = np.zeros(n_words + 1, dtype=np.int64)
    np.cumsum(lens, out=offsets[1:])
    keys = []
    with np.errstate(over="ignore"):
        if top_kept:
            # Word-level polynomial over each word's (cached) string hash: tuple equality.
            codes = np.array(list(map(hash, words)), dtype=np.int64).view(np.uint64)
            powers, inv = _powers(n_words)
            prefix = np.zeros(n_words + 1, dtype=np.uint64)
            np.cumsum(codes * powers[:n_words], out=prefix[1:])
            ends = top_starts + top_n
            keys.append(((prefix[ends] - prefix[top_starts]) * inv[top_starts]) ^ _tag(top_n, 1))
        if dup_kept:
            # Polynomial of the characters of the words joined without a separator, composed
            # from each word's own character hash: H(w1 w2) = H(w1) + B**len(w1) * H(w2).
            hashes = list(map(_CHAR_HASH.get, words))
            if None in hashes:
                for i, h in enumerate(hashes):
                    if h is None:
                        hashes[i] = _char_hash(words[i])
            hw = np.array(hashes, dtype=np.uint64)
            powers, inv = _powers(int(offsets[-1]))
            word_off = offsets[:-1]
            cprefix = np.zeros(n_words + 1, dtype=np.uint64)
            np.cumsum(hw * powers[word_off], out=cprefix[1:])
            ends = dup_starts + dup_n
            c_start = offsets[dup_starts]
            dup_len = offsets[ends] - c_start
            keys.append(
                ((cprefix[ends] - cprefix[dup_starts]) * inv[c_start])
                ^ (dup_len.astype(np.uint64) * _LEN_MIX)
                ^ _tag(dup_n, 2)
            )
    allkeys = np.concatenate(keys) if len(keys) > 1 else keys[0]
    order = np.argsort(allkeys, kind="stable")
    ordered = allkeys[order]
    new_group = np.empty(len(ordered), dtype=bool)
    new_group[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new_group[1:])
    group_starts = np.flatnonzero(new_group)
    counts = np.empty(len(group_starts), dtype=np.int64)
    counts[:-1] = group_starts[1:] - group_starts[:-1]
    counts[-1] = len(ordered) - group_starts[-1]
    first = order[group_starts]  # stable sort: each group's earliest window

    n_top = len(top_starts)
    if top_kept:
        is_top = first < n_top
        g_first = first[is_top]
        g_counts = counts[is_top]
        g_n = top_n[g_first]
        for n in top_kept:
            mine = g_n == n
            c = g_counts[mine]
            best = c.max()
            pos = int(top_starts[g_first[mine][c == best].min()])
            top[n] = (int(offsets[pos + n] - offsets[pos]) + n - 1) * int(best)

    if dup_kept:
        repeated = np.zeros(len(ordered), dtype=bool)
        repeated[order] = np.repeat(counts, counts) >= 2
        repeated = repeated[n_top:]
        if repeated.any():
            dup_keys = keys[-1]
            begin = 0
            for n in dup_kept:
                span = n_words - n + 1
                where = np.flatnonzero(repeated[begin : begin + span])
                if len(where):
                    dup[n] = _greedy_scan(
                        where.tolist(),
                        dup_keys[begin + where].tolist(),
                        dup_len[begin + where].tolist(),
                        n,
                    )
                begin += span
    return top, dup


def _greedy_scan(positions: list[int], keys: list[int], lengths: list[int], n: int) -> int:
    """datatrove's scan restricted to repeated n-grams (the others only get remembered)."""
    seen: set[int] = set()
    repeated = 0
    skip_until = 0
    for pos, key, length in zip(positions, keys, lengths, strict=True):
        if pos < skip_until:
            continue
        if key in seen:
            repeated += length
            skip_until = pos + n
        else:
            seen.add(key)
    return repeated
