"""A run's Parquet shard written at once in the schema its sample gives, and what happens when
its records turn out to be of other kinds: the file is the one the staged path makes."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from tamis.document import Document, Edit, Verdict
from tamis.io import kinds, output, settle
from tamis.io.output import ShardWriter, staging_path

DECLARED = {"gopher_quality": {"n_words": "int", "avg_word_length": "float"}}


def _docs(n: int, start: int = 0, late: bool = False, when: bool = False) -> list[Document]:
    out = []
    for i in range(start, start + n):
        meta = {"label": "pos" if i % 3 else "neg", "n": i, "tags": [f"t{i % 3}"] * (i % 3)}
        if late:  # a kind the sample did not hold: text where it saw numbers
            meta["n"] = f"n{i}"
        if when:  # a value JSON lacks, written as its text
            meta["tags"] = [datetime.date(2020, 1, 1 + i % 28)]
        doc = Document(f"d{i}", f"text {i} " * (i % 5 + 1), {"path": "in.jsonl", "index": i}, meta)
        if i % 4 == 0:
            doc.edits.append(Edit("clean", "rule", 0, "x", "", "a reason"))
        doc.signals["gopher_quality"] = {"n_words": i, "avg_word_length": 4.5}
        if i % 7 == 0:
            doc.verdict = Verdict("rejected", "gopher_quality", "few words", {"threshold": 3})
        out.append(doc)
    return out


def _sampled(docs: list[Document]) -> dict:
    found = {}
    for name in ("source", "meta"):
        profiler = kinds.Profiler()
        profiler.add_many([getattr(d, name) for d in docs])
        found[name] = profiler.kind()
    return found


def _write(
    path: Path, batches: list[list[Document]], provisional, meta: tuple = ("label", "n", "tags")
) -> ShardWriter:
    fields = {"source": ["index", "path"], "meta": list(meta)}
    w = ShardWriter(
        path, "parquet", kind="kept", signals=DECLARED, fields=fields, provisional=provisional
    )
    for batch in batches:
        w.write_many([d.to_record() for d in batch])
    w.close()
    return w


def _settled(w: ShardWriter, schema) -> bytes:
    if w.staged:
        settle._parquet_from_staging(staging_path(w.path), w.path, schema, "kept")
    return w.path.read_bytes()


@pytest.mark.parametrize("when", [False, True])
@pytest.mark.parametrize("group_rows", [5, output.ROW_GROUP_ROWS])
def test_a_shard_of_the_sampled_kinds_is_written_at_once(tmp_path, monkeypatch, group_rows, when):
    """Lists of scalars are written as they are; dates (JSON has none) converted to text."""
    monkeypatch.setattr(output, "ROW_GROUP_ROWS", group_rows)
    batches = [_docs(12, when=when), _docs(9, 12, when=when)]
    sampled = _sampled(batches[0][:5])
    prov = settle.provisional_schema(DECLARED, sampled)
    direct = _write(tmp_path / "a" / "kept" / "part-00000.parquet", batches, (prov, sampled))
    assert not direct.staged and not staging_path(direct.path).exists()
    staged = _write(tmp_path / "b" / "kept" / "part-00000.parquet", batches, None)
    assert staged.staged
    schema = settle.run_schema(
        DECLARED, [{"source": staged.profile()["source"], "meta": staged.profile()["meta"]}]
    )
    assert settle.schema_digest(schema, "kept") == settle.schema_digest(prov, "kept")
    assert direct.path.read_bytes() == _settled(staged, schema)


@pytest.mark.parametrize("group_rows", [5, output.ROW_GROUP_ROWS])
def test_records_of_other_kinds_move_the_shard_to_staging_losing_nothing(
    tmp_path, monkeypatch, group_rows
):
    """Row groups already written (``group_rows`` 5) and rows held are staged again, in order,
    and the settled file is the staged path's, byte for byte."""
    monkeypatch.setattr(output, "ROW_GROUP_ROWS", group_rows)
    batches = [_docs(12), _docs(9, 12), _docs(4, 21, late=True), _docs(6, 25)]
    sampled = _sampled(batches[0])
    prov = settle.provisional_schema(DECLARED, sampled)
    moved = _write(tmp_path / "a" / "kept" / "part-00000.parquet", batches, (prov, sampled))
    assert moved.staged and not moved.path.with_name(moved.path.name + ".tmp").exists()
    staged = _write(tmp_path / "b" / "kept" / "part-00000.parquet", batches, None)
    assert moved.profile() == staged.profile()
    schema = settle.run_schema(DECLARED, [staged.profile()])
    assert schema.meta[1]["n"] == "string"  # numbers and text: written as text
    assert _settled(moved, schema) == _settled(staged, schema)
    records = list(output.read_records(moved.path))
    assert [r["id"] for r in records] == [f"d{i}" for i in range(31)]


