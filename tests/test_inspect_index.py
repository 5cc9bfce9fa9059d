"""The inspector's index: every record once, in order, found by every filter, fetched by address."""

from __future__ import annotations

import os
from collections import Counter

import pytest

from tamis.io.output import ShardWriter, read_records, shard_files
from tamis.report.index import Index, build_index, index_path, is_current
from tamis.report.scan import fetch, shard_ordinal
from tests.test_report_support import synthetic_output

FORMATS = ["jsonl", "jsonl.gz", "jsonl.zst", "parquet"]


def all_records(out):
    """(kind, shard, row, record) straight from the shards, as the reference."""
    rows = []
    for kind in ("kept", "rejected", "quarantine"):
        for path in shard_files(out, kind):
            for row, rec in enumerate(read_records(path)):
                rows.append((kind, shard_ordinal(path), row, rec))
    return rows


@pytest.mark.parametrize("fmt", FORMATS)
def test_paging_visits_every_record_once_and_fetch_returns_it(tmp_path, fmt):
    out = tmp_path / "out"
    synthetic_output(out, fmt)
    idx = Index(build_index(out))
    seen, after = [], 0
    while True:
        rows, _, has_next = idx.page({}, after=after, size=7)
        seen += rows
        if not has_next:
            break
        after = rows[-1]["n"]
    reference = all_records(out)
    assert [(r["kind"], r["shard"], r["row"], r["id"]) for r in seen] == [
        (k, s, i, str(rec["id"])) for k, s, i, rec in reference
    ]
    for r, (_, _, _, rec) in zip(seen, reference, strict=True):
        assert fetch(out, r["kind"], r["shard"], r["row"], r["offset"]) == rec
        assert fetch(out, r["kind"], r["shard"], r["row"]) == rec  # by row, without offset
    # paging backwards gives the same pages
    rows, has_prev, _ = idx.page({}, before=seen[-1]["n"] + 1, size=7)
    assert [r["n"] for r in rows] == [r["n"] for r in seen[-7:]] and has_prev
    idx.close()


def test_filters_agree_with_the_records(tmp_path):
    out = tmp_path / "out"
    stats = synthetic_output(out)
    idx = Index(build_index(out))
    reference = all_records(out)

    def ids(filters):
        got, after = [], 0
        while True:
            rows, _, more = idx.page(filters, after=after, size=10)
            got += [r["id"] for r in rows]
            if not more:
                return got
            after = rows[-1]["n"]

    assert len(ids({"status": "rejected"})) == stats["rejected"]["records"]
    assert idx.count({"status": "kept"}) == stats["kept"]["records"]
    for stage, st in stats["stages"].items():
        for reason, n in st["reasons"].items():
            assert idx.count({"stage": stage, "reason": reason}) == n
    rules = Counter()
    for _, _, _, rec in reference:
        for key in {(e["stage"], e["rule"]) for e in rec.get("edits") or []}:
            rules[key] += 1
    assert rules
    for (stage, rule), n in rules.items():
        assert ids({"edited": stage, "rule": rule}) == [
            rec["id"]
            for _, _, _, rec in reference
            if any(e["stage"] == stage and e["rule"] == rule for e in rec.get("edits") or [])
        ]
        assert n == idx.count({"edited": stage, "rule": rule})
    de = [
        rec["id"]
        for _, _, _, rec in reference
        if rec.get("signals", {}).get("langid", {}).get("lang") == "de"
    ]
    assert ids({"lang": "de"}) == de and de
    assert set(ids({"source": "blog.example.net"})) == {
        rec["id"] for _, _, _, rec in reference if "blog.example.net" in str(rec.get("meta"))
    }
    assert sorted(ids({"id": "s01"})) == [f"s01{i}" for i in range(10)]  # an id prefix
    assert [r["id"] for r in idx.by_id("s003")] == ["s003"]
    facets = idx.facets()
    assert dict((s, n) for s, n in facets["status"]) == {
        "kept": stats["kept"]["records"],
        "rejected": stats["rejected"]["records"],
        "quarantined": stats["quarantined"]["records"],
    }
    idx.close()


def test_index_is_reused_until_the_output_changes(tmp_path):
    out = tmp_path / "out"
    synthetic_output(out)
    path = build_index(out)
    assert is_current(out)
    mtime = path.stat().st_mtime_ns
    assert build_index(out) == path and path.stat().st_mtime_ns == mtime  # reused
    shard = shard_files(out, "kept")[0]
    st = shard.stat()
    os.utime(shard, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert not is_current(out)
    build_index(out)
    assert is_current(out) and index_path(out).exists()


@pytest.mark.parametrize("fmt", ["jsonl", "jsonl.gz", "jsonl.zst"])
def test_fetch_by_offset_across_chunk_boundaries(tmp_path, fmt):
    """Records larger than the read chunk (1 MiB), and records right after them."""
    out = tmp_path / "out"
    records = [
        {"id": f"r{i}", "text": ("é" if i % 2 else "x") * size, "verdict": {"status": "kept"}}
        for i, size in enumerate([10, 1_500_000, 3, 2_200_000, 7])
    ]
    w = ShardWriter(out / "kept" / f"part-00003.{fmt}", fmt)
    for r in records:
        w.write(r)
    w.close()
    (out / "manifest.json").write_text("{}")
    idx = Index(build_index(out))
    rows, _, _ = idx.page({}, size=10)
    assert [r["row"] for r in rows] == list(range(5)) and {r["shard"] for r in rows} == {3}
    for r, rec in zip(rows, records, strict=True):
        assert fetch(out, "kept", 3, r["row"], r["offset"]) == rec
    assert fetch(out, "kept", 3, 9) is None and fetch(out, "kept", 4, 0) is None
    idx.close()
