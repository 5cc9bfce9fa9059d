"""The dedup stages through ``tamis clean``: same survivors whatever the workers and input order."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from tamis.demo import write_demo_corpus
from tamis.io.output import read_records, shard_files
from tests.helpers import output_digest, tamis

STAGES = "exact_dedup,minhash_dedup,line_dedup"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("dedup-corpus")
    write_demo_corpus(d, 1200, seed=11)
    return d


def _rejections(out: Path) -> list[dict]:
    return [r for path in shard_files(out, "rejected") for r in read_records(path)]


@pytest.mark.slow
def test_same_survivors_with_other_workers_and_input_order(corpus: Path, tmp_path: Path) -> None:
    files = sorted(str(p) for p in corpus.iterdir())
    one, two, rev = tmp_path / "one", tmp_path / "two", tmp_path / "rev"
    assert (
        tamis(
            "clean",
            *files,
            "-o",
            one,
            "--stages",
            STAGES,
            "--workers",
            "1",
            "--quiet",
            "--no-report",
        )
        == 0
    )
    assert (
        tamis(
            "clean",
            *files,
            "-o",
            two,
            "--stages",
            STAGES,
            "--workers",
            "2",
            "--quiet",
            "--no-report",
        )
        == 0
    )
    assert (
        tamis(
            "clean",
            *reversed(files),
            "-o",
            rev,
            "--stages",
            STAGES,
            "--workers",
            "2",
            "--quiet",
            "--no-report",
        )
        == 0
    )
    assert output_digest(one) == output_digest(two) == output_digest(rev)
    assert tamis("verify", one) == 0
    dups = [r for r in _rejections(one) if r["verdict"]["reason"] == "duplicate"]
    assert dups, "the demo corpus holds spun copies, which must be found"
    for r in dups:
        assert r["verdict"]["stage"] in ("exact_dedup", "minhash_dedup")
        assert set(r["verdict"]["details"]) == {"survivor", "similarity", "cluster"}
    stats = orjson.loads((one / "stats.json").read_bytes())
    assert "minhash_dedup" in orjson.dumps(stats).decode()
