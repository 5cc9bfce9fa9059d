"""A task spaces the collections of the youngest generation while it runs, and only then."""

from __future__ import annotations

import gc

import orjson

from tamis.pipeline import Pipeline
from tamis.run import worker
from tests.helpers import tamis


def _input(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"".join(orjson.dumps({"text": f"doc {i}"}) + b"\n" for i in range(50)))
    return path


def _clean(path, out) -> int:
    return tamis("clean", path, "-o", out, "--stages", "", "--workers", "1", "--quiet")


def test_a_task_collects_less_often_and_restores_the_thresholds(tmp_path, monkeypatch):
    before = gc.get_threshold()
    seen = []
    run_batch = Pipeline.run_batch

    def watched(self, *args, **kwargs):
        seen.append(gc.get_threshold())
        return run_batch(self, *args, **kwargs)

    monkeypatch.setattr(Pipeline, "run_batch", watched)
    assert _clean(_input(tmp_path), tmp_path / "out") == 0
    assert seen and all(t[0] == max(before[0], worker.YOUNG_COLLECTION_EVERY) for t in seen)
    assert all(t[1:] == before[1:] for t in seen)
    assert gc.get_threshold() == before


def test_a_failing_task_restores_the_thresholds(tmp_path, monkeypatch, capsys):
    before = gc.get_threshold()

    def broken(self, *args, **kwargs):
        raise RuntimeError("stage broke")

    monkeypatch.setattr(Pipeline, "run_batch", broken)
    assert _clean(_input(tmp_path), tmp_path / "out") != 0
    assert "stage broke" in capsys.readouterr().err
    assert gc.get_threshold() == before
