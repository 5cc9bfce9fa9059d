"""Signals gathered in columns give exactly what one value at a time gives: same summaries to
the bit, same samples, same refusals once the tables are full."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.report import columns
from tamis.report.collect import Collected
from tamis.report.columns import SignalColumns, add_values
from tamis.report.sampling import record_hash

VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.sampled_from([0.0, -0.0, 1.5, -2.25]),
    st.integers(-(2**40), 2**40),
    st.booleans(),
    st.sampled_from(["en", "de", "fr"]),
    st.none(),
)
STAGE_SIGNALS = st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), VALUES, max_size=4)
RECORD = st.tuples(
    st.dictionaries(st.sampled_from(["s1", "s2", "s3"]), STAGE_SIGNALS, max_size=3),
    st.sampled_from([None, "s1", "s2"]),
)


def one_by_one(records: list, data: Collected) -> None:
    """The walk the columns replace: every value of every record, in order."""
    for i, (signals, stage_rejecting) in enumerate(records):
        kept = stage_rejecting is None
        for stage, values in signals.items():
            if not isinstance(values, dict):
                continue
            if kept:
                tag = columns.KEPT
            elif stage_rejecting == stage:
                tag = columns.REJECTED_HERE
            else:
                tag = columns.REJECTED_ELSEWHERE
            add_values(data, stage, values, tag, kept, record_hash(f"doc-{i}"))


def state(data: Collected) -> tuple:
    def r(x: float) -> str:
        return repr(x)

    signals = [
        (key, s.count, r(s.total), r(s.min), r(s.max), s.sample.seen, repr(s.sample.kept))
        for key, s in data.signals.items()
    ]
    cats = [(key, c.rows, c.other, c.pruned) for key, c in data.categories.items()]
    return signals, cats, data.skipped_signal_keys


def _fed(records):
    """The records added to a fresh :class:`SignalColumns` (not flushed), and what it fills."""
    got = Collected()
    table = SignalColumns(got)
    for i, (signals, stage_rejecting) in enumerate(records):
        table.add(signals, stage_rejecting, stage_rejecting is None, record_hash(f"doc-{i}"))
    return got, table


@settings(max_examples=150, deadline=None)
@given(
    st.lists(RECORD, max_size=120),
    st.integers(1, 7),
    st.integers(1, 9),
    st.integers(1, 6),
)
def test_columns_equal_one_value_at_a_time(records, batch, max_keys, sample):
    saved = columns.BATCH, columns.MAX_SIGNAL_KEYS, columns.SIGNAL_SAMPLE
    columns.BATCH, columns.MAX_SIGNAL_KEYS, columns.SIGNAL_SAMPLE = batch, max_keys, sample
    try:
        expected = Collected()
        one_by_one(records, expected)
        got, table = _fed(records)
        table.flush()
    finally:
        columns.BATCH, columns.MAX_SIGNAL_KEYS, columns.SIGNAL_SAMPLE = saved
    assert state(got) == state(expected)


def test_a_steady_stage_is_batched_and_still_exact():
    """The common case (the same keys and types in every record) goes through the columns,
    and a NaN first met does not place the signal before a finite value does."""
    records = [
        ({"q": {"n": i, "r": i / 7, "lang": "en"}}, None if i % 3 else "q") for i in range(50)
    ]
    records.insert(0, ({"q": {"n": 1, "r": math.nan, "lang": "en"}}, None))
    expected = Collected()
    one_by_one(records, expected)
    got, table = _fed(records)
    assert table.pending["q"].rows, "steady rows were not gathered in columns"
    table.flush()
    assert state(got) == state(expected)
    assert got.signals[("q", "r")].count == 50  # the NaN is not counted
