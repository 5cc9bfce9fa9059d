"""Faults a long run meets, injected for real: workers and drivers killed, a full disk, a
read-only or forbidden OUT, inputs deleted or cut during the run, damaged work state.

Each fault ends in one line on stderr and the exit code (1 run failed, 2 bad usage/input), and
a rerun once the cause is gone gives records identical to an undisturbed run, verified.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.faults import (
    ENV,
    STAGES,
    WorkerKiller,
    alive,
    command,
    descendants,
    in_namespace,
    kill_driver_when,
    markers,
    namespaces_work,
    one_line,
    reuters_corpus,
    run,
)
from tests.helpers import output_digest, tamis


@pytest.fixture(scope="module")
def corpus(shared_data, tmp_path_factory) -> Path:
    return reuters_corpus(shared_data, tmp_path_factory.mktemp("reuters"), files=6, per_file=300)


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory) -> dict[str, str]:
    """The undisturbed run's records (one worker, in process)."""
    out = tmp_path_factory.mktemp("ref") / "out"
    assert (
        tamis(
            "clean",
            corpus,
            "-o",
            out,
            "--stages",
            STAGES,
            "--workers",
            "1",
            "--quiet",
            "--no-report",
        )
        == 0
    )
    return output_digest(out)


def _rerun_matches(corpus: Path, out: Path, reference: dict[str, str]) -> None:
    res = run(command(corpus, out))
    assert res.returncode == 0, res.stderr
    assert output_digest(out) == reference
    assert tamis("verify", out) == 0
    assert not list(out.rglob("*.tmp")) and not (out / ".tamis" / "lock").exists()


# --- workers killed (the OOM killer) -------------------------------------------------------


def test_worker_killed_once_is_retried_with_smaller_batches(corpus, reference, tmp_path):
    out = tmp_path / "out"
    with WorkerKiller(out, phase=0, ordinal=2, times=1) as killer:
        code = tamis(
            "clean",
            corpus,
            "-o",
            out,
            "--stages",
            STAGES,
            "--workers",
            "2",
            "--quiet",
            "--no-report",
        )
    assert killer.killed, "the worker was never seen running the shard"
    assert code == 0
    assert output_digest(out) == reference
    assert tamis("verify", out) == 0


def test_worker_killed_again_fails_naming_the_shard(corpus, reference, tmp_path):
    out = tmp_path / "out"
    with WorkerKiller(out, phase=1, ordinal=3, times=2) as killer:
        res = run(command(corpus, out))
    assert len(killer.killed) == 2
    assert res.returncode == 1
    line = one_line(res.stderr)
    assert "shard 00003" in line and "reuters-03.jsonl" in line and "phase 1" in line
    assert "killed twice" in line and "batches of 16 documents" in line
    _rerun_matches(corpus, out, reference)


# --- the driver killed ---------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("point", ["phase0", "phase1"])
def test_driver_sigkilled_its_workers_die_within_a_second(corpus, reference, tmp_path, point):
    out = tmp_path / "out"
    ready = {
        "phase0": lambda: markers(out, 0) >= 1,
        "phase1": lambda: markers(out, 1) >= 1,
    }[point]
    code, gone, workers = kill_driver_when(command(corpus, out), ready)
    assert code == -signal.SIGKILL and workers
    assert gone < 1.0, f"workers outlived the driver by {gone:.2f} s"
    _rerun_matches(corpus, out, reference)


@pytest.mark.slow
def test_sigterm_mid_run_then_rerun_gives_identical_records(corpus, reference, tmp_path):
    out = tmp_path / "out"
    proc = subprocess.Popen(command(corpus, out), env=ENV, stderr=subprocess.PIPE)
    while markers(out, 0) < 2 and proc.poll() is None:
        time.sleep(0.002)
    workers = descendants(proc.pid)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    assert proc.returncode != 0
    _rerun_matches(corpus, out, reference)
    assert not any(alive(p) for p in workers)


def test_input_changed_after_a_killed_run_is_refused_by_name(corpus, tmp_path):
    changed = tmp_path / "c"
    shutil.copytree(corpus, changed)
    out = tmp_path / "out"
    kill_driver_when(command(changed, out), lambda: markers(out, 0) >= 1)
    with open(changed / "reuters-04.jsonl", "a") as fh:
        fh.write('{"text": "one more story"}\n')
    res = run(command(changed, out))
    assert res.returncode == 2
    line = one_line(res.stderr)
    assert "reuters-04.jsonl changed since that run started" in line and "--overwrite" in line


# --- disks: full, read-only, forbidden ------------------------------------------------------


def _need_namespaces() -> None:
    why = namespaces_work()
    if why is not None:
        pytest.skip(why)


def test_disk_full_is_one_line_and_the_rerun_after_freeing_space_completes(
    corpus, reference, tmp_path
):
    _need_namespaces()
    mnt, res_dir = tmp_path / "mnt", tmp_path / "res"
    mnt.mkdir()
    res_dir.mkdir()
    cmd = " ".join(f"'{c}'" for c in command(corpus, mnt / "out"))
    script = f"""
mount -t tmpfs -o size=256k tmpfs '{mnt}' || exit 90
{cmd} 2> '{res_dir}/err1'; echo $? > '{res_dir}/rc1'
df -k '{mnt}' | tail -1 > '{res_dir}/df'
mount -o remount,size=64m '{mnt}'
{cmd} 2> '{res_dir}/err2'; echo $? > '{res_dir}/rc2'
cp -a '{mnt}/out' '{res_dir}/out'
"""
    done = in_namespace(script)
    assert done.returncode == 0, done.stderr
    assert (res_dir / "rc1").read_text().strip() == "1"
    line = one_line((res_dir / "err1").read_text())
    assert "no space left on device" in line and str(mnt / "out") in line
    assert "run the same command again to resume" in line
    assert (res_dir / "rc2").read_text().strip() == "0", (res_dir / "err2").read_text()
    assert output_digest(res_dir / "out") == reference
    assert tamis("verify", res_dir / "out") == 0


