"""A task whose OUT is a URL: the same task, run on a local mirror, then published.

The task fetches what it reads from ``OUT/.tamis/`` (the run's provisional fields; for a later
phase the previous spill and the merged decision; for a settle the shard's outputs and the
settled schema), runs unchanged with the mirror as its OUT, and publishes what it wrote: every
output, spill or state object first, its marker last, after checking that the run still holds
OUT's lock. Its local files are then removed, so a worker's disk holds one task at a time
(plus the decisions of the run, fetched once per process).
"""

from __future__ import annotations

import os
import pickle
import shutil
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from tamis.io import storage
from tamis.io.output import staging_path
from tamis.run.lock import check_owner
from tamis.run.outstore import OutStore


def _rel(store: OutStore, path: Path) -> str:
    return str(path.relative_to(store.local))


def pull_decision(store: OutStore, phase: int, k: int = 0) -> bool:
    """The ``k``-th merged decision of ``phase`` and the folder of arrays it names, fetched
    once into a remote OUT's mirror; whether it exists."""
    from tamis.run.worker import WORK, atomic_write, decision_path

    rel = _rel(store, decision_path(store.local, phase, k))
    if (store.local / rel).exists():
        return True  # a run writes each decision once, and this mirror is this run's alone
    if not store.pull(rel):
        return False
    with open(store.local / rel, "rb") as fh:
        decision = pickle.load(fh)
    folder = getattr(decision, "directory", None)
    if folder and "/.tamis/" in str(folder):
        # the arrays were merged in the driver's folder: this worker reads its own copy of them
        inner = WORK + "/" + str(folder).split("/.tamis/", 1)[1]
        shutil.rmtree(store.local / inner, ignore_errors=True)
        store.pull_tree(inner)
        decision.directory = str(store.local / inner)
        atomic_write(store.local / rel, pickle.dumps(decision, protocol=5))
    return True


def run_remote_task(task: Any) -> dict[str, Any]:
    """Run ``task`` (a :class:`tamis.run.worker.Task` whose OUT is a URL) and publish it."""
    from tamis.run.worker import (
        PROVISIONAL_REL,
        SETTLE_PHASE,
        marker_path,
        pipeline_for,
        run_task,
        spill_path,
        state_path,
    )

    store = OutStore(task.out_dir, task.owner, f"worker-{os.getpid()}")
    local = store.local
    ordinal = task.shard["ordinal"]
    if not (local / PROVISIONAL_REL).exists():  # written once, before the run's first task
        store.pull(PROVISIONAL_REL)
    written: list[str] = []
    pipeline = pipeline_for(task.config)
    if task.phase == SETTLE_PHASE:
        final = pipeline.phases[-1].index
        marker_rel = _rel(store, marker_path(local, final, ordinal))
        store.pull_many([marker_rel, "schema.json"])
        import orjson

        store.pull_many(
            [
                _rel(store, staging_path(local / info["file"]))
                if info.get("staged")
                else info["file"]
                for info in orjson.loads((local / marker_rel).read_bytes())["outputs"].values()
            ]
        )
    else:
        marker_rel = _rel(store, marker_path(local, task.phase, ordinal))
        if task.phase > 0:
            store.pull(_rel(store, spill_path(local, task.phase - 1, ordinal)))
        for k in range(len(pipeline.phases[task.phase].apply)):
            pull_decision(store, task.phase - 1, k)
    try:
        marker = run_task(replace(task, out_dir=str(local), owner=""))
        if "outputs" in marker:
            for info in marker["outputs"].values():
                path = local / info["file"]
                staged = staging_path(path)
                written.append(_rel(store, path if path.exists() else staged))
                if staged.exists() and path.exists():
                    written.append(_rel(store, staged))  # dropped later, once settled
        if task.phase != SETTLE_PHASE and not pipeline.phases[task.phase].final:
            written.append(_rel(store, spill_path(local, task.phase, ordinal)))
            for k in range(len(pipeline.phases[task.phase].observe)):
                written.append(_rel(store, state_path(local, task.phase, ordinal, k)))
        check_owner(task.out_dir, task.owner)  # a worker left from a dead run publishes nothing
        store.push_many(
            [
                rel
                for rel in dict.fromkeys(written)
                if not (task.phase == SETTLE_PHASE and "/staging/" in rel)
            ]
        )
        check_owner(task.out_dir, task.owner)
        store.push(marker_rel)  # last: the task is done in OUT from now on
        if task.phase == SETTLE_PHASE:
            store.remove_many(
                [
                    _rel(store, staging_path(local / info["file"]))
                    for info in marker["outputs"].values()
                ]
            )
        counts = Counter(marker.get("storage") or {})
        counts.update(storage.take_counts())
        marker["storage"] = dict(counts)
    finally:
        for rel in [*written, marker_rel]:
            (local / rel).unlink(missing_ok=True)
        if task.phase > 0 and task.phase != SETTLE_PHASE:
            spill_path(local, task.phase - 1, ordinal).unlink(missing_ok=True)
    return marker
