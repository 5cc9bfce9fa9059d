"""rethreshold: re-judging stored signals must give what a fresh run with the new thresholds gives."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
import yaml

from tamis.io.output import read_records, shard_files
from tamis.quality.rethreshold import rethreshold
from tamis.quality.rules import decide
from tests.helpers import tamis

WORDS = (
    "the of and to that have with be market price said would company year new shares "
    "bank rate growth plan board vote trade oil month week report analysts expected"
).split()


def _corpus(path: Path, n: int = 80, seed: int = 3) -> Path:
    """Documents from 5 to 150 words, some with repeated lines, some list-like."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            lines = []
            for _ in range(rng.randint(1, 12)):
                words = [rng.choice(WORDS) for _ in range(rng.randint(2, 14))]
                lines.append(" ".join(words).capitalize() + rng.choice([".", ".", "", "!"]))
            if rng.random() < 0.2:
                lines += lines[:2]
            fh.write(json.dumps({"id": f"d{i}", "text": "\n".join(lines)}) + "\n")
    return path


def _run(tmp: Path, name: str, corpus: Path, stages: list[dict]) -> Path:
    cfg = tmp / f"{name}.yaml"
    cfg.write_text(yaml.safe_dump({"stages": stages}))
    out = tmp / name
    code = tamis(
        "clean",
        corpus,
        "-o",
        out,
        "--config",
        cfg,
        "--executor",
        "inprocess",
        "--workers",
        "1",
        "--no-report",
        "--quiet",
    )
    assert code == 0
    return out


def _verdicts(out: Path) -> dict[str, tuple[str, str, str]]:
    got = {}
    for kind in ("kept", "rejected"):
        for shard in shard_files(out, kind):
            for rec in read_records(shard):
                v = rec["verdict"]
                got[rec["id"]] = (v["status"], v.get("stage", ""), v.get("reason", ""))
    return got


def test_annotated_output_rethresholded_equals_fresh_filter_run(tmp_path):
    corpus = _corpus(tmp_path / "in.jsonl")
    annotated = _run(
        tmp_path,
        "a",
        corpus,
        [
            {"gopher_quality": {"mode": "annotate"}},
            {"gopher_repetition": {"mode": "annotate"}},
            {"fineweb": {"mode": "annotate"}},
        ],
    )
    new = {
        "gopher_quality": {"mode": "filter", "min_doc_words": 30},
        "gopher_repetition": {"mode": "filter"},
        "fineweb": {"mode": "filter", "short_line_thr": 0.9},
    }
    result = rethreshold(annotated, new, tmp_path / "b")
    fresh = _run(tmp_path, "c", corpus, [{k: v} for k, v in new.items()])
    assert _verdicts(tmp_path / "b") == _verdicts(fresh)
    assert (
        result["documents"]["kept_to_rejected"]
        == sum(1 for s, _, _ in _verdicts(fresh).values() if s == "rejected")
        > 0
    )
    assert tamis("verify", tmp_path / "b") == 0


def test_tightening_a_filter_run_matches_fresh_run_and_counts_rule_moves(tmp_path):
    corpus = _corpus(tmp_path / "in.jsonl")
    stages = [{"gopher_quality": {}}, {"fineweb": {}}]
    first = _run(tmp_path, "a", corpus, stages)
    result = rethreshold(first, {"gopher_quality": {"min_doc_words": 60}}, tmp_path / "b")
    fresh = _run(
        tmp_path, "c", corpus, [{"gopher_quality": {"min_doc_words": 60}}, {"fineweb": {}}]
    )
    assert _verdicts(tmp_path / "b") == _verdicts(fresh)
    moved = result["rules"]["gopher_quality.gopher_short_doc"]["newly_failing"]
    assert moved > 0 and result["documents"]["kept_to_rejected"] <= moved
    assert tamis("verify", tmp_path / "b") == 0


def test_loosening_restores_only_when_nothing_ran_after(tmp_path):
    corpus = _corpus(tmp_path / "in.jsonl")
    last = _run(tmp_path, "a", corpus, [{"gopher_quality": {}}])
    result = rethreshold(last, {"gopher_quality": {"min_doc_words": 10}}, tmp_path / "b")
    fresh = _run(tmp_path, "c", corpus, [{"gopher_quality": {"min_doc_words": 10}}])
    assert _verdicts(tmp_path / "b") == _verdicts(fresh)
    assert result["documents"]["rejected_to_kept"] > 0
    assert tamis("verify", tmp_path / "b") == 0

    chained = _run(tmp_path, "d", corpus, [{"gopher_quality": {}}, {"fineweb": {}}])
    result = rethreshold(chained, {"gopher_quality": {"min_doc_words": 10}}, tmp_path / "e")
    assert result["documents"]["needs_rerun"] > 0
    assert result["documents"]["rejected_to_kept"] == 0
    # The same documents are kept: the ones that would now pass stay rejected as they were
    # (needs_rerun: fineweb never saw them), the others carry their reason under the new threshold.
    again, before = _verdicts(tmp_path / "e"), _verdicts(chained)
    assert {k: v[:2] for k, v in again.items()} == {k: v[:2] for k, v in before.items()}
    would_pass = [
        rec["id"]
        for shard in shard_files(chained, "rejected")
        for rec in read_records(shard)
        if rec["verdict"]["stage"] == "gopher_quality"
        and not decide("gopher_quality", rec["signals"]["gopher_quality"], {"min_doc_words": 10})
    ]
    assert len(would_pass) == result["documents"]["needs_rerun"]
    assert all(again[k] == before[k] for k in would_pass)


def test_measurement_options_and_unknown_stages_are_refused(tmp_path):
    corpus = _corpus(tmp_path / "in.jsonl", n=5)
    out = _run(tmp_path, "a", corpus, [{"fineweb": {}}])
    with pytest.raises(ValueError, match="short_line_length"):
        rethreshold(out, {"fineweb": {"short_line_length": 10}}, tmp_path / "b")
    with pytest.raises(ValueError, match="did not run"):
        rethreshold(out, {"c4": {"min_num_sentences": 1}}, tmp_path / "c")
    with pytest.raises(ValueError, match="not a quality stage"):
        rethreshold(out, {"pii": {}}, tmp_path / "d")
