"""The records' signals gathered per stage in columns, with the result of one value at a time.

A stage writes the same signals, of the same types, for nearly every document. Walking every
value of every record in Python was most of the report's pass over the records, so the values
of a stage are kept as rows while the stage's keys and value types stay the same (its
*shape*), and handed on a few thousand at a time, one column per signal, with each row's
record hash, to the bounded summaries (:meth:`NumberSummary.add_array`, which keeps the same
sample as value-by-value adds).

What must not change is what one value at a time would give: the order in which signals are
first met decides which ones a full table refuses, so the
first record of each shape, and any record whose shape still holds a signal not yet placed,
goes through :func:`add_values`, which is that one-value-at-a-time walk. Rows of a shape are
only gathered once each of its signals already has its summary (or can never get one), so a
batch never registers anything; and a stage's pending rows are handed on before any other
record of that stage is walked value by value, so each signal sees its values in stream order.
"""

from __future__ import annotations

import math
from itertools import chain
from operator import itemgetter
from typing import Any

from tamis.report.sampling import BoundedCounter, NumberSummary

SIGNAL_SAMPLE = 2000
MAX_SIGNAL_KEYS = 200
MAX_CATEGORIES = 200
BATCH = 4096  # rows of one stage held before they are summarised

# tags of a signal value, for stacked distributions
KEPT, REJECTED_HERE, REJECTED_ELSEWHERE = "kept", "rejected by this stage", "rejected elsewhere"

# what a column of a shape feeds
_NUMBER, _INTEGER, _SKIPPED, _CATEGORY, _IGNORED = range(5)


def number(v: Any) -> float | None:
    """A signal value as a number for its distribution: finite floats and ints (not bools)."""
    t = type(v)
    if t is float:
        return v if math.isfinite(v) else None
    if t is int:
        return float(v)
    return None


class _Rows:
    __slots__ = ("keys", "types", "plan", "rows", "tags", "hashes")

    def __init__(self, shape: tuple, plan: list[tuple[int, Any]]) -> None:
        _, self.keys, self.types = shape  # the stage's keys and value types, compared apart
        self.plan = plan
        self.rows: list[tuple] = []
        self.tags: list[str] = []
        self.hashes: list[int] = []  # each row's record hash (its rank in the samples)


