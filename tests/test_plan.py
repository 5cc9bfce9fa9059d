"""Shard planning: a small corpus is cut into record ranges by its size alone, and reading the
ranges in any order gives back exactly the records of the whole file."""

from __future__ import annotations

import gzip
import io
import os
from pathlib import Path

import orjson
import pytest
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tamis.io.base import Quarantine, ReadOptions, Skipped, reader_for
from tamis.run import plan
from tamis.run.plan import REMOTE_SPREAD, SPREAD, plan_shards, spread_for
from tests.helpers import output_digest, tamis


@pytest.fixture(autouse=True)
def _no_stream_left_open():
    """A read that stops inside a file keeps its stream for the next range: none is open when
    a test starts or outlives it, so that each test sees only the streams it opened."""
    from tamis.io.jsonl import _SAMPLE_HEADS, close_parked

    close_parked()
    _SAMPLE_HEADS.clear()  # the sampled starts a planning keeps for the sample that follows
    yield
    close_parked()
    _SAMPLE_HEADS.clear()


def _imdb(shared_data: Path, n: int) -> bytes:
    """The first ``n`` IMDb reviews, as the published file holds them."""
    lines = []
    with open(shared_data / "text" / "imdb-reviews.jsonl.zst", "rb") as fh:
        for line in io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(fh)):
            if len(lines) == n:
                break
            lines.append(line)
    return b"".join(lines)


def _written(path: Path, data: bytes) -> Path:
    """``data`` written to ``path``, compressed as its suffix says."""
    if path.suffix == ".gz":
        data = gzip.compress(data, mtime=0)
    elif path.suffix == ".zst":
        data = zstandard.ZstdCompressor().compress(data)
    path.write_bytes(data)
    return path


