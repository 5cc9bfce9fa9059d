"""Plain-text input: one document per ``.txt`` file (folders are walked by the planner).

Text that is not valid UTF-8 is decoded by charset detection (the guess is recorded under
``meta.charset``) rather than quarantined, since legacy encodings are common in real crawls;
only bytes no decoder accepts go to quarantine.
"""

from __future__ import annotations

from collections.abc import Iterator

from tamis.document import Document
from tamis.io.base import Item, Quarantine, Reader, ReadOptions, derived_id, register_reader
from tamis.io.storage import open_input


def decode_text(raw: bytes) -> tuple[str, dict]:
    """UTF-8 when it is (BOM dropped and recorded), else the detected legacy encoding."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), {"charset": "utf-8-sig"}
    try:
        return raw.decode("utf-8"), {"charset": "utf-8"}
    except UnicodeDecodeError:
        from tamis.repair.decode import decode_bytes

        text, info = decode_bytes(raw)
        return text, {"charset": info.get("encoding"), "charset_detection": info}


@register_reader
class TextReader(Reader):
    suffixes = (".txt",)
    splittable = False

    def read(
        self, path: str, opts: ReadOptions, start: int = 0, stop: int | None = None
    ) -> Iterator[Item]:
        if start > 0 or stop == 0:
            return
        src = {"path": path, "index": 0}
        with open_input(path) as fh:
            raw = fh.read(opts.max_record_bytes + 1)
        if len(raw) > opts.max_record_bytes:
            with open_input(path) as fh:
                raw = fh.read()
            yield Quarantine(
                src,
                f"file of {len(raw)} bytes exceeds max_record_bytes={opts.max_record_bytes}",
                "record_too_large",
                raw,
            )
            return
        try:
            text, meta = decode_text(raw)
        except (UnicodeDecodeError, LookupError, ValueError) as exc:
            yield Quarantine(src, f"undecodable text: {exc}", "invalid_encoding", raw)
            return
        yield Document(id=derived_id(path, 0), text=text, source=src, meta=meta)
