"""The report's bounded summaries: uniform samples, exact totals, fixed memory."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from tamis.report.collect import source_of
from tamis.report.sampling import BoundedCounter, LogHistogram, Reservoir, Samples


def test_reservoir_is_uniform_and_bounded():
    counts = Counter()
    runs, n, k = 4000, 50, 5
    for seed in range(runs):
        r = Reservoir(k, seed)
        for i in range(n):
            r.add(i)
        assert len(r.items) == k and len(set(r.items)) == k and r.seen == n
        counts.update(r.items)
    expected = runs * k / n  # 400 per item
    # each item's count is binomial(4000, 0.1): sd 19; 5 sd covers all 50 items comfortably
    assert all(abs(counts[i] - expected) < 5 * 19 for i in range(n)), counts
    # early and late items are equally likely (a reservoir that keeps the first k fails here)
    first = sum(counts[i] for i in range(n // 2))
    assert abs(first - runs * k / 2) < 0.05 * runs * k


def test_reservoir_claim_put_and_determinism():
    a, b = Reservoir(3, 7), Reservoir(3, 7)
    for i in range(100):
        a.add(i)
        slot = b.claim()
        if slot >= 0:
            b.put(slot, i)
    assert a.items == b.items  # the same draws whichever way items are given
    few = Reservoir(4, 1)
    few.claim()
    assert few.kept == []  # a claimed slot never filled is not an item
    s = Samples(2, max_keys=3)
    for key in "abcdef":
        res = s.reservoir(key)
        if res is not None:
            res.add(key)
    assert sorted(s.by_key) == ["a", "b", "c"] and s.overflow == 3 and s.get("a") == ["a"]


@given(st.lists(st.tuples(st.sampled_from("abcdefghijklmnop"), st.integers(0, 5)), max_size=300))
def test_bounded_counter_keeps_totals_exact(items):
    c = BoundedCounter(2, cap=6)
    for key, v in items:
        c.add(key, (1, v), first=key.upper())
    assert len(c) <= 6
    total = [sum(r[i] for r in c.rows.values()) + c.other[i] for i in range(2)]
    assert total == [len(items), sum(v for _, v in items)]
    assert set(c.first) <= set(c.rows)  # payloads only for keys still counted
    assert all(c.first[k] == k.upper() for k in c.first)


def test_log_histogram_bins():
    h = LogHistogram()
    for v in (0, 1, 9, 10, 11, 1000, 1_000_000):
        h.add("x", v)
    bins = h.counts["x"]
    assert sum(bins.values()) == 7 and bins[-1] == 1  # zero has its own bin
    assert LogHistogram.edge(LogHistogram.PER_DECADE * 3) == 1000.0


def test_source_is_the_host_or_the_file():
    def src(url, path="in/a.jsonl"):
        return source_of({"meta": {"url": url} if url else {}, "source": {"path": path}})

    assert src("https://www.Example.com:8080/x?y") == "example.com"
    assert src("http://user:pw@news.example.org/a") == "news.example.org"
    assert src("example.net/path") == "example.net"
    assert src(None) == "file:a.jsonl"


def test_thresholds_are_linked_to_the_signal_they_bound():
    from tamis.report.thresholds import ThresholdEvidence, option_thresholds

    ev = ThresholdEvidence()
    for words, ratio in ((10, 0.5), (20, 0.5), (30, 0.9)):
        signals = {"n_words": words, "ratio": ratio, "ratio_copy": ratio, "other": 0.5}
        fails = [{"rule": "short", "value": words, "threshold": 50}]
        if ratio < 0.8:
            fails.append({"rule": "ratio", "value": ratio, "threshold": 0.8})
        ev.observe("q", fails, signals)
    assert ev.for_signal("q", "n_words") == [("short", 50.0)]
    # 'ratio' names a signal: not attached to the others that happen to hold the same value
    assert ev.for_signal("q", "ratio") == [("ratio", 0.8)]
    assert ev.for_signal("q", "ratio_copy") == [] and ev.for_signal("q", "other") == []
    assert option_thresholds({"min_score": 0.5, "max_score": 1, "mode": "filter"}, "score") == [
        ("max_score", 1.0),
        ("min_score", 0.5),
    ]


@given(
    st.integers(1, 6),
    st.integers(0, 2**32 - 1),
    st.lists(st.integers(0, 40), max_size=12),
)
def test_batched_draws_equal_one_by_one(k, seed, batches):
    """take() and add_array() keep exactly what add() would, whatever the batch sizes."""
    import numpy as np

    from tamis.report.sampling import NumberSummary

    one, many = NumberSummary(k, seed), NumberSummary(k, seed)
    stream = [((i * 7919) % 101) / 7 - 3 for i in range(sum(batches))]
    tags = [i % 3 for i in range(len(stream))]
    start = 0
    for n in batches:
        for v, t in zip(stream[start : start + n], tags[start : start + n], strict=True):
            one.add(v, t)
        many.add_array(np.array(stream[start : start + n]), tags[start : start + n])
        start += n
    assert many.sample.items == one.sample.items and many.sample.seen == one.sample.seen
    assert (many.count, many.total, many.min, many.max) == (one.count, one.total, one.min, one.max)
