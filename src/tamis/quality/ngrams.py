"""Gopher repetition's n-gram measures for a batch of documents, equal to datatrove's loops.

Two measures, with datatrove's definitions:

* top n-gram character fraction (``find_top_duplicate``): the most frequent n-gram (ties go to
  the one seen first, as ``Counter.most_common`` does), its length when joined with spaces,
  times its count. An n-gram's key is datatrove's own, the words joined with spaces, hashed:
  a polynomial (mod 2**64) of its characters without the spaces and their number, mixed with
  a polynomial of its word lengths (words hold no whitespace, so the two say where the spaces
  are).
* duplicated n-gram characters (``find_all_duplicate``): a left-to-right scan that, on meeting
  an n-gram already seen, counts its characters and jumps ``n`` words ahead (the skipped
  n-grams are never remembered). datatrove's n-gram key there is the words joined *without*
  a separator, so ``["ab", "c"]`` and ``["a", "bc"]`` are the same n-gram; tamis reproduces
  that quirk by keying on a polynomial hash of the concatenated characters plus the length.

Why batches: on the 150-300-word documents typical of news and reviews, a per-document numpy
computation is dominated by call overhead, and sorting every window to group them costs more
than the rest. So the windows of every document of a batch are keyed in one set of array
operations, and grouping is replaced by a *sort-free repeat filter*: each window is scattered
into a hash table by (document, key); a window alone in its bucket is certainly unique in its
document, which is most windows. The few windows that share a bucket are sorted by key, which
drops the bucket collisions, so only true repeats remain: their top n-gram counts are runs of
equal keys (array operations), and only the duplicated n-grams' scan, which is sequential, is
a Python loop. Nothing else is needed: a unique n-gram can never be the repeated one a scan
meets, nor beat a repeated one for the top count.

Only two sizes are keyed at every word. A top n-gram that repeats starts a repeated n-gram of
every smaller size, so each larger top size is keyed only at the windows that repeated at the
size before. Duplicated n-grams (whose word boundaries may differ) are keyed only at the
windows whose first :data:`PREFIX_CHARS` characters start another word of the document, or
that are shorter than that (:func:`_dup_candidates`): 3.5% of the windows of Hindi and
Telugu web sentences (lingua's).

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
_SHAPE_MIX = np.uint64(0xC4CEB9FE1A85EC53)
_SIZE_MIX = np.uint64(0xA0761D6478BD642F)

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
#: 4-8 buckets per window: up to a fifth of the unique windows share one and are sorted, but the table
#: stays small enough for the caches (measured, Hindi and Telugu, first reading: 2-4% less CPU
#: than 8-16 buckets a window, 1-3% less on French, Turkish and Swahili)
_EXTRA_BITS = 2
_TABLE = np.empty(0, dtype=np.int32)
_MARKS = np.zeros(0, dtype=bool)


def _shared_buckets(keys: np.ndarray) -> np.ndarray:
    """Indexes (ascending) of the windows whose hashed bucket holds another window too.

    Equal ``keys`` always share a bucket, so every window whose key repeats is returned; with
    at least 4 buckets per window, most unique ones are not.
    """
    global _TABLE, _MARKS
    n = len(keys)
    bits = min(max(12, n.bit_length() + _EXTRA_BITS), _MAX_BITS)
    if len(_TABLE) < (1 << bits):
        _TABLE = np.empty(1 << bits, dtype=np.int32)
        _MARKS = np.zeros(1 << bits, dtype=bool)
    with np.errstate(over="ignore"):
        bucket = ((keys * _BUCKET_MIX) >> np.uint64(64 - bits)).astype(np.intp)
    idx = np.arange(n, dtype=np.int32)
    _TABLE[bucket] = idx
    crowded = bucket[np.take(_TABLE, bucket) != idx]
    if not len(crowded):
        return crowded
    _MARKS[crowded] = True
    shared = np.flatnonzero(np.take(_MARKS, bucket))
    _MARKS[crowded] = False
    return shared


def _repeated(tagged: np.ndarray) -> np.ndarray:
    """Which of the windows whose ``tagged`` keys (n-gram key mixed with its document) are
    given share their key with another of them: a mask that keeps every true repeat and drops
    the bucket filter's chance collisions.

    Equal n-grams of one document have equal tagged keys, so no true repeat is lost; a window
    kept by a collision of tagged keys across documents only reaches the exact logic.
    """
    keep = np.zeros(len(tagged), dtype=bool)
    if len(tagged) < 2:
        return keep
    order = np.argsort(tagged)  # equal keys are only found, never ordered: any sort will do
    ranked = tagged[order]
    same = ranked[1:] == ranked[:-1]
    keep[order[1:][same]] = True
    keep[order[:-1][same]] = True
    return keep


def _char_prefix(chars: np.ndarray) -> np.ndarray:
    """Prefix sums of ``code * BASE**i`` (mod 2**64): the key of ``chars[a:b]`` is
    ``(prefix[b] - prefix[a]) * BASE**-a``."""
    powers, _ = _powers(len(chars))
    prefix = np.empty(len(chars) + 1, dtype=np.uint64)
    prefix[0] = 0
    np.multiply(chars, powers[: len(chars)], out=prefix[1:])
    np.cumsum(prefix[1:], out=prefix[1:])
    return prefix


#: Words per group of documents keyed together: large enough to amortise numpy's call
#: overhead, small enough that a group's arrays stay in the CPU caches.
GROUP_WORDS = 32_768

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
    _measures(chars[~is_space], offsets, counts, group, results, top_sizes, dup_sizes)


def ngram_repetition_words(
    chars: np.ndarray,
    offsets: np.ndarray,
    counts: list[int],
    top_sizes: list[int],
    dup_sizes: list[int],
) -> list[tuple[dict[int, int | None], dict[int, int]]]:
    """:func:`ngram_repetition_batch` of documents given as arrays: the characters of their
    words one after another (``chars``, code points, no separator), word ``p`` at
    ``chars[offsets[p]:offsets[p + 1]]`` (``offsets[0] == 0``; a word is never empty and holds
    no space), and each document's number of words, in order."""
    results = [(dict.fromkeys(top_sizes), dict.fromkeys(dup_sizes, 0)) for _ in counts]
    bounds = [0]
    for n in counts:
        bounds.append(bounds[-1] + n)
    first = 0
    while first < len(counts):
        last, words = first, 0
        while last < len(counts) and (not words or words + counts[last] <= GROUP_WORDS):
            words += counts[last]
            last += 1
        group = [d for d in range(first, last) if counts[d]]
        if group:
            w0, w1 = bounds[first], bounds[last]
            _measures(
                chars[offsets[w0] : offsets[w1]],
                offsets[w0 : w1 + 1] - offsets[w0],
                [counts[d] for d in group],
                group,
                results,
                top_sizes,
                dup_sizes,
            )
        first = last
    return results


