"""Bounded-memory summaries of a stream of any length: what lets the report read a million records.

Every structure here has a fixed cap that does not grow with the number of records seen, and
every one is deterministic and mergeable: samples keep the items of smallest keyed hash of
their record's id (the same records whatever the order, the shards or the worker count), and
each part of an output summarised apart (a shard, by the task that wrote it) merges into the
whole, so the same output always gives the same report.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable
from itertools import compress
from operator import add
from typing import Any

import xxhash

#: The key of the samples' hash: fixed, so that the same records are chosen in every run.
SAMPLE_KEY = 0x7A3D_5EED
_MASK = (1 << 64) - 1


def record_hash(record_id: str, salt: int = 0) -> int:
    """A record's rank in every sample it may enter: a keyed 64-bit hash of its id.

    Samples keep the items of smallest rank, so which records they hold depends on the records
    alone, never on the order they are met in, on the shards or on the worker count.
    """
    return xxhash.xxh3_64_intdigest(record_id.encode("utf-8", "surrogatepass"), SAMPLE_KEY ^ salt)


def sub_hash(h: int, i: int) -> int:
    """The rank of the ``i``-th item of one record (an edit of its log), mixed from its hash."""
    x = (h ^ ((i + 1) * 0x9E3779B97F4A7C15)) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


class BottomK:
    """The ``k`` items of smallest rank ``(hash, tie)`` among all those offered.

    A uniform sample when the hashes are (a keyed hash of the record id is), independent of
    the order items arrive in, and mergeable: the bottom k of two merged samples is the bottom
    k of the union of their streams. ``tie`` settles equal hashes (two records with one id) by
    where the items are (the record's shard and row, the edit's index), so that it too is
    independent of order, and items are never compared. Candidates are gathered and
    cut back to ``k`` when they reach ``2k``: an item beyond the current k-th rank costs one
    comparison.
    """

    __slots__ = ("k", "seen", "_entries", "_bound")

    def __init__(self, k: int) -> None:
        self.k = k
        self.seen = 0
        self._entries: list[tuple[int, Any, Any]] = []
        self._bound = _MASK  # the k-th smallest hash known so far (all pass until k are held)

    def wants(self, h: int) -> bool:
        """Whether an item of hash ``h`` may be in the sample (build it only then)."""
        return h <= self._bound

    def add(self, h: int, tie: Any, item: Any) -> None:
        """Count and offer one item."""
        self.seen += 1
        self.offer(h, tie, item)

    def offer(self, h: int, tie: Any, item: Any) -> None:
        """:meth:`add` without counting the item (counted already by :meth:`count`)."""
        if h <= self._bound:
            self._entries.append((h, tie, item))
            if len(self._entries) >= 2 * self.k:
                self._cut()

    def count(self, n: int) -> None:
        self.seen += n

    def _cut(self) -> None:
        # (hash, tie) differs between any two items (ties name the record and the item in
        # it), so the items themselves are never compared; sorted runs merge in linear time
        self._entries.sort()
        del self._entries[self.k :]
        if len(self._entries) == self.k:
            self._bound = self._entries[-1][0]

    def merge(self, other: BottomK) -> None:
        self.seen += other.seen
        other._cut()  # in rank order: the first item beyond this sample's bound ends the walk
        for h, tie, item in other._entries:
            if h > self._bound:
                break
            self.offer(h, tie, item)
        self._cut()

    @property
    def bound(self) -> int:
        return self._bound

    @property
    def kept(self) -> list[Any]:
        """The sampled items, in rank order."""
        self._cut()
        return [item for _, _, item in self._entries]

    def __getstate__(self) -> tuple:
        self._cut()
        return (self.k, self.seen, self._entries, self._bound)

    def __setstate__(self, state: tuple) -> None:
        self.k, self.seen, self._entries, self._bound = state


class Samples:
    """One small sample per key (a rejection reason, an edit rule), with a cap on keys."""

    def __init__(self, per_key: int, max_keys: int = 2000, seed: int = 0) -> None:
        self.per_key = per_key
        self.max_keys = max_keys
        self.seed = seed
        self.by_key: dict[Hashable, BottomK] = {}
        self.overflow = 0

    def sample(self, key: Hashable) -> BottomK | None:
        """The sample of ``key``, or None (counted in ``overflow``) when the keys are full."""
        res = self.by_key.get(key)
        if res is None:
            if len(self.by_key) >= self.max_keys:
                self.overflow += 1
                return None
            res = self.by_key[key] = BottomK(self.per_key)
        return res

    def get(self, key: Hashable) -> list[Any]:
        res = self.by_key.get(key)
        return res.kept if res else []

    def merge(self, other: Samples) -> None:
        """Add another part of the stream's samples (keys beyond the cap count as overflow)."""
        self.overflow += other.overflow
        for key, theirs in other.by_key.items():
            mine = self.by_key.get(key)
            if mine is None and len(self.by_key) >= self.max_keys:
                self.overflow += theirs.seen
                continue
            if mine is None:
                mine = self.by_key[key] = BottomK(self.per_key)
            mine.merge(theirs)