def _items(path: Path, start: int = 0, stop: int | None = None) -> list[tuple]:
    """What a read hands out, as comparable tuples (kind, index, id or reason)."""
    out = []
    for item in reader_for(str(path)).read(str(path), ReadOptions(), start, stop):
        if isinstance(item, Quarantine):
            out.append(("quarantine", item.source["index"], item.reason))
        elif isinstance(item, Skipped):
            out.append(("skipped", item.source["index"], item.reason))
        else:
            out.append(("doc", item.source["index"], item.id, item.source.get("offset")))
    return out


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz", ".jsonl.zst"])
def test_a_file_smaller_than_shard_size_is_cut_by_the_corpus_size(
    shared_data, tmp_path, monkeypatch, suffix
):
    data = _imdb(shared_data, 600)
    path = _written(tmp_path / f"imdb{suffix}", data)
    # cut by the bytes decoded (what a worker's time follows), not by the bytes on disk
    monkeypatch.setattr(plan, "MIN_SHARD_BYTES", len(data) // 10)

    assert len(plan_shards([str(path)], 64)) == 1  # without spread: the old cut
    shards = plan_shards([str(path)], 64, SPREAD)
    assert 9 <= len(shards) <= 11
    assert [s.ordinal for s in shards] == list(range(len(shards)))
    assert shards[0].start == 0 and shards[-1].stop is None
    assert all(a.stop == b.start for a, b in zip(shards, shards[1:], strict=False))
    whole = _items(path)
    assert len(whole) == 600
    # ranges read in order (a worker going on from its parked stream) and backwards (a new one)
    forwards = [x for s in shards for x in _items(path, s.start, s.stop)]
    backwards = [x for s in reversed(shards) for x in reversed(_items(path, s.start, s.stop))]
    assert forwards == whole
    assert backwards[::-1] == whole


def test_a_corpus_on_an_object_store_is_cut_into_fewer_larger_ranges(
    shared_data, tmp_path, monkeypatch
):
    """Each task on an object store costs requests, so a small corpus there is cut for fewer
    workers; where the bytes live decides it (never the worker count), and the ranges still
    give every record once, in order."""
    assert spread_for("out", ["a.jsonl", "b.jsonl"]) == SPREAD
    assert spread_for("s3://bucket/out", ["a.jsonl"]) == REMOTE_SPREAD
    assert spread_for(tmp_path / "out", ["a.jsonl", "gs://bucket/b.jsonl"]) == REMOTE_SPREAD
    assert 2 <= REMOTE_SPREAD < SPREAD
    data = _imdb(shared_data, 1200)
    path = _written(tmp_path / "imdb.jsonl.zst", data)
    monkeypatch.setattr(plan, "MIN_SHARD_BYTES", len(data) // 64)
    local = plan_shards([str(path)], 64, SPREAD)
    remote = plan_shards([str(path)], 64, REMOTE_SPREAD)
    assert len(remote) == REMOTE_SPREAD and len(local) > 2 * len(remote)
    assert remote[0].start == 0 and remote[-1].stop is None
    got = [x for s in remote for x in _items(path, s.start, s.stop)]
    assert got == _items(path) and len(got) == 1200


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".jsonl.zst"])
def test_a_file_is_planned_from_its_start_without_decoding_it_all(
    shared_data, tmp_path, monkeypatch, suffix
):
    from tamis.io import jsonl

    data = _imdb(shared_data, 2000)
    path = _written(tmp_path / f"imdb{suffix}", data)
    size = path.stat().st_size
    reader = reader_for(str(path))
    monkeypatch.setattr(jsonl, "HEAD_BYTES", size // 8)
    count, decoded = reader.extent(str(path), size)
    # estimated from the first eighth on disk: near the truth, not the truth
    assert 1800 <= count <= 2200 and count != reader.count(str(path))
    assert 0.9 * len(data) <= decoded <= 1.1 * len(data)
    # only the balance depends on the estimate: the ranges still give every record once
    monkeypatch.setattr(plan, "MIN_SHARD_BYTES", len(data) // 8)
    shards = plan_shards([str(path)], 64, SPREAD)
    assert 7 <= len(shards) <= 9 and shards[-1].stop is None
    got = [x for s in shards for x in _items(path, s.start, s.stop)]
    assert got == _items(path)
    # a file whose start fits in what is read is counted exactly, as is any plain file
    monkeypatch.setattr(jsonl, "HEAD_BYTES", size)
    assert reader.extent(str(path), size) == (2000, len(data))
    plain = tmp_path / "imdb.jsonl"
    plain.write_bytes(data)
    monkeypatch.setattr(jsonl, "HEAD_BYTES", len(data) // 8)
    assert reader.extent(str(plain), len(data)) == (2000, len(data))


def test_a_big_corpus_keeps_shard_size(tmp_path, monkeypatch):
    path = tmp_path / "big.jsonl"
    path.write_bytes(b"".join(orjson.dumps({"text": f"doc {i}"}) + b"\n" for i in range(4000)))
    size = path.stat().st_size
    # the corpus is bigger than SPREAD shards of shard_size_mb: cut at shard_size_mb only
    monkeypatch.setattr(plan, "MIN_SHARD_BYTES", 1)
    shards = plan_shards([str(path)], size * 1.01 / 4 / 1024 / 1024, 2)
    assert len(shards) == 4
    # and no finer than MIN_SHARD_BYTES, whatever SPREAD asks
    monkeypatch.setattr(plan, "MIN_SHARD_BYTES", -(-size // 3))
    assert len(plan_shards([str(path)], 64, SPREAD)) == 3


def test_parquet_is_cut_finer_only_at_row_groups(tmp_path, monkeypatch):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "rows.parquet"
    table = pa.table(
        {"id": [str(i) for i in range(1000)], "text": [f"t {i}" * 20 for i in range(1000)]}
    )
    pq.write_table(table, path, row_group_size=150)
    monkeypatch.setattr(plan, "MIN_SHARD_BYTES", 1)
    shards = plan_shards([str(path)], 64, SPREAD)
    assert len(shards) > 3
    assert all(s.start % 150 == 0 for s in shards)
    got = [x for s in shards for x in _items(path, s.start, s.stop)]
    assert [x[1] for x in got] == list(range(1000))


def test_a_file_cut_only_for_balance_that_cannot_be_counted_stays_one_shard(tmp_path, monkeypatch):
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1" + bytes(range(256)) * 200)  # no footer: unreadable as a whole
    monkeypatch.setattr(plan, "MIN_SHARD_BYTES", 1024)
    shards = plan_shards([str(path)], 64, SPREAD)
    assert [(s.start, s.stop) for s in shards] == [(0, None)]
    # its reader quarantines it as one record, as any small file
    assert [x[0] for x in _items(path)] == ["quarantine"]
    # a file bigger than shard_size_mb must be counted: refused by name before any work
    with pytest.raises(plan.InputError, match="broken.parquet"):
        plan_shards([str(path)], 0.01, SPREAD)


lines = st.lists(
    st.one_of(
        st.builds(lambda i, t: orjson.dumps({"id": i, "text": t}), st.integers(0, 99), st.text()),
        st.builds(lambda t: orjson.dumps({"text": t}), st.text(max_size=30)),
        st.sampled_from([b"", b"  ", b"{bad json", b"[1, 2]", b'{"no_text": 1}', b"\xff\xfe"]),
    ),
    max_size=60,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    records=lines,
    codec=st.sampled_from(["", ".gz", ".zst"]),
    cut_tail=st.integers(0, 40),
    cuts=st.lists(st.integers(0, 70), max_size=6),
    order=st.randoms(use_true_random=False),
)
def test_any_ranges_in_any_order_give_the_whole_file(
    tmp_path, records, codec, cut_tail, cuts, order
):
    data = b"\n".join(records) + (b"\n" if records and cut_tail % 2 else b"")
    packed = {
        "": lambda b: b,
        ".gz": lambda b: gzip.compress(b, mtime=0),
        ".zst": lambda b: zstandard.ZstdCompressor().compress(b),
    }[codec](data)
    if codec and cut_tail > 20:  # a truncated stream: its break is one quarantined record
        packed = packed[: max(1, len(packed) - (cut_tail - 20))]
    path = tmp_path / f"f{len(packed)}-{hash((data, codec, cut_tail)) & 0xFFFF}.jsonl{codec}"
    path.write_bytes(packed)
    whole = _items(path)
    bounds = sorted(set(cuts))
    ranges = list(zip([0, *bounds], [*bounds, None], strict=True))
    order.shuffle(ranges)
    got = {r: _items(path, *r) for r in ranges}
    assert [x for r in sorted(got, key=lambda r: r[0]) for x in got[r]] == whole


@pytest.mark.slow
def test_one_small_file_on_1_and_2_workers_gives_identical_output(
    shared_data, tmp_path, monkeypatch
):
    path = tmp_path / "imdb.jsonl.zst"
    path.write_bytes(zstandard.ZstdCompressor().compress(_imdb(shared_data, 500)))
    monkeypatch.setattr(plan, "MIN_SHARD_BYTES", path.stat().st_size // 6)
    digests = {}
    for workers in (1, 2):
        out = tmp_path / f"out{workers}"
        assert tamis("clean", path, "-o", out, "--workers", workers, "--quiet", "--no-report") == 0
        digests[workers] = output_digest(out)
    shards = orjson.loads((tmp_path / "out1" / "manifest.json").read_bytes())["shards"]
    assert len(shards) >= 6
    assert digests[1] == digests[2]
    assert tamis("verify", tmp_path / "out2") == 0


def test_a_planning_sample_leaves_no_input_open(shared_data, tmp_path):
    from tamis.io.settle import sample_fields

    path = tmp_path / "imdb.jsonl"
    path.write_bytes(_imdb(shared_data, 1500))
    before = set(os.listdir("/proc/self/fd"))
    fields = sample_fields([str(path)], ReadOptions())
    assert fields == {"meta": ["label", "rating", "url"], "source": ["index", "offset", "path"]}
    assert set(os.listdir("/proc/self/fd")) <= before
    # a read that stops inside the file keeps it open for the next range, until released
    assert len(_items(path, 0, 10)) == 10
    assert len(set(os.listdir("/proc/self/fd")) - before) == 1
    reader_for(str(path)).release(str(path))
    assert set(os.listdir("/proc/self/fd")) <= before


@settings(max_examples=60, deadline=None)
@given(
    data=st.binary(max_size=6000) | st.text(max_size=3000).map(str.encode),
    codec=st.sampled_from(["", ".gz", ".zst"]),
    frames=st.integers(1, 3),
    raw_bytes=st.integers(1, 3000),
)
def test_a_files_start_decodes_to_a_prefix_of_the_file(
    tmp_path_factory, data, codec, frames, raw_bytes
):
    from tamis.io.streams import read_head

    path = _framed_file(tmp_path_factory.mktemp("head"), data, codec, frames)
    head, used, whole = read_head(path, raw_bytes)
    assert data.startswith(head)
    assert used <= min(raw_bytes, path.stat().st_size)
    assert whole == (path.stat().st_size <= raw_bytes)
    if whole:
        assert head == data


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.binary(max_size=40_000) | st.text(max_size=20_000).map(str.encode),
    codec=st.sampled_from(["", ".gz", ".zst"]),
    frames=st.integers(1, 3),
    raw_bytes=st.integers(1, 30_000),
    mark=st.integers(1, 8).map(lambda k: k * 4096) | st.integers(1, 30_000),
)
def test_a_longer_and_a_shorter_start_read_at_once_are_each_what_a_read_of_it_gives(
    tmp_path_factory, data, codec, frames, raw_bytes, mark
):
    from tamis.io.streams import read_head, read_heads

    path = _framed_file(tmp_path_factory.mktemp("heads"), data, codec, frames)
    longer, shorter = read_heads(path, raw_bytes, mark)
    assert longer == read_head(path, raw_bytes)
    assert shorter == read_head(path, mark)


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".jsonl.zst"])
def test_planning_decodes_a_compressed_inputs_start_once(
    shared_data, tmp_path, monkeypatch, suffix
):
    """The size estimate and the field sample of a small corpus come from one decoding of each
    file's start, and the sample is the one a reading of its own gives."""
    from tamis.io import jsonl, streams
    from tamis.io.settle import sample_fields

    paths = [
        str(_written(tmp_path / f"imdb-{i}{suffix}", _imdb(shared_data, 600 * (i + 1))))
        for i in range(2)
    ]
    alone = [reader_for(p).sample(p, ReadOptions(), 250) for p in paths]
    reads = []
    whole_read = streams._read_heads
    monkeypatch.setattr(streams, "_read_heads", lambda *a: reads.append(a[0]) or whole_read(*a))
    monkeypatch.setattr(jsonl, "HEAD_BYTES", 1 << 17)  # a start shorter than the files
    monkeypatch.setattr(jsonl, "SAMPLE_BYTES", 1 << 16)
    monkeypatch.setattr(plan, "MIN_SHARD_BYTES", 1 << 16)
    shards = plan_shards(paths, 64, SPREAD)
    fields = sample_fields(paths, ReadOptions())
    assert len(shards) > 2
    assert sorted(reads) == sorted(paths)  # one reading of each start, none for the sample
    monkeypatch.setattr(jsonl, "SAMPLE_BYTES", 1 << 18)
    assert fields == sample_fields(paths, ReadOptions())  # a fresh read: the same fields
    assert jsonl._SAMPLE_HEADS == {}
    # what the planning kept is what a reading of the same start gives, item for item
    monkeypatch.setattr(jsonl, "SAMPLE_BYTES", 1 << 16)
    plan_shards(paths, 64, SPREAD)
    kept = [reader_for(p).sample(p, ReadOptions(), 250) for p in paths]
    fresh = [reader_for(p).sample(p, ReadOptions(), 250) for p in paths]
    assert [[(i.id, i.text, i.source) for i in s] for s in kept] == [
        [(i.id, i.text, i.source) for i in s] for s in fresh
    ]
    assert all(0 < len(s) < 250 for s in kept)
    assert len(alone[0]) == 250


def test_a_planning_keeps_a_files_first_lines_only_and_reads_again_for_more(
    shared_data, tmp_path, monkeypatch
):
    from tamis.io import jsonl, streams

    path = str(_written(tmp_path / "imdb.jsonl.zst", _imdb(shared_data, 1200)))
    monkeypatch.setattr(jsonl, "SAMPLE_BYTES", 1 << 17)
    fresh = {n: reader_for(path).sample(path, ReadOptions(), n) for n in (10, 250)}
    monkeypatch.setattr(jsonl, "HEAD_BYTES", 1 << 18)
    monkeypatch.setattr(jsonl, "SAMPLE_LINES_KEPT", 20)
    reads = []
    whole_read = streams._read_heads
    monkeypatch.setattr(streams, "_read_heads", lambda *a: reads.append(a[0]) or whole_read(*a))
    for n, rereads in ((10, 0), (250, 1)):
        reads.clear()
        reader_for(path).extent(path, os.path.getsize(path))
        got = reader_for(path).sample(path, ReadOptions(), n)
        assert len(reads) == 1 + rereads
        assert [(i.id, i.text) for i in got] == [(i.id, i.text) for i in fresh[n]]
    assert len(fresh[250]) > 20  # more than were kept: read again


def _framed_file(folder: Path, data: bytes, codec: str, frames: int) -> Path:
    """``data`` written as ``f.jsonl{codec}`` in ``frames`` compressed frames (members)."""
    pack = {
        "": lambda b: b,
        ".gz": lambda b: gzip.compress(b, mtime=0),
        ".zst": lambda b: zstandard.ZstdCompressor().compress(b),
    }[codec]
    step = -(-len(data) // frames) or 1
    path = folder / f"f.jsonl{codec}"
    path.write_bytes(b"".join(pack(data[i : i + step]) for i in range(0, max(len(data), 1), step)))
    return path


def test_the_kept_file_starts_hold_the_whole_field_sample():
    """Planning keeps each file's first lines for the field sample: as many as it reads, so the
    sample never reads a file again, and no more, which the driver would hold for nothing."""
    from tamis.io import jsonl
    from tamis.io.settle import SAMPLE_RECORDS

    assert jsonl.SAMPLE_LINES_KEPT == SAMPLE_RECORDS


def test_planned_files_are_read_on_from_their_decoded_starts(shared_data, tmp_path, monkeypatch):
    """Planning keeps the decoding of each compressed file's start, within a budget of held
    bytes, for the reading of its first range; a file's start survives the reading of the files
    before it, and the ranges read from it hold the items a reading from the file's first byte
    gives."""
    from tamis.io import jsonl

    monkeypatch.setattr(jsonl, "HEAD_BYTES", 1 << 17)  # a reader's step (ZSTD_READ)
    monkeypatch.setattr(jsonl, "SAMPLE_BYTES", 1 << 15)
    monkeypatch.setattr(plan, "MIN_SHARD_BYTES", 1 << 15)
    paths = [
        str(_written(tmp_path / f"imdb-{i}.jsonl.zst", _imdb(shared_data, 400 * (i + 1))))
        for i in range(3)
    ]
    jsonl.close_parked()
    shards = plan_shards(paths, 64, SPREAD)
    assert list(jsonl._PARKED) == paths
    assert all(jsonl._PARKED[p].position() == 0 and jsonl._PARKED[p].held for p in paths)
    assert all(len([s for s in shards if s.path == p]) > 1 for p in paths)

    def items(planned: bool) -> list[tuple]:
        out = []
        for s in shards:
            out += [
                (i.id, i.text, i.source)
                for i in reader_for(s.path).read(s.path, ReadOptions(), s.start, s.stop)
            ]
            # the files after this one keep their starts; none read before it stays open
            later = paths[paths.index(s.path) + 1 :]
            assert all(p in jsonl._PARKED for p in later) or not planned
            assert all(p in later or p == s.path for p in jsonl._PARKED)
        return out

    resumed = items(True)
    jsonl.close_parked()
    assert resumed == items(False)
    assert len(resumed) == 400 + 800 + 1200

    # a budget the first start fills: the next files are decoded again by their first range
    jsonl.close_parked()
    monkeypatch.setattr(jsonl, "PLANNED_STARTS_BUDGET", 1)
    plan_shards(paths, 64, SPREAD)
    assert list(jsonl._PARKED) == paths[:1]
    jsonl.close_parked()


def _read_shards(path: str, shards: list) -> list[tuple]:
    """(item kind, id, source) of every item the shards of ``path`` read, in order."""
    out = []
    for s in shards:
        for i in reader_for(path).read(path, ReadOptions(), s.start, s.stop):
            out.append((type(i).__name__, getattr(i, "id", None), i.source))
    return out


@pytest.mark.parametrize("split", [True, False])
@pytest.mark.parametrize("suffix", [".jsonl.zst", ".jsonl.gz"])
def test_small_files_planned_whole_are_read_from_their_decoding(
    tmp_path, suffix, split, monkeypatch
):
    """A compressed input that planning decodes whole is counted, sampled and read from that
    one decoding (split once, or read as a stream of its decoded bytes past
    ``SPLIT_WHOLE_BYTES``); its ranges hold the items of a reading from its first byte: a last
    line without a newline, blank and broken lines included. A file cut inside a frame is not
    kept, and its reading still quarantines the break."""
    import gzip

    import zstandard

    from tamis.io import jsonl

    if not split:
        monkeypatch.setattr(jsonl, "SPLIT_WHOLE_BYTES", 0)

    def compress(data: bytes) -> bytes:
        if suffix.endswith(".gz"):
            return gzip.compress(data, mtime=0)
        return zstandard.ZstdCompressor(level=3).compress(data)

    lines = [b'{"id": "d%d", "text": "line %d of a small file"}' % (i, i) for i in range(300)]
    lines[7] = b""  # blank
    lines[11] = b'{"id": "broken", "text": '  # not JSON
    bodies = {
        "newline": b"\n".join(lines) + b"\n",
        "no-newline": b"\n".join(lines),
        "blank-end": b"\n".join(lines) + b"\n\n",
    }
    monkeypatch.setattr(plan, "MIN_SHARD_BYTES", 2048)  # a few ranges of each file
    for name, body in bodies.items():
        path = str(tmp_path / f"{name}{suffix}")
        Path(path).write_bytes(compress(body))
        jsonl.close_parked()
        shards = plan_shards([path], 64, SPREAD)
        assert path in jsonl._PARKED and jsonl._PARKED[path].held
        assert len(shards) > 1

        kept = _read_shards(path, shards)
        jsonl.close_parked()
        assert kept == _read_shards(path, shards), name
        assert len(kept) == body.count(b"\n") + (not body.endswith(b"\n"))
        assert [t for t, *_ in kept].count("Document") == 298

    cut = tmp_path / f"cut{suffix}"
    cut.write_bytes(compress(bodies["newline"])[:-5])
    jsonl.close_parked()
    shards = plan_shards([str(cut)], 64, SPREAD)
    assert str(cut) not in jsonl._PARKED
    got = [
        i
        for s in shards
        for i in reader_for(str(cut)).read(str(cut), ReadOptions(), s.start, s.stop)
    ]
    assert any(getattr(i, "reason", None) == "truncated_stream" for i in got)
    jsonl.close_parked()


def test_a_shard_as_a_dict_holds_every_field():
    """A task carries its shard as a dict: every field of the shard, and only those."""
    import dataclasses

    shard = plan.Shard(3, "in.jsonl.zst", 10, None, 4096)
    assert shard.to_dict() == dataclasses.asdict(shard)
    assert plan.Shard(**shard.to_dict()) == shard