def _measures(chars, offsets, counts, group, results, top_sizes, dup_sizes) -> None:
    """Measures of the documents ``group`` (indexes into ``results``), whose words (``counts``
    of them each, at least one) are ``chars`` cut at ``offsets``."""
    n_docs = len(group)
    total = sum(counts)
    doc_start = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(counts, out=doc_start[1:])
    doc_of = np.repeat(np.arange(n_docs, dtype=np.int64), counts)
    word_end = doc_start[1:][doc_of]  # end of each word's document
    # Top n-grams when no n-gram repeats: the first one, seen once (repeats overwrite below).
    first_word = doc_start[:-1]
    for n in top_sizes:
        having = np.flatnonzero(np.asarray(counts) >= n)
        start = first_word[having]
        chars_n = (offsets[start + n] - offsets[start] + n - 1).tolist()
        for g, value in zip(having.tolist(), chars_n, strict=True):
            results[group[g]][0][n] = value
    doc_mix = doc_of.astype(np.uint64) * _SEG_MIX
    with np.errstate(over="ignore"):
        keys = _WindowKeys(chars, offsets, bool(top_sizes))
        if top_sizes:
            # A window whose top n-gram repeats also repeats at every smaller size from the
            # same word: only the first size is keyed at every word, the next ones at the
            # windows that repeated at the size before. Equal words joined with spaces are
            # equal joined without, so at the first size the bucket filter reads the cheaper
            # key of the duplicated n-grams, and only the windows it keeps get the full one.
            candidates = None
            for n in sorted(top_sizes):
                candidates = _size_repeats(
                    keys.top, n, total, candidates, word_end, doc_mix, coarse=keys.dup
                )
                if len(candidates):
                    _top_repeats(
                        results, group, n, candidates, keys.top(candidates, n), doc_of, offsets
                    )
        if dup_sizes:
            candidates = _dup_candidates(keys, min(dup_sizes), total, doc_mix)
            pos, sizes, found = _dup_size_repeats(keys, dup_sizes, candidates, word_end, doc_mix)
            for n in dup_sizes:
                at = np.flatnonzero(sizes == n)
                if len(at):
                    shared = np.take(pos, at)
                    _dup_repeats(results, group, n, shared, np.take(found, at), doc_of, offsets)


