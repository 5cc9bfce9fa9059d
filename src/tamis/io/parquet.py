"""Parquet input: one row a record, read in batches; row ranges let a big file use every worker."""

from __future__ import annotations

from collections.abc import Iterator

from tamis.io.base import Item, Quarantine, Reader, ReadOptions, make_document, register_reader


@register_reader
class ParquetReader(Reader):
    suffixes = (".parquet", ".pq")
    splittable = True

    def count(self, path: str) -> int:
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows

    def read(
        self, path: str, opts: ReadOptions, start: int = 0, stop: int | None = None
    ) -> Iterator[Item]:
        import pyarrow.parquet as pq

        pf = pq.ParquetFile(path)
        meta = pf.metadata
        stop = meta.num_rows if stop is None else min(stop, meta.num_rows)
        first = 0
        for rg in range(meta.num_row_groups):
            n = meta.row_group(rg).num_rows
            lo, hi = max(start, first), min(stop, first + n)
            if lo < hi:
                try:
                    rows = pf.read_row_group(rg).slice(lo - first, hi - lo).to_pylist()
                except Exception as exc:  # a corrupt row group must not stop the run
                    yield Quarantine(
                        {"path": path, "index": lo, "row_group": rg, "rows": hi - lo},
                        f"unreadable row group {rg} (rows {lo}..{hi - 1}): {exc}",
                        "read_error",
                    )
                else:
                    for index, fields in enumerate(rows, lo):
                        item = make_document(fields, path, index, opts)
                        if isinstance(item, Quarantine):
                            from tamis.io.output import dumps

                            item.raw = dumps(fields)
                        yield item
            first += n
