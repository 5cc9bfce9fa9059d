"""Inputs and OUT on S3: a real S3 server (moto, started here on 127.0.0.1), no mocked client.

The same real records are read from local files and from the server, as JSON Lines and as
Parquet split into row-group ranges; runs on S3 must give the records of the local run, resume
after SIGKILL to the same bytes, survive throttling, verify on S3, refuse a held lock, fail
before any work on a missing bucket or endpoint, and never write a credential anywhere.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import xxhash
import zstandard

from tests.helpers import require, tamis
from tests.s3server import (
    KEY_ID,
    SECRET,
    ThrottlingProxy,
    aws_env,
    clusters_numbered,
    env_with,
    environ,
    free_port,
    start_moto,
)

STAGES_YAML = """\
stages:
  - repair: {}
  - clean: {}
  - exact_dedup: {}
"""
KINDS = ("kept", "rejected", "quarantine")


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory):
    """moto's S3 server on a free port, for the whole session; AWS_* point at it (and the
    scratch folders of runs on URLs at a temporary folder)."""
    require("moto")
    require("s3fs")
    require("flask")
    proc, url = start_moto()
    env = {**aws_env(url), "TAMIS_SCRATCH": str(tmp_path_factory.mktemp("scratch"))}
    with environ(env):
        yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def corpus(s3_endpoint, shared_data, tmp_path_factory):
    """Real records (Common Crawl JSONL, Reuters as JSONL.zst and as Parquet of 40-row groups),
    as local files and as objects in a bucket."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    import s3fs

    local = tmp_path_factory.mktemp("corpus")
    text = shared_data / "text"
    name = "cc-en-head-0091.jsonl.gz"
    (local / name).write_bytes((text / name).read_bytes())
    with zstandard.open(text / "reuters-21578.jsonl.zst", "rt", encoding="utf-8") as fh:
        lines = [fh.readline().encode() for _ in range(220)]
    (local / "reuters-a.jsonl.zst").write_bytes(zstandard.compress(b"".join(lines[:100])))
    rows = [json.loads(x) for x in lines[100:]]
    pq.write_table(pa.Table.from_pylist(rows), local / "reuters-b.parquet", row_group_size=40)
    fs = s3fs.S3FileSystem()
    fs.mkdir("tamis-corpus")
    for p in sorted(local.iterdir()):
        fs.put_file(str(p), f"tamis-corpus/in/{p.name}")
    return {"local": local, "url": "s3://tamis-corpus/in", "fs": fs}


