"""Nothing lost: random mixes of good and broken records and files always balance, and verify agrees."""

from __future__ import annotations

import gzip
import json
import shutil
import tempfile
from pathlib import Path

import orjson
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tamis.config import load_config
from tamis.io.output import read_records, shard_files
from tamis.run.driver import run_pipeline
from tamis.verify import verify_output

good = st.builds(
    lambda t, extra: json.dumps({"text": t, **extra}).encode(),
    st.text(max_size=60),
    st.dictionaries(
        st.sampled_from(["url", "lang", "n"]), st.integers() | st.text(max_size=5), max_size=2
    ),
)
bad = st.sampled_from(
    [
        b"not json",
        b'{"text": 12}',
        b'{"no_text": "x"}',
        b'{"text": "\xff\xfe"}',
        b"[1, 2]",
        b'{"text": "unterminated',
        b"",
        b"   ",
    ]
)
lines = st.lists(st.one_of(good, good, bad), max_size=30)
files = st.lists(
    st.tuples(lines, st.sampled_from(["jsonl", "jsonl.gz", "jsonl.zst", "txt"]), st.booleans()),
    min_size=1,
    max_size=4,
)


def _write(folder: Path, spec) -> None:
    for k, (ls, kind, cut) in enumerate(spec):
        data = b"\n".join(ls) + (b"\n" if ls else b"")
        if kind == "txt":
            (folder / f"f{k}.txt").write_bytes(data)
            continue
        if kind == "jsonl.gz":
            data = gzip.compress(data, mtime=0)
        elif kind == "jsonl.zst":
            data = zstandard.ZstdCompressor().compress(data)
        if cut and kind != "jsonl" and len(data) > 12:
            data = data[: len(data) - 9]
        (folder / f"f{k}.{kind}").write_bytes(data)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files, st.sampled_from(["jsonl.zst", "parquet"]))
def test_every_input_record_is_accounted_for(spec, fmt):
    tmp = Path(tempfile.mkdtemp())
    try:
        src = tmp / "in"
        src.mkdir()
        _write(src, spec)
        cfg = load_config(
            None,
            "",
            {
                "inputs": [str(src)],
                "output": str(tmp / "out"),
                "executor": "inprocess",
                "output_format": fmt,
            },
        )
        result = run_pipeline(cfg)
        c = result.manifest["counts"]
        assert c["input"] == c["kept"] + c["rejected"] + c["quarantined"]
        problems, _ = verify_output(tmp / "out")
        assert problems == []
        # every non-blank line of every uncut JSONL file is one output record
        expected = sum(
            sum(1 for line in ls if line.strip()) for ls, kind, cut in spec if kind == "jsonl"
        )
        got = 0
        for kind in ("kept", "rejected", "quarantine"):
            for p in shard_files(tmp / "out", kind):
                got += sum(1 for r in read_records(p) if r["source"]["path"].endswith(".jsonl"))
        assert got == expected
        stats = orjson.loads((tmp / "out" / "stats.json").read_bytes())
        assert stats["input"]["records"] == c["input"]
    finally:
        shutil.rmtree(tmp)


def test_verify_catches_a_lost_or_altered_record(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(
        "".join(json.dumps({"id": i, "text": f"document number {i}"}) + "\n" for i in range(50))
    )
    cfg = load_config(
        None, "", {"inputs": [str(src)], "output": str(tmp_path / "out"), "output_format": "jsonl"}
    )
    run_pipeline(cfg)
    assert verify_output(tmp_path / "out")[0] == []
    kept = shard_files(tmp_path / "out", "kept")[0]
    lines = kept.read_bytes().splitlines(keepends=True)
    # alter one text and drop another record: both must be reported
    rec = orjson.loads(lines[3])
    rec["text"] = "something else"
    lines[3] = orjson.dumps(rec) + b"\n"
    del lines[10]
    kept.write_bytes(b"".join(lines))
    problems, _ = verify_output(tmp_path / "out")
    assert any("checksum" in p for p in problems)
    # bring the manifest's checksum in line, so the record-level checks are reached
    man = orjson.loads((tmp_path / "out" / "manifest.json").read_bytes())
    from tamis.io.output import file_checksum

    man["shards"][0]["outputs"]["kept"]["checksum"] = file_checksum(kept)
    (tmp_path / "out" / "manifest.json").write_bytes(orjson.dumps(man))
    problems, _ = verify_output(tmp_path / "out")
    text = "\n".join(problems)
    assert "original text differs" in text
    assert "#10: input record missing" in text
    assert "49 records, manifest says 50" in text
