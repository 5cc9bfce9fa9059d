"""One writer per output directory: the lock on ``OUT/.tamis/lock``.

Two runs writing one OUT (a command pasted twice, a scheduler's retry, two hosts sharing a file
system) would interleave shards and markers. Every command that writes OUT therefore takes this
lock first, and a second one refuses at once, naming the run that holds it.

The lock is a small JSON file (pid, host, start time, heartbeat, a token unique to the run),
held two ways:

- an exclusive ``flock`` on the open file, which the kernel releases when the holder dies, so a
  run killed by SIGKILL or the OOM killer never leaves a lock behind on a local file system;
- a heartbeat: a thread rewrites the file every ``HEARTBEAT_SECONDS``. On a network file system
  where ``flock`` does not reach other hosts (or is not supported), a lock written by another
  host is live while its heartbeat is younger than ``STALE_SECONDS``, and taken over after that;
  on the same host a lock whose process is gone (or is another process with the same pid) is
  stale at once.

Workers read the token before they rename a finished spill, state or marker into place, so a
worker left over from a dead run can never publish into a run that took OUT over.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

import orjson

from tamis.io import storage

LOCK_NAME = "lock"
HEARTBEAT_SECONDS = 10.0
STALE_SECONDS = 120.0  # a lock from another host with no heartbeat for this long is stale


class OutputInUse(Exception):
    """OUT is locked by a live run: the command refuses before touching anything."""


class LockLost(Exception):
    """This process no longer owns OUT (a later run took it over): stop writing."""


def lock_path(out: Path | str) -> Any:
    """The lock file (a Path), or the lock object (a URL) when OUT is one."""
    if storage.is_url(out):
        return storage.join(out, ".tamis", LOCK_NAME)
    return Path(out) / ".tamis" / LOCK_NAME


def process_start(pid: int) -> str | None:
    """The kernel's start time of ``pid`` (Linux), so that a reused pid is not taken as alive."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def pid_alive(pid: int, start: str | None = None) -> bool:
    """Whether process ``pid`` on this host exists (and is the one that started at ``start``)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by someone else
    if start is not None and sys.platform.startswith("linux"):
        now = process_start(pid)
        return now is None or now == start
    return True


def read_lock(out: Path | str) -> dict[str, Any] | None:
    """The lock's content, or None when there is none (or it is being written right now)."""
    for _ in range(3):
        try:
            data = storage.read_bytes(lock_path(out))
        except FileNotFoundError:
            return None
        if not data:
            return None
        try:
            info = orjson.loads(data)
        except orjson.JSONDecodeError:
            time.sleep(0.05)  # a heartbeat rewriting it in place
            continue
        return info if isinstance(info, dict) else None
    return None


def describe(info: dict[str, Any]) -> str:
    return (
        f"started at {info.get('started', '?')} by pid {info.get('pid', '?')} "
        f"on host {info.get('host', '?')}"
    )


def owner_info(command: str, token: str) -> dict[str, Any]:
    """What a lock on OUT says of its holder, on disk or in an object store alike."""
    now = time.time()
    return {
        "pid": os.getpid(),
        "pid_start": process_start(os.getpid()),
        "host": socket.gethostname(),
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)),
        "heartbeat": now,
        "command": command,
        "token": token,
    }


def _is_stale(info: dict[str, Any] | None, flock_held: bool, stale_seconds: float) -> bool:
    if not info:
        return True
    if info.get("host") == socket.gethostname():
        if flock_held:
            return True  # a live holder on this host would hold the flock
        return not pid_alive(int(info.get("pid", 0)), info.get("pid_start"))
    return time.time() - float(info.get("heartbeat", 0)) > stale_seconds


