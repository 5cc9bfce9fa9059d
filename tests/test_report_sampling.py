"""The report's bounded summaries: uniform samples, exact totals, fixed memory."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.report.collect import source_of
from tamis.report.sampling import BottomK, BoundedCounter, LogHistogram, Samples, record_hash


def test_bottom_k_is_uniform_and_bounded():
    """Keyed hashes of ids make the sample uniform: each of n records kept k/n of the time
    over many keys (the salt stands for another key)."""
    counts = Counter()
    runs, n, k = 4000, 50, 5
    for salt in range(runs):
        b = BottomK(k)
        for i in range(n):
            b.add(record_hash(f"doc-{i}", salt), i, i)
        assert len(b.kept) == k and len(set(b.kept)) == k and b.seen == n
        counts.update(b.kept)
    expected = runs * k / n  # 400 per item
    # each item's count is binomial(4000, 0.1): sd 19; 5 sd covers all 50 items comfortably
    assert all(abs(counts[i] - expected) < 5 * 19 for i in range(n)), counts
    first = sum(counts[i] for i in range(n // 2))
    assert abs(first - runs * k / 2) < 0.05 * runs * k


@given(
    st.lists(st.text(max_size=6), max_size=80),
    st.integers(1, 6),
    st.randoms(use_true_random=False),
    st.integers(0, 80),
)
def test_bottom_k_ignores_order_and_merges_exactly(ids, k, rnd, cut):
    """The same ids in any order, or split in two parts merged, keep the same sample (ids
    repeat: equal hashes are settled by the items)."""
    items = [(record_hash(x), (x, i)) for i, x in enumerate(ids)]
    one = BottomK(k)
    for h, item in items:
        one.add(h, item, item)
    shuffled = items[:]
    rnd.shuffle(shuffled)
    left, right = BottomK(k), BottomK(k)
    for j, (h, item) in enumerate(shuffled):
        (left if j < cut else right).add(h, item, item)
    left.merge(right)
    assert left.kept == one.kept and left.seen == one.seen == len(ids)
    assert one.kept == [item for _, item in sorted(items)][:k]


def test_samples_cap_their_keys():
    s = Samples(2, max_keys=3)
    for key in "abcdef":
        res = s.sample(key)
        if res is not None:
            res.add(record_hash(key), key, key)
    assert sorted(s.by_key) == ["a", "b", "c"] and s.overflow == 3 and s.get("a") == ["a"]
    more = Samples(2, max_keys=3)
    more.sample("z").add(1, "z", "z")
    s.merge(more)
    assert sorted(s.by_key) == ["a", "b", "c"] and s.overflow == 4


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


@settings(deadline=None)  # the first example imports numpy
@given(
    st.integers(1, 6),
    st.lists(st.integers(0, 40), max_size=12),
)
def test_batched_adds_equal_one_by_one(k, batches):
    """add_array() keeps exactly what add() would, whatever the batch sizes."""
    import numpy as np

    from tamis.report.sampling import NumberSummary

    one, many = NumberSummary(k), NumberSummary(k)
    stream = [((i * 7919) % 101) / 7 - 3 for i in range(sum(batches))]
    tags = [i % 3 for i in range(len(stream))]
    hashes = [record_hash(str(i)) for i in range(len(stream))]
    start = 0
    for n in batches:
        part = slice(start, start + n)
        for v, t, h in zip(stream[part], tags[part], hashes[part], strict=True):
            one.add(v, t, h)
        many.add_array(np.array(stream[part]), tags[part], np.array(hashes[part], np.uint64))
        start += n
    assert many.sample.kept == one.sample.kept and many.sample.seen == one.sample.seen
    assert (many.count, many.total, many.min, many.max) == (one.count, one.total, one.min, one.max)


@settings(deadline=None)  # the first example imports numpy
@given(
    st.integers(1, 5),
    st.lists(st.lists(st.integers(0, 30), max_size=15), max_size=10),
    st.randoms(use_true_random=False),
)
def test_value_samples_merged_in_a_row_keep_what_one_pass_keeps(k, parts, rnd):
    """Many parts merged one after another (a run's shards, whose merge now defers its sort to
    the next read or full buffer) keep the sample one pass over every value keeps, whatever
    order the parts come in; ids repeat across parts, so ties are settled by the tags."""
    from tamis.report.sampling import ValueSample

    one = ValueSample(k)
    pieces = []
    for p, ids in enumerate(parts):
        piece = ValueSample(k)
        for j, x in enumerate(ids):
            h, value, tag = record_hash(str(x)), float(x % 4), (p, j)
            one.add(h, value, tag)
            piece.add(h, value, tag)
        pieces.append(piece)
    rnd.shuffle(pieces)
    merged = ValueSample(k)
    for piece in pieces:
        merged.merge(piece)
    assert merged.kept == one.kept
    assert merged.seen == one.seen == sum(map(len, parts))
