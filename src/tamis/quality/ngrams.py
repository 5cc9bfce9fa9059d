"""Gopher repetition's n-gram measures, vectorised with numpy and equal to datatrove's loops.

Two measures, with datatrove's exact definitions:

* top n-gram character fraction (``find_top_duplicate``): the most frequent n-gram (ties go to
  the one seen first, as ``Counter.most_common`` does), its length when joined with spaces,
  times its count. Words are mapped to integer ids and each n-gram to one exact integer key
  (ids in base ``V``), so ``np.unique`` counts them in C; beyond ``V**n >= 2**63`` the key
  would overflow and a plain ``Counter`` of tuples is used instead.
* duplicated n-gram characters (``find_all_duplicate``): a left-to-right scan that, on meeting
  an n-gram already seen, counts its characters and jumps ``n`` words ahead (the skipped
  n-grams are never remembered). datatrove's n-gram key there is the words joined *without*
  a separator, so ``["ab", "c"]`` and ``["a", "bc"]`` are the same n-gram; tamis reproduces
  that quirk by keying on a polynomial hash of the concatenated characters (a 64-bit hash
  plus the length; a collision between different natural-language strings is not a practical
  concern). The scan itself only runs for documents that contain a duplicate at all, which
  numpy finds first.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

_BASE = np.uint64(0x9E3779B97F4A7C15)  # odd, so invertible modulo 2**64
_BASE_INV = np.uint64(pow(int(_BASE), -1, 2**64))
_LEN_MIX = np.uint64(0xD6E8FEB86659FD93)


def word_ids(words: list[str]) -> tuple[np.ndarray, int]:
    """Each word's id (ids in order of first appearance) and the vocabulary size."""
    vocab = {w: i for i, w in enumerate(dict.fromkeys(words))}
    ids = np.array(list(map(vocab.__getitem__, words)), dtype=np.int64)
    return ids, len(vocab)


def _first_most_common(keys: np.ndarray) -> tuple[int, int]:
    """(position of the first occurrence of the most frequent key, its count); ties go to the
    key seen first, as ``Counter.most_common(1)`` does."""
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    new_group = np.empty(len(ordered), dtype=bool)
    new_group[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new_group[1:])
    starts = np.flatnonzero(new_group)
    counts = np.empty(len(starts), dtype=np.int64)
    counts[:-1] = starts[1:] - starts[:-1]
    counts[-1] = len(ordered) - starts[-1]
    best = counts.max()
    return int(order[starts[counts == best]].min()), int(best)


def top_ngram_chars(
    words: list[str], ids: np.ndarray, vocab_size: int, lens: np.ndarray, n: int
) -> int | None:
    """``find_top_duplicate(get_n_grams(words, n))``; None when there is no n-gram."""
    count = len(words) - n + 1
    if count <= 0:
        return None
    if vocab_size**n < 2**63:
        keys = ids[:count].copy()
        for k in range(1, n):
            keys *= vocab_size
            keys += ids[k : k + count]
        pos, top = _first_most_common(keys)
    else:
        grams = Counter(tuple(words[i : i + n]) for i in range(count))
        gram, top = grams.most_common(1)[0]
        pos = next(i for i in range(count) if tuple(words[i : i + n]) == gram)
    chars = int(lens[pos : pos + n].sum()) + n - 1
    return chars * top


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


class ConcatHashes:
    """Hashes of any run of consecutive words joined without a separator, in O(1) each."""

    def __init__(self, words: list[str], lens: np.ndarray) -> None:
        joined = "".join(words)
        codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        m = len(codes)
        powers, self.inv_powers = _powers(m)
        prefix = np.zeros(m + 1, dtype=np.uint64)
        with np.errstate(over="ignore"):
            np.cumsum(codes * powers[:m], out=prefix[1:])
        self.prefix = prefix
        self.offsets = np.zeros(len(words) + 1, dtype=np.int64)
        np.cumsum(lens, out=self.offsets[1:])

    def ngram_keys(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """(key, character length) of every n-gram, in order."""
        starts = self.offsets[: len(self.offsets) - n]
        ends = self.offsets[n:]
        lengths = ends - starts
        with np.errstate(over="ignore"):
            h = (self.prefix[ends] - self.prefix[starts]) * self.inv_powers[starts]
            keys = h ^ (lengths.astype(np.uint64) * _LEN_MIX)
        return keys, lengths


def duplicated_ngram_chars(hashes: ConcatHashes, n_words: int, sizes: list[int]) -> dict[int, int]:
    """``find_all_duplicate(words, n)`` for each n of ``sizes``: characters in repeated n-grams.

    Only n-grams that occur more than once can ever be "already seen", so the greedy scan
    visits just those positions (in order), skipping the ones a previous hit jumped over; every
    other position would only have been remembered, which changes nothing. Which n-grams repeat
    is found for all sizes with one sort.
    """
    out = dict.fromkeys(sizes, 0)
    sizes = [n for n in sizes if n_words - n + 1 > 1]
    if not sizes:
        return out
    parts = [hashes.ngram_keys(n) for n in sizes]
    tagged = np.concatenate(
        [
            keys ^ np.uint64((n * 0x9E3779B97F4A7C15) & (2**64 - 1))
            for n, (keys, _) in zip(sizes, parts, strict=True)
        ]
    )
    order = np.argsort(tagged, kind="stable")
    ordered = tagged[order]
    same = ordered[1:] == ordered[:-1]
    if not same.any():
        return out
    repeat_sorted = np.zeros(len(ordered), dtype=bool)
    repeat_sorted[1:] |= same
    repeat_sorted[:-1] |= same
    repeat = np.zeros(len(ordered), dtype=bool)
    repeat[order[repeat_sorted]] = True
    start = 0
    for n, (keys, lengths) in zip(sizes, parts, strict=True):
        segment = repeat[start : start + len(keys)]
        start += len(keys)
        positions = np.flatnonzero(segment)
        if not len(positions):
            continue
        seen: set[int] = set()
        repeated = 0
        skip_until = 0
        for pos, key, length in zip(
            positions.tolist(), keys[positions].tolist(), lengths[positions].tolist(), strict=True
        ):
            if pos < skip_until:
                continue
            if key in seen:
                repeated += length
                skip_until = pos + n
            else:
                seen.add(key)
        out[n] = repeated
    return out