def test_a_sample_that_saw_only_nulls_settles_as_text():
    sampled = ["struct", {"title": "null"}, False]
    assert kinds.settles_as(sampled, ["struct", {"title": "string"}, False])
    assert not kinds.settles_as(sampled, ["struct", {"title": "int"}, False])
    assert kinds.settles_as(["struct", {"x": "conflict"}, False], ["struct", {"x": "int"}, False])
    assert not kinds.settles_as(["struct", {"x": "int"}, False], ["struct", {"x": "float"}, False])
    assert not kinds.settles_as(["struct", {"x": "int"}, False], ["struct", {"y": "int"}, False])


def test_a_new_field_of_a_nested_object_moves_the_shard_to_staging(tmp_path):
    """An object's new field changes no shape a writer counts, only the nested kind: still met,
    never dropped by writing in the sample's schema."""

    def docs(start: int, extra: bool) -> list[Document]:
        out = []
        for d in _docs(6, start):
            d.meta["info"] = {"a": d.meta["n"], **({"b": "new"} if extra else {})}
            out.append(d)
        return out

    batches = [docs(0, False), docs(6, False), docs(12, True)]
    sampled = _sampled(batches[0])
    prov = settle.provisional_schema(DECLARED, sampled)
    meta = ("info", "label", "n", "tags")

    moved = _write(tmp_path / "a" / "kept" / "part-00000.parquet", batches, (prov, sampled), meta)
    assert moved.staged
    staged = _write(tmp_path / "b" / "kept" / "part-00000.parquet", batches, None, meta)
    schema = settle.run_schema(DECLARED, [staged.profile()])
    assert _settled(moved, schema) == _settled(staged, schema)
    infos = [r["meta"]["info"] for r in output.read_records(moved.path)]
    assert infos[-1] == {"a": 17, "b": "new"}


def test_the_dictionary_columns_are_the_files_leaves_but_the_unique_ones(tmp_path):
    """The leaf paths the writer names for its dictionaries are the file's own columns, lists
    and maps included, so no column is left out by a misspelt path; texts and ids are written
    plain, the rest with a dictionary."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema(
        [
            pa.field("text", pa.string()),
            pa.field("id", pa.string()),
            pa.field("source", pa.struct([("path", pa.string()), ("index", pa.int64())])),
            pa.field("edits", pa.list_(pa.struct([("stage", pa.string()), ("at", pa.int64())]))),
            pa.field("meta", pa.struct([("tags", pa.list_(pa.string()))])),
            pa.field("counts", pa.map_(pa.string(), pa.int64())),
        ]
    )
    rows = [
        {
            "text": f"text {i}",
            "id": f"d{i}",
            "source": {"path": "in.jsonl", "index": i},
            "edits": [{"stage": "clean", "at": i}],
            "meta": {"tags": ["a", "b"]},
            "counts": [("x", i)],
        }
        for i in range(50)
    ]
    path = tmp_path / "f.parquet"
    sink = output.ParquetSink(path, schema)
    sink.write(rows)
    sink.close()
    meta = pq.ParquetFile(path).metadata
    columns = [meta.row_group(0).column(i) for i in range(meta.num_columns)]
    assert output.leaf_paths(schema) == [c.path_in_schema for c in columns]
    for c in columns:
        dictionary = c.dictionary_page_offset is not None
        assert dictionary == (c.path_in_schema not in ("text", "id")), c.path_in_schema
    assert pq.read_table(path).to_pylist() == [
        {**r, "counts": [tuple(kv) for kv in r["counts"]]} for r in rows
    ]
