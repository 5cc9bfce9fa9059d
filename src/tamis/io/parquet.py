"""Parquet input: one row a record, read in batches; row ranges let a big file use every worker."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tamis.io.base import Item, Quarantine, Reader, ReadOptions, make_document, register_reader
from tamis.io.storage import is_url, open_input


@contextmanager
def parquet_source(path: str) -> Iterator[Any]:
    """What pyarrow reads: a local path, or a seekable stream of an object (pyarrow then
    fetches the footer and only the column chunks of the row groups it reads)."""
    if not is_url(path):
        yield path
        return
    with open_input(path) as fh:
        yield fh


@register_reader
class ParquetReader(Reader):
    suffixes = (".parquet", ".pq")
    splittable = True

    def count(self, path: str) -> int:
        import pyarrow.parquet as pq

        with parquet_source(path) as src:
            return pq.ParquetFile(src).metadata.num_rows

    def range_starts(self, path: str) -> list[int] | None:
        """Row groups: a range that begins inside one decodes the whole group to slice it."""
        import pyarrow.parquet as pq

        with parquet_source(path) as src:
            meta = pq.ParquetFile(src).metadata
        starts, first = [], 0
        for rg in range(meta.num_row_groups):
            starts.append(first)
            first += meta.row_group(rg).num_rows
        return starts

    def read(
        self, path: str, opts: ReadOptions, start: int = 0, stop: int | None = None
    ) -> Iterator[Item]:
        import pyarrow.parquet as pq

        with parquet_source(path) as src:
            yield from self._read(pq, src, path, opts, start, stop)

    def _read(
        self, pq: Any, src: Any, path: str, opts: ReadOptions, start: int, stop: int | None
    ) -> Iterator[Item]:
        try:
            pf = pq.ParquetFile(src)
            meta = pf.metadata
        except Exception as exc:  # no readable footer: the file is one unreadable record
            with open_input(path) as fh:
                raw = fh.read(opts.max_record_bytes)
            yield Quarantine(
                {"path": path, "index": start}, f"unreadable Parquet file: {exc}", "read_error", raw
            )
            return
        stop = meta.num_rows if stop is None else min(stop, meta.num_rows)
        first = 0
        for rg in range(meta.num_row_groups):
            n = meta.row_group(rg).num_rows
            lo, hi = max(start, first), min(stop, first + n)
            if lo < hi:
                yield from _rows(pf, rg, first, lo, hi, path, opts)
            first += n


def _rows(
    pf, rg: int, first: int, lo: int, hi: int, path: str, opts: ReadOptions
) -> Iterator[Item]:
    """Rows ``lo..hi-1`` of row group ``rg`` (which starts at row ``first``), one item per row.

    A corrupt row group must not stop the run, and each of its rows is accounted for on its
    own (so that any record range of the file gives the same items as a whole read); a row
    whose values cannot be decoded (invalid UTF-8 in a string column) is quarantined alone,
    with its raw values.
    """
    try:
        table = pf.read_row_group(rg).slice(lo - first, hi - lo)
    except Exception as exc:
        for index in range(lo, hi):
            yield Quarantine(
                {"path": path, "index": index, "row_group": rg},
                f"unreadable row group {rg} (read rows {lo}..{hi - 1}): {exc}",
                "read_error",
            )
        return
    try:
        rows = table.to_pylist()
    except Exception:
        rows = None
    for k in range(hi - lo):
        index = lo + k
        if rows is not None:
            fields = rows[k]
        else:
            try:
                fields = table.slice(k, 1).to_pylist()[0]
            except Exception as exc:
                yield Quarantine(
                    {"path": path, "index": index, "row_group": rg},
                    f"undecodable row: {exc}",
                    "read_error",
                    _raw_row(table, k),
                )
                continue
        item = make_document(fields, path, index, opts)
        if isinstance(item, Quarantine):
            from tamis.io.output import dumps

            item.raw = dumps(fields)
        yield item


def _raw_row(table, k: int) -> bytes:
    """A row's values as bytes (string columns undecoded), ``name=value`` one a line."""
    import pyarrow as pa

    parts = []
    for name in table.column_names:
        col = table.column(name).slice(k, 1)
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            col = col.cast(pa.large_binary())
        try:
            value = col.to_pylist()[0]
        except Exception as exc:
            value = f"<{exc}>"
        raw = value if isinstance(value, bytes) else str(value).encode("utf-8", "replace")
        parts.append(name.encode("utf-8", "replace") + b"=" + raw)
    return b"\n".join(parts)
