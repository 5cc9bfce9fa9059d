"""Helpers for the fault-injection tests and benchmark: real corpora, runs in subprocesses,
killing a run's driver or one of its workers, and namespaces with a small or read-only disk."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import orjson
import zstandard

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + str(ROOT)}
STAGES = "repair,clean,exact_dedup,gopher_quality"  # two phases: spills and states between


def reuters_corpus(shared_data: Path, dest: Path, files: int, per_file: int) -> Path:
    """``files`` JSONL files of ``per_file`` real Reuters stories each (the first ones)."""
    dest.mkdir(parents=True, exist_ok=True)
    src = shared_data / "text" / "reuters-21578.jsonl.zst"
    with open(src, "rb") as fh:
        reader = io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(fh), "utf-8")
        for k in range(files):
            lines = [next(reader) for _ in range(per_file)]
            (dest / f"reuters-{k:02d}.jsonl").write_text("".join(lines), encoding="utf-8")
    return dest


def command(
    corpus: Path, out: Path, *extra: str, workers: int = 2, stages: str = STAGES
) -> list[str]:
    return [
        sys.executable,
        "-m",
        "tamis.cli",
        "clean",
        str(corpus),
        "-o",
        str(out),
        "--stages",
        stages,
        "--workers",
        str(workers),
        "--quiet",
        "--no-report",
        *extra,
    ]


def run(cmd: list[str], timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, env=ENV, capture_output=True, text=True, timeout=timeout)


def one_line(stderr: str) -> str:
    """The single error line a failed command printed (and nothing else)."""
    lines = [ln for ln in stderr.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, f"expected one line on stderr, got:\n{stderr}"
    assert lines[0].startswith("tamis: error: "), lines[0]
    assert "Traceback" not in stderr
    return lines[0]


def markers(out: Path, phase: int | None = None) -> int:
    pattern = f"phase{phase}/*.done.json" if phase is not None else "phase*/*.done.json"
    return len(list((out / ".tamis").glob(pattern)))


def descendants(pid: int) -> list[int]:
    """Every live process below ``pid`` (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(d.name))
    out, todo = [], [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def alive(pid: int) -> bool:
    """Running (not gone, not a zombie waiting to be reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def kill_driver_when(cmd: list[str], ready, timeout: float = 300) -> tuple[int, float, list[int]]:
    """Start ``cmd``, SIGKILL its main process alone once ``ready()`` holds.

    Returns (the driver's return code, seconds until its last worker was gone, the workers).
    """
    proc = subprocess.Popen(cmd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + timeout
    while not ready() and proc.poll() is None and time.time() < deadline:
        time.sleep(0.01)
    if proc.poll() is not None:
        raise RuntimeError("the run ended before it could be killed; make the corpus bigger")
    workers = descendants(proc.pid)
    t0 = time.perf_counter()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    while any(alive(p) for p in workers) and time.perf_counter() - t0 < 30:
        time.sleep(0.005)
    gone = time.perf_counter() - t0
    for p in workers:  # never leave one behind, even when the test fails
        if alive(p):
            os.kill(p, signal.SIGKILL)
    return proc.returncode, gone, workers


class WorkerKiller:
    """Kills (SIGKILL, as the OOM killer does) the pool worker that runs one task.

    Pool workers note the task they run in ``OUT/.tamis/running/<pid>.json``; this watches
    that folder and kills the worker as soon as it takes up (phase, shard), ``times`` times.
    """

    def __init__(self, out: Path, phase: int, ordinal: int, times: int) -> None:
        self.folder = out / ".tamis" / "running"
        self.target = {"phase": phase, "ordinal": ordinal}
        self.times = times
        self.killed: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> WorkerKiller:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while not self._stop.is_set() and len(self.killed) < self.times:
            for f in list(self.folder.glob("*.json")) if self.folder.is_dir() else []:
                try:
                    info = orjson.loads(f.read_bytes())
                except (OSError, orjson.JSONDecodeError):
                    continue
                pid = int(f.stem)
                if info == self.target and pid not in self.killed and alive(pid):
                    os.kill(pid, signal.SIGKILL)
                    self.killed.append(pid)
            time.sleep(0.002)


def in_namespace(script: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run a shell script as root of a new user + mount namespace (mounts stay inside it)."""
    return subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def namespaces_work() -> str | None:
    """None when a tmpfs can be mounted in a user + mount namespace here, else why not."""
    if not shutil.which("unshare"):
        return "unshare (util-linux) is not installed"
    probe = in_namespace("d=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs $d && umount $d")
    if probe.returncode != 0:
        return f"cannot mount a tmpfs in a user namespace here: {probe.stderr.strip()[:200]}"
    return None
