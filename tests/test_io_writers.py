"""Writers' normalisation: a batch is filled and profiled by C-level maps, a batch at a time;
what is written and profiled is what filling every record alone gives."""

from __future__ import annotations

from pathlib import Path

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.io.kinds import Profiler, infer, merge
from tamis.io.output import ShardWriter
from tamis.io.streams import open_read

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.floats(-2, 2), st.text(max_size=3)
)
values = st.one_of(
    scalars,
    st.lists(scalars, max_size=2),
    st.dictionaries(st.sampled_from(["x", "y"]), scalars, max_size=2),  # nested meta
)
names = st.lists(st.sampled_from(["a", "b", "c", "d"]), unique=True, max_size=4)


@st.composite
def batches(draw):
    """Records whose ``source`` and ``meta`` mostly share a key order (as one input's do), now
    and then another order, a missing or null object, or a record of another shape."""
    shapes = {name: draw(names) for name in ("source", "meta")}
    records = []
    for i in range(draw(st.integers(1, 12))):
        rec = {"text": f"t{i}", "id": str(i)}
        for name, keys in shapes.items():
            if draw(st.integers(0, 9)) == 0:
                keys = draw(names)  # another shape in the batch
            obj = {k: draw(values) for k in keys}
            gone = draw(st.integers(0, 19))
            if gone == 0:
                continue  # no such field at all
            rec[name] = None if gone == 1 else obj
        rec["signals"] = {}
        rec["verdict"] = {"status": "kept", "stage": "", "reason": "", "details": None}
        records.append(rec)
    return records


def filled_alone(records, fields):
    """The records as filling each one alone gives them, and the kinds of their objects."""
    found = {"source": "null", "meta": "null"}
    out = []
    for rec in records:
        rec = dict(rec)
        for name in ("source", "meta"):
            obj = rec.get(name) or {}
            full = dict.fromkeys(fields.get(name) or ())
            if full and tuple(full) != tuple(obj):
                obj = rec[name] = {**full, **obj}
            found[name] = merge(found[name], infer(obj))
        out.append(rec)
    return out, found


@settings(max_examples=150, deadline=None)
@given(st.lists(batches(), min_size=1, max_size=3), names, names)
def test_a_batch_is_written_and_profiled_as_its_records_one_by_one(
    tmp_path_factory, batches_, source_fields, meta_fields
):
    fields = {"source": source_fields, "meta": meta_fields}
    written, profile, want, want_kinds = write_and_fill_alone(
        Path(tmp_path_factory.mktemp("w")), batches_, fields
    )
    assert written == want
    assert profile == want_kinds


def write_and_fill_alone(folder, batches_, fields):
    """A kept shard written batch by batch: its bytes and profile, and what filling every
    record alone gives (bytes, kinds)."""
    path = folder / "kept" / "part-00000.jsonl"
    writer = ShardWriter(path, "jsonl", kind="kept", signals={}, fields=fields)
    want_lines, want_kinds = [], {"source": "null", "meta": "null"}
    for batch in batches_:
        expected, found = filled_alone(batch, fields)
        want_lines += [orjson.dumps(r) + b"\n" for r in expected]
        want_kinds = {n: merge(want_kinds[n], found[n]) for n in want_kinds}
        writer.write_many([dict(r) for r in batch])
    writer.close()
    with open_read(path) as fh:
        return fh.read(), writer.profile(), b"".join(want_lines), want_kinds


def test_records_are_written_with_the_sampled_fields_first_in_their_order(tmp_path):
    fields = {"source": ["index", "offset", "path"], "meta": ["site", "url"]}
    writer = ShardWriter(tmp_path / "kept" / "p.jsonl", "jsonl", signals={}, fields=fields)
    for start in (0, 3):
        writer.write_many(
            [
                {
                    "text": "x",
                    "source": {"path": "f", "index": i, "offset": 10 * i},
                    "meta": {"url": f"u{i}"} if i % 2 else {"url": f"u{i}", "lang": "en"},
                    "signals": {},
                    "verdict": None,
                }
                for i in range(start, start + 3)
            ]
        )
    writer.close()
    with open_read(writer.path) as fh:
        first, second = map(orjson.loads, fh.read().splitlines()[:2])
    assert list(first["source"].items()) == [("index", 0), ("offset", 0), ("path", "f")]
    assert list(first["meta"].items()) == [("site", None), ("url", "u0"), ("lang", "en")]
    assert list(second["meta"].items()) == [("site", None), ("url", "u1")]
    assert writer.profile()["meta"] == [
        "struct",
        {"lang": "string", "site": "null", "url": "string"},
        True,
    ]


def test_batches_of_one_shape_then_another_are_profiled_as_their_records():
    """The profile remembers the last one-shape batch of a key order, so that the next batch of
    that shape is one comparison; a batch of the same keys with other types is still seen."""
    p = Profiler()
    same = [{"a": 1, "b": "x"}] * 4
    p.add_many(same, ("a", "b"))
    p.add_many(same, ("a", "b"))
    assert p.kind() == ["struct", {"a": "int", "b": "string"}, False]
    p.add_many([{"a": 1, "b": "x"}, {"a": True, "b": "y"}], ("a", "b"))
    assert p.kind() == ["struct", {"a": "conflict", "b": "string"}, False]
    p.add_many([{"a": 2.5, "b": None}] * 3, ("a", "b"))
    p.add_many([{"a": 2, "b": None}] * 3, ("a", "b"))
    assert p.kind() == ["struct", {"a": "conflict", "b": "string"}, False]
    q = Profiler()
    q.add_many([{"a": 2.5, "b": None}] * 3, ("a", "b"))
    q.add_many([{"a": 2, "b": None}] * 3, ("a", "b"))
    assert q.kind() == ["struct", {"a": "number", "b": "null"}, False]


@settings(max_examples=30, deadline=None)
@given(
    st.lists(batches(), min_size=1, max_size=3),
    st.sampled_from(["jsonl", "jsonl.gz", "jsonl.zst"]),
    st.integers(1, 4096),
)
def test_a_shard_checksum_taken_while_writing_is_that_of_its_file(
    tmp_path_factory, batches_, fmt, batch_bytes
):
    """The checksum a shard's marker gets is taken from the bytes as they are written; it is the
    one reading the finished file gives, in every line format, however the shard was fed."""
    from tamis.io.output import file_checksum

    path = Path(tmp_path_factory.mktemp("c")) / "kept" / f"part-00000.{fmt}"
    writer = ShardWriter(path, fmt, batch_bytes, kind="kept", signals={})
    for batch in batches_:
        writer.write_many([dict(r) for r in batch])
    writer.close()
    assert writer.checksum() == file_checksum(path)
