"""Workers die with the process that started them.

Pool workers are children of multiprocessing's forkserver, not of the tamis driver, so when the
driver is killed (SIGKILL, the OOM killer, a scheduler) nothing told them to stop: they ran on,
writing into OUT while a rerun started. Each worker therefore binds its life to the driver's,
two ways:

- on Linux, ``prctl(PR_SET_PDEATHSIG, SIGKILL)``: the kernel kills the worker when its parent
  (the forkserver, which itself exits when the driver's end of its pipe closes) goes away;
- everywhere, a daemon thread that looks at the driver's pid every ``POLL_SECONDS`` and ends
  the worker when the driver is gone (or the pid now belongs to another process).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading

from tamis.run.lock import pid_alive, process_start

POLL_SECONDS = 0.25
PR_SET_PDEATHSIG = 1
EXIT_ORPHANED = 70


def set_parent_death_signal(sig: int = signal.SIGKILL) -> bool:
    """Ask the Linux kernel to send ``sig`` to this process when its parent dies."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def watch_driver(driver_pid: int, poll_seconds: float = POLL_SECONDS) -> threading.Thread:
    """A daemon thread that ends this process as soon as ``driver_pid`` is gone."""
    start = process_start(driver_pid)
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(poll_seconds):
            if not pid_alive(driver_pid, start):
                with contextlib.suppress(Exception):
                    sys.stderr.flush()
                os._exit(EXIT_ORPHANED)

    thread = threading.Thread(target=loop, name="tamis-lifeline", daemon=True)
    thread.start()
    return thread


def bind_to_driver(driver_pid: int) -> None:
    """Called in each worker as it starts (the pool initializer)."""
    parent = os.getppid()
    set_parent_death_signal()
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(EXIT_ORPHANED)
    if not pid_alive(driver_pid):
        os._exit(EXIT_ORPHANED)
    watch_driver(driver_pid)
