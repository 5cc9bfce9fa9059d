"""Gopher repetition's n-gram measures for a batch of documents, equal to datatrove's loops.

Two measures, with datatrove's definitions:

* top n-gram character fraction (``find_top_duplicate``): the most frequent n-gram (ties go to
  the one seen first, as ``Counter.most_common`` does), its length when joined with spaces,
  times its count. An n-gram's key is datatrove's own, the words joined with spaces, hashed
  (a polynomial of its characters mod 2**64, plus the length).
* duplicated n-gram characters (``find_all_duplicate``): a left-to-right scan that, on meeting
  an n-gram already seen, counts its characters and jumps ``n`` words ahead (the skipped
  n-grams are never remembered). datatrove's n-gram key there is the words joined *without*
  a separator, so ``["ab", "c"]`` and ``["a", "bc"]`` are the same n-gram; tamis reproduces
  that quirk by keying on a polynomial hash of the concatenated characters plus the length.

Why batches: on the 150-300-word documents typical of news and reviews, a per-document numpy
computation is dominated by call overhead, and sorting every window to group them costs more
than the rest. So the keys of every window of every size of every document of a batch are
computed in one set of array operations, and grouping is replaced by a *sort-free repeat
filter*: each window is scattered into a hash table by (document, size, key); a window alone
in its bucket is certainly unique in its document, which is most windows. The few windows
that share a bucket are sorted by key, which drops the bucket collisions (a few percent of all
windows), so only true repeats remain: their top n-gram counts are runs of equal keys (array
operations), and only the duplicated n-grams' scan, which is sequential, is a Python loop.
Nothing else is needed: a unique n-gram can never be the repeated one a scan meets, nor beat a
repeated one for the top count.

Keys are 64-bit hashes: two different n-grams of one document share a key with probability
about ``n_grams**2 / 2**64``, which is not a practical concern.
"""

from __future__ import annotations

import numpy as np

_BASE = np.uint64(0x9E3779B97F4A7C15)  # odd, so invertible modulo 2**64
_BASE_INV = np.uint64(pow(int(_BASE), -1, 2**64))
_LEN_MIX = np.uint64(0xD6E8FEB86659FD93)
_SEG_MIX = np.uint64(0x632BE59BD9B4E019)
_BUCKET_MIX = np.uint64(0xFF51AFD7ED558CCD)

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


# The repeat filter's table (window index per bucket) and bucket marks, reused across batches:
# the table needs no clearing (every bucket read was written by the same call) and the marks
# are cleared after use. At most 2**22 buckets (20 MB).
_MAX_BITS = 22
_TABLE = np.empty(0, dtype=np.int32)
_MARKS = np.zeros(0, dtype=bool)


def _shared_buckets(keys: np.ndarray) -> np.ndarray:
    """Indexes (ascending) of the windows whose hashed bucket holds another window too.

    Equal ``keys`` always share a bucket, so every window whose key repeats is returned; with
    at least 16 buckets per window, few unique ones are.
    """
    global _TABLE, _MARKS
    n = len(keys)
    bits = min(max(12, n.bit_length() + 4), _MAX_BITS)
    if len(_TABLE) < (1 << bits):
        _TABLE = np.empty(1 << bits, dtype=np.int32)
        _MARKS = np.zeros(1 << bits, dtype=bool)
    with np.errstate(over="ignore"):
        bucket = ((keys * _BUCKET_MIX) >> np.uint64(64 - bits)).astype(np.intp)
    idx = np.arange(n, dtype=np.int32)
    _TABLE[bucket] = idx
    crowded = bucket[_TABLE[bucket] != idx]
    if not len(crowded):
        return crowded
    _MARKS[crowded] = True
    shared = np.flatnonzero(_MARKS[bucket])
    _MARKS[crowded] = False
    return shared


def _repeated(windows: np.ndarray, tagged: np.ndarray) -> np.ndarray:
    """The ``windows`` (ascending) whose ``tagged`` key (n-gram key mixed with its document)
    another of them shares: the bucket filter's survivors without its chance collisions.

    Equal n-grams of one document have equal tagged keys, so no true repeat is lost; a window
    kept by a collision of tagged keys across documents only reaches the exact logic.
    """
    order = np.argsort(tagged, kind="stable")
    ranked = tagged[order]
    same = ranked[1:] == ranked[:-1]
    if not same.any():
        return windows[:0]
    keep = np.zeros(len(windows), dtype=bool)
    keep[order[1:][same]] = True
    keep[order[:-1][same]] = True
    return windows[keep]


