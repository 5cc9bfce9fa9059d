"""The lock on an OUT that is a URL: an object ``OUT/.tamis/lock`` taken by a conditional write.

An object store has no ``flock``. The lock is the same JSON as on disk (pid, host, start time,
heartbeat, token), and on S3 every change to it is conditional, so that two runs cannot both
believe they hold it:

- taking it is a create-only write (``If-None-Match: *``): of two runs starting together, one
  gets it and the other is refused;
- the heartbeat rewrites it every ``HEARTBEAT_SECONDS`` only while it is unchanged since our
  last write (``If-Match`` on its ETag); a failed heartbeat means another run took it over;
- a lock whose holder is gone (same host and its process dead, or no heartbeat for
  ``STALE_SECONDS`` from another host) is taken over by a write conditional on the stale
  lock's ETag, so that of two runs taking over, one wins.

Limits: the clocks of hosts are trusted to within ``STALE_SECONDS``; a run stalled longer than
that (a suspended laptop) loses its lock, and its workers notice before they publish a marker
(they read the lock's token first), but an object a stalled worker is writing at that very
moment may still land. File systems without conditional writes (``gs://``, ``az://`` through
fsspec here) get a best-effort lock: write, wait, read back and compare the token.
"""

from __future__ import annotations

import contextlib
import secrets
import threading
import time
from typing import Any

import orjson

from tamis.io import storage
from tamis.run.lock import (
    HEARTBEAT_SECONDS,
    STALE_SECONDS,
    OutputInUse,
    _is_stale,
    describe,
    lock_path,
    owner_info,
    read_lock,
)

SETTLE_SECONDS = 1.0  # best-effort lock: how long to wait before reading back what was written


def _conditional(url: str) -> bool:
    """Whether writes to ``url`` can be conditional: S3, through obstore or s3fs."""
    if storage.objects(url) is not None:
        return True
    return type(storage.filesystem(url)).__name__ == "S3FileSystem"


def _put_if(url: str, data: bytes, etag: str | None) -> str | None:
    """Write ``data`` when the object is absent (``etag`` None) or still has ``etag``; returns
    the new ETag, or None when the condition failed."""
    options = storage.objects(url)
    if options is not None:
        from tamis.io import s3_objects

        try:
            return s3_objects.put_bytes(url, data, options, etag)
        except s3_objects.Refused:
            return None
    from fsspec.asyn import sync

    fs = storage.filesystem(url)
    bucket, _, key = storage.strip(url).partition("/")
    cond = {"IfNoneMatch": "*"} if etag is None else {"IfMatch": etag}
    try:
        resp = sync(fs.loop, fs._call_s3, "put_object", Bucket=bucket, Key=key, Body=data, **cond)
    except (FileExistsError, OSError) as exc:
        text = str(exc).lower()
        if isinstance(exc, FileExistsError) or "pre-condition" in text or "precondition" in text:
            return None
        if "conflict" in text or "409" in text:
            return None
        raise
    return resp.get("ETag")


def _read_with_etag(url: str) -> tuple[dict | None, str | None]:
    options = storage.objects(url)
    try:
        if options is not None:
            from tamis.io import s3_objects

            data, etag = s3_objects.read_bytes(url, options)  # the ETag of these very bytes
        else:
            fs, name = storage.filesystem(url), storage.strip(url)
            info = fs.info(name, refresh=True) if _conditional(url) else fs.info(name)
            data, etag = fs.cat_file(name), info.get("ETag")
    except FileNotFoundError:
        return None, None
    try:
        parsed = orjson.loads(data)
    except orjson.JSONDecodeError:
        parsed = {}
    return (parsed if isinstance(parsed, dict) else {}), etag


class ObjectLock:
    """The lock on one OUT URL; the same interface as :class:`tamis.run.lock.OutLock`."""

    def __init__(
        self,
        out: str,
        command: str,
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
        stale_seconds: float = STALE_SECONDS,
    ) -> None:
        self.out = str(out)
        self.url = str(lock_path(self.out))
        self.command = command
        self.heartbeat_seconds = heartbeat_seconds
        self.stale_seconds = stale_seconds
        self.token = secrets.token_hex(8)
        self.info: dict[str, Any] = {}
        self._etag: str | None = None
        self._held = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _data(self) -> bytes:
        return orjson.dumps(self.info) + b"\n"

    def acquire(self) -> ObjectLock:
        self.info = owner_info(self.command, self.token)
        with storage.storage_errors(self.out, "taking the lock on OUT"):
            if _conditional(self.url):
                self._acquire_conditional()
            else:
                self._acquire_best_effort()
        self._held = True
        self._thread = threading.Thread(target=self._beat, name="tamis-lock", daemon=True)
        self._thread.start()
        return self

    def _acquire_conditional(self) -> None:
        for _ in range(10):
            etag = _put_if(self.url, self._data(), None)
            if etag is not None:
                self._etag = etag
                return
            info, current = _read_with_etag(self.url)
            if info is None:
                continue  # released between our write and our read
            if not _is_stale(info, False, self.stale_seconds):
                self._refuse(info)
            etag = _put_if(self.url, self._data(), current)
            if etag is not None:
                self._etag = etag
                return
        raise OutputInUse(
            f"{self.out}: the lock {self.url} keeps changing; is another run starting?"
        )

    def _acquire_best_effort(self) -> None:
        info = read_lock(self.out)
        if info and not _is_stale(info, False, self.stale_seconds):
            self._refuse(info)
        storage.write_bytes(self.url, self._data())
        time.sleep(SETTLE_SECONDS)
        if not self.owned():
            self._refuse(read_lock(self.out))

    def owned(self) -> bool:
        info = read_lock(self.out)
        return bool(info) and info.get("token") == self.token

    def _beat(self) -> None:
        conditional = _conditional(self.url)
        while not self._stop.wait(self.heartbeat_seconds):
            self.info["heartbeat"] = time.time()
            try:
                if conditional:
                    etag = _put_if(self.url, self._data(), self._etag)
                    if etag is None:
                        return  # taken over: the workers notice before they publish
                    self._etag = etag
                elif self.owned():
                    storage.write_bytes(self.url, self._data())
                else:
                    return
            except OSError:
                continue  # a transient failure: the next beat tries again

    def release(self) -> None:
        if not self._held:
            return
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        with contextlib.suppress(OSError):
            if self.owned():
                storage.remove(self.url)
        self._held = False

    def keep(self) -> None:
        """Nothing to keep: an object store has no folders to leave behind."""

    def __enter__(self) -> ObjectLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()

    def _refuse(self, info: dict[str, Any] | None) -> None:
        who = describe(info) if info else "another process (its lock is being written)"
        raise OutputInUse(
            f"{self.out} is in use by run {who}; wait for it to finish, or choose another "
            f"output (if no such run exists, delete {self.url})"
        )


def lock_for(out: str, command: str) -> Any:
    """The lock that fits OUT: a file lock on disk, an object lock on a URL."""
    if storage.is_url(out):
        return ObjectLock(out, command)
    from pathlib import Path

    from tamis.run.lock import OutLock

    return OutLock(Path(out), command)