def test_read_only_out_exits_2_with_one_line(corpus, tmp_path):
    _need_namespaces()
    mnt = tmp_path / "ro"
    mnt.mkdir()
    cmd = " ".join(f"'{c}'" for c in command(corpus, mnt / "out"))
    done = in_namespace(f"mount -t tmpfs -o ro,size=64k tmpfs '{mnt}' || exit 90\n{cmd}")
    assert done.returncode == 2, done.stderr
    line = one_line(done.stderr)
    assert "read-only file system" in line and str(mnt / "out") in line


def test_permission_denied_exits_2_with_one_line(corpus):
    # a folder this user may not write into: for root, a run as 'nobody' (setpriv); for
    # anyone else, a folder without write permission
    top = Path(tempfile.mkdtemp(prefix="tamis-perm-"))
    try:
        os.chmod(top, 0o755)
        shutil.copytree(corpus, top / "c")
        os.chmod(top / "c", 0o755)
        locked = top / "locked"
        locked.mkdir(mode=0o555)
        cmd = command(top / "c", locked / "out")
        if os.geteuid() == 0:
            if not shutil.which("setpriv"):
                pytest.skip("running as root without setpriv (util-linux) to drop to 'nobody'")
            cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
        done = run(cmd)
        assert done.returncode == 2, done.stderr
        line = one_line(done.stderr)
        assert "permission denied" in line and str(locked / "out") in line
    finally:
        shutil.rmtree(top)


# --- inputs deleted or cut during the run -------------------------------------------------


@pytest.mark.parametrize("fault", ["deleted", "truncated"])
def test_input_deleted_or_truncated_during_the_run(corpus, reference, tmp_path, fault):
    victim = corpus / "reuters-05.jsonl"
    saved, st = victim.read_bytes(), victim.stat()
    out = tmp_path / "out"
    proc = subprocess.Popen(command(corpus, out), env=ENV, stderr=subprocess.PIPE, text=True)
    try:
        while markers(out, 0) < 1 and proc.poll() is None:
            time.sleep(0.002)
        if fault == "deleted":
            victim.unlink()
        else:
            victim.write_bytes(saved[: len(saved) // 3])
        _, err = proc.communicate(timeout=600)
    finally:  # the corpus is shared by the module's tests: put it back as it was
        victim.write_bytes(saved)
        os.utime(victim, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert proc.returncode == 1
    line = one_line(err)
    assert str(victim) in line
    assert (
        "disappeared during the run" if fault == "deleted" else "changed during the run"
    ) in line
    res = run(command(corpus, out, "--overwrite"))
    assert res.returncode == 0, res.stderr
    assert output_digest(out) == reference


# --- damaged work state ------------------------------------------------------------------


def _finished(corpus: Path, out: Path) -> None:
    res = run(command(corpus, out))
    assert res.returncode == 0, res.stderr


def test_corrupt_fingerprint_is_one_line(corpus, tmp_path):
    out = tmp_path / "out"
    _finished(corpus, out)
    (out / ".tamis" / "fingerprint.json").write_bytes(b'{"tamis": "0.')
    res = run(command(corpus, out))
    assert res.returncode == 1
    line = one_line(res.stderr)
    assert "fingerprint.json is corrupt" in line and "--overwrite" in line
    debug = run([*command(corpus, out)[:3], "--debug", *command(corpus, out)[3:]])
    assert "Traceback" in debug.stderr and debug.returncode == 1


def test_damaged_marker_is_redone_and_missing_spill_names_what_to_delete(
    corpus, reference, tmp_path
):
    out = tmp_path / "out"
    _finished(corpus, out)
    (out / ".tamis" / "phase1" / "00002.done.json").write_bytes(b"\x00\x00garbage")
    # the damaged final marker: that task is redone from its phase-0 spill, which a finished
    # run has deleted, so the run stops naming the marker whose shard must be redone too
    res = run(command(corpus, out))
    assert res.returncode == 1
    line = one_line(res.stderr)
    hint = out / ".tamis" / "phase0" / "00002.done.json"
    assert "00002.spill.zst is missing" in line and f"delete {hint}" in line
    hint.unlink()
    _rerun_matches(corpus, out, reference)


@pytest.mark.slow
def test_a_120_mb_single_line_record_is_quarantined_and_the_rest_kept(corpus, tmp_path):
    big = tmp_path / "c"
    shutil.copytree(corpus, big)
    with open(big / "reuters-02.jsonl", "ab") as fh:
        fh.write(b'{"id": "huge", "text": "' + b"word " * 24_000_000 + b'"}\n')
    out = tmp_path / "out"
    res = run(command(big, out))
    assert res.returncode == 0, res.stderr
    import orjson

    manifest = orjson.loads((out / "manifest.json").read_bytes())
    counts = manifest["counts"]
    assert counts["quarantined"] == 1 and counts["input"] == 6 * 300 + 1
    assert counts["kept"] + counts["rejected"] == 6 * 300
    stats = orjson.loads((out / "stats.json").read_bytes())
    assert stats["quarantined"]["reasons"] == {"record_too_large": 1}
    assert tamis("verify", out) == 0
