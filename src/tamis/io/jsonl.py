"""JSON Lines input (plain, gzip, zstd), and ``.json`` files holding one array of records.

A record's index is its line number, blank lines included, so indexes never move when a
neighbouring line is bad. Every line that is not a usable record becomes a quarantine item with
its raw bytes; a broken compressed stream yields the records before the break and then one
quarantine item for the break itself.
"""

from __future__ import annotations

from collections.abc import Iterator

import orjson

from tamis.document import KEPT_VERDICT, Document
from tamis.io.base import (
    Item,
    Quarantine,
    Reader,
    ReadOptions,
    Skipped,
    derived_id,
    make_document,
    register_reader,
)
from tamis.io.streams import StreamError, iter_line_batches, open_read


def parse_record(line: bytes, path: str, index: int, offset: int, opts: ReadOptions) -> Item:
    src = {"path": path, "index": index, "offset": offset}
    if len(line) > opts.max_record_bytes:
        return Quarantine(
            src,
            f"record of {len(line)} bytes exceeds max_record_bytes={opts.max_record_bytes}",
            "record_too_large",
            line,
        )
    try:
        fields = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as uexc:
            return Quarantine(src, f"invalid UTF-8: {uexc}", "invalid_utf8", line)
        return Quarantine(src, f"invalid JSON: {exc}", "invalid_json", line)
    if not isinstance(fields, dict):
        return Quarantine(
            src, f"a JSON {type(fields).__name__} is not a record (object)", "not_an_object", line
        )
    item = make_document(fields, path, index, opts, offset=offset)
    if isinstance(item, Quarantine):
        item.raw = line
    return item


def _is_json_array(path: str) -> bool:
    if not path.lower().removesuffix(".gz").removesuffix(".zst").endswith(".json"):
        return False
    with open_read(path) as fh:
        head = fh.read(4096).lstrip()
    return head.startswith(b"[")


@register_reader
class JsonlReader(Reader):
    suffixes = (".jsonl", ".jsonl.gz", ".jsonl.zst", ".json", ".json.gz", ".json.zst", ".ndjson")
    splittable = True

    def count(self, path: str) -> int:
        if _is_json_array(path):
            with open_read(path) as fh:
                return len(orjson.loads(fh.read()))
        n = 0
        last = b"\n"
        with open_read(path) as fh:
            try:
                while chunk := fh.read(1 << 22):
                    n += chunk.count(b"\n")
                    last = chunk[-1:]
            except Exception:  # a broken stream: the reader quarantines the break
                return n + 1
        return n + (last != b"\n")

    def read(
        self, path: str, opts: ReadOptions, start: int = 0, stop: int | None = None
    ) -> Iterator[Item]:
        if _is_json_array(path):
            yield from self._read_array(path, opts, start, stop)
            return
        index = -1
        tf, idf, maxb = opts.text_field, opts.id_field, opts.max_record_bytes
        loads = orjson.loads
        with open_read(path) as fh:
            try:
                for offset, lines in iter_line_batches(fh):
                    for line in lines:
                        index += 1
                        line_offset = offset
                        offset += len(line) + 1
                        if index < start:
                            continue
                        if stop is not None and index >= stop:
                            return
                        # fast path: a well-formed record; anything else takes parse_record's
                        # careful path, which names what is wrong
                        if len(line) <= maxb:
                            try:
                                fields = loads(line)
                            except orjson.JSONDecodeError:
                                fields = None
                            if type(fields) is dict and type(fields.get(tf)) is str:
                                text = fields.pop(tf)
                                rid = fields.pop(idf, None)
                                yield Document(
                                    derived_id(path, index)
                                    if rid is None or rid == ""
                                    else str(rid),
                                    text,
                                    {"path": path, "index": index, "offset": line_offset},
                                    fields,
                                    [],
                                    {},
                                    KEPT_VERDICT,
                                )
                                continue
                        if not line.strip():
                            yield Skipped("blank_line", {"path": path, "index": index})
                            continue
                        yield parse_record(line, path, index, line_offset, opts)
            except StreamError as exc:
                index += 1
                if index >= start and (stop is None or index < stop):
                    yield Quarantine(
                        {"path": path, "index": index, "offset": exc.offset},
                        f"stream broken: {exc}",
                        "truncated_stream",
                    )

    def _read_array(
        self, path: str, opts: ReadOptions, start: int, stop: int | None
    ) -> Iterator[Item]:
        with open_read(path) as fh:
            data = fh.read()
        try:
            records = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            yield Quarantine(
                {"path": path, "index": 0}, f"invalid JSON array: {exc}", "invalid_json", data
            )
            return
        for index, fields in enumerate(records[start:stop], start):
            if not isinstance(fields, dict):
                yield Quarantine(
                    {"path": path, "index": index},
                    f"a JSON {type(fields).__name__} is not a record (object)",
                    "not_an_object",
                    orjson.dumps(fields),
                )
                continue
            item = make_document(fields, path, index, opts)
            if isinstance(item, Quarantine):
                item.raw = orjson.dumps(fields)
            yield item
