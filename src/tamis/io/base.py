"""The reader contract: how a file becomes a stream of documents without ever losing a record.

A reader turns one input file (or a record range of it, so that a big file can be split across
workers) into a stream of three kinds of item:

* :class:`~tamis.document.Document`: a record that was read;
* :class:`Quarantine`: a record that could not be read (bad JSON, bad UTF-8, a truncated
  stream, an oversized record), with its raw bytes, where it was and why;
* :class:`Skipped`: a record that is not a document by design (a WARC request record, an image),
  counted but not kept.

Record indexes are the reader's own stable numbering of a file (a line number for JSONL, a row
for Parquet); ``start``/``stop`` select indexes in ``[start, stop)``. Readers register by file
suffix with :func:`register_reader`; every module of ``tamis.io`` is imported on first lookup.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

import xxhash

from tamis.document import QUARANTINED, Document
from tamis.registry import import_submodules


@dataclass(frozen=True, slots=True)
class ReadOptions:
    text_field: str = "text"
    id_field: str = "id"
    max_record_bytes: int = 50_000_000


@dataclass(slots=True)
class Quarantine:
    source: dict[str, Any]
    error: str
    reason: str
    raw: bytes = b""

    def to_record(self) -> dict[str, Any]:
        return {  # fields in the order of tamis.io.schema.QUARANTINE_FIELDS
            "raw": base64.b64encode(self.raw).decode("ascii"),
            "id": derived_id(self.source["path"], self.source["index"]),
            "source": self.source,
            "error": self.error,
            "verdict": {
                "status": QUARANTINED,
                "stage": "read",
                "reason": self.reason,
                "details": None,
            },
        }


@dataclass(slots=True)
class Skipped:
    reason: str
    source: dict[str, Any] = field(default_factory=dict)


Item = Document | Quarantine | Skipped


def derived_id(path: str, index: int) -> str:
    """The id of a record whose input gives none: stable for the same path and index."""
    return xxhash.xxh3_64_hexdigest(f"{path}\0{index}".encode())


def make_document(
    fields: dict[str, Any], path: str, index: int, opts: ReadOptions, **source: Any
) -> Document | Quarantine:
    """Build a document from a parsed record: text and id fields out, everything else to meta."""
    src = {"path": path, "index": index, **source}
    if opts.text_field not in fields:
        return Quarantine(src, f"missing text field {opts.text_field!r}", "missing_text_field")
    text = fields[opts.text_field]
    if not isinstance(text, str):
        return Quarantine(
            src,
            f"text field {opts.text_field!r} is {type(text).__name__}, not a string",
            "non_string_text",
        )
    raw_id = fields.get(opts.id_field)
    doc_id = derived_id(path, index) if raw_id is None or raw_id == "" else str(raw_id)
    meta = {k: v for k, v in fields.items() if k != opts.text_field and k != opts.id_field}
    return Document(id=doc_id, text=text, source=src, meta=meta)


class Reader:
    suffixes: ClassVar[tuple[str, ...]] = ()
    #: whether ``count`` is cheap enough and record ranges meaningful for splitting a file
    splittable: ClassVar[bool] = False

    def count(self, path: str) -> int:
        """Number of record indexes in the file (used to split large files into shards)."""
        raise TypeError(f"{type(self).__name__} cannot split files")

    def extent(self, path: str, size: int) -> tuple[int, int]:
        """``(record indexes, decoded bytes)`` of a file of ``size`` bytes on disk, for planning:
        exact here; a reader may estimate both from the file's start where counting means
        decoding the whole file (compressed JSON Lines). Only the balance of shards depends on
        it, never which records are read: a file's last range is open ended."""
        return self.count(path), size

    def sample(self, path: str, opts: ReadOptions, n: int) -> list[Item]:
        """The first ``n`` items of a file (what the run's planning samples), leaving it closed."""
        items: list[Item] = []
        try:
            for item in self.read(path, opts, 0, n):
                items.append(item)
                if len(items) >= n:
                    break
        finally:
            self.release(path)  # no range of the file follows a sample
        return items

    def range_starts(self, path: str) -> list[int] | None:
        """Record indexes where a range begins without decoding the records before it (a
        Parquet file's row groups), or None when a range may begin at any record because
        reaching it costs little (JSON Lines: lines are split, not parsed, on the way)."""
        return None

    def release(self, path: str) -> None:
        """Let go of what a read of ``path`` kept open for the range after it (nothing here)."""

    def read(
        self, path: str, opts: ReadOptions, start: int = 0, stop: int | None = None
    ) -> Iterator[Item]:
        raise TypeError(f"{type(self).__name__} must define read")


_READERS: dict[str, Reader] = {}
_DISCOVERED = False


def register_reader(cls: type[Reader]) -> type[Reader]:
    for suffix in cls.suffixes:
        _READERS[suffix] = cls()
    return cls


def _discover() -> None:
    global _DISCOVERED
    if not _DISCOVERED:
        import_submodules("tamis.io", skip=("base", "output", "streams"))
        _DISCOVERED = True


def known_suffixes() -> list[str]:
    _discover()
    return sorted(_READERS)


def reader_for(path: str) -> Reader | None:
    """The reader for a file, by its longest matching suffix (case-insensitive)."""
    _discover()
    name = os.path.basename(path).lower()
    best = None
    for suffix in _READERS:
        if name.endswith(suffix) and (best is None or len(suffix) > len(best)):
            best = suffix
    return _READERS[best] if best else None
