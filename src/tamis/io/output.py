"""Output shards: written atomically, read back identically whatever the format.

A shard is written to ``NAME.tmp`` and renamed when complete, so a crash never leaves a file
that looks finished. Every format is deterministic (gzip without timestamp or name, zstd at a
fixed level and single-threaded, Parquet with a fixed schema), which is what makes outputs
byte-identical across worker counts and resumed runs. Parquet stores ``id`` and ``text`` as
columns and the nested fields as JSON strings, so that reading a shard back gives the same
records as its JSONL twin.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import orjson
import xxhash

from tamis.io.streams import iter_lines, open_read, open_write

FORMATS = ("jsonl", "jsonl.gz", "jsonl.zst", "parquet")
KINDS = ("kept", "rejected", "quarantine")


def json_default(value: Any) -> Any:
    """Input metadata may hold values JSON lacks (Parquet timestamps, bytes, decimals)."""
    if isinstance(value, bytes | bytearray | memoryview):
        import base64

        return {"$base64": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)


def dumps(record: dict[str, Any]) -> bytes:
    return orjson.dumps(record, default=json_default)


def dumps_line(record: dict[str, Any]) -> bytes:
    return orjson.dumps(record, default=json_default, option=orjson.OPT_APPEND_NEWLINE)


def shard_name(ordinal: int, fmt: str) -> str:
    return f"part-{ordinal:05d}.{fmt}"


_PARQUET_JSON_FIELDS = ("source", "meta", "edits", "signals", "verdict")


class ShardWriter:
    """Writes one output shard to a temporary name; ``close`` renames it into place.

    Records are buffered in batches so that a shard streams to disk in bounded memory.
    """

    def __init__(self, path: Path, fmt: str, batch_bytes: int = 8 << 20) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown output format {fmt!r}; allowed: {', '.join(FORMATS)}")
        self.path = path
        self.fmt = fmt
        self.tmp = path.with_name(path.name + ".tmp")
        self.count = 0
        self._batch: list[Any] = []
        self._batch_size = 0
        self._batch_bytes = batch_bytes
        self._pq_writer = None
        self._schema = None
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "parquet":
            self._fh = None
            self._closers: list[IO[bytes]] = []
        else:
            self._fh, self._closers = open_write(self.tmp, fmt)

    def write(self, record: dict[str, Any]) -> None:
        self.count += 1
        if self._fh is not None:
            line = dumps_line(record)
            self._batch.append(line)
            self._batch_size += len(line)
        else:
            row = {
                k: (v if k in ("id", "text", "error", "raw") else dumps(v).decode())
                for k, v in record.items()
            }
            self._batch.append(row)
            self._batch_size += len(row.get("text", "")) + 256
        if self._batch_size >= self._batch_bytes:
            self._flush()

    def write_many(self, records: list[dict[str, Any]]) -> None:
        if self._fh is None:
            for r in records:
                self.write(r)
            return
        self.count += len(records)
        dumps, opt = orjson.dumps, orjson.OPT_APPEND_NEWLINE
        data = b"".join([dumps(r, default=json_default, option=opt) for r in records])
        self._batch.append(data)
        self._batch_size += len(data)
        if self._batch_size >= self._batch_bytes:
            self._flush()

    def _flush(self) -> None:
        if not self._batch:
            return
        if self._fh is not None:
            self._fh.write(b"".join(self._batch))
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            if self._schema is None:
                self._schema = pa.schema([(k, pa.string()) for k in self._batch[0]])
            table = pa.Table.from_pylist(self._batch, schema=self._schema)
            if self._pq_writer is None:
                self._pq_writer = pq.ParquetWriter(self.tmp, self._schema, compression="zstd")
            self._pq_writer.write_table(table)
        self._batch = []
        self._batch_size = 0

    def close(self) -> None:
        self._flush()
        if self._fh is not None:
            for fh in self._closers:
                fh.close()
        elif self._pq_writer is not None:
            self._pq_writer.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        for fh in self._closers:
            fh.close()
        if self._pq_writer is not None:
            self._pq_writer.close()
        self.tmp.unlink(missing_ok=True)


def read_records(path: str | Path) -> Iterator[dict[str, Any]]:
    """Records of one output shard, as dicts, whatever its format."""
    path = Path(path)
    if path.name.endswith(".parquet"):
        import pyarrow.parquet as pq

        pf = pq.ParquetFile(path)
        for batch in pf.iter_batches(batch_size=1024):
            for row in batch.to_pylist():
                yield {
                    k: (orjson.loads(v) if k in _PARQUET_JSON_FIELDS else v) for k, v in row.items()
                }
        return
    with open_read(path) as fh:
        for _, line in iter_lines(fh):
            if line.strip():
                yield orjson.loads(line)


def shard_files(out_dir: str | Path, kind: str) -> list[Path]:
    """The finished shards of one kind in an output directory, in shard order."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; allowed: {', '.join(KINDS)}")
    folder = Path(out_dir) / kind
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir() if p.name.startswith("part-") and not p.name.endswith(".tmp")
    )


def file_checksum(path: str | Path) -> str:
    """A fast content checksum (xxh3-128), prefixed by its algorithm."""
    h = xxhash.xxh3_128()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 22):
            h.update(chunk)
    return "xxh3_128:" + h.hexdigest()
