"""The HTTP message inside a crawl record: status, headers and the payload as the server meant it.

Crawlers disagree about what they store: Common Crawl keeps the original ``Content-Encoding``
and ``Transfer-Encoding`` headers but stores an identity, de-chunked body; older ARC crawls keep
the headers and sometimes the encoded body. So a declared encoding is only undone when the bytes
really carry it, and a body that fails to decode is kept as stored.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field

_CHUNK_SIZE_LINE = re.compile(rb"[0-9a-fA-F]{1,8}[ \t]*(?:;[^\r\n]*)?\r?\n")


@dataclass(slots=True)
class HttpMessage:
    status: int | None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


def parse_response(block: bytes) -> HttpMessage | None:
    """Split a stored response into status, headers (lowercased names) and decoded body.

    Returns None when the block does not start with an HTTP status line.
    """
    if not block.startswith(b"HTTP/"):
        return None
    end = block.find(b"\r\n\r\n")
    sep = 4
    lf_end = block.find(b"\n\n")
    if end < 0 or (0 <= lf_end < end):
        end, sep = lf_end, 2
    if end < 0:
        head, body = block, b""
    else:
        head, body = block[:end], block[end + sep :]
    lines = head.decode("latin-1").splitlines()
    status = None
    parts = lines[0].split(None, 2) if lines else []
    if len(parts) >= 2 and parts[1].isdigit():
        status = int(parts[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if colon:
            key = name.strip().lower()
            value = value.strip()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
    msg = HttpMessage(status, headers, body)
    if "chunked" in (msg.header("transfer-encoding") or "").lower():
        msg.body = _dechunk(msg.body)
    encoding = (msg.header("content-encoding") or "").lower()
    if encoding:
        msg.body = _decompress(msg.body, encoding)
    return msg


def _dechunk(body: bytes) -> bytes:
    """Undo chunked transfer coding, if the body really is chunked; otherwise keep it."""
    if not _CHUNK_SIZE_LINE.match(body[:64]):
        return body
    out = []
    pos = 0
    while pos < len(body):
        m = _CHUNK_SIZE_LINE.match(body, pos)
        if m is None:
            return body
        size = int(m.group(0).split(b";")[0].strip(), 16)
        pos = m.end()
        if size == 0:
            return b"".join(out)
        out.append(body[pos : pos + size])
        pos += size
        if body[pos : pos + 2] == b"\r\n":
            pos += 2
        elif body[pos : pos + 1] == b"\n":
            pos += 1
    return b"".join(out)


def _decompress(body: bytes, encoding: str) -> bytes:
    """Undo gzip/deflate/brotli content coding when the bytes carry it; else keep them."""
    try:
        if "gzip" in encoding and body[:2] == b"\x1f\x8b":
            return zlib.decompress(body, 16 + zlib.MAX_WBITS)
        if "deflate" in encoding:
            try:
                return zlib.decompress(body)
            except zlib.error:
                return zlib.decompress(body, -zlib.MAX_WBITS)
        if encoding.strip() == "br":
            import brotli

            return brotli.decompress(body)
    except Exception:  # noqa: BLE001 - a body that does not decode is kept as stored
        return body
    return body
