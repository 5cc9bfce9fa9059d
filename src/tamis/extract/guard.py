"""A per-page time limit that works inside a worker process.

trafilatura is known to hang on some pages (its issues #704 and #216), and one page must not
stall a shard. In the main thread of a process (which is where a process-pool worker runs its
tasks) a ``SIGALRM`` interval timer interrupts the Python code of the extractor and raises
:class:`PageTimeout`; the previous handler and timer are restored afterwards, so guards nest
and leave no trace. Outside the main thread signals cannot be used; there the call runs in a
daemon thread that is abandoned after the limit (its result is ignored), which bounds the
caller's wait though not the CPU the stray thread may still burn.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class PageTimeout(BaseException):
    """The page took longer than the per-page time limit.

    A BaseException, like KeyboardInterrupt: the alarm lands wherever the extractor happens to
    be, and extractors wrap much of their work in ``except Exception`` blocks that would
    swallow an ordinary exception and carry on past the limit.
    """


def run_with_time_limit(func: Callable[[], T], seconds: float | None) -> T:
    """``func()``, or :class:`PageTimeout` once ``seconds`` of wall time have passed."""
    if not seconds or seconds <= 0:
        return func()
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        return _with_alarm(func, seconds)
    return _with_thread(func, seconds)


#: after the limit, the alarm repeats at this interval until the call ends: a PageTimeout raised
#: where Python cannot propagate it (in a finaliser run by the garbage collector, a weakref
#: callback) is only printed as "unraisable", and the extractor would otherwise run on unbounded
RETRY_SECONDS = 0.05


def _with_alarm(func: Callable[[], T], seconds: float) -> T:
    state = {"fired": False, "done": False}

    def on_alarm(signum, frame):  # noqa: ARG001 - signal handler signature
        if state["done"]:
            return
        state["fired"] = True
        raise PageTimeout(f"page extraction exceeded {seconds:g} s")

    previous_handler = signal.signal(signal.SIGALRM, on_alarm)
    previous_delay, previous_interval = signal.setitimer(signal.ITIMER_REAL, seconds, RETRY_SECONDS)
    started = time.monotonic()
    try:
        result = func()
    finally:
        state["done"] = True
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:
            signal.signal(signal.SIGALRM, previous_handler)
            if previous_delay:
                # an outer guard was running: give it back what is left of its time (>= 1 ms)
                left = previous_delay - (time.monotonic() - started)
                signal.setitimer(signal.ITIMER_REAL, max(left, 0.001), previous_interval)
    if state["fired"]:
        # the alarm went off but its exception was swallowed where it landed: the page still
        # took longer than the limit
        raise PageTimeout(f"page extraction exceeded {seconds:g} s")
    return result


def _with_thread(func: Callable[[], T], seconds: float) -> T:
    box: dict[str, object] = {}

    def target() -> None:
        try:
            box["value"] = func()
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller below
            box["error"] = exc

    worker = threading.Thread(target=target, daemon=True, name="tamis-extract")
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise PageTimeout(f"page extraction exceeded {seconds:g} s")
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]