def _char_prefix(chars: np.ndarray) -> np.ndarray:
    """Prefix sums of ``code * BASE**i`` (mod 2**64): the key of ``chars[a:b]`` is
    ``(prefix[b] - prefix[a]) * BASE**-a``."""
    powers, _ = _powers(len(chars))
    prefix = np.zeros(len(chars) + 1, dtype=np.uint64)
    np.cumsum(chars * powers[: len(chars)], out=prefix[1:])
    return prefix


#: Words per group of documents keyed together: large enough to amortise numpy's call
#: overhead, small enough that a group's arrays stay in the CPU caches.
GROUP_WORDS = 16_384

_SPACE = ord(" ")


def ngram_repetition_batch(
    docs: list[tuple[str, int]], top_sizes: list[int], dup_sizes: list[int]
) -> list[tuple[dict[int, int | None], dict[int, int]]]:
    """Per document, given as (its words joined by single spaces, its number of words):
    (``find_top_duplicate`` chars per top size, or None without n-grams;
    ``find_all_duplicate`` chars per dup size).

    Words never hold whitespace (they are split from ``str.split()`` chunks), so the spaced
    string says where every word starts, and is datatrove's own top n-gram key.
    """
    results = [(dict.fromkeys(top_sizes), dict.fromkeys(dup_sizes, 0)) for _ in docs]
    group: list[int] = []
    words = 0
    for d, (_, n_words) in enumerate(docs):
        if not n_words:
            continue
        if group and words + n_words > GROUP_WORDS:
            _group_measures(docs, group, results, top_sizes, dup_sizes)
            group, words = [], 0
        group.append(d)
        words += n_words
    if group:
        _group_measures(docs, group, results, top_sizes, dup_sizes)
    return results


def _group_measures(docs, group, results, top_sizes, dup_sizes) -> None:
    """Measures of the documents ``group`` (indexes into ``docs``, each with words)."""
    n_docs = len(group)
    counts = [docs[d][1] for d in group]
    total = sum(counts)
    # The group's words joined by spaces (documents too): word p starts at spaced_off[p].
    chars = np.frombuffer(
        " ".join([docs[d][0] for d in group]).encode("utf-32-le", "surrogatepass"),
        dtype=np.uint32,
    )
    is_space = chars == _SPACE
    spaces = np.flatnonzero(is_space)
    if len(spaces) != total - 1:
        raise ValueError("n-gram words must be non-empty and free of whitespace")
    spaced_off = np.empty(total + 1, dtype=np.int64)
    spaced_off[0] = 0
    spaced_off[1:-1] = spaces + 1
    spaced_off[-1] = len(chars) + 1
    word_index = np.arange(total + 1, dtype=np.int64)
    offsets = spaced_off - word_index  # each word's offset in the words joined without spaces
    doc_start = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(counts, out=doc_start[1:])
    doc_of = np.repeat(np.arange(n_docs, dtype=np.int64), counts)
    word_end = doc_start[1:][doc_of]  # end of each word's document
    offsets_l = offsets.tolist()
    doc_start_l = doc_start.tolist()
    # Top n-grams when no n-gram repeats: the first one, seen once (repeats overwrite below).
    for n in top_sizes:
        for g, count in enumerate(counts):
            if count >= n:
                s = doc_start_l[g]
                results[group[g]][0][n] = offsets_l[s + n] - offsets_l[s] + n - 1
    doc_mix = doc_of.astype(np.uint64) * _SEG_MIX
    # Each size's windows are keyed at every word position of the group, so each key is a few
    # operations on contiguous slices of per-word arrays; windows that run past the end of
    # their document only ever add candidates, and are dropped before the exact logic.
    kinds = []
    with np.errstate(over="ignore"):
        if top_sizes:
            # datatrove's key for the top n-grams: the words joined with spaces; a window ends
            # one space before the next word.
            kinds.append((top_sizes, True, *_word_hashes(chars, spaced_off, 1)))
        if dup_sizes:
            # ... and for the duplicated n-grams: the words joined without a separator.
            kinds.append((dup_sizes, False, *_word_hashes(chars[~is_space], offsets, 0)))
        for sizes, is_top, at_start, at_end, inv_start, char_off in kinds:
            for n in sizes:
                m = total - n + 1
                if m <= 0:
                    continue
                length = char_off[n : n + m] - char_off[:m]
                if is_top:
                    length -= 1
                key = ((at_end[n - 1 : n - 1 + m] - at_start[:m]) * inv_start[:m]) ^ (
                    length.astype(np.uint64) * _LEN_MIX
                )
                tagged = key ^ doc_mix[:m]
                shared = _shared_buckets(tagged)
                shared = shared[word_end[shared] >= shared + n]  # within one document
                if len(shared) > 1:
                    shared = _repeated(shared, tagged[shared])
                if len(shared):
                    _repeats(results, group, n, is_top, shared, key[shared], doc_of, offsets)


