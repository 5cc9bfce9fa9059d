"""ARC crawl files (``.arc``, ``.arc.gz``), the format of the Internet Archive and of Common
Crawl before 2012.

Neither fastwarc nor warcio reads Common Crawl's 2008 ARC files (warcio's ARC parser expects a
version block whose declared length these files do not keep), and the format is simple: a
header line ``URL IP DATE CONTENT-TYPE LENGTH`` (version 2 adds fields before LENGTH), then
LENGTH bytes, then a newline. So it is parsed here. A header that does not parse is quarantined
together with the bytes up to the next line that does, so one bad record costs one record.
Offsets are positions in the uncompressed stream.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Iterator
from typing import IO, Any

from tamis.io.base import Item, Quarantine, Reader, ReadOptions, Skipped, register_reader
from tamis.io.html import charset_from_content_type, html_document, is_html, mime_type
from tamis.io.http import parse_response
from tamis.io.storage import open_input

_HEADER = re.compile(rb"^(\S+) (\S+) (\d{14}) (\S*)(?: \S+)*? (\d+)\r?\n$")


class _Header:
    __slots__ = ("url", "ip", "date", "content_type", "length")

    def __init__(self, m: re.Match) -> None:
        self.url = m.group(1).decode("utf-8", "replace")
        self.ip = m.group(2).decode("ascii", "replace")
        d = m.group(3).decode("ascii")
        self.date = f"{d[0:4]}-{d[4:6]}-{d[6:8]}T{d[8:10]}:{d[10:12]}:{d[12:14]}Z"
        self.content_type = m.group(4).decode("ascii", "replace")
        self.length = int(m.group(5))


def _records(fh: IO[bytes], limit: int) -> Iterator[tuple[int, _Header | None, bytes, str]]:
    """(offset, header or None, body or raw bytes, error) for each record of the stream."""
    offset = 0
    pending: bytes | None = None
    while True:
        line = pending if pending is not None else fh.readline()
        pending = None
        if not line:
            return
        if line.strip() == b"":
            offset += len(line)
            continue
        m = _HEADER.match(line)
        start = offset
        offset += len(line)
        if m is None:
            garbage = [line]
            while True:
                nxt = fh.readline()
                if not nxt or _HEADER.match(nxt):
                    pending = nxt or None
                    break
                garbage.append(nxt)
                offset += len(nxt)
            yield start, None, b"".join(garbage)[:limit], "unparsable ARC header line"
            if pending is None:
                return
            continue
        header = _Header(m)
        if header.length > limit:
            skipped = 0
            while skipped < header.length:
                chunk = fh.read(min(1 << 20, header.length - skipped))
                if not chunk:
                    break
                skipped += len(chunk)
            offset += skipped
            yield start, header, b"", f"record is {header.length} bytes, over the limit"
            continue
        body = fh.read(header.length)
        offset += len(body)
        if len(body) < header.length:
            yield (
                start,
                header,
                line + body,
                (f"truncated record: {len(body)} of {header.length} bytes"),
            )
            return
        yield start, header, body, ""


@register_reader
class ArcReader(Reader):
    suffixes = (".arc", ".arc.gz")

    def _open(self, path: str) -> IO[bytes]:
        raw = open_input(path)
        return gzip.open(raw, "rb") if path.lower().endswith(".gz") else raw

    def count(self, path: str) -> int:
        with self._open(path) as fh:
            return sum(1 for _ in _records(fh, 1 << 62))

    def read(
        self, path: str, opts: ReadOptions, start: int = 0, stop: int | None = None
    ) -> Iterator[Item]:
        index = -1
        try:
            with self._open(path) as fh:
                for index, (offset, header, body, error) in enumerate(
                    _records(fh, opts.max_record_bytes)
                ):
                    if index < start:
                        continue
                    if stop is not None and index >= stop:
                        return
                    src = {"path": path, "index": index, "offset": offset}
                    if error:
                        reason = (
                            "record_too_large"
                            if "over the limit" in error
                            else "truncated_record"
                            if header
                            else "bad_arc_header"
                        )
                        yield Quarantine(src, error, reason, body)
                        continue
                    yield self._item(header, body, path, index, offset, src)
        except (OSError, EOFError, zlib.error) as exc:
            index += 1
            if index >= start and (stop is None or index < stop):
                src = {"path": path, "index": index, "offset": None}
                yield Quarantine(src, f"{type(exc).__name__}: {exc}", "unreadable_record")

    def _item(
        self, header: Any, body: bytes, path: str, index: int, offset: int, src: dict
    ) -> Item:
        if header.url.startswith("filedesc:"):
            return Skipped("arc_filedesc", src)
        meta: dict[str, Any] = {"url": header.url, "date": header.date, "ip": header.ip}
        content_type = header.content_type
        msg = parse_response(body)
        if msg is not None:
            meta["http_status"] = msg.status
            content_type = msg.header("content-type") or content_type
            body = msg.body
        meta["http_content_type"] = content_type
        if header.url.lower().split("?", 1)[0].endswith("/robots.txt"):
            return Skipped("robots_txt", {**src, "content_type": mime_type(content_type)})
        if not body.strip():
            return Skipped("empty_payload", src)
        if not is_html(content_type, body):
            return Skipped("not_html", {**src, "content_type": mime_type(content_type)})
        return html_document(
            body,
            path,
            index,
            http_charset=charset_from_content_type(content_type),
            meta=meta,
            offset=offset,
        )
