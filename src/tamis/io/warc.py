"""WARC crawl files (``.warc``, ``.warc.gz``) and their WET text extracts, read with fastwarc.

fastwarc was measured against warcio on the real Common Crawl samples (bench/results/extract.md)
and iterates about 2-3x faster. Every record of a file gets an index (its ordinal among *all*
records, so that indexes do not move when what counts as a page changes); records that are not pages
(requests, metadata, warcinfo, images, PDFs, robots.txt) are :class:`Skipped` and counted, and a
record whose block is shorter than its ``Content-Length`` (a truncated download or a cut file)
is quarantined with its byte offset.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any

from tamis.document import Document
from tamis.io.base import (
    Item,
    Quarantine,
    Reader,
    ReadOptions,
    Skipped,
    derived_id,
    register_reader,
)
from tamis.io.html import charset_from_content_type, html_document, is_html, mime_type
from tamis.io.http import parse_response
from tamis.io.storage import open_input
from tamis.langid.codes import language_tag


def _uri(value: str | None) -> str | None:
    """WARC/1.0 writers (wget) wrap the target URI in angle brackets."""
    if value and value.startswith("<") and value.endswith(">"):
        return value[1:-1]
    return value


def _raw_slice(path: str, offset: int, limit: int) -> bytes:
    """The stored bytes of a record from its offset (compressed as stored), for quarantine."""
    with open_input(path) as fh:
        fh.seek(offset)
        return fh.read(limit)


def _record_type(record: Any) -> str:
    return str(record.record_type).rsplit(".", 1)[-1]


def _iter_records(path: str, opts: ReadOptions) -> Iterator[tuple[int, Any, bytes | None, str]]:
    """(offset, record, block or None if truncated, error) for every record of the file."""
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    with open_input(path) as fh:
        iterator = ArchiveIterator(
            fh, parse_http=False, record_types=WarcRecordType.any_type, fsspec_args=False
        )
        for record in iterator:
            offset = record.stream_pos
            length = record.content_length
            if record.headers.get("Content-Length") is None:
                # fastwarc yields a record cut inside its header block with length 0
                record.reader.consume()
                yield offset, record, None, "truncated record header (no Content-Length)"
                continue
            if length > opts.max_record_bytes:
                record.reader.consume()
                yield offset, record, None, f"record is {length} bytes, over the limit"
                continue
            block = record.reader.read()
            if len(block) < length:
                yield (
                    offset,
                    record,
                    None,
                    (f"truncated record: {len(block)} of {length} bytes (Content-Length)"),
                )
                continue
            yield offset, record, block, ""


class _WarcBase(Reader):
    def count(self, path: str) -> int:
        from fastwarc.warc import ArchiveIterator, WarcRecordType

        with open_input(path) as fh:
            return sum(
                1
                for _ in ArchiveIterator(
                    fh, parse_http=False, record_types=WarcRecordType.any_type, fsspec_args=False
                )
            )

    def read(
        self, path: str, opts: ReadOptions, start: int = 0, stop: int | None = None
    ) -> Iterator[Item]:
        index = -1
        try:
            for index, (offset, record, block, error) in enumerate(_iter_records(path, opts)):
                if index < start:
                    continue
                if stop is not None and index >= stop:
                    return
                src = {"path": path, "index": index, "offset": offset}
                if block is None:
                    reason = "record_too_large" if "over the limit" in error else "truncated_record"
                    raw = _raw_slice(path, offset, opts.max_record_bytes)
                    yield Quarantine(src, error, reason, raw)
                    continue
                yield self._item(record, block, path, index, offset, src)
        except (OSError, EOFError, ValueError, zlib.error) as exc:
            index += 1
            if index >= start and (stop is None or index < stop):
                src = {"path": path, "index": index, "offset": None}
                yield Quarantine(src, f"{type(exc).__name__}: {exc}", "unreadable_record")

    def _item(
        self, record: Any, block: bytes, path: str, index: int, offset: int, src: dict
    ) -> Item:
        raise TypeError(f"{type(self).__name__} must define _item")


def _warc_meta(record: Any) -> dict[str, Any]:
    headers = record.headers
    meta: dict[str, Any] = {
        "url": _uri(headers.get("WARC-Target-URI")),
        "warc_record_id": headers.get("WARC-Record-ID"),
        "date": headers.get("WARC-Date"),
    }
    for key, name in (
        ("WARC-Identified-Payload-Type", "identified_payload_type"),
        ("WARC-IP-Address", "ip"),
    ):
        value = headers.get(key)
        if value:
            meta[name] = value
    # Common Crawl's ISO 639-3 list, in the spelling the extract stage writes a page's own hint
    languages = headers.get("WARC-Identified-Content-Language")
    if languages and (tag := language_tag(languages)):
        meta["language_hint"] = tag
    return meta


@register_reader
class WarcReader(_WarcBase):
    """Response and resource records that hold HTML become documents of raw (decoded) HTML."""

    suffixes = (".warc", ".warc.gz")

    def _item(
        self, record: Any, block: bytes, path: str, index: int, offset: int, src: dict
    ) -> Item:
        kind = _record_type(record)
        if kind not in ("response", "resource"):
            return _skip(f"warc_{kind}", src)
        meta = _warc_meta(record)
        if kind == "response":
            msg = parse_response(block)
            if msg is None:
                return Quarantine(
                    src, "response record without an HTTP status line", "bad_http", block
                )
            content_type = msg.header("content-type")
            body = msg.body
            meta["http_status"] = msg.status
        else:
            content_type = record.headers.get("Content-Type")
            body = block
        meta["http_content_type"] = content_type
        url = meta.get("url") or ""
        if url.lower().split("?", 1)[0].endswith("/robots.txt"):
            return _skip("robots_txt", src, content_type)
        if not body.strip():
            return _skip("empty_payload", src, content_type)
        if not is_html(content_type, body):
            return _skip("not_html", src, content_type)
        return html_document(
            body,
            path,
            index,
            http_charset=charset_from_content_type(content_type),
            doc_id=meta.get("warc_record_id") or None,
            meta=meta,
            offset=offset,
        )


@register_reader
class WetReader(_WarcBase):
    """WET ``conversion`` records: text already extracted by the crawler, one document each."""

    suffixes = (".warc.wet.gz", ".warc.wet", ".wet", ".wet.gz")

    def _item(
        self, record: Any, block: bytes, path: str, index: int, offset: int, src: dict
    ) -> Item:
        kind = _record_type(record)
        if kind != "conversion":
            return _skip(f"warc_{kind}", src)
        meta = _warc_meta(record)
        meta["content_type"] = mime_type(record.headers.get("Content-Type")) or "text/plain"
        try:
            text = block.decode("utf-8")
        except UnicodeDecodeError as exc:
            return Quarantine(src, f"UnicodeDecodeError: {exc}", "bad_utf8", block)
        return Document(
            id=meta.get("warc_record_id") or derived_id(path, index),
            text=text,
            source=src,
            meta=meta,
        )


def _skip(reason: str, src: dict, content_type: str | None = None) -> Skipped:
    source = dict(src)
    if content_type:
        source["content_type"] = mime_type(content_type)
    return Skipped(reason, source)
