"""The report's summaries are gathered per shard by the tasks that write it, then merged: the
report must be the same for any worker count, after an interrupted run resumed, and when rebuilt
by ``tamis report`` from the outputs alone (read in any order)."""

from __future__ import annotations

import pickle
import random
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pytest

from tamis.io.output import KINDS, shard_files
from tamis.report import html
from tamis.report.collect import Collected, collect, collect_file, merge_parts
from tamis.report.scan import shard_ordinal
from tamis.run import worker
from tests.faults import reuters_corpus
from tests.helpers import default_recipe_with_shards, tamis

pytestmark = pytest.mark.slow  # three runs of the whole recipe on 300 real stories


def plain(x: Any) -> Any:
    """``x`` as plain lists and tuples, in the order it holds things (dicts keep theirs; a
    set, whose iteration order is the process's, sorted), every object by its fields."""
    if isinstance(x, dict):
        return ("dict", [(plain(k), plain(v)) for k, v in x.items()])
    if isinstance(x, set | frozenset):
        return ("set", sorted(map(repr, x)))
    if isinstance(x, list | tuple):
        return (type(x).__name__, [plain(v) for v in x])
    if is_dataclass(x):
        return (type(x).__name__, [(f.name, plain(getattr(x, f.name))) for f in fields(x)])
    if isinstance(x, np.ndarray):
        return ("array", str(x.dtype), x.tolist())
    if getattr(type(x), "__getstate__", object.__getstate__) is not object.__getstate__:
        return (type(x).__name__, plain(x.__getstate__()))
    if hasattr(x, "__dict__"):
        return (type(x).__name__, plain(vars(x)))
    return x


def canonical(data: Collected) -> str:
    """The report's data as one string: equal strings, equal reports (floats to the bit)."""
    return repr(plain(data))


@pytest.fixture(scope="module")
def setup(shared_data: Path, tmp_path_factory) -> tuple[Path, Path]:
    """Real Reuters stories in two files, and the default recipe cut into small shards (about
    a dozen), so that both workers write several shards and a run can stop between them."""
    root = tmp_path_factory.mktemp("parts")
    corpus = reuters_corpus(shared_data, root / "corpus", files=2, per_file=150)
    cfg = default_recipe_with_shards(root / "p.yaml", 0.04)
    return corpus, cfg


def _run(setup, out: Path, workers: int) -> str:
    """Run the recipe and return the report data the run rendered."""
    corpus, cfg = setup
    seen: list[Collected] = []
    real = html.write_report

    def capture(o, data=None):
        seen.append(data)
        return real(o, data)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(html, "write_report", capture)
        code = tamis("clean", corpus, "-o", out, "--config", cfg, "--workers", workers, "--quiet")
    assert code == 0
    assert len(seen) == 1 and seen[0] is not None, "the run did not merge its tasks' summaries"
    assert not list((out / ".tamis").glob("phase*/*.report.pkl")), "parts left after the report"
    return canonical(seen[0])


@pytest.fixture(scope="module")
def runs(setup, tmp_path_factory) -> dict[int, tuple[Path, str]]:
    """The recipe run on 1 and on 2 workers: (OUT, report data) of each."""
    root = tmp_path_factory.mktemp("runs")
    return {w: (root / f"w{w}", _run(setup, root / f"w{w}", w)) for w in (1, 2)}


def test_report_data_is_the_same_for_any_worker_count_and_rebuilt(runs):
    (_, one), (out, two) = runs[1], runs[2]
    assert one == two
    files = [(kind, p) for kind in KINDS for p in shard_files(out, kind)]
    assert len(files) > 8
    assert canonical(collect(out)) == two  # rebuilt from the outputs alone
    # the shard files read in any order, each summarised apart, then merged in shard order
    shuffled = files[:]
    random.Random(5).shuffle(shuffled)
    parts = {(kind, p): collect_file(kind, p) for kind, p in shuffled}
    assert canonical(merge_parts(parts[f] for f in files)) == two
    data = collect(out)
    assert data.records["kept"] and data.records["rejected"]
    assert data.reasons.by_key and all(len(s.kept) <= s.k for s in data.reasons.by_key.values())
    assert any(len(s.kept) == s.k < s.seen for s in data.reasons.by_key.values())


def test_an_interrupted_run_resumed_gives_the_same_report(setup, runs, tmp_path, monkeypatch):
    """The run stops after a few of its final tasks (their parts are stored); the rerun does
    the rest and merges stored and new parts into the report an uninterrupted run gives."""
    import yaml

    from tamis.config import build_config
    from tamis.pipeline import Pipeline

    corpus, cfg = setup
    final_phase = Pipeline(build_config(yaml.safe_load(cfg.read_text()))).phases[-1].index
    real, final_tasks = worker.run_task, []

    def stop_after_three(task):
        marker = real(task)
        if task.phase == final_phase:
            final_tasks.append(task)
            if len(final_tasks) == 3:
                raise KeyboardInterrupt
        return marker

    monkeypatch.setattr("tamis.run.executors.run_task", stop_after_three)
    out = tmp_path / "resumed"
    code = tamis("clean", corpus, "-o", out, "--config", cfg, "--workers", 1, "--quiet")
    assert code == 130  # interrupted: "run the same command again to resume"
    monkeypatch.undo()
    stored = list((out / ".tamis").glob(f"phase{final_phase}/*.report.pkl"))
    assert len(stored) == 3 and not (out / "report.html").exists()
    assert _run(setup, out, 2) == runs[2][1]


def test_parts_folded_as_tasks_finish_give_the_merge_of_all_parts(runs, tmp_path):
    """Parts offered in any order, one never offered (a resumed run's earlier task) and one
    unreadable (computed from its shard's files), fold into what merging every part gives."""
    from tamis.report.parts import PartFold, merge_shards, shard_part

    out = runs[2][0]
    ordinals = sorted({shard_ordinal(p) for p in (out / "kept").glob("part-*")})
    assert len(ordinals) > 4
    stored = [tmp_path / f"{o}.pkl" for o in ordinals]
    for o, path in zip(ordinals, stored, strict=True):
        path.write_bytes(pickle.dumps(shard_part(out, o), protocol=5))
    whole = canonical(merge_shards(out, ordinals, stored))
    assert whole == runs[2][1]
    stored[1].write_bytes(b"not a pickle")
    fold = PartFold(out, ordinals, stored)
    offered = ordinals[:]
    random.Random(7).shuffle(offered)
    for o in offered:
        if o != ordinals[-2]:
            fold.offer(o)
    assert canonical(fold.finish()) == whole


def test_parts_of_shards_settled_after_the_last_phase_join_the_report(tmp_path, monkeypatch):
    """A field whose type differs between files is settled after the last phase: those shards'
    parts come from their settle tasks, and the report the run renders is the one its
    outputs give."""
    from tests.test_io_settle import _inputs

    inputs = _inputs(tmp_path)
    seen: list[Collected] = []
    real = html.write_report
    monkeypatch.setattr(
        html, "write_report", lambda o, data=None: seen.append(data) or real(o, data)
    )
    out = tmp_path / "out"
    args = ["clean", *inputs, "-o", out, "--stages", "repair,clean", "--workers", 2, "--quiet"]
    assert tamis(*args) == 0
    schema = orjson.loads((out / "schema.json").read_bytes())
    assert schema["conflicts"] == ["meta.label"]  # so some shard was settled after the phase
    assert len(seen) == 1 and seen[0] is not None
    assert canonical(seen[0]) == canonical(collect(out))
