"""One writer per OUT: a second run refuses at once; a dead run's lock is taken over."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from tamis.run.lock import LockLost, OutLock, OutputInUse, check_owner, lock_path, read_lock
from tests.helpers import tamis

ROOT = Path(__file__).resolve().parents[1]


def _write_lock(out: Path, **info) -> None:
    lock_path(out).parent.mkdir(parents=True, exist_ok=True)
    lock_path(out).write_bytes(orjson.dumps(info))


def test_lock_holds_pid_host_start_and_is_gone_after_release(tmp_path):
    out = tmp_path / "out"
    with OutLock(out, "clean") as lock:
        info = read_lock(out)
        assert info["pid"] == os.getpid() and info["host"] == socket.gethostname()
        assert info["started"].endswith("Z") and info["token"] == lock.token
        lock.keep()
    assert not lock_path(out).exists()
    assert out.is_dir()


def test_refused_lock_leaves_no_folder_it_created(tmp_path):
    out = tmp_path / "fresh"
    with OutLock(out, "clean"):
        pass
    assert not out.exists()  # nothing was kept: the folders made for the lock are removed


def test_a_second_holder_in_another_process_is_refused(tmp_path):
    out = tmp_path / "out"
    code = (
        "import sys,time; from pathlib import Path; from tamis.run.lock import OutLock\n"
        "l = OutLock(Path(sys.argv[1]), 'clean').acquire(); print('held', flush=True)\n"
        "time.sleep(60)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(out)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "held"
        with pytest.raises(OutputInUse) as err:
            OutLock(out, "clean").acquire()
        msg = str(err.value)
        assert f"by pid {proc.pid} on host {socket.gethostname()}" in msg
        assert "is in use by run started at 20" in msg
    finally:
        proc.kill()
        proc.wait()
    # killed: the kernel dropped its flock, so the lock is taken over at once
    with OutLock(out, "clean") as lock:
        assert read_lock(out)["token"] == lock.token


def test_stale_lock_of_a_dead_pid_on_this_host_is_taken_over(tmp_path):
    out = tmp_path / "out"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        text=True,
        capture_output=True,
        check=True,
    )
    _write_lock(
        out,
        pid=int(dead.stdout),
        host=socket.gethostname(),
        started="x",
        heartbeat=time.time(),
        token="old",
    )
    with OutLock(out, "clean") as lock:
        assert read_lock(out)["token"] == lock.token


def test_lock_from_another_host_is_live_while_its_heartbeat_is_fresh(tmp_path):
    out = tmp_path / "out"
    _write_lock(
        out,
        pid=1,
        host="node-7",
        started="2026-01-01T00:00:00Z",
        heartbeat=time.time(),
        token="theirs",
    )
    with pytest.raises(OutputInUse, match="by pid 1 on host node-7"):
        OutLock(out, "clean").acquire()
    # no heartbeat for longer than the timeout: that host's run is gone
    _write_lock(
        out,
        pid=1,
        host="node-7",
        started="2026-01-01T00:00:00Z",
        heartbeat=time.time() - 3600,
        token="theirs",
    )
    with OutLock(out, "clean", stale_seconds=120) as lock:
        assert read_lock(out)["token"] == lock.token


def test_heartbeat_moves_and_takeover_is_seen_by_the_old_owner(tmp_path):
    out = tmp_path / "out"
    lock = OutLock(out, "clean", heartbeat_seconds=0.05).acquire()
    try:
        first = read_lock(out)["heartbeat"]
        time.sleep(0.3)
        assert read_lock(out)["heartbeat"] > first
        check_owner(out, lock.token)
        _write_lock(out, pid=1, host="node-7", started="x", heartbeat=time.time(), token="new")
        with pytest.raises(LockLost, match="no longer owned by this run"):
            check_owner(out, lock.token)
    finally:
        lock.release()
    assert read_lock(out)["token"] == "new"  # release never deletes someone else's lock


def test_second_clean_on_a_busy_out_exits_2_with_one_line(tmp_path, capsys):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.jsonl").write_text('{"text": "hello world, a document"}\n')
    out = tmp_path / "out"
    _write_lock(
        out,
        pid=1,
        host="node-7",
        started="2026-01-01T00:00:00Z",
        heartbeat=time.time(),
        token="theirs",
    )
    assert tamis("clean", corpus, "-o", out, "--quiet", "--workers", "1") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith(f"tamis: error: {out} is in use by run started at 2026-01-01")
    assert sorted(p.name for p in out.rglob("*")) == [".tamis", "lock"]  # OUT untouched


def test_overwrite_keeps_the_lock_and_report_refuses_while_a_run_holds_it(tmp_path, capsys):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.jsonl").write_text('{"text": "hello world, a document"}\n')
    out = tmp_path / "out"
    assert tamis("clean", corpus, "-o", out, "--quiet", "--workers", "1", "--stages", "clean") == 0
    assert tamis("clean", corpus, "-o", out, "--quiet", "--workers", "1", "--overwrite") == 0
    assert (out / "manifest.json").exists() and not lock_path(out).exists()
    with OutLock(out, "clean"):
        assert tamis("report", out) == 2
    assert "is in use by run" in capsys.readouterr().err


def test_a_worker_of_a_run_that_lost_out_publishes_nothing(tmp_path):
    from tamis.config import load_config
    from tamis.run.plan import plan_shards
    from tamis.run.worker import Task, marker_path, run_task

    src = tmp_path / "a.jsonl"
    src.write_text('{"text": "hello world, a document"}\n')
    out = tmp_path / "out"
    cfg = load_config(None, "clean", {"inputs": [str(src)], "output": str(out)})
    (shard,) = plan_shards([str(src)], 64)
    with OutLock(out, "clean") as new_owner:
        stale = Task(str(out), cfg.resolved(), 0, shard.to_dict(), owner="token-of-a-dead-run")
        with pytest.raises(LockLost):
            run_task(stale)
        assert not marker_path(out, 0, 0).exists()
        published = [p for p in out.rglob("part-*") if not p.name.endswith(".tmp")]
        assert published == []  # (a .tmp it left is overwritten by the owner's own writer)
        fresh = Task(str(out), cfg.resolved(), 0, shard.to_dict(), owner=new_owner.token)
        run_task(fresh)
        assert marker_path(out, 0, 0).exists()


def test_an_out_that_is_a_file_is_one_line_exit_2(tmp_path, capsys):
    src = tmp_path / "a.jsonl"
    src.write_text('{"text": "hello world, a document"}\n')
    blocker = tmp_path / "out"
    blocker.write_text("a file, not a folder")
    assert tamis("clean", src, "-o", blocker, "--quiet", "--stages", "clean") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "a file is in the way" in err[0] and str(blocker) in err[0]
    assert blocker.read_text() == "a file, not a folder"
