"""Readers: every record becomes a document or a quarantine item, never nothing."""

from __future__ import annotations

import gzip
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard

from tamis.document import Document
from tamis.io.base import Quarantine, ReadOptions, Skipped, derived_id, reader_for
from tamis.run.plan import InputError, plan_shards, resolve_inputs

OPTS = ReadOptions()


def _read(path, **kw):
    return list(reader_for(str(path)).read(str(path), kw.pop("opts", OPTS), **kw))


def _lines(n, prefix="doc"):
    return b"".join(
        json.dumps({"id": f"{prefix}{i}", "text": f"text {i}", "lang": "en"}).encode() + b"\n"
        for i in range(n)
    )


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz", ".jsonl.zst", ".json", ".ndjson"])
def test_jsonl_variants_read_the_same(tmp_path, suffix):
    data = _lines(5)
    if suffix.endswith(".gz"):
        data = gzip.compress(data)
    elif suffix.endswith(".zst"):
        data = zstandard.ZstdCompressor().compress(data)
    p = tmp_path / f"in{suffix}"
    p.write_bytes(data)
    items = _read(p)
    assert [d.id for d in items] == [f"doc{i}" for i in range(5)]
    assert items[2].text == "text 2"
    assert items[2].meta == {"lang": "en"}
    assert items[2].source == {"path": str(p), "index": 2, "offset": items[2].source["offset"]}


def test_json_array_file(tmp_path):
    p = tmp_path / "a.json"
    p.write_text(json.dumps([{"text": "a"}, {"text": "b"}, 3]))
    items = _read(p)
    assert [type(i).__name__ for i in items] == ["Document", "Document", "Quarantine"]
    assert items[2].reason == "not_an_object"


def test_bad_lines_are_quarantined_with_raw_bytes(tmp_path):
    p = tmp_path / "bad.jsonl"
    p.write_bytes(
        b'{"text": "ok"}\n'
        b"not json\n"
        b'{"text": "bad \xff bytes"}\n'
        b'{"text": 7}\n'
        b'{"body": "no text field"}\n'
        b"\n"
        b'"a string"\n'
        b'{"text": "' + b"x" * 100 + b'"}\n'
    )
    items = _read(p, opts=ReadOptions(max_record_bytes=80))
    kinds = [(type(i).__name__, getattr(i, "reason", None)) for i in items]
    assert kinds == [
        ("Document", None),
        ("Quarantine", "invalid_json"),
        ("Quarantine", "invalid_utf8"),
        ("Quarantine", "non_string_text"),
        ("Quarantine", "missing_text_field"),
        ("Skipped", "blank_line"),
        ("Quarantine", "not_an_object"),
        ("Quarantine", "record_too_large"),
    ]
    assert items[1].raw == b"not json"
    assert items[2].raw == b'{"text": "bad \xff bytes"}'
    assert [i.source["index"] for i in items] == list(range(8))
    rec = items[3].to_record()
    assert rec["verdict"]["status"] == "quarantined" and rec["raw"] and rec["error"]


@pytest.mark.parametrize("codec", ["gz", "zst"])
def test_truncated_stream_keeps_records_before_the_break(tmp_path, codec):
    data = _lines(20000)  # several zstd blocks, so that whole blocks precede the cut
    comp = gzip.compress(data) if codec == "gz" else zstandard.ZstdCompressor().compress(data)
    p = tmp_path / f"cut.jsonl.{codec}"
    p.write_bytes(comp[: len(comp) // 2])
    items = _read(p)
    docs = [i for i in items if isinstance(i, Document)]
    quarantined = [i for i in items if isinstance(i, Quarantine)]
    assert 0 < len(docs) < 20000
    assert [d.id for d in docs] == [f"doc{i}" for i in range(len(docs))]
    assert quarantined[-1].reason == "truncated_stream"
    assert "offset" in quarantined[-1].error
    # indexes are contiguous: nothing between the last document and the break is unaccounted
    assert [i.source["index"] for i in items] == list(range(len(items)))


def test_ids_are_derived_stably_when_absent(tmp_path):
    p = tmp_path / "noid.jsonl"
    p.write_text('{"text": "a"}\n{"text": "b", "id": ""}\n{"text": "c", "id": 12}\n')
    items = _read(p)
    assert items[0].id == derived_id(str(p), 0)
    assert items[1].id == derived_id(str(p), 1)
    assert items[2].id == "12"
    assert _read(p)[0].id == items[0].id


def test_custom_text_and_id_fields(tmp_path):
    p = tmp_path / "c.jsonl"
    p.write_text('{"key": "k1", "content": "hello", "text": "other"}\n')
    (doc,) = _read(p, opts=ReadOptions(text_field="content", id_field="key"))
    assert doc.id == "k1" and doc.text == "hello" and doc.meta == {"text": "other"}


def test_parquet_rows_and_ranges(tmp_path):
    p = tmp_path / "t.parquet"
    table = pa.table(
        {
            "id": [f"r{i}" for i in range(10)],
            "text": [f"t{i}" if i != 4 else None for i in range(10)],
            "n": list(range(10)),
        }
    )
    pq.write_table(table, p, row_group_size=3)
    items = _read(p)
    assert len(items) == 10
    assert isinstance(items[4], Quarantine) and items[4].reason == "non_string_text"
    assert items[5].meta == {"n": 5}
    part = _read(p, start=2, stop=7)
    assert [i.source["index"] for i in part] == [2, 3, 4, 5, 6]


def test_text_files_utf8_and_legacy(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("Grüße aus Köln", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(
        "Grüße aus Köln, schöne Straße und Äpfel für alle".encode("cp1252")
    )
    files, ignored = resolve_inputs([str(tmp_path)])
    assert [f.rsplit("/", 1)[-1] for f in files] == ["b.txt", "a.txt"] or len(files) == 2
    a = _read(tmp_path / "sub" / "a.txt")[0]
    assert a.text == "Grüße aus Köln" and a.meta["charset"] == "utf-8"
    b = _read(tmp_path / "b.txt")[0]
    assert isinstance(b, Document)
    assert b.text.startswith("Grüße aus Köln")
    assert b.meta["charset"] != "utf-8"


def test_resolve_inputs_errors_name_the_file(tmp_path):
    with pytest.raises(InputError, match="missing.jsonl: no such file"):
        resolve_inputs([str(tmp_path / "missing.jsonl")])
    odd = tmp_path / "data.xyz"
    odd.write_text("x")
    with pytest.raises(InputError, match="data.xyz: no reader"):
        resolve_inputs([str(odd)])
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "ok.jsonl").write_text('{"text": "a"}\n')
    (tmp_path / "d" / "notes.xyz").write_text("x")
    files, ignored = resolve_inputs([str(tmp_path / "d")])
    assert files == [str(tmp_path / "d" / "ok.jsonl")]
    assert ignored == [str(tmp_path / "d" / "notes.xyz")]


def test_big_files_are_split_into_record_ranges(tmp_path):
    p = tmp_path / "big.jsonl"
    p.write_bytes(_lines(1000))
    shards = plan_shards([str(p)], shard_size_mb=p.stat().st_size / 4 / 1024 / 1024)
    assert len(shards) >= 4
    assert shards[-1].stop is None
    got = []
    for s in shards:
        got += [i.source["index"] for i in _read(p, start=s.start, stop=s.stop)]
    assert got == list(range(1000))


def test_skipped_items_are_not_documents():
    assert not isinstance(Skipped("x"), Document)