def _word_hashes(
    chars: np.ndarray, word_off: np.ndarray, gap: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per word of ``chars`` (word p at ``word_off[p]``, followed by ``gap`` separator chars):
    the character prefix hash at its start and at its end, BASE**-start, and ``word_off``."""
    prefix = _char_prefix(chars)
    _, inv = _powers(0)
    starts = word_off[:-1]
    return prefix[starts], prefix[word_off[1:] - gap], inv[starts], word_off


def _repeats(results, group, n, is_top, starts, keys, doc_of, offsets) -> None:
    """The exact measures from the windows that may repeat (in position order)."""
    docs = doc_of[starts]
    if is_top:
        _top_repeats(results, group, n, starts, keys, docs, offsets)
        return
    chars = (offsets[starts + n] - offsets[starts]).tolist()
    keys_l = keys.tolist()
    starts_l = starts.tolist()
    bounds = [0, *(np.flatnonzero(docs[1:] != docs[:-1]) + 1).tolist(), len(docs)]
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        if b - a > 1:
            d = group[int(docs[a])]
            results[d][1][n] = _greedy_scan(starts_l[a:b], keys_l[a:b], chars[a:b], n)


def _top_repeats(results, group, n, starts, keys, docs, offsets) -> None:
    """``Counter(keys).most_common(1)`` per document, in array operations: runs of equal
    (document, key) give each n-gram's count and first window; a document's top n-gram has
    the highest count, ties going to the earliest first window (``Counter`` keeps first-seen
    order and ``max`` the first of equals)."""
    order = np.lexsort((starts, keys, docs))
    d_sorted, k_sorted = docs[order], keys[order]
    new_run = np.ones(len(order), dtype=bool)
    new_run[1:] = (d_sorted[1:] != d_sorted[:-1]) | (k_sorted[1:] != k_sorted[:-1])
    run_start = np.flatnonzero(new_run)
    counts = np.diff(np.append(run_start, len(order)))
    first = starts[order[run_start]]  # each n-gram's first window
    run_doc = d_sorted[run_start]
    pick = np.lexsort((first, -counts, run_doc))  # per document: most frequent, then earliest
    top = pick[np.flatnonzero(np.append(True, run_doc[pick][1:] != run_doc[pick][:-1]))]
    top = top[counts[top] > 1]
    if not len(top):
        return
    best = counts[top]
    window = first[top]
    chars = ((offsets[window + n] - offsets[window] + n - 1) * best).tolist()
    for d, value in zip(run_doc[top].tolist(), chars, strict=True):
        results[group[d]][0][n] = value


def ngram_repetition(
    words: list[str], top_sizes: list[int], dup_sizes: list[int]
) -> tuple[dict[int, int | None], dict[int, int]]:
    """The measures of one document's words (see :func:`ngram_repetition_batch`)."""
    return ngram_repetition_batch([(" ".join(words), len(words))], top_sizes, dup_sizes)[0]


def _greedy_scan(positions: list[int], keys: list[int], lengths: list[int], n: int) -> int:
    """datatrove's scan restricted to possibly repeated n-grams (the others only get
    remembered, and a unique n-gram is never met again)."""
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
