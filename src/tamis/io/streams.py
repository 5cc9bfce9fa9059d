"""Byte streams by file suffix, and a line splitter that survives a broken stream.

The splitter reads fixed-size chunks and splits them itself instead of relying on
``readline``: when a gzip or zstd stream breaks half-way, the bytes decoded so far (the partial
last line included) are still handed out, and the error is reported with the offset where it
happened, so the reader can quarantine the break rather than lose it.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import zstandard

ZSTD_LEVEL = 3
CHUNK = 1 << 20


def open_read(path: str | Path) -> IO[bytes]:
    """A binary reader that undoes .gz / .zst by suffix (others are read as they are)."""
    name = os.fspath(path).lower()
    raw = open(path, "rb")  # noqa: SIM115 - returned to the caller
    if name.endswith(".gz"):
        return gzip.GzipFile(fileobj=raw, mode="rb")
    if name.endswith(".zst") or name.endswith(".zstd"):
        return zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True)
    return raw


def open_write(path: Path, fmt: str) -> tuple[IO[bytes], list[IO[bytes]]]:
    """A binary writer for ``jsonl``, ``jsonl.gz`` or ``jsonl.zst``, and what to close, in order.

    gzip gets no name and a zero timestamp, zstd a fixed level: the bytes depend on the data only.
    """
    raw = open(path, "wb")  # noqa: SIM115 - closed by the caller through the returned list
    if fmt == "jsonl":
        return raw, [raw]
    if fmt == "jsonl.gz":
        gz = gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6, mtime=0)
        return gz, [gz, raw]
    if fmt == "jsonl.zst":
        zw = zstandard.ZstdCompressor(level=ZSTD_LEVEL).stream_writer(raw, closefd=False)
        return zw, [zw, raw]
    raise ValueError(f"not a line format: {fmt!r}")


class StreamError(Exception):
    """The stream broke; ``offset`` is the decoded byte offset where it happened."""

    def __init__(self, offset: int, cause: BaseException) -> None:
        super().__init__(f"{type(cause).__name__}: {cause} (at decoded byte offset {offset})")
        self.offset = offset
        self.cause = cause


def iter_lines(fh: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    """Yield ``(offset, line)`` without the newline; raise :class:`StreamError` on a break.

    On a break, the partial line read so far is yielded first (it ends without a newline,
    which the caller can tell from the offsets), then the error is raised.
    """
    offset = 0
    rest = b""
    while True:
        try:
            chunk = fh.read(CHUNK)
        except (EOFError, OSError, zstandard.ZstdError) as exc:
            if rest:
                yield offset, rest
            raise StreamError(offset + len(rest), exc) from exc
        if not chunk:
            break
        lines = (rest + chunk).split(b"\n")
        rest = lines.pop()
        for line in lines:
            yield offset, line
            offset += len(line) + 1
    if rest:
        yield offset, rest
