"""Phases: global stages that only reject observe together, with the decisions of separate phases.

The default recipe reads and spills its documents once per phase; exact and MinHash dedup (and
line dedup after them) observe in one phase, MinHash merged without the documents exact dedup
rejects. These tests check where the phases are cut, and that a run cut the new way writes the
same bytes as one that gives every global stage a phase of its own.
"""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
import zstandard

from tamis.config import load_config
from tamis.pipeline import Pipeline, split_phases
from tamis.run import worker
from tamis.stages.base import build_stages, stage_class
from tamis.stages.dedup import _DocDedup
from tests.helpers import output_digest, tamis


def _phases(*spec: tuple[str, dict]) -> list[tuple[list[str], list[str], list[str]]]:
    stages = build_stages([(name, stage_class(name).Options(**opts)) for name, opts in spec])
    return [
        ([g.name for g in p.apply], [s.name for s in p.stages], [g.name for g in p.observe])
        for p in split_phases(stages)
    ]


def test_default_recipe_reads_its_documents_three_times():
    pipeline = Pipeline(load_config())
    cut = [([g.name for g in p.apply], [g.name for g in p.observe]) for p in pipeline.phases]
    assert cut == [
        ([], ["boilerplate"]),
        (["boilerplate"], ["exact_dedup", "minhash_dedup"]),
        (["exact_dedup", "minhash_dedup"], []),
    ]
    assert [s.name for s in pipeline.phases[2].stages] == []


def test_where_phases_are_cut():
    # rejects-only stages side by side share a phase, line dedup after them too
    assert _phases(("repair", {}), ("exact_dedup", {}), ("minhash_dedup", {}), ("line_dedup", {}))
    assert _phases(
        ("repair", {}), ("exact_dedup", {}), ("minhash_dedup", {}), ("line_dedup", {})
    ) == [
        ([], ["repair"], ["exact_dedup", "minhash_dedup", "line_dedup"]),
        (["exact_dedup", "minhash_dedup", "line_dedup"], [], []),
    ]
    # a per-document stage between them: each its own phase
    assert _phases(("exact_dedup", {}), ("c4", {}), ("minhash_dedup", {})) == [
        ([], [], ["exact_dedup"]),
        (["exact_dedup"], ["c4"], ["minhash_dedup"]),
        (["minhash_dedup"], [], []),
    ]
    # line dedup edits texts and boilerplate too: nothing observes beside them afterwards
    assert _phases(("line_dedup", {}), ("exact_dedup", {})) == [
        ([], [], ["line_dedup"]),
        (["line_dedup"], [], ["exact_dedup"]),
        (["exact_dedup"], [], []),
    ]
    assert len(_phases(("boilerplate", {}), ("exact_dedup", {}))) == 3
    # a survivor ranked by a signal exact dedup sets in its apply must wait for that apply
    ranked = {"quality_signal": "exact_dedup.cluster_size"}
    assert len(_phases(("exact_dedup", {}), ("minhash_dedup", ranked))) == 3
    assert len(_phases(("exact_dedup", {}), ("minhash_dedup", {"quality_signal": "c4.x"}))) == 2


def _corpus(shared_data: Path, dest: Path) -> Path:
    """300 Reuters stories with copies: exact ones (case changed), near ones (a few words
    changed) and exact copies of near ones, so that exact dedup removes MinHash candidates."""
    path = shared_data / "text" / "reuters-21578.jsonl.zst"
    with zstandard.open(path, "rt", encoding="utf-8") as fh:
        stories = [json.loads(line) for _, line in zip(range(2000), fh, strict=False)]
    stories = [s for s in stories if len(s["text"].split()) > 120][:300]
    records = [{"id": s["id"], "text": s["text"]} for s in stories]
    for i, s in enumerate(stories[:60]):
        words = s["text"].split(" ")
        near = " ".join(w if (j % 37) != 5 else w[::-1] for j, w in enumerate(words))
        records.append({"id": f"{s['id']}-upper", "text": s["text"].upper()})
        records.append({"id": f"{s['id']}-near", "text": near})
        if i % 2:
            records.append({"id": f"{s['id']}-near-copy", "text": near})
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return dest


STAGES = ["--stages", "repair,exact_dedup,minhash_dedup,line_dedup"]
ARGS = ["--workers", "1", "--quiet", "--no-report"]


@pytest.fixture(scope="module")
def corpus(shared_data, tmp_path_factory) -> Path:
    return _corpus(shared_data, tmp_path_factory.mktemp("in") / "reuters.jsonl")


@pytest.fixture(scope="module")
def together(corpus, tmp_path_factory) -> Path:
    """The run with exact, MinHash and line dedup observing in one phase."""
    out = tmp_path_factory.mktemp("together") / "out"
    assert tamis("clean", corpus, "-o", out, *STAGES, *ARGS) == 0
    return out


def test_shared_phase_gives_the_output_of_separate_phases(corpus, together, tmp_path, monkeypatch):
    assert sorted(p.name for p in (together / ".tamis").iterdir() if p.is_dir()) == [
        "phase0",
        "phase1",
    ]
    # as before stages could share a phase: one phase per global stage
    monkeypatch.setattr(_DocDedup, "rejects_only", False)
    monkeypatch.setattr(worker, "_PIPELINES", {})  # the workers' pipelines built anew
    apart = tmp_path / "apart"
    assert tamis("clean", corpus, "-o", apart, *STAGES, *ARGS) == 0
    assert len([p for p in (apart / ".tamis").iterdir() if p.name.startswith("phase")]) == 4
    assert output_digest(together) == output_digest(apart)
    stats = orjson.loads((together / "stats.json").read_bytes())
    removed = {name: s["documents_removed"] for name, s in stats["dedup"].items()}
    # exact removed its copies; MinHash saw only what exact kept, and found the near copies
    assert removed["exact_dedup"] >= 60 + 30 and removed["minhash_dedup"] >= 50
    assert stats["dedup"]["minhash_dedup"]["documents"] == 450 - removed["exact_dedup"]
    assert (together / "dedup-index" / "minhash_dedup").is_dir()


def test_a_run_stopped_between_two_merges_resumes_to_the_same_output(
    corpus, together, tmp_path, monkeypatch
):
    out = tmp_path / "out"

    def stop(self, states, workdir):
        raise KeyboardInterrupt  # the driver stopped after exact's merge, during MinHash's

    with monkeypatch.context() as patch:
        patch.setattr(stage_class("minhash_dedup"), "merge", stop)
        assert tamis("clean", corpus, "-o", out, *STAGES, *ARGS) != 0
    assert (out / ".tamis" / "phase0" / "decision.pkl").exists()
    assert not (out / ".tamis" / "phase0" / "decision1.pkl").exists()
    # the rerun reads exact's decision back for the documents MinHash must leave out
    assert tamis("clean", corpus, "-o", out, *STAGES, *ARGS) == 0
    assert output_digest(out) == output_digest(together)
