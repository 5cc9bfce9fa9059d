"""Bounded-memory summaries of a stream of any length: what lets the report read a million records.

Every structure here has a fixed cap that does not grow with the number of records seen, and
every one is deterministic (a seeded generator, ties broken by key), so the same output always
gives the same report.
"""

from __future__ import annotations

import math
import random
import zlib
from collections import Counter
from collections.abc import Hashable, Iterable
from itertools import compress
from operator import add
from typing import Any


class Reservoir:
    """A uniform random sample of at most ``k`` items of a stream.

    Li's "Algorithm L": once full, it draws how many items to skip before the next
    replacement, so most items cost one comparison and no random number.
    """

    def __init__(self, k: int, seed: int = 0) -> None:
        self.k = k
        self.seen = 0
        self.items: list[Any] = []
        self._rng = random.Random(seed)
        self._w = 1.0
        self._next = k  # index (0-based, in the stream) of the next item to take once full

    def _advance(self) -> None:
        rng = self._rng
        self._w *= math.exp(math.log(1.0 - rng.random()) / self.k)
        gap = (
            math.floor(math.log(1.0 - rng.random()) / math.log(1.0 - self._w)) if self._w < 1 else 0
        )
        self._next += gap + 1

    def _slot(self) -> int:
        """Slot for the item now arriving (``seen`` already counts it), or -1."""
        i = self.seen - 1
        if i < self.k:
            if i == self.k - 1:
                self._w = 1.0
                self._next = self.k - 1
                self._advance()
            return i
        if i < self._next:
            return -1
        self._advance()
        return self._rng.randrange(self.k)

    def add(self, item: Any) -> None:
        self.seen += 1
        slot = self._slot()
        if slot < 0:
            return
        if slot == len(self.items):
            self.items.append(item)
        else:
            self.items[slot] = item

    def take(self, n: int) -> list[tuple[int, int]]:
        """Draw for the next ``n`` items at once: ``(offset among them, slot)`` of each one
        kept, in order, exactly as ``n`` calls of :meth:`add` would place them.

        Which items a reservoir keeps depends only on its seed and the items' positions, never
        on their values, so a batch of a million items costs the few draws of the items kept
        and one comparison, not a call per item.
        """
        start = self.seen
        end = start + n
        picks: list[tuple[int, int]] = []
        i = start
        while i < end and i < self.k:  # filling
            self.seen = i + 1
            picks.append((i - start, self._slot()))
            i += 1
        if self.seen >= self.k:
            # full: only the drawn positions; _slot and _advance inlined, same draws in order
            k, nxt, w = self.k, self._next, self._w
            random, randrange = self._rng.random, self._rng.randrange
            exp, log, floor = math.exp, math.log, math.floor
            while nxt < end:
                w *= exp(log(1.0 - random()) / k)
                gap = floor(log(1.0 - random()) / log(1.0 - w)) if w < 1 else 0
                picks.append((nxt - start, randrange(k)))
                nxt += gap + 1
            self._next, self._w = nxt, w
        self.seen = end
        return picks

    def claim(self) -> int:
        """Draw for the next item without building it: its slot, or -1 when it is not kept.

        Lets callers build costly items (an edit's context) only when sampled; fill the slot
        with :meth:`put`. A slot claimed but never filled holds None, which :attr:`kept` skips.
        """
        self.seen += 1
        slot = self._slot()
        if slot == len(self.items):
            self.items.append(None)
        return slot

    def claim_many(self, n: int) -> list[tuple[int, int]]:
        """:meth:`claim` for the next ``n`` items: ``(offset, slot)`` of those kept, in order."""
        picks = self.take(n)
        for _, slot in picks:
            if slot == len(self.items):
                self.items.append(None)
        return picks

    def put(self, slot: int, item: Any) -> None:
        self.items[slot] = item

    @property
    def kept(self) -> list[Any]:
        return [x for x in self.items if x is not None]


class Samples:
    """One small reservoir per key (a rejection reason, an edit rule), with a cap on keys."""

    def __init__(self, per_key: int, max_keys: int = 2000, seed: int = 0) -> None:
        self.per_key = per_key
        self.max_keys = max_keys
        self.seed = seed
        self.by_key: dict[Hashable, Reservoir] = {}
        self.overflow = 0

    def reservoir(self, key: Hashable) -> Reservoir | None:
        res = self.by_key.get(key)
        if res is None:
            if len(self.by_key) >= self.max_keys:
                self.overflow += 1
                return None
            res = self.by_key[key] = Reservoir(
                self.per_key, zlib.crc32(f"{self.seed}\0{key}".encode())
            )
        return res

    def get(self, key: Hashable) -> list[Any]:
        res = self.by_key.get(key)
        return res.kept if res else []


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

    @classmethod
    def edge(cls, b: int) -> float:
        return 0.0 if b < 0 else 10 ** (b / cls.PER_DECADE)


class NumberSummary:
    """Exact count, min, max and mean of a numeric series, plus a reservoir for its shape."""

    def __init__(self, k: int, seed: int = 0) -> None:
        self.count = 0
        self.total = 0.0
        self.min = math.inf
        self.max = -math.inf
        self.sample = Reservoir(k, seed)

    def add(self, value: float, tag: Any) -> None:
        self.count += 1
        self.total += value
        if value < self.min:
            self.min = value
        if value > self.max:
            self.max = value
        self.sample.add((value, tag))

    def add_array(self, values: Any, tags: list[Any]) -> None:
        """``add(values[i], tags[i])`` for each i of a float64 numpy array, in order, with the
        same result to the bit: the total is accumulated left to right, min and max keep the
        first of equal values (numpy's agree with Python's up to the sign of a zero, settled
        here as one-by-one adds settle it), and the sample draws the same positions."""
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
        items = self.sample.items
        for offset, slot in self.sample.take(n):
            item = (float(values[offset]), tags[offset])
            if slot == len(items):
                items.append(item)
            else:
                items[slot] = item

    @property
    def mean(self) -> float:
        return self.total / self.count if self.count else math.nan