class SignalColumns:
    """Feeds ``data.signals``, ``data.categories`` and ``data.skipped_signal_keys`` (see
    :class:`tamis.report.collect.Collected`) from the records' ``signals``."""

    def __init__(self, data: Any) -> None:
        self.data = data
        self.pending: dict[str, _Rows] = {}
        self.plans: dict[tuple, list[tuple[int, Any]]] = {}

    def add(self, signals: dict[str, Any], verdict_stage: Any, kept: bool, h: int) -> None:
        """One record's signals; ``h`` is its :func:`~tamis.report.sampling.record_hash`."""
        pending = self.pending
        for stage, values in signals.items():
            if not isinstance(values, dict):
                continue
            if kept:
                tag = KEPT
            elif verdict_stage == stage:
                tag = REJECTED_HERE
            else:
                tag = REJECTED_ELSEWHERE
            # (every record of a stage has its shape, most often: the values are read once,
            # and no shape tuple is made unless the pending rows' keys or types differ)
            row = tuple(values.values())
            keys = tuple(values)
            types = tuple(map(type, row))
            rows = pending.get(stage)
            if rows is None or rows.types != types or rows.keys != keys:
                if rows is not None:
                    self.flush(stage)
                shape = (stage, keys, types)
                plan = self.plans.get(shape)
                if plan is None:
                    add_values(self.data, stage, values, tag, kept, h)
                    plan = self._plan(shape)
                    if plan is not None:
                        self.plans[shape] = plan
                    continue
                rows = pending[stage] = _Rows(shape, plan)
            rows.rows.append(row)
            rows.tags.append(tag)
            rows.hashes.append(h)
            if len(rows.rows) >= BATCH:
                self.flush(stage)

    def _plan(self, shape: tuple) -> list[tuple[int, Any]] | None:
        """What each column of a shape feeds, or None while one of its signals is unplaced."""
        d = self.data
        stage, keys, types = shape
        plan: list[tuple[int, Any]] = []
        for key, t in zip(keys, types, strict=True):
            if t is float or t is int:
                summary = d.signals.get((stage, key))
                if summary is not None:
                    plan.append((_NUMBER if t is float else _INTEGER, summary))
                elif len(d.signals) >= MAX_SIGNAL_KEYS:
                    plan.append((_SKIPPED, t))
                else:
                    return None  # met only as NaN or infinity so far: not placed yet
            elif t is str or t is bool:
                cats = d.categories.get((stage, key))
                plan.append((_CATEGORY, cats) if cats is not None else (_IGNORED, None))
                if cats is None and len(d.categories) < MAX_SIGNAL_KEYS:
                    return None
            else:
                plan.append((_IGNORED, None))
        return plan

    def flush(self, stage: str | None = None) -> None:
        """Summarise the rows held for one stage (all stages when None)."""
        for name in [stage] if stage is not None else list(self.pending):
            rows = self.pending.pop(name, None)
            if rows is not None and rows.rows:
                self._summarise(rows)

    def _summarise(self, rows: _Rows) -> None:
        import numpy as np

        tags = rows.tags
        numeric = [j for j, (what, _) in enumerate(rows.plan) if what in (_NUMBER, _INTEGER)]
        if numeric:
            # one float64 column per numeric signal; int -> float64 rounds as float() does
            pick = itemgetter(*numeric)
            picked = map(pick, rows.rows)
            flat = chain.from_iterable(picked) if len(numeric) > 1 else picked
            n = len(rows.rows) * len(numeric)
            table = np.fromiter(flat, dtype=np.float64, count=n)
            table = table.reshape(len(rows.rows), len(numeric)).T.copy()
            hashes = np.array(rows.hashes, dtype=np.uint64)
            for j, column in zip(numeric, table, strict=True):
                summary = rows.plan[j][1]
                finite = np.isfinite(column)
                if finite.all():
                    summary.add_array(column, tags, hashes)
                else:
                    keep = np.flatnonzero(finite)
                    summary.add_array(column[keep], [tags[i] for i in keep], hashes[keep])
        for j, (what, target) in enumerate(rows.plan):
            if what not in (_SKIPPED, _CATEGORY):
                continue
            column = list(map(itemgetter(j), rows.rows))
            if what == _SKIPPED:
                finite = column if target is int else [v for v in column if math.isfinite(v)]
                self.data.skipped_signal_keys += len(finite)
            elif what == _CATEGORY:
                target.add_column(list(map(str, column)), [1 if tag is KEPT else 0 for tag in tags])


def add_values(data: Any, stage: str, values: dict[str, Any], tag: str, kept: bool, h: int) -> None:
    """One stage's signals of one record, one value at a time."""
    d = data
    for key, value in values.items():
        num = number(value)
        if num is not None:
            summary = d.signals.get((stage, key))
            if summary is None:
                if len(d.signals) >= MAX_SIGNAL_KEYS:
                    d.skipped_signal_keys += 1
                    continue
                summary = d.signals[(stage, key)] = NumberSummary(SIGNAL_SAMPLE)
            summary.add(num, tag, h)
        elif isinstance(value, str | bool):
            cats = d.categories.get((stage, key))
            if cats is None:
                if len(d.categories) >= MAX_SIGNAL_KEYS:
                    continue
                cats = d.categories[(stage, key)] = BoundedCounter(2, cap=MAX_CATEGORIES)
            cats.add(str(value), (1, 1 if kept else 0))


def merge_columns(data: Any, other: Any) -> None:
    """Add the signal summaries of another part of the stream to ``data``'s, with the caps one
    pass over both parts in order would apply: a signal beyond them is counted as skipped."""
    beyond = _merge_capped(data.signals, other.signals)
    data.skipped_signal_keys += sum(s.count for s in beyond) + other.skipped_signal_keys
    _merge_capped(data.categories, other.categories)


def _merge_capped(into: dict[str, Any], other: dict[str, Any]) -> list[Any]:
    """Merge ``other``'s summaries into ``into`` key by key, taking new keys only while fewer
    than :data:`MAX_SIGNAL_KEYS` are held; the summaries left out are returned."""
    beyond = []
    for key, summary in other.items():
        mine = into.get(key)
        if mine is not None:
            mine.merge(summary)
        elif len(into) < MAX_SIGNAL_KEYS:
            into[key] = summary
        else:
            beyond.append(summary)
    return beyond
