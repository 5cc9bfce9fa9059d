"""Settling a run's schema: shards in the settled types, the same bytes after an interruption."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from tamis.io import settle
from tamis.io.output import read_records, shard_files
from tamis.io.schema import RunSchema
from tests.helpers import output_digest, tamis


def _inputs(tmp_path: Path) -> list[Path]:
    a = tmp_path / "in" / "a.jsonl"
    b = tmp_path / "in" / "b.jsonl"
    a.parent.mkdir()
    words = "the council met on monday and agreed the new budget for schools and roads"
    a.write_bytes(
        b"".join(
            orjson.dumps({"text": f"{words} {i}", "label": "pos", "n": i}) + b"\n"
            for i in range(40)
        )
    )
    # past what planning samples of b (its first SAMPLE_RECORDS), a field of a new kind: the
    # run's schema settles other than its sample's, so even Parquet shards written in the
    # sample's schema are settled (rewritten)
    late = settle.SAMPLE_RECORDS + 10
    b.write_bytes(
        b"".join(
            orjson.dumps({"text": f"{words} b{i}", "label": i % 2, "url": f"u{i}"}) + b"\n"
            for i in range(late)
        )
        + orjson.dumps({"text": f"{words} late", "label": 1, "url": "u", "late": 1.5})
        + b"\n"
    )
    return [a, b]


def _clean(inputs: list[Path], out: Path, fmt: str) -> int:
    return tamis(
        "clean",
        *inputs,
        "-o",
        out,
        "--stages",
        "repair,clean",
        "--workers",
        "1",
        "--output-format",
        fmt,
        "--quiet",
        "--no-report",
    )


@pytest.mark.parametrize("fmt", ["jsonl.gz", "parquet"])
def test_settled_types_and_an_interrupted_settle_resumes_to_the_same_bytes(
    tmp_path, fmt, monkeypatch
):
    inputs = _inputs(tmp_path)
    whole = tmp_path / "whole"
    assert _clean(inputs, whole, fmt) == 0
    schema = RunSchema.load(whole)
    assert schema.meta == [
        "struct",
        {"label": "string", "late": "float", "n": "int", "url": "string"},
        False,
    ]
    assert schema.conflicts == ["meta.label"]
    metas = [r["meta"] for p in shard_files(whole, "kept") for r in read_records(p)]
    assert {"label": "pos", "late": None, "n": 0, "url": None} in metas
    assert {"label": "1", "late": None, "n": None, "url": "u1"} in metas

    real = settle.settle_shard
    calls = []

    def crash_on_first(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("killed while settling")
        return real(*args, **kwargs)

    cut = tmp_path / "cut"
    monkeypatch.setattr(settle, "settle_shard", crash_on_first)
    assert _clean(inputs, cut, fmt) == 1  # one line, "internal error: ... resume"
    monkeypatch.setattr(settle, "settle_shard", real)
    assert _clean(inputs, cut, fmt) == 0
    assert output_digest(cut) == output_digest(whole)
    assert (cut / "schema.json").read_bytes() == (whole / "schema.json").read_bytes()
    assert not list((cut / ".tamis" / "staging").rglob("*.jsonl.zst"))
    assert tamis("verify", cut) == 0


def test_a_run_with_extract_settles_without_rewriting_shards(shared_data, tmp_path, monkeypatch):
    """``extract`` declares the ``meta`` fields it adds (title, published...), so writers give
    every record them from the start and no shard of a crawl run is rewritten at settling."""
    rewritten: list[Path] = []
    real_rewrite = settle._rewrite

    def recording_rewrite(path, *args):
        rewritten.append(path)
        real_rewrite(path, *args)

    monkeypatch.setattr(settle, "_rewrite", recording_rewrite)
    warc = shared_data / "warc" / "cc-sample-0001.warc.gz"
    out = tmp_path / "out"
    code = tamis(
        "clean", warc, "-o", out, "--stages", "extract", "--workers", "1", "--quiet", "--no-report"
    )
    assert code == 0
    kept = read_records(shard_files(out, "kept")[0])
    assert any(r["meta"].get("title") for r in kept)
    assert rewritten == []
