"""Faults a run meets, and the one line a user reads about each.

A run that takes days meets full disks, read-only mounts, inputs moved away under it, workers
killed by the OOM killer and damaged work state. None of these is a bug in tamis, so none should
end in a traceback: :func:`explain` turns each into one line (what happened, where, what to do)
and the exit code the command returns: 1 when the run failed, 2 when the usage, input or
configuration is wrong. ``tamis --debug`` still prints the traceback.
"""

from __future__ import annotations

import errno
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

EXIT_FAIL, EXIT_USAGE = 1, 2

RESUME = "run the same command again to resume"


class CorruptState(Exception):
    """A file under ``OUT/.tamis/`` cannot be read back; the message says what to delete."""


class InputChanged(Exception):
    """An input vanished or changed while the run read it."""


class WorkerLost(Exception):
    """A worker process died (killed by a signal: the OOM killer, a user) even after a retry."""


def redo_hint(out: str | Path, phase: int, ordinal: int) -> str:
    marker = Path(out) / ".tamis" / f"phase{phase}" / f"{ordinal:05d}.done.json"
    return f"delete {marker} (that shard is redone) and {RESUME}"


def _where(exc: OSError, out: str | None) -> str:
    """The file the error names; else the output being written (writes name no file)."""
    if exc.filename:
        return f" ({exc.filename})"
    return f" (writing under {out})" if out else ""


def explain(exc: BaseException, out: str | None = None) -> tuple[str, int] | None:
    """``(one line, exit code)`` for a fault a user can meet, or None for a bug.

    ``out`` is the output the command writes, named when the error itself names no file.
    """
    from tamis.run.lock import LockLost, OutputInUse

    if isinstance(exc, OutputInUse):
        return str(exc), EXIT_USAGE
    if isinstance(exc, (CorruptState, WorkerLost, LockLost)):
        return str(exc), EXIT_FAIL
    if isinstance(exc, InputChanged):
        return str(exc), EXIT_FAIL
    if isinstance(exc, BrokenProcessPool):
        return (
            "a worker process died abruptly (killed by the OOM killer or a signal?); "
            f"give the run more memory or fewer --workers, then {RESUME}",
            EXIT_FAIL,
        )
    if isinstance(exc, MemoryError):
        return (
            "out of memory; lower --workers, shard_size_mb or max_record_bytes, then " + RESUME,
            EXIT_FAIL,
        )
    if isinstance(exc, OSError):
        return _explain_os(exc, out)
    return None


def _explain_os(exc: OSError, out: str | None) -> tuple[str, int] | None:
    where = _where(exc, out)
    code = exc.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        what = "no space left on device" if code == errno.ENOSPC else "disk quota exceeded"
        return (
            f"{what}{where}; free space on that file system (or choose another -o), then "
            f"{RESUME}: finished shards are kept",
            EXIT_FAIL,
        )
    if code == errno.EROFS:
        return (
            f"read-only file system{where}; choose an output on a writable file system (-o)",
            EXIT_USAGE,
        )
    if code in (errno.EACCES, errno.EPERM):
        return (
            f"permission denied{where}; give this user access to it (or choose another -o), "
            f"then {RESUME}",
            EXIT_USAGE,
        )
    if code == errno.ENOENT:
        return (
            f"file disappeared during the run{where}; if it is an input, restore it; if it "
            f"is under OUT, another process is deleting it; then {RESUME}",
            EXIT_FAIL,
        )
    if code in (errno.ENOTDIR, errno.EEXIST):
        return (
            f"a file is in the way where a folder is needed{where}; choose another -o",
            EXIT_USAGE,
        )
    if code == errno.EIO:
        return f"input/output error{where}: the disk or network file system failed", EXIT_FAIL
    if code == errno.EMFILE or code == errno.ENFILE:
        return f"too many open files{where}; raise `ulimit -n`, then {RESUME}", EXIT_FAIL
    return None
