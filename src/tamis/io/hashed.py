"""An object's checksum taken while it is read, so that the manifest need not read it again.

The manifest names every input with a checksum of its bytes (xxh3-128). For an object on a
store, reading it again at the end of a run is a second download of the corpus. But a worker
that reads a JSON Lines range decodes its file from the first byte (a compressed stream cannot
be entered in the middle) and goes on through the next ranges, so the worker that reads a file's
last range has read every byte of it, in order, through one stream. :class:`HashedStream`
hashes what such a stream hands out; when it reaches the end having seen every byte in order,
the checksum is recorded with the object's version (its ETag), for the task's marker. A stream
that seeks elsewhere (Parquet, a range read in part) records nothing, and the driver reads that
input itself, as before.
"""

from __future__ import annotations

import io
import threading
from typing import Any

import xxhash

_SEEN: dict[str, tuple[str, str]] = {}
_LOCK = threading.Lock()


def checksum_name(hasher: Any) -> str:
    """The manifest's spelling of a finished xxh3-128 hash."""
    return "xxh3_128:" + hasher.hexdigest()


def take_checksums() -> dict[str, tuple[str, str]]:
    """``{url: (version, checksum)}`` of every object read whole in this process since the
    last call (and forget them)."""
    with _LOCK:
        out = dict(_SEEN)
        _SEEN.clear()
    return out


class HashedStream(io.RawIOBase):
    """A readable stream over ``raw`` (an object of ``size`` bytes at ``version``) that keeps a
    checksum of the bytes read from its start, in order; anything else it does (a seek away
    from where the hash stands) only stops the hashing. Other attributes are ``raw``'s."""

    def __init__(self, raw: Any, url: str, version: str, size: int) -> None:
        super().__init__()
        self.raw, self.url, self.version, self.size = raw, url, version, size
        self._hasher: Any = xxhash.xxh3_128()
        self._at = 0  # the bytes hashed so far, all of them read in order from the start

    def _saw(self, data: Any) -> None:
        if self._hasher is None:
            return
        self._hasher.update(data)
        self._at += len(data)
        if self._at == self.size:
            with _LOCK:
                _SEEN[self.url] = (self.version, checksum_name(self._hasher))
            self._hasher = None
        elif self._at > self.size:  # the object grew under us: its checksum is not this one
            self._hasher = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self.raw.seekable()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self._saw(data)
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        self._saw(data)
        return len(data)

    def readline(self, size: int = -1) -> bytes:
        # the object's own (a buffered search for the newline), not io's byte-at-a-time one
        data = self.raw.readline() if size is None or size < 0 else super().readline(size)
        if size is None or size < 0:
            self._saw(data)
        return data

    def readall(self) -> bytes:
        return self.read()

    def seek(self, offset: int, whence: int = 0) -> int:
        where = self.raw.seek(offset, whence)
        if where != self._at:
            self._hasher = None
        return where

    def tell(self) -> int:
        return self.raw.tell()

    def close(self) -> None:
        if not self.closed:
            self.raw.close()
        super().close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


class HashedWriter:
    """A file written through this keeps the checksum of every byte written to it, in order,
    so a finished output shard need not be read back to be named in its marker: the same
    xxh3-128 of the same bytes as :func:`tamis.io.output.file_checksum` reading the file."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self.hasher: Any = xxhash.xxh3_128()

    def write(self, data: Any) -> int:
        self.hasher.update(data)
        return self.raw.write(data)

    def flush(self) -> None:
        self.raw.flush()

    def close(self) -> None:
        self.raw.close()

    @property
    def closed(self) -> bool:
        return self.raw.closed

    def checksum(self) -> str:
        return checksum_name(self.hasher)
