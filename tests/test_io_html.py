"""Saved HTML pages, one a document, and the charset rules every HTML reader shares."""

from __future__ import annotations

import codecs
import gzip

import pytest

from tamis.document import Document
from tamis.io.base import Quarantine, ReadOptions, reader_for
from tamis.io.html import decode_html, is_html, looks_like_html

FRENCH = "Un café à Paris – “le meilleur” coûte 5 €, déjà œuvre"
JAPANESE = "日本語のページです。東京の天気は晴れ。"


def read_one(path):
    items = list(reader_for(str(path)).read(str(path), ReadOptions()))
    assert len(items) == 1
    return items[0]


@pytest.mark.parametrize(
    ("name", "payload", "expected", "codec"),
    [
        (
            "cp1252.html",
            b'<html><head><meta charset="windows-1252"><title>t</title></head><body><p>'
            + FRENCH.encode("cp1252")
            + b"</p></body></html>",
            FRENCH,
            "cp1252",
        ),
        (
            "sjis.htm",
            b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=shift_jis">'
            b"</head><body><p>" + JAPANESE.encode("shift_jis") + b"</p></body></html>",
            JAPANESE,
            "shift_jis",
        ),
        (
            "latin1-label.html",
            b'<html><head><meta charset="iso-8859-1"></head><body><p>'
            + FRENCH.encode("cp1252")
            + b"</p></body></html>",
            FRENCH,  # WHATWG: the iso-8859-1 label means windows-1252 (curly quotes, euro)
            "cp1252",
        ),
        (
            "bom.html",
            codecs.BOM_UTF8 + f"<html><body><p>{JAPANESE}</p></body></html>".encode(),
            JAPANESE,
            "utf-8",
        ),
        (
            "undeclared.html",
            f"<html><body><p>{FRENCH}</p></body></html>".encode(),
            FRENCH,
            "utf-8",
        ),
    ],
)
def test_saved_pages_decode_by_their_declared_charset(tmp_path, name, payload, expected, codec):
    path = tmp_path / name
    path.write_bytes(payload)
    doc = read_one(path)
    assert isinstance(doc, Document)
    assert expected in doc.text
    assert doc.meta["charset"] == codec
    assert doc.meta["content_type"] == "text/html"
    assert doc.source["index"] == 0


def test_gzipped_page(tmp_path):
    path = tmp_path / "page.html.gz"
    path.write_bytes(gzip.compress(f"<html><body><p>{FRENCH}</p></body></html>".encode()))
    doc = read_one(path)
    assert isinstance(doc, Document) and FRENCH in doc.text


def test_undeclared_legacy_page_is_detected_without_replacement_characters(tmp_path):
    text = ("Ceci est une page française sans déclaration de jeu de caractères. " * 20) + FRENCH
    path = tmp_path / "legacy.html"
    path.write_bytes(f"<html><body><p>{text}</p></body></html>".encode("cp1252"))
    doc = read_one(path)
    assert "\ufffd" not in doc.text and "française" in doc.text


def test_broken_gzip_is_quarantined_with_its_bytes(tmp_path):
    path = tmp_path / "cut.html.gz"
    blob = gzip.compress(b"<html><body>" + b"<p>text</p>" * 2000 + b"</body></html>")
    path.write_bytes(blob[: len(blob) // 2])
    item = read_one(path)
    assert isinstance(item, Quarantine)
    assert item.reason == "unreadable_file" and item.raw == blob[: len(blob) // 2]


def test_oversized_page_is_quarantined(tmp_path):
    path = tmp_path / "big.html"
    path.write_bytes(b"<html><body>" + b"x" * 5000 + b"</body></html>")
    (item,) = list(reader_for(str(path)).read(str(path), ReadOptions(max_record_bytes=1000)))
    assert isinstance(item, Quarantine) and item.reason == "record_too_large"


def test_html_sniffing():
    assert looks_like_html("<!DOCTYPE html><html><body></body></html>")
    assert looks_like_html("  <!-- saved --> <html lang=en>")
    assert looks_like_html("<div class=a><p>text</p></div>")
    assert not looks_like_html("A sentence that mentions <b> once.")
    assert not looks_like_html("%PDF-1.4 binary")
    assert is_html("text/html; charset=utf-8", b"anything")
    assert not is_html("image/png", b"<html>")
    assert is_html(None, b"<html><body>x</body></html>")


def test_decode_never_raises_on_garbage():
    text, codec = decode_html(bytes(range(256)) * 4, "no-such-charset")
    assert isinstance(text, str) and codec
