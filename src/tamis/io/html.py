"""Saved web pages (``.html``, ``.htm``, ``.html.gz``), one page a document, and the charset
rules every HTML reader shares.

A page's bytes are decoded once, here, so that stages only ever see text. The declared charsets
(byte-order mark, then the HTTP header, then ``<meta charset>``) are tried in the order browsers
trust them, with one correction learned from crawls: servers often declare a single-byte
charset for pages that are really UTF-8, so a legacy declaration loses to bytes that are valid,
non-ASCII UTF-8 (legacy text is almost never valid UTF-8 by accident).
"""

from __future__ import annotations

import codecs
import gzip
import os
import re
import zlib
from collections.abc import Iterator
from typing import Any

from tamis.document import Document
from tamis.io.base import Item, Quarantine, Reader, ReadOptions, derived_id, register_reader
from tamis.io.storage import open_input

HTML_CONTENT_TYPE = "text/html"

_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE
)
_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
_HTML_ANYWHERE = re.compile(rb"<(?:html|head|body|title|div|p)\b[^>]*>", re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SINGLE_BYTE_ALIASES = {
    # WHATWG: these labels all mean windows-1252 on the web.
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "windows-1252": "cp1252",
}
HTML_MIME_TYPES = ("text/html", "application/xhtml+xml", "application/xml+xhtml")


def normalise_charset(label: str | None) -> str | None:
    """A Python codec name for a declared charset label, or None when it names no codec."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _SINGLE_BYTE_ALIASES.get(label, label)
    if label in ("x-sjis", "shift-jis", "sjis"):
        label = "shift_jis"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def charset_from_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    m = re.search(r"charset\s*=\s*[\"']?([^\s;\"']+)", content_type, re.IGNORECASE)
    return m.group(1) if m else None


def meta_charset(body: bytes) -> str | None:
    """The charset a page declares in its first 4 KiB (``<meta charset>`` or http-equiv)."""
    m = _META_CHARSET.search(body[:4096])
    return m.group(1).decode("ascii", "replace") if m else None


def _is_single_byte(codec: str) -> bool:
    return codecs.lookup(codec).name.startswith(("cp", "iso8859", "latin", "koi8", "mac"))


def _has_utf8_multibyte(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not body.isascii()


def decode_html(body: bytes, http_charset: str | None = None) -> tuple[str, str]:
    """Decode page bytes; returns ``(text, codec used)``. Never raises: the last resort is
    UTF-8 with replacement characters, reported as ``utf-8-replace``."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(codec, "replace"), codec
    declared = [normalise_charset(http_charset), normalise_charset(meta_charset(body))]
    seen: set[str] = set()
    for codec in declared:
        if codec is None or codec in seen:
            continue
        seen.add(codec)
        if _is_single_byte(codec) and _has_utf8_multibyte(body):
            return body.decode("utf-8"), "utf-8"
        try:
            return body.decode(codec), codec
        except (UnicodeDecodeError, LookupError):
            continue
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(body[:200_000]).best()
    if best is not None:
        codec = normalise_charset(best.encoding) or "utf-8"
        return body.decode(codec, "replace"), codec
    return body.decode("utf-8", "replace"), "utf-8-replace"


def mime_type(content_type: str | None) -> str:
    """``text/html; charset=x`` -> ``text/html`` (lowercase), empty when absent."""
    if not content_type:
        return ""
    return content_type.split(";", 1)[0].strip().lower()


def looks_like_html(body: bytes | str) -> bool:
    """Whether a payload with no trustworthy content type is an HTML page."""
    head = body[:2048]
    if isinstance(head, str):
        head = head.encode("utf-8", "replace")
    if _HTML_START.match(head):
        return True
    return len(_HTML_ANYWHERE.findall(head)) >= 2


def is_html(content_type: str | None, body: bytes) -> bool:
    """HTML by declared type, or by sniffing when the type is absent or generic."""
    mime = mime_type(content_type)
    if mime in HTML_MIME_TYPES:
        return True
    if mime in ("", "text/plain", "application/octet-stream", "unknown/unknown", "www/unknown"):
        return looks_like_html(body)
    return False


def html_document(
    body: bytes,
    path: str,
    index: int,
    *,
    http_charset: str | None = None,
    doc_id: str | None = None,
    meta: dict[str, Any] | None = None,
    **source: Any,
) -> Document:
    """A document whose text is a decoded page, marked as HTML for the extract stage."""
    text, codec = decode_html(body, http_charset)
    fields = dict(meta or {})
    fields["charset"] = codec
    fields["content_type"] = HTML_CONTENT_TYPE
    return Document(
        id=doc_id or derived_id(path, index),
        text=text,
        source={"path": path, "index": index, **source},
        meta=fields,
    )


@register_reader
class HtmlFileReader(Reader):
    """One saved page a file: the whole file is record 0."""

    suffixes = (".html", ".htm", ".html.gz", ".htm.gz", ".xhtml")

    def count(self, path: str) -> int:
        return 1

    def read(
        self, path: str, opts: ReadOptions, start: int = 0, stop: int | None = None
    ) -> Iterator[Item]:
        if start > 0 or (stop is not None and stop <= 0):
            return
        src = {"path": path, "index": 0, "offset": 0}
        try:
            if path.lower().endswith(".gz"):
                with gzip.open(open_input(path), "rb") as fh:
                    body = fh.read(opts.max_record_bytes + 1)
            else:
                with open_input(path) as fh:
                    body = fh.read(opts.max_record_bytes + 1)
        except (OSError, EOFError, zlib.error) as exc:
            with open_input(path) as fh:
                raw = fh.read(opts.max_record_bytes)
            yield Quarantine(src, f"{type(exc).__name__}: {exc}", "unreadable_file", raw)
            return
        if len(body) > opts.max_record_bytes:
            yield Quarantine(
                src,
                f"page is over {opts.max_record_bytes} bytes",
                "record_too_large",
                body[: opts.max_record_bytes],
            )
            return
        yield html_document(body, path, 0, meta={"file_name": os.path.basename(path)}, offset=0)
