"""Reading an output back record by record, with where each record lives.

A record is addressed by ``(kind, shard, row)``: the output folder (kept, rejected,
quarantine), the shard ordinal from its file name ``part-NNNNN.<fmt>`` and the record's row in
that shard. That address is stable for a given output, short enough for a URL, and, with the
byte offset in the decoded stream that :func:`iter_located` also yields, enough to fetch the
record again without reading the others (:func:`fetch`).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson

from tamis.io.output import KINDS, decode_record, read_records, shard_files
from tamis.io.streams import iter_lines, open_read


def shard_ordinal(path: Path) -> int:
    """``part-00012.jsonl.zst`` -> 12."""
    return int(path.name.split(".", 1)[0].removeprefix("part-"))


def shard_path(out: Path, kind: str, shard: int) -> Path | None:
    for p in shard_files(out, kind):
        if shard_ordinal(p) == shard:
            return p
    return None


def is_parquet(path: Path) -> bool:
    return path.name.endswith(".parquet")


def iter_located(
    out: Path,
    kinds: tuple[str, ...] = KINDS,
    decode: Callable[[dict[str, Any]], dict[str, Any]] = decode_record,
) -> Iterator[tuple[str, int, int, int, Any]]:
    """Yield ``(kind, shard, row, offset, record)`` for every record of the output.

    ``offset`` is the byte offset of the record's line in the decoded JSONL stream, or -1 for
    Parquet (addressed by row only). ``decode`` turns a parsed JSONL line into the record
    (:func:`decode_record` by default; a reader that ignores stages without signals can do
    less); Parquet rows are always fully decoded.
    """
    for kind in kinds:
        for path in shard_files(out, kind):
            shard = shard_ordinal(path)
            for row, offset, rec in iter_shard(path, decode):
                yield kind, shard, row, offset, rec


def iter_shard(
    path: Path, decode: Callable[[dict[str, Any]], dict[str, Any]] = decode_record
) -> Iterator[tuple[int, int, Any]]:
    """Yield ``(row, offset, record)`` for every record of one shard file (see
    :func:`iter_located`)."""
    if is_parquet(path):
        for row, rec in enumerate(read_records(path)):
            yield row, -1, rec
        return
    with open_read(path) as fh:
        row = 0
        for offset, line in iter_lines(fh):
            if not line.strip():
                continue
            yield row, offset, decode(orjson.loads(line))
            row += 1


def fetch(out: Path, kind: str, shard: int, row: int, offset: int = -1) -> dict[str, Any] | None:
    """One record by its address, without parsing the records before it.

    Plain JSONL seeks straight to ``offset``; compressed JSONL decompresses up to it (zstd and
    gzip streams cannot seek, but decompressing is fast next to parsing, and a shard is bounded
    by the shard size); Parquet reads only the row group holding ``row``.
    """
    if kind not in KINDS:
        return None
    path = shard_path(out, kind, shard)
    if path is None:
        return None
    if is_parquet(path):
        return _fetch_parquet(path, row)
    with open_read(path) as fh:
        if offset >= 0:
            line = _line_at(fh, offset)
            return decode_record(orjson.loads(line)) if line.strip() else None
        n = 0
        for _, line in iter_lines(fh):
            if not line.strip():
                continue
            if n == row:
                return decode_record(orjson.loads(line))
            n += 1
    return None


def _line_at(fh: Any, offset: int) -> bytes:
    """The line starting at decoded byte ``offset`` (plain files seek; streams read forward)."""
    if isinstance(fh, io.BufferedReader):
        fh.seek(offset)
        pos = offset
    else:
        pos = 0
    parts: list[bytes] = []
    while True:
        chunk = fh.read(1 << 20)
        if not chunk:
            break
        start, pos = pos, pos + len(chunk)
        if pos <= offset:
            continue
        if start < offset:
            chunk = chunk[offset - start :]
        i = chunk.find(b"\n")
        if i >= 0:
            parts.append(chunk[:i])
            break
        parts.append(chunk)
    return b"".join(parts)


def _fetch_parquet(path: Path, row: int) -> dict[str, Any] | None:
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    start = 0
    for g in range(pf.metadata.num_row_groups):
        n = pf.metadata.row_group(g).num_rows
        if row < start + n:
            row_rec = pf.read_row_group(g).slice(row - start, 1).to_pylist()[0]
            return decode_record(row_rec, parquet=True)
        start += n
    return None