#: Candidate windows above this many go through the bucket filter before being sorted.
_SORT_AT_MOST = 2048


def _size_repeats(key_of, n, total, candidates, word_end, doc_mix, coarse=None) -> np.ndarray:
    """The windows of ``n`` words (ascending start) whose key another window of their
    document shares, among ``candidates`` (every window when None). ``coarse``: a key equal
    wherever ``key_of`` is equal, read instead of it by the bucket filter over every window."""
    m = total - n + 1
    if m <= 0:
        return np.empty(0, dtype=np.int64)
    if candidates is None:
        # Every window, keyed in contiguous slices; windows running past the end of their
        # document only add candidates, and are dropped before the exact logic.
        tagged = (coarse or key_of)(slice(0, m), n) ^ doc_mix[:m]
        shared = _shared_buckets(tagged)
        shared = _where(shared, word_end[shared] >= shared + n)  # within one document
        exact = tagged[shared] if coarse is None else key_of(shared, n) ^ doc_mix[shared]
        return shared[_repeated(exact)]
    shared = candidates[candidates < m]
    shared = _where(shared, word_end[shared] >= shared + n)
    tagged = key_of(shared, n) ^ doc_mix[shared]
    if len(shared) > _SORT_AT_MOST:
        crowded = _shared_buckets(tagged)
        shared, tagged = shared[crowded], tagged[crowded]
    return shared[_repeated(tagged)]


def _dup_size_repeats(keys, dup_sizes, candidates, word_end, doc_mix):
    """The candidate windows of every duplicated size that may repeat, keyed and filtered in one
    go (the sizes told apart by a mix in the filter's key): (starts, sizes, keys), by size then
    start. A window kept by a chance equality of the mixed keys only reaches the exact scan,
    which finds its key once and counts nothing."""
    k = len(dup_sizes)
    pos = np.tile(candidates, k)
    sizes = np.repeat(np.asarray(dup_sizes, dtype=np.int64), len(candidates))
    within = np.flatnonzero(pos + sizes <= np.take(word_end, pos))  # inside one document
    pos, sizes = np.take(pos, within), np.take(sizes, within)
    found = keys.dup(pos, sizes)
    tagged = found ^ np.take(doc_mix, pos) ^ (sizes.astype(np.uint64) * _SIZE_MIX)
    if len(pos) > _SORT_AT_MOST:
        crowded = _shared_buckets(tagged)
        pos, sizes, found, tagged = pos[crowded], sizes[crowded], found[crowded], tagged[crowded]
    keep = np.flatnonzero(_repeated(tagged))
    return np.take(pos, keep), np.take(sizes, keep), np.take(found, keep)


