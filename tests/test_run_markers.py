"""The marker contract: a task publishes its files whole, by rename, its marker last, after one
check that the run still owns OUT; nothing it writes is fsynced (README, "What survives a
crash")."""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest

import tamis.run.worker as worker
from tamis.config import load_config
from tamis.run.lock import OutLock
from tamis.run.plan import plan_shards
from tamis.run.worker import Task, marker_path, run_task


@pytest.fixture()
def one_task(tmp_path: Path):
    src = tmp_path / "a.jsonl"
    lines = [orjson.dumps({"text": f"document number {i} with a few words"}) for i in range(50)]
    lines.append(b'{"text": ""}')  # rejected (empty): a second output kind
    src.write_bytes(b"\n".join(lines) + b"\n")
    out = tmp_path / "out"
    cfg = load_config(None, "clean", {"inputs": [str(src)], "output": str(out), "stages": []})
    (shard,) = plan_shards([str(src)], 64)
    return out, cfg.resolved(), shard.to_dict()


def test_outputs_are_renamed_into_place_before_the_marker_and_the_owner_checked_once_before(
    one_task, monkeypatch
):
    out, config, shard = one_task
    events: list[str] = []
    real_replace, real_check = os.replace, worker.check_owner

    def replace(src, dst):
        events.append("rename " + Path(dst).relative_to(out).as_posix())
        real_replace(src, dst)

    def check(out_dir, token):
        events.append("check")
        real_check(out_dir, token)

    def no_fsync(fd):
        raise AssertionError("a task's file was fsynced")

    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(worker, "check_owner", check)
    with OutLock(out, "clean") as lock:  # the lock's own file is fsynced: taken first
        monkeypatch.setattr(os, "fsync", no_fsync)
        marker = run_task(Task(str(out), config, 0, shard, owner=lock.token))
    renames = [e for e in events if e.startswith("rename")]
    assert events.count("check") == 1
    assert events[0] == "check"  # before anything is published
    assert renames[-1] == "rename .tamis/phase0/00000.done.json"  # the marker last
    published = {e.removeprefix("rename ") for e in renames}
    for kind in ("kept", "rejected"):
        assert marker["outputs"][kind]["file"] in published
    assert orjson.loads(marker_path(out, 0, 0).read_bytes()) == marker


def test_a_task_that_fails_while_publishing_leaves_no_marker_and_runs_again_the_same(
    one_task, monkeypatch
):
    out, config, shard = one_task
    task = Task(str(out), config, 0, shard)
    real_replace = os.replace

    def fail_on_rejected(src, dst):
        if "rejected" in str(dst):
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", fail_on_rejected)
    with pytest.raises(OSError, match="No space"):
        run_task(task)
    assert not marker_path(out, 0, 0).exists()
    monkeypatch.setattr(os, "replace", real_replace)
    marker = run_task(task)
    kept = (out / marker["outputs"]["kept"]["file"]).read_bytes()
    again = run_task(task)
    assert again["outputs"] == marker["outputs"]
    assert (out / marker["outputs"]["kept"]["file"]).read_bytes() == kept


def test_the_drivers_files_are_still_fsynced(tmp_path, monkeypatch):
    synced: list[int] = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real(fd)))
    worker.atomic_write(tmp_path / "manifest.json", b"{}")
    assert len(synced) == 1
    worker.publish_task_file(tmp_path / "00000.done.json", b"{}")
    assert len(synced) == 1
    assert (tmp_path / "00000.done.json").read_bytes() == b"{}"
    assert not list(tmp_path.glob("*.tmp"))
