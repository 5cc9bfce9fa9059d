"""The documents of one shard between two phases: written by one task, read by the next.

A spill is internal (never user output, deleted when the run ends), so it is written in the
cheapest form that gives back the exact in-flight state: each batch is one pickle (protocol 5)
of its items (documents as :meth:`tamis.document.Document.to_state` tuples, quarantine records
as dicts), compressed as one zstd frame and framed by its length. Reading it back is a
decompression and one C-level unpickle per batch: no JSON text is made or parsed.

The file starts with a magic and a version byte; a spill of another version, or cut short, is
refused (:class:`SpillError`) so that the task that wrote it is redone rather than misread.
"""

from __future__ import annotations

import pickle
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import zstandard

from tamis.document import Document

MAGIC = b"TAMISPILL"
VERSION = 1
LEVEL = 1  # read back once, soon: speed over size
_LENGTH = struct.Struct("<Q")


class SpillError(ValueError):
    """A spill that cannot be read back: of another version, cut short or damaged."""


class SpillWriter:
    """Appends batches of items to an open binary file."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self._cctx = zstandard.ZstdCompressor(level=LEVEL, write_checksum=True)
        fh.write(MAGIC + bytes([VERSION]))

    def write(self, items: list[Document | dict[str, Any]]) -> None:
        if not items:
            return
        data = pickle.dumps([it if type(it) is dict else it.to_state() for it in items], protocol=5)
        frame = self._cctx.compress(data)
        self.fh.write(_LENGTH.pack(len(frame)) + frame)


def read_spill(path: Path) -> Iterator[Document | dict[str, Any]]:
    """The items of a spill, in the order written (documents rebuilt, quarantine as dicts)."""
    dctx = zstandard.ZstdDecompressor()
    with open(path, "rb") as fh:
        head = fh.read(len(MAGIC) + 1)
        if head[: len(MAGIC)] != MAGIC:
            raise SpillError("not a spill of this tamis")
        if head[-1] != VERSION:
            raise SpillError(f"spill version {head[-1]}, this tamis reads {VERSION}")
        from_state = Document.from_state
        while size := fh.read(_LENGTH.size):
            if len(size) < _LENGTH.size:
                raise SpillError("cut short in a frame's length")
            (n,) = _LENGTH.unpack(size)
            frame = fh.read(n)
            if len(frame) < n:
                raise SpillError("cut short in a frame")
            try:
                items = pickle.loads(dctx.decompress(frame))
            except Exception as exc:  # a damaged frame fails in zstd (checksum) or in pickle
                raise SpillError(f"a damaged frame ({type(exc).__name__})") from None
            for it in items:
                yield it if type(it) is dict else from_state(it)