def _where(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``values[mask]`` for a mask that keeps most values: positions then ``np.take``, several
    times faster than a dense boolean index."""
    return np.take(values, np.flatnonzero(mask))


#: Characters from a window's start that key the duplicated n-grams' candidates.
PREFIX_CHARS = 12


def _dup_candidates(keys: _WindowKeys, smallest: int, total: int, doc_mix) -> np.ndarray:
    """The windows that may repeat at some duplicated n-gram size (ascending start).

    Two windows with the same words-joined-without-spaces ``S`` both start with the first
    ``PREFIX_CHARS`` characters of ``S`` when it has that many, and are both shorter than that
    at the smallest size when it has not. So a window that is at least that long at the
    smallest size and whose first ``PREFIX_CHARS`` characters (read on past the window if
    needed) start no other word of its document never repeats at any size; in running text
    that is most windows, and only the others are keyed per size.
    """
    m = total - smallest + 1
    if m <= 0:
        return np.empty(0, dtype=np.int64)
    start = keys.offsets[:m]
    maybe = keys.offsets[smallest : smallest + m] - start < PREFIX_CHARS
    tagged = keys.chars_from(m, PREFIX_CHARS) ^ doc_mix[:m]
    crowded = _shared_buckets(tagged)
    maybe[crowded[_repeated(tagged[crowded])]] = True
    return np.flatnonzero(maybe)


class _WindowKeys:
    """Keys of windows of words, from prefix hashes of the words' characters joined without
    spaces (word p at ``offsets[p]``).

    A duplicated n-gram's key is datatrove's, its words joined without a separator: the hash
    of those characters and their number. A top n-gram's key is its words joined with spaces;
    words hold no whitespace, so equal keys there mean the same characters *and* the same word
    lengths in order: the characters' key mixed with a hash of the sequence of word lengths.
    """

    def __init__(self, chars: np.ndarray, offsets: np.ndarray, with_top: bool) -> None:
        self.offsets = offsets
        self._prefix = _char_prefix(chars)
        self._chars = len(chars)
        if with_top:
            self._lengths = np.diff(offsets).astype(np.uint64)
        self._pow, self._inv = _powers(0)  # after the prefix: the table it grew
        starts = offsets[:-1]
        self._at_start = self._prefix[starts]
        self._at_end = self._prefix[offsets[1:]]
        self._inv_start = self._inv[starts]

    def chars_from(self, m: int, length: int) -> np.ndarray:
        """Hash of the ``length`` characters from the start of each of the first ``m`` words
        (fewer at the end)."""
        end = np.minimum(self.offsets[:m] + length, self._chars)
        return (np.take(self._prefix, end) - self._at_start[:m]) * self._inv_start[:m]

    def dup(self, pos, n: int) -> np.ndarray:
        """Keys of the ``n``-word windows at ``pos`` (a slice or an array of word indexes)."""
        chars = (self.offsets[_shifted(pos, n)] - self.offsets[pos]).astype(np.uint64)
        at_last = self._at_end[_shifted(pos, n - 1)]
        return ((at_last - self._at_start[pos]) * self._inv_start[pos]) ^ (chars * _LEN_MIX)

    def top(self, pos, n: int) -> np.ndarray:
        """Keys of the windows joined with spaces: :meth:`dup`'s mixed with the polynomial of
        the words' lengths (read word by word: only repeated windows are asked for)."""
        shape = self._lengths[pos].copy()
        for i in range(1, n):
            shape += self._lengths[_shifted(pos, i)] * self._pow[i]
        return self.dup(pos, n) ^ (shape * _SHAPE_MIX)


def _shifted(pos, k: int):
    """Word indexes ``k`` after ``pos`` (a slice or an array)."""
    if isinstance(pos, slice):
        return slice(pos.start + k, pos.stop + k)
    return pos + k


def _dup_repeats(results, group, n, starts, keys, doc_of, offsets) -> None:
    """``find_all_duplicate`` per document from its repeated windows (in position order)."""
    docs = doc_of[starts]
    chars = (offsets[starts + n] - offsets[starts]).tolist()
    keys_l = keys.tolist()
    starts_l = starts.tolist()
    bounds = [0, *(np.flatnonzero(docs[1:] != docs[:-1]) + 1).tolist(), len(docs)]
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        if b - a > 1:
            d = group[int(docs[a])]
            results[d][1][n] = _greedy_scan(starts_l[a:b], keys_l[a:b], chars[a:b], n)


def _top_repeats(results, group, n, starts, keys, doc_of, offsets) -> None:
    """``Counter(keys).most_common(1)`` per document, in array operations: runs of equal
    (document, key) give each n-gram's count and first window; a document's top n-gram has
    the highest count, ties going to the earliest first window (``Counter`` keeps first-seen
    order and ``max`` the first of equals)."""
    docs = doc_of[starts]
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
