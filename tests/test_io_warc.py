"""WARC, WET and ARC readers: the real Common Crawl files end to end, plus files the tests write
(charsets, truncation, non-page records) to check what the real files do not show."""

from __future__ import annotations

import gzip
import uuid
from collections import Counter
from pathlib import Path

import pytest

from tamis.document import Document
from tamis.io.base import Quarantine, ReadOptions, Skipped, reader_for


def read_all(path: Path, **kw) -> list:
    reader = reader_for(str(path))
    assert reader is not None, f"no reader for {path}"
    return list(reader.read(str(path), ReadOptions(), **kw))


def tally(items: list) -> Counter:
    out: Counter = Counter()
    for it in items:
        if isinstance(it, Document):
            out["doc"] += 1
        elif isinstance(it, Skipped):
            out[f"skip:{it.reason}"] += 1
        else:
            out[f"quarantine:{it.reason}"] += 1
    return out


def warc_record(kind: str, uri: str, block: bytes, content_type: str) -> bytes:
    head = (
        f"WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\n"
        f"WARC-Date: 2024-04-25T16:24:44Z\r\nWARC-Target-URI: {uri}\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(block)}\r\n\r\n"
    ).encode()
    return head + block + b"\r\n\r\n"


def http_response(body: bytes, content_type: str, status: str = "200 OK") -> bytes:
    return (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body


def response(uri: str, body: bytes, content_type: str) -> bytes:
    return warc_record(
        "response", uri, http_response(body, content_type), "application/http;msgtype=response"
    )


def write_warc(path: Path, records: list[bytes], gz: bool = True) -> list[int]:
    """Write records (each its own gzip member, like Common Crawl); returns their offsets."""
    offsets = []
    with open(path, "wb") as fh:
        for rec in records:
            offsets.append(fh.tell())
            fh.write(gzip.compress(rec) if gz else rec)
    return offsets


# --- the real crawl files -------------------------------------------------------------------


def test_common_crawl_sample_warcs_read_end_to_end(shared_data):
    warc = shared_data / "warc"
    first = read_all(warc / "cc-sample-0000.warc.gz")
    assert tally(first) == Counter(
        {
            "doc": 22,
            "skip:warc_request": 22,
            "skip:warc_warcinfo": 1,
            "skip:warc_metadata": 1,
            "skip:not_html": 2,
        }
    )
    # indexes are ordinals among all records, so they are dense and stable
    assert [it.source["index"] for it in first] == list(range(48))
    second = read_all(warc / "cc-sample-0001.warc.gz")
    assert tally(second)["doc"] == 15 and len(second) == 34
    docs = [d for d in first if isinstance(d, Document)]
    assert all(d.meta["content_type"] == "text/html" for d in docs)
    assert all(d.meta["http_status"] == 200 for d in docs)
    by_url = {d.meta["url"]: d for d in docs}
    # a chunked response: the chunk-size lines must be gone
    weld = by_url["https://www.cs.washington.edu/people/faculty/weld"]
    assert weld.text.lstrip().lower().startswith("<!doctype html")
    assert weld.text.rstrip().endswith("</html>")
    assert "Daniel S. Weld" in weld.text or "Weld" in weld.text


def test_whirlwind_warc_and_wet_agree_on_the_page(shared_data):
    warc = read_all(shared_data / "warc" / "cc-whirlwind.warc.gz")
    wet = read_all(shared_data / "warc" / "cc-whirlwind.warc.wet.gz")
    assert tally(warc) == Counter(
        {"doc": 1, "skip:warc_request": 1, "skip:warc_warcinfo": 1, "skip:warc_metadata": 1}
    )
    assert tally(wet) == Counter({"doc": 1, "skip:warc_warcinfo": 1})
    (page,) = [d for d in warc if isinstance(d, Document)]
    (text,) = [d for d in wet if isinstance(d, Document)]
    assert page.meta["url"] == text.meta["url"] == "https://an.wikipedia.org/wiki/Escopete"
    assert "<title>Escopete - Biquipedia" in page.text
    assert text.text.startswith("Escopete - Biquipedia, a enciclopedia libre")
    assert text.meta["content_type"] == "text/plain"
    assert text.meta["language_hint"] == "es"
    assert page.source["offset"] > 0 and page.id.startswith("<urn:uuid:")


def test_2008_arc_files_read_end_to_end(shared_data):
    arc = shared_data / "warc"
    items = read_all(arc / "cc-2008-small-sample-1213893279526_0.arc")
    counts = tally(items)
    assert len(items) == 146
    assert counts["doc"] == 138 and counts["skip:not_html"] == 6
    assert counts["skip:arc_filedesc"] == 1 and counts["skip:empty_payload"] == 1
    first = next(d for d in items if isinstance(d, Document))
    assert first.meta["url"] == "http://cineciudad.com/pelicula/index/502"
    assert "<title>Unión Cine Ciudad - CASI 300</title>" in first.text
    assert first.meta["date"] == "2008-05-09T19:02:41Z"
    charsets = Counter(d.meta["charset"] for d in items if isinstance(d, Document))
    # legacy pages of 2008 come in many charsets; they must all decode without replacement
    assert {"utf-8", "cp1252", "shift_jis", "euc_kr"} <= set(charsets)
    assert not any(
        "\ufffd" in d.text
        for d in items
        if isinstance(d, Document) and d.meta["charset"] != "utf-8"
    )
    other = read_all(arc / "cc-2008-small-sample-1262850551027_8.arc")
    assert tally(other) == Counter({"doc": 8, "skip:arc_filedesc": 1})


def test_record_ranges_select_stable_indexes(shared_data):
    path = shared_data / "warc" / "cc-sample-0000.warc.gz"
    whole = read_all(path)
    part = read_all(path, start=10, stop=20)
    assert [it.source["index"] for it in part] == list(range(10, 20))
    assert [getattr(it, "id", None) for it in part] == [
        getattr(it, "id", None) for it in whole[10:20]
    ]
    assert reader_for(str(path)).count(str(path)) == len(whole)


# --- files the tests write -------------------------------------------------------------------


def test_truncated_warc_quarantines_the_cut_record_with_its_offset(tmp_path):
    page = b"<html><head><title>t</title></head><body><p>" + b"words " * 400 + b"</p></body></html>"
    records = [response(f"https://example.org/{i}", page, "text/html") for i in range(3)]
    path = tmp_path / "cut.warc.gz"
    offsets = write_warc(path, records)
    data = path.read_bytes()
    path.write_bytes(data[: offsets[2] + (len(data) - offsets[2]) // 2])
    items = read_all(path)
    assert tally(items) == Counter({"doc": 2, "quarantine:truncated_record": 1})
    bad = items[2]
    assert isinstance(bad, Quarantine)
    assert bad.source["offset"] == offsets[2] and bad.source["index"] == 2
    assert bad.raw == path.read_bytes()[offsets[2] :]


def test_truncated_uncompressed_warc(tmp_path):
    page = b"<html><body><p>" + b"hello " * 100 + b"</p></body></html>"
    path = tmp_path / "cut.warc"
    offsets = write_warc(path, [response("https://a.example/", page, "text/html")] * 2, gz=False)
    path.write_bytes(path.read_bytes()[:-60])
    items = read_all(path)
    assert tally(items) == Counter({"doc": 1, "quarantine:truncated_record": 1})
    assert items[1].source["offset"] == offsets[1]


def test_non_page_records_are_skipped_and_counted(tmp_path):
    records = [
        warc_record("warcinfo", "", b"software: test\r\n", "application/warc-fields"),
        warc_record(
            "request",
            "https://a.example/",
            b"GET / HTTP/1.1\r\n\r\n",
            "application/http;msgtype=request",
        ),
        response("https://a.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(100), "image/png"),
        response("https://a.example/paper.pdf", b"%PDF-1.4 ...", "application/pdf"),
        response("https://a.example/robots.txt", b"User-agent: *\nDisallow:\n", "text/plain"),
        response("https://a.example/empty", b"", "text/html"),
        response(
            "https://a.example/untyped",
            b"<!DOCTYPE html><html><body>hi</body></html>",
            "application/octet-stream",
        ),
        response("https://a.example/", b"<html><body><p>page</p></body></html>", "text/html"),
    ]
    path = tmp_path / "mixed.warc.gz"
    write_warc(path, records)
    items = read_all(path)
    assert tally(items) == Counter(
        {
            "skip:warc_warcinfo": 1,
            "skip:warc_request": 1,
            "skip:not_html": 2,
            "skip:robots_txt": 1,
            "skip:empty_payload": 1,
            "doc": 2,
        }
    )
    assert items[2].source["content_type"] == "image/png"
    assert items[3].source["content_type"] == "application/pdf"
    assert [it.source["index"] for it in items] == list(range(len(records)))


CAFE_CP1252 = "Un café à Paris – “le meilleur” € 5".encode("cp1252")
JAPANESE = "日本語のページです。東京"


@pytest.mark.parametrize(
    ("body", "http_type", "expected", "codec"),
    [
        # charset only in the HTTP header
        (
            b"<html><body><p>" + CAFE_CP1252 + b"</p></body></html>",
            "text/html; charset=windows-1252",
            "Un café à Paris – “le meilleur” € 5",
            "cp1252",
        ),
        # charset only in the meta tag
        (
            b'<html><head><meta charset="shift_jis"></head><body><p>'
            + JAPANESE.encode("shift_jis")
            + b"</p></body></html>",
            "text/html",
            JAPANESE,
            "shift_jis",
        ),
        # http-equiv form, header without charset
        (
            b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">'
            b"</head><body><p>" + JAPANESE.encode("shift_jis") + b"</p></body></html>",
            "text/html",
            JAPANESE,
            "shift_jis",
        ),
        # the header says latin-1 but the bytes are UTF-8: UTF-8 wins
        (
            b"<html><body><p>" + "Un café à Paris".encode() + b"</p></body></html>",
            "text/html; charset=ISO-8859-1",
            "Un café à Paris",
            "utf-8",
        ),
        # the header wins over a contradicting meta tag when both decode
        (
            b'<html><head><meta charset="utf-8"></head><body><p>'
            + CAFE_CP1252
            + b"</p></body></html>",
            "text/html; charset=cp1252",
            "Un café à Paris – “le meilleur” € 5",
            "cp1252",
        ),
    ],
)
def test_warc_charsets(tmp_path, body, http_type, expected, codec):
    path = tmp_path / "cs.warc.gz"
    write_warc(path, [response("https://a.example/", body, http_type)])
    (doc,) = read_all(path)
    assert isinstance(doc, Document)
    assert expected in doc.text
    assert doc.meta["charset"] == codec
    assert doc.meta["content_type"] == "text/html"


def test_wet_conversion_records(tmp_path):
    text = "Première ligne\nSecond line\n"
    records = [
        warc_record("warcinfo", "", b"x: y\r\n", "application/warc-fields"),
        warc_record("conversion", "https://a.example/", text.encode(), "text/plain"),
    ]
    path = tmp_path / "t.warc.wet.gz"
    write_warc(path, records)
    items = read_all(path)
    assert isinstance(items[0], Skipped)
    assert isinstance(items[1], Document) and items[1].text == text


def arc_record(url: str, payload: bytes, content_type: str = "text/html") -> bytes:
    return (
        f"{url} 1.2.3.4 20080509190241 {content_type} {len(payload)}\n".encode() + payload + b"\n"
    )


def test_arc_truncated_and_garbled(tmp_path):
    page = http_response(
        b"<html><body><p>" + "Ça marche".encode("cp1252") + b"</p></body></html>",
        "text/html; charset=iso-8859-1",
    )
    filedesc = b"filedesc://x.arc 0.0.0.0 20080619093439 text/plain 5\n1 0 X\n"
    good = arc_record("http://a.example/", page)
    garbled = b"this is not a header\nnor this\n"
    cut = arc_record("http://b.example/", page)[:-40]
    path = tmp_path / "x.arc"
    path.write_bytes(filedesc + b"\n" + good + garbled + good + cut)
    items = read_all(path)
    assert tally(items) == Counter(
        {
            "skip:arc_filedesc": 1,
            "doc": 2,
            "quarantine:bad_arc_header": 1,
            "quarantine:truncated_record": 1,
        }
    )
    assert "Ça marche" in items[1].text and items[1].meta["charset"] == "cp1252"
    assert items[2].raw == garbled
    gz = tmp_path / "x.arc.gz"
    gz.write_bytes(gzip.compress(filedesc + b"\n" + good))
    assert tally(read_all(gz)) == Counter({"skip:arc_filedesc": 1, "doc": 1})
