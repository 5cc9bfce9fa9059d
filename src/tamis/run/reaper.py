"""A local Ray instance dies with the tamis driver that started it.

``ray.init()`` starts Ray's own daemons (GCS, raylet, dashboard and runtime-env agents, task
workers) as descendants of the driver. When the driver is SIGKILLed, the raylet takes its task
workers down only after several seconds, and two agents are left running for good, orphaned to
init. A pool worker can arm a parent-death signal for itself (``lifeline``); Ray's processes
cannot be asked to. So a small separate process, in a session of its own (a kill of the
driver's process group leaves it alive to do its job), keeps the list of the driver's
descendants, with their start times so that a reused pid is never touched, and kills them all
as soon as the driver is gone. Linux only (``/proc``); elsewhere Ray's own clean-up is all there
is.

    python -m tamis.run.reaper DRIVER_PID
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tamis.run.lock import pid_alive, process_start

POLL_SECONDS = 0.2


def _parents() -> dict[int, int]:
    out = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text()
                out[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return out


def descendants(root: int) -> set[int]:
    """Every process below ``root`` now."""
    children: dict[int, list[int]] = {}
    for pid, ppid in _parents().items():
        children.setdefault(ppid, []).append(pid)
    found, todo = set(), [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def running(pid: int, start: str | None) -> bool:
    """Alive and not a zombie (a killed driver stays one until its parent reaps it)."""
    if not pid_alive(pid, start):
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def reap(driver: int, poll: float = POLL_SECONDS) -> int:
    """Watch ``driver``; once it is gone, SIGKILL every descendant it had. Returns how many."""
    start = process_start(driver)
    known: dict[int, str | None] = {}
    me = os.getpid()
    while running(driver, start):
        for pid in descendants(driver) - {me}:
            known.setdefault(pid, process_start(pid))
        time.sleep(poll)
    killed = 0
    for pid, started in known.items():
        if started is not None and pid_alive(pid, started):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
                killed += 1
    return killed


def start_reaper(driver: int | None = None) -> subprocess.Popen | None:
    """Start the watcher of ``driver`` (default: this process); None where /proc is missing."""
    if not sys.platform.startswith("linux"):
        return None
    return subprocess.Popen(
        [sys.executable, "-m", "tamis.run.reaper", str(driver or os.getpid())],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def stop_reaper(reaper: subprocess.Popen) -> None:
    """End a watcher whose driver shut Ray down itself; a long-lived driver that starts Ray
    several times would otherwise gather one polling watcher per start."""
    with contextlib.suppress(ProcessLookupError):
        reaper.terminate()
    with contextlib.suppress(subprocess.TimeoutExpired):
        reaper.wait(timeout=5)


if __name__ == "__main__":
    reap(int(sys.argv[1]))