class OutLock:
    """The lock on one OUT, held from :meth:`acquire` to :meth:`release` (a context manager).

    ``command`` is what holds it (``clean``, ``report`` ...), shown to a refused second run.
    """

    def __init__(
        self,
        out: Path,
        command: str,
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
        stale_seconds: float = STALE_SECONDS,
    ) -> None:
        self.out = Path(out)
        self.command = command
        self.heartbeat_seconds = heartbeat_seconds
        self.stale_seconds = stale_seconds
        self.token = secrets.token_hex(8)
        self.info: dict[str, Any] = {}
        self._fd: int | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._created: list[Path] = []  # folders this lock created, removed again on release

    # -- taking and giving back ------------------------------------------------------------

    def acquire(self) -> OutLock:
        path = lock_path(self.out)
        for folder in (self.out, path.parent):
            if not folder.exists():
                folder.mkdir(parents=True, exist_ok=True)
                self._created.append(folder)
        for _ in range(20):
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            held = self._flock(fd)
            if held is False:
                os.close(fd)
                self._refuse(read_lock(self.out))
            try:
                same_file = os.fstat(fd).st_ino == os.stat(path).st_ino
            except FileNotFoundError:
                same_file = False
            if not same_file:  # released and unlinked by its holder while we opened it
                os.close(fd)
                continue
            info = read_lock(self.out)
            if not _is_stale(info, bool(held), self.stale_seconds):
                os.close(fd)
                self._refuse(info)
            self._fd = fd
            break
        else:
            raise OutputInUse(
                f"{self.out}: the lock {path} keeps changing; is another run starting?"
            )
        self.info = owner_info(self.command, self.token)
        self._write()
        self._thread = threading.Thread(target=self._beat, name="tamis-lock", daemon=True)
        self._thread.start()
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        with contextlib.suppress(OSError):
            if self.owned():
                lock_path(self.out).unlink()
        os.close(self._fd)  # after the unlink: nobody can flock the old file and think it current
        self._fd = None
        for folder in reversed(self._created):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only when a refused or empty command left it empty

    def __enter__(self) -> OutLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()

    def keep(self) -> None:
        """The folders the lock created now hold the run's output: leave them on release."""
        self._created.clear()

    # -- holding ---------------------------------------------------------------------------

    def owned(self) -> bool:
        info = read_lock(self.out)
        return bool(info) and info.get("token") == self.token

    def _flock(self, fd: int) -> bool | None:
        """True when the flock is ours, False when another holds it, None when unsupported."""
        try:
            import fcntl
        except ImportError:  # not POSIX: the pid and heartbeat decide
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        except OSError as exc:
            if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL):
                return None
            raise
        return True

    def _write(self) -> None:
        data = orjson.dumps(self.info) + b"\n"
        os.pwrite(self._fd, data, 0)
        os.ftruncate(self._fd, len(data))
        os.fsync(self._fd)

    def _beat(self) -> None:
        while not self._stop.wait(self.heartbeat_seconds):
            if not self.owned():
                return  # taken over (after a long stall): the run's writers will notice
            self.info["heartbeat"] = time.time()
            with contextlib.suppress(OSError):
                self._write()

    def _refuse(self, info: dict[str, Any] | None) -> None:
        for folder in reversed(self._created):
            with contextlib.suppress(OSError):
                folder.rmdir()
        self._created.clear()
        who = describe(info) if info else "another process (its lock is being written)"
        raise OutputInUse(
            f"{self.out} is in use by run {who}; wait for it to finish, or choose another "
            f"output (if no such run exists, delete {lock_path(self.out)})"
        )


def check_owner(out: str | Path, token: str) -> None:
    """Raise :class:`LockLost` unless the run holding ``token`` still owns OUT.

    Called by workers before they publish a finished file; a run without a lock (``token``
    empty: the library called directly) is not checked.
    """
    if not token:
        return
    info = read_lock(out)
    if not info or info.get("token") != token:
        holder = describe(info) if info else "nobody"
        raise LockLost(
            f"{out} is no longer owned by this run (now: {holder}); this worker stops writing"
        )


def has_entries(folder: Path) -> bool:
    """Whether ``folder`` holds anything beside a lock (``.tamis/`` holding only the lock)."""
    for entry in Path(folder).iterdir():
        if entry.name != ".tamis" or any(p.name != LOCK_NAME for p in entry.iterdir()):
            return True
    return False
