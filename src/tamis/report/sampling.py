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
        for i, v in enumerate(values):
            row[i] += v

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
        self.counts.setdefault(series, Counter())[b] += 1

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

    @property
    def mean(self) -> float:
        return self.total / self.count if self.count else math.nan