@pytest.fixture(scope="module")
def config(corpus, tmp_path_factory) -> Path:
    """Four shards: one a file, and the Parquet file cut into two row ranges."""
    sizes = {p.name: p.stat().st_size for p in corpus["local"].iterdir()}
    biggest_other = max(v for k, v in sizes.items() if not k.endswith(".parquet"))
    assert sizes["reuters-b.parquet"] > biggest_other
    limit = max(biggest_other + 1, sizes["reuters-b.parquet"] // 2 + 1) / 2**20
    path = tmp_path_factory.mktemp("cfg") / "pipeline.yaml"
    path.write_text(f"shard_size_mb: {limit}\n" + STAGES_YAML)
    return path


def output_objects(fs, out_url: str) -> dict[str, bytes]:
    """Every byte-identical file of an output on S3 (outputs, manifest, stats)."""
    base = out_url.split("://", 1)[1]
    got = {}
    for name in fs.find(base):
        rel = name[len(base) + 1 :]
        if rel.split("/")[0] in KINDS or rel in ("manifest.json", "stats.json"):
            got[rel] = fs.cat_file(name)
    return got


@pytest.fixture(scope="module")
def base_run(corpus, config):
    """One uninterrupted run from S3 to S3: the reference the other runs are compared with."""
    out = "s3://tamis-corpus/base"
    assert tamis("clean", corpus["url"], "-o", out, "--config", config, "--workers", "1",
                 "--no-report") == 0  # fmt: skip
    return out


def test_same_records_from_s3_as_from_local_files(corpus, config, base_run, tmp_path):
    from tamis.io.output import read_records

    local_out = tmp_path / "local"
    code = tamis("clean", corpus["local"], "-o", local_out, "--config", config, "--workers", "1",
                 "--no-report")  # fmt: skip
    assert code == 0
    fs = corpus["fs"]
    local_prefix, url_prefix = str(corpus["local"]), corpus["url"]
    manifest = json.loads(fs.cat_file("tamis-corpus/base/manifest.json"))
    local_manifest = json.loads((local_out / "manifest.json").read_text())
    # the Parquet input was split into row ranges, and read from S3 as from disk
    assert sum(s["path"].endswith(".parquet") for s in manifest["shards"]) >= 2
    assert manifest["counts"] == local_manifest["counts"]
    assert manifest["counts"]["input"] == 230
    want, got = [], []
    for kind in KINDS:
        for p in sorted((local_out / kind).glob("part-*")):
            want += [json.dumps(r, sort_keys=True) for r in read_records(p)]
        for name in sorted(fs.find(f"tamis-corpus/base/{kind}")):
            got += [json.dumps(r, sort_keys=True) for r in read_records("s3://" + name)]
    assert len(want) == 230
    # records name their source path, and a dedup cluster is named after its survivor's
    # path-derived uid: the same records, once paths are mapped and clusters numbered in order
    assert clusters_numbered(got) == clusters_numbered(
        [r.replace(local_prefix, url_prefix) for r in want]
    )
    # the work state lives with OUT, and nothing of a finished run's spills is left there
    names = fs.find("tamis-corpus/base/.tamis")
    assert any(n.endswith(".done.json") for n in names)
    assert not any(n.endswith(".spill.zst") or n.endswith(".state.pkl") for n in names)
    # the JSON Lines objects' checksums were taken while the tasks read them, not read again;
    # the Parquet one, read by row groups out of order, was read by the driver
    first = [json.loads(fs.cat_file(n)) for n in names if "/phase0/" in n and "done" in n]
    taken = {path for m in first for path in m.get("input_checksums", {})}
    assert taken == {i["path"] for i in manifest["inputs"]} - {corpus["url"] + "/reuters-b.parquet"}
    assert [i["checksum"] for i in manifest["inputs"]] == [
        i["checksum"] for i in local_manifest["inputs"]
    ]


def test_verify_on_s3_reads_there_and_catches_a_damaged_object(corpus, base_run, capsys):
    assert tamis("verify", base_run) == 0
    assert "OK: input = kept + rejected + quarantined" in capsys.readouterr().out
    fs = corpus["fs"]
    copy = "s3://tamis-corpus/damaged"
    fs.copy("tamis-corpus/base", "tamis-corpus/damaged", recursive=True)
    kept = sorted(fs.find("tamis-corpus/damaged/kept"))[0]
    plain = zstandard.ZstdDecompressor().decompressobj().decompress(fs.cat_file(kept))
    data = plain.splitlines(keepends=True)
    fs.pipe_file(kept, zstandard.compress(b"".join(data[1:])))  # one record lost
    assert tamis("verify", copy) == 1
    assert "checksum differs from the manifest" in capsys.readouterr().err


def test_resume_after_sigkill_is_byte_identical(corpus, config, base_run):
    """Killed with its workers (forked from a forkserver that loaded the S3 client ahead,
    publishing their objects concurrently), the run resumes to the bytes of one never killed."""
    fs = corpus["fs"]
    out = "s3://tamis-corpus/killed"
    cmd = [sys.executable, "-m", "tamis.cli", "clean", corpus["url"], "-o", out, "--config",
           str(config), "--workers", "2", "--no-report"]  # fmt: skip
    env = env_with(os.environ["AWS_ENDPOINT_URL"])
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        markers = [n for n in fs.find("tamis-corpus/killed/.tamis") if n.endswith(".done.json")]
        if markers:
            break
        time.sleep(0.05)
        fs.invalidate_cache()
    assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    fs.invalidate_cache()
    assert not fs.exists("tamis-corpus/killed/manifest.json")
    done = subprocess.run(cmd, env=env, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    fs.invalidate_cache()
    run = json.loads(fs.cat_file("tamis-corpus/killed/run.json"))
    assert run["resumed_tasks"] >= 1
    assert output_objects(fs, out) == output_objects(fs, base_run)


def test_throttling_503s_are_retried_and_counted(corpus, config, base_run, tmp_path):
    with ThrottlingProxy(os.environ["AWS_ENDPOINT_URL"], every=4, limit=24) as proxy:
        cfg = tmp_path / "throttled.yaml"
        cfg.write_text(
            config.read_text() + f"storage_options:\n  s3: {{endpoint_url: '{proxy.url}'}}\n"
        )
        out = "s3://tamis-corpus/throttled"
        assert tamis("clean", corpus["url"], "-o", out, "--config", cfg, "--workers", "1",
                     "--no-report") == 0  # fmt: skip
        assert proxy.throttled == 6
    fs = corpus["fs"]
    fs.invalidate_cache()
    run = json.loads(fs.cat_file("tamis-corpus/throttled/run.json"))
    assert run["storage"]["transient_errors"].get("throttled", 0) >= 1
    assert output_objects(fs, out) == output_objects(fs, base_run)


def test_no_credential_is_written_or_printed(corpus, config, tmp_path, capsys):
    cfg = tmp_path / "with-secret.yaml"
    cfg.write_text(
        config.read_text() + f"storage_options:\n  s3: {{key: '{KEY_ID}', secret: '{SECRET}'}}\n"
    )
    out = "s3://tamis-corpus/secret"
    assert tamis("clean", corpus["url"], "-o", out, "--config", cfg, "--workers", "1",
                 "--no-report") == 0  # fmt: skip
    assert tamis("clean", "s3://no-such-bucket-tamis/in", "-o", tmp_path / "o",
                 "--config", cfg) == 2  # fmt: skip
    partial = tmp_path / "partial.yaml"  # a secret without its key: refused, not printed
    partial.write_text(f"storage_options:\n  s3: {{secret: '{SECRET}'}}\n")
    assert tamis("clean", corpus["url"], "-o", tmp_path / "o", "--config", partial) == 2
    printed = capsys.readouterr()
    assert "no complete credentials" in printed.err
    fs = corpus["fs"]
    fs.invalidate_cache()
    names = fs.find("tamis-corpus/secret")
    assert any(n.endswith("run.json") for n in names)
    assert any(n.endswith(".done.json") for n in names)
    for name in names:
        assert SECRET.encode() not in fs.cat_file(name), name
    assert SECRET not in printed.out + printed.err
    assert "s3://no-such-bucket-tamis" in printed.err


def test_bad_bucket_endpoint_or_missing_package_fail_before_any_work(corpus, tmp_path, capsys):
    local_in = corpus["local"] / "cc-en-head-0091.jsonl.gz"
    # OUT on a bucket that does not exist: nothing is read or written
    assert tamis("clean", local_in, "-o", "s3://no-such-bucket-tamis/out") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "s3://no-such-bucket-tamis/out" in err
    # an endpoint nobody answers at
    cfg = tmp_path / "bad-endpoint.yaml"
    cfg.write_text(f"storage_options:\n  s3: {{endpoint_url: 'http://127.0.0.1:{free_port()}'}}\n")
    t0 = time.monotonic()
    assert tamis("clean", corpus["url"], "-o", tmp_path / "o", "--config", cfg) == 2
    err = capsys.readouterr().err
    assert "s3://tamis-corpus/in" in err and "endpoint" in err and SECRET not in err
    assert time.monotonic() - t0 < 60
    assert not (tmp_path / "o").exists()
    # a read-only scheme as OUT
    assert tamis("clean", local_in, "-o", "hf://datasets/someone/corpus") == 2
    assert "read-only" in capsys.readouterr().err


def test_a_held_lock_refuses_and_a_dead_runs_lock_is_taken_over(corpus, config, tmp_path, capsys):
    import socket

    fs = corpus["fs"]
    out = "s3://tamis-corpus/locked"
    live = {"pid": os.getpid(), "host": socket.gethostname(), "token": "other", "heartbeat": 0}
    fs.pipe_file("tamis-corpus/locked/.tamis/lock", json.dumps(live).encode())
    args = ("clean", corpus["local"] / "cc-en-head-0091.jsonl.gz", "-o", out, "--stages",
            "repair", "--workers", "1", "--no-report")  # fmt: skip
    assert tamis(*args) == 2
    assert "in use by run" in capsys.readouterr().err
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    fs.pipe_file("tamis-corpus/locked/.tamis/lock", json.dumps({**live, "pid": dead.pid}).encode())
    assert tamis(*args) == 0
    fs.invalidate_cache()
    assert not fs.exists("tamis-corpus/locked/.tamis/lock")  # released at the end
    assert fs.exists("tamis-corpus/locked/manifest.json")


def test_object_lock_takes_one_of_two_and_heartbeats_conditionally(corpus):
    from tamis.run.lock import OutputInUse
    from tamis.run.object_lock import ObjectLock

    first = ObjectLock("s3://tamis-corpus/twice", "clean", heartbeat_seconds=0.2)
    with first:
        second = ObjectLock("s3://tamis-corpus/twice", "clean")
        with pytest.raises(OutputInUse):
            second.acquire()
        beat = json.loads(corpus["fs"].cat_file("tamis-corpus/twice/.tamis/lock"))["heartbeat"]
        time.sleep(0.8)
        corpus["fs"].invalidate_cache()
        info = json.loads(corpus["fs"].cat_file("tamis-corpus/twice/.tamis/lock"))
        assert info["token"] == first.token and info["heartbeat"] > beat
    with ObjectLock("s3://tamis-corpus/twice", "clean") as third:
        assert third.owned()


@pytest.mark.slow
def test_ray_run_reads_and_writes_s3_with_no_shared_folder(corpus, config, base_run, tmp_path,
                                                           monkeypatch):  # fmt: skip
    require("ray")
    monkeypatch.setenv("TAMIS_SCRATCH", str(tmp_path / "scratch"))
    out = "s3://tamis-corpus/ray"
    assert tamis("clean", corpus["url"], "-o", out, "--config", config, "--executor", "ray",
                 "--workers", "2", "--no-report") == 0  # fmt: skip
    fs = corpus["fs"]
    fs.invalidate_cache()
    assert output_objects(fs, out) == output_objects(fs, base_run)
    # the run's scratch folders on this node (the driver's, its workers') are gone with it
    assert not [p for p in (tmp_path / "scratch").rglob("*") if p.is_file()]


def test_stream_reads_never_download_a_whole_object_first(corpus, shared_data):
    """An object is read in blocks: the first records come after a few MB of a 28 MB object."""
    from tamis.io import storage
    from tamis.io.base import ReadOptions, reader_for
    from tamis.io.streams import ZstdReader

    fs = corpus["fs"]
    big = shared_data / "text" / "imdb-reviews.jsonl.zst"
    fs.put_file(str(big), "tamis-corpus/big/imdb-reviews.jsonl.zst")
    url = "s3://tamis-corpus/big/imdb-reviews.jsonl.zst"
    raw = storage.open_input(url)
    first = ZstdReader(raw).read(1 << 20)
    assert first.startswith(b"{")
    assert raw.received <= 3 * storage.READ_BLOCK < big.stat().st_size
    raw.close()
    items = list(reader_for(url).read(url, ReadOptions(), 0, 3))
    assert len(items) == 3 and all(i.text for i in items)


def test_dedup_index_read_from_s3(corpus, config, base_run, tmp_path):
    """A later run deduplicates against the index an earlier run wrote to S3."""
    again = corpus["local"] / "cc-en-head-0091.jsonl.gz"
    out = tmp_path / "again"
    assert tamis("clean", again, "-o", out, "--config", config, "--workers", "1", "--no-report",
                 "--dedup-index", base_run) == 0  # fmt: skip
    stats = json.loads((out / "stats.json").read_text())
    assert stats["input"]["records"] == 10
    assert stats["kept"]["records"] == 0  # every one was kept by the earlier run
    assert stats["stages"]["exact_dedup"]["reasons"] == {"duplicate": 10}


def test_rethreshold_and_report_from_and_to_s3(corpus, tmp_path, capsys):
    annotate, strict = tmp_path / "annotate.yaml", tmp_path / "strict.yaml"
    annotate.write_text("stages:\n  - gopher_quality: {}\n")
    strict.write_text("stages:\n  - gopher_quality: {min_doc_words: 100000}\n")
    src, dst = "s3://tamis-corpus/judged", "s3://tamis-corpus/rejudged"
    assert tamis("clean", corpus["url"] + "/cc-en-head-0091.jsonl.gz", "-o", src, "--config",
                 annotate, "--workers", "1", "--no-report") == 0  # fmt: skip
    assert tamis("rethreshold", src, "--config", strict, "-o", dst) == 0
    printed = capsys.readouterr().out
    assert "kept 0 (was " in printed and "rejected 10 (was " in printed
    assert tamis("verify", dst) == 0
    assert tamis("report", dst) == 0
    fs = corpus["fs"]
    fs.invalidate_cache()
    assert fs.cat_file("tamis-corpus/rejudged/report.html").startswith(b"<!DOCTYPE html>")
    assert not fs.exists("tamis-corpus/rejudged/.tamis/lock")


def test_parquet_output_on_s3_is_settled_and_verifies(corpus):
    """Parquet shards wait in OUT/.tamis/staging/ until the run's schema is settled, then the
    staged objects go: the same two steps on S3 as on disk."""
    out = "s3://tamis-corpus/parquet-out"
    assert tamis("clean", corpus["url"] + "/cc-en-head-0091.jsonl.gz", "-o", out, "--stages",
                 "repair", "--output-format", "parquet", "--workers", "1", "--no-report") == 0  # fmt: skip
    fs = corpus["fs"]
    fs.invalidate_cache()
    names = fs.find("tamis-corpus/parquet-out")
    assert "tamis-corpus/parquet-out/kept/part-00000.parquet" in names
    assert not [n for n in names if "/staging/" in n]
    assert tamis("verify", out) == 0


def test_ranges_of_an_object_read_in_order_go_on_from_one_stream(corpus, shared_data, monkeypatch):
    """A worker reading an object's record ranges in order reads the object about once, as it
    does a local file, and a rewritten object (another ETag) is read again from its start."""
    from tamis.io import hashed, jsonl, storage
    from tamis.io.base import ReadOptions, reader_for

    with zstandard.open(
        shared_data / "text" / "imdb-reviews.jsonl.zst", "rt", encoding="utf-8"
    ) as fh:
        lines = [fh.readline().encode() for _ in range(1500)]
    data = zstandard.compress(b"".join(lines))
    fs, url = corpus["fs"], "s3://tamis-corpus/ranges/imdb.jsonl.zst"
    fs.pipe_file(storage.strip(url), data)
    monkeypatch.setattr(storage, "READ_BLOCK", 64 << 10)  # many blocks in this object
    reader, opts = reader_for(url), ReadOptions()
    jsonl.close_parked()
    hashed.take_checksums()
    texts, cursors, taken = [], set(), []
    for start, stop in ((0, 500), (500, 1000), (1000, None)):
        texts += [i.text for i in reader.read(url, opts, start, stop)]
        cursors.add(id(jsonl._PARKED[url]))
        taken.append(hashed.take_checksums())
    assert len(texts) == 1500 and len(cursors) == 1
    # the one stream reached the object's end once: its checksum (for the manifest) was taken
    want = "xxh3_128:" + xxhash.xxh3_128(data).hexdigest()
    assert [t for t in taken if t] == [{url: (storage.stat(url)["version"], want)}]
    assert jsonl._PARKED[url].fh.raw.received <= len(data) + 2 * (64 << 10)
    raw = storage.open_input(url)
    raw.read(10)
    raw.seek(100)  # read out of order: no checksum is taken
    assert raw.read() and hashed.take_checksums() == {}
    raw.close()
    raw = storage.open_input(url)
    while raw.read(1000):
        pass
    assert hashed.take_checksums() == {url: (storage.stat(url)["version"], want)}
    raw.close()

    assert [i.text for i in reader.read(url, opts, 0, 500)] == texts[:500]  # parked at 500
    fs.pipe_file(storage.strip(url), zstandard.compress(b"".join(lines[::-1])))
    fs.invalidate_cache()
    after = [i.text for i in reader.read(url, opts, 500, None)]
    jsonl.close_parked()
    assert after == [i.text for i in reader.read(url, opts, 500, None)] == texts[::-1][500:]
    jsonl.close_parked()


def test_an_object_stream_tells_the_version_it_reads(corpus, tmp_path):
    """A stream over an object is pinned to the ETag it opened, so the version it reads is
    known without asking the store again: the same as the object's details say, through a
    decoder too; a local file's stream has no such pin."""
    from tamis.io import storage
    from tamis.io.streams import open_read

    fs, url = corpus["fs"], "s3://tamis-corpus/pinned/doc.jsonl.zst"
    fs.pipe_file(storage.strip(url), zstandard.compress(b'{"text": "one"}\n'))
    fs.invalidate_cache()
    details = storage.stat(url)
    with open_read(url) as fh:
        assert storage.pinned_identity(fh) == (details["size"], details["version"])
        assert fh.read() == b'{"text": "one"}\n'
    local = tmp_path / "doc.jsonl"
    local.write_bytes(b'{"text": "one"}\n')
    with open_read(str(local)) as fh:
        assert storage.pinned_identity(fh) is None