class BoundedCounter:
    """Counts of rows keyed by a name (a domain, a language), with at most ``cap`` names kept.

    Each key holds a list of counters (docs, kept, chars...). When the table grows past
    ``cap`` it is pruned to the ``cap // 2`` keys with the largest first counter, and what the
    pruned keys held is kept in ``other``, so totals stay exact and only the tail is merged.
    Heavy keys seen early always survive; a key first seen after a prune restarts from zero,
    which is the usual space-saving trade-off and is said on the page.
    """

    def __init__(self, width: int, cap: int = 20000) -> None:
        self.width = width
        self.cap = cap
        self.rows: dict[str, list[float]] = {}
        self.first: dict[str, Any] = {}  # what the caller attached to a key when first seen
        self.other = [0.0] * width
        self.pruned = 0

    def add(self, key: str, values: Iterable[float], first: Any = None) -> None:
        row = self.rows.get(key)
        if row is None:
            if len(self.rows) >= self.cap:
                self._prune()
            row = self.rows[key] = [0.0] * self.width
            if first is not None:
                self.first[key] = first
        if isinstance(values, tuple) and len(values) == self.width:
            row[:] = map(add, row, values)  # row[i] += values[i], without a loop in Python
            return
        for i, v in enumerate(values):
            row[i] += v

    def add_column(self, keys: list[str], kept: list[int]) -> None:
        """``add(keys[i], (1, kept[i]))`` for each i in order, with the same result: counted
        at once while no new key can overflow the table, one by one otherwise."""
        new = [key for key in dict.fromkeys(keys) if key not in self.rows]
        if self.width != 2 or len(self.rows) + len(new) > self.cap:
            for key, k in zip(keys, kept, strict=True):
                self.add(key, (1, k))
            return
        for key in new:
            self.rows[key] = [0.0] * self.width
        kept_counts = Counter(compress(keys, kept))
        for key, n in Counter(keys).items():
            row = self.rows[key]
            row[0] += n
            row[1] += kept_counts.get(key, 0)

    def _prune(self) -> None:
        ranked = sorted(self.rows.items(), key=lambda kv: (-kv[1][0], kv[0]))
        keep = dict(ranked[: self.cap // 2])
        for key, row in ranked[self.cap // 2 :]:
            for i, v in enumerate(row):
                self.other[i] += v
            self.first.pop(key, None)
            self.pruned += 1
        self.rows = keep

    def merge(self, other: BoundedCounter) -> None:
        """Add another part of the stream's counts, its keys in the order it met them; a key
        both hold keeps this part's ``first``."""
        for key, row in other.rows.items():
            self.add(key, tuple(row), first=other.first.get(key))
        self.other[:] = map(add, self.other, other.other)
        self.pruned += other.pruned

    def top(self, n: int) -> list[tuple[str, list[float]]]:
        return sorted(self.rows.items(), key=lambda kv: (-kv[1][0], kv[0]))[:n]

    def __len__(self) -> int:
        return len(self.rows)


class LogHistogram:
    """Exact counts of positive values in logarithmic bins (20 per decade), per series.

    Used for document lengths, whose range spans from a few characters to megabytes; memory is
    the number of occupied bins, whatever the number of documents.
    """

    PER_DECADE = 20

    def __init__(self) -> None:
        self.counts: dict[str, Counter] = {}

    def add(self, series: str, value: float) -> None:
        b = -1 if value <= 0 else math.floor(math.log10(value) * self.PER_DECADE)
        counts = self.counts.get(series)
        if counts is None:
            counts = self.counts[series] = Counter()
        counts[b] += 1

    def merge(self, other: LogHistogram) -> None:
        for series, counts in other.counts.items():
            self.counts.setdefault(series, Counter()).update(counts)

    @classmethod
    def edge(cls, b: int) -> float:
        return 0.0 if b < 0 else 10 ** (b / cls.PER_DECADE)


class ValueSample:
    """:class:`BottomK` for the values of one numeric signal, held in numpy arrays.

    Each value comes with its record's hash and a tag; the sample keeps the ``k`` values of
    smallest ``(hash, value, tag)``. Arrays keep a shard's sample small to store (a few bytes a
    value) and two samples quick to merge (one sort of both), where the report's many signals
    and shards would make tuples slow.
    """

    def __init__(self, k: int) -> None:
        import numpy as np

        self.k = k
        self.seen = 0
        self._h = np.zeros(0, dtype=np.uint64)
        self._v = np.zeros(0, dtype=np.float64)
        self._t = _objects([])  # the tags, an object array
        self._bound = _MASK
        self._chunks: list[tuple[Any, Any, list[Any]]] = []  # (hashes, values, tags) offered
        self._one: tuple[list[int], list[float], list[Any]] = ([], [], [])  # offered singly
        self._waiting = 0

    @property
    def bound(self) -> int:
        return self._bound

    def add(self, h: int, value: float, tag: Any) -> None:
        self.seen += 1
        if h <= self._bound:
            hs, vs, ts = self._one
            hs.append(h)
            vs.append(value)
            ts.append(tag)
            self._waiting += 1
            if self._waiting >= 2 * self.k:
                self._cut()

    def add_array(self, hashes: Any, values: Any, tags: list[Any]) -> None:
        """Offer many values at once (uint64 hashes, float64 values)."""
        import numpy as np

        self.seen += len(values)
        picked = np.flatnonzero(hashes <= np.uint64(self._bound))
        if len(picked):
            self._offer(hashes[picked], values[picked], _objects(tags)[picked])

    def _offer(self, hashes: Any, values: Any, tags: Any) -> None:
        self._chunks.append((hashes, values, tags))
        self._waiting += len(tags)
        if self._waiting >= 2 * self.k:
            self._cut()

    def _cut(self) -> None:
        import numpy as np

        if not self._waiting:
            return
        hs, vs, ts = self._one
        if hs:
            self._chunks.append((np.array(hs, np.uint64), np.array(vs, np.float64), _objects(ts)))
            self._one = ([], [], [])
        h = np.concatenate([self._h, *(c[0] for c in self._chunks)])
        v = np.concatenate([self._v, *(c[1] for c in self._chunks)])
        tags = np.concatenate([self._t, *(c[2] for c in self._chunks)])
        self._chunks, self._waiting = [], 0
        order = np.lexsort((v, h))
        hs, vs = h[order], v[order]
        if ((hs[1:] == hs[:-1]) & (vs[1:] == vs[:-1])).any():
            # one hash and value twice (one id twice): settled by the tags, named in order
            names = {name: i for i, name in enumerate(sorted({repr(t) for t in tags}))}
            codes = np.fromiter((names[repr(t)] for t in tags), dtype=np.int64, count=len(tags))
            order = np.lexsort((codes, v, h))
        order = order[: self.k]
        self._h, self._v, self._t = h[order], v[order], tags[order]
        if len(order) == self.k:
            self._bound = int(self._h[-1])

    def merge(self, other: ValueSample) -> None:
        """Offer ``other``'s values; sorted with the next part's once ``2k`` wait, or when
        read: a run's report merges a part per shard and signal, and a sort after each merge
        was most of its cost."""
        other._cut()
        self.seen += other.seen
        below = int((other._h <= self._bound).sum())  # a prefix: other's values are in order
        if below:
            self._offer(other._h[:below], other._v[:below], other._t[:below])

    @property
    def kept(self) -> list[tuple[float, Any]]:
        """The sampled ``(value, tag)`` pairs, in rank order."""
        self._cut()
        return list(zip(self._v.tolist(), self._t.tolist(), strict=True))

    def __getstate__(self) -> tuple:
        self._cut()
        return (self.k, self.seen, self._h, self._v, self._t, self._bound)

    def __setstate__(self, state: tuple) -> None:
        self.k, self.seen, self._h, self._v, self._t, self._bound = state
        self._chunks, self._one, self._waiting = [], ([], [], []), 0


def _objects(items: list[Any]) -> Any:
    """``items`` as a one-dimensional numpy object array (tuples stay whole)."""
    import numpy as np

    return np.fromiter(items, dtype=object, count=len(items))


class NumberSummary:
    """Exact count, min, max and mean of a numeric series, plus a sample for its shape.

    The sample holds ``(value, tag)`` of the values whose records' hashes are smallest
    (:class:`ValueSample`), so the same records are drawn whatever order they come in.
    """

    def __init__(self, k: int) -> None:
        self.count = 0
        self.total = 0.0
        self.min = math.inf
        self.max = -math.inf
        self.sample = ValueSample(k)

    def add(self, value: float, tag: Any, h: int) -> None:
        self.count += 1
        self.total += value
        if value < self.min:
            self.min = value
        if value > self.max:
            self.max = value
        self.sample.add(h, value, tag)

    def add_array(self, values: Any, tags: list[Any], hashes: Any) -> None:
        """``add(values[i], tags[i], hashes[i])`` for each i of a float64 numpy array and a
        uint64 one, with the same result to the bit: the total is accumulated left to right,
        min and max keep the first of equal values (numpy's agree with Python's up to the sign
        of a zero, settled here as one-by-one adds settle it), and the same sample."""
        import numpy as np

        n = len(values)
        if not n:
            return
        self.count += n
        self.total = float(np.add.accumulate(np.concatenate(([self.total], values)))[-1])
        low, high = float(values.min()), float(values.max())
        if low == 0.0 or high == 0.0:  # -0.0 and 0.0 compare equal: the first one met wins
            low, high = min(values.tolist()), max(values.tolist())
        if low < self.min:
            self.min = low
        if high > self.max:
            self.max = high
        self.sample.add_array(hashes, values, tags)

    def merge(self, other: NumberSummary) -> None:
        """Add another part of the stream: its total is added to this one's as one number."""
        self.count += other.count
        self.total += other.total
        self.min = min(self.min, other.min)
        self.max = max(self.max, other.max)
        self.sample.merge(other.sample)

    @property
    def mean(self) -> float:
        return self.total / self.count if self.count else math.nan
