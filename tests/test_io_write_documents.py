"""Kept documents written without a record each (ShardWriter.write_documents): the bytes and
the profile are those of their records written by write_many, batch after batch."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.document import Document, Edit
from tamis.io.output import ShardWriter
from tamis.io.streams import open_read

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 2**40),
    st.floats(-2, 2),
    st.text(max_size=4),  # any unicode, control characters included
)
values = st.one_of(
    scalars,
    st.lists(scalars, max_size=2),
    st.dictionaries(st.sampled_from(["x", "é"]), scalars, max_size=2),  # nested meta
    st.binary(max_size=3),  # a value JSON lacks (Parquet input metadata)
)
names = st.lists(st.sampled_from(["a", "b", "c", "ü"]), unique=True, max_size=4)
edits = st.lists(
    st.builds(
        Edit,
        st.just("clean"),
        st.just("r"),
        st.integers(0, 9),
        st.text(max_size=2),
        st.text(max_size=2),
    ),
    max_size=2,
)


@st.composite
def batches(draw):
    """Documents whose ``source`` and ``meta`` mostly share a key order (as one input's do),
    now and then another order or shape, a null or empty object, edits, signals, or a
    rejected document (its batch then takes the records' path)."""
    shapes = {name: draw(names) for name in ("source", "meta")}
    docs = []
    for i in range(draw(st.integers(1, 10))):
        objs = {}
        for name, keys in shapes.items():
            if draw(st.integers(0, 9)) == 0:
                keys = draw(names)  # another shape in the batch
            obj = {k: draw(values) for k in keys}
            gone = draw(st.integers(0, 19))
            objs[name] = None if gone == 0 else {} if gone == 1 else obj
        doc = Document(str(i), draw(st.text(max_size=5)), objs["source"], objs["meta"])
        if draw(st.integers(0, 3)) == 0:
            doc.signal("quality", n=draw(st.integers(0, 3)))
        if draw(st.integers(0, 29)) == 0:  # (its original text is undone from the edits)
            doc.reject("quality", "short", {"n": 1})
        else:
            doc.edits = draw(edits)
        docs.append(doc)
    return docs


def write(folder: Path, batches_, fields, signals, documents: bool) -> tuple[bytes, dict]:
    path = folder / "kept" / "part-00000.jsonl"
    writer = ShardWriter(path, "jsonl", kind="kept", signals=signals, fields=fields)
    for batch in batches_:
        if documents:
            writer.write_documents(batch)
        else:
            writer.write_many([d.to_record() for d in batch])
    writer.close()
    with open_read(path) as fh:
        return fh.read(), writer.profile()


@settings(max_examples=200, deadline=None)
@given(st.lists(batches(), min_size=1, max_size=3), names, names)
def test_documents_are_written_and_profiled_as_their_records(
    tmp_path_factory, batches_, source_fields, meta_fields
):
    fields = {"source": source_fields, "meta": meta_fields}
    signals = {"quality": {"n": "int"}}
    folder = Path(tmp_path_factory.mktemp("w"))
    assert write(folder / "docs", batches_, fields, signals, True) == write(
        folder / "records", batches_, fields, signals, False
    )


def test_a_signal_no_stage_declares_is_refused_on_both_paths(tmp_path):
    doc = Document("1", "t", {"path": "f", "index": 0})
    doc.signal("quality", n=1)
    for documents in (True, False):
        with pytest.raises(ValueError, match="declares none"):
            write(tmp_path / str(documents), [[doc]], {}, {}, documents)


def test_one_shape_batches_fill_a_template_per_batch(tmp_path):
    """Two inputs of different fields, one batch each: every record holds the run's fields,
    null where its input has none, the values of its own document (not the last one's)."""
    fields = {"source": ["index", "path"], "meta": ["label", "title", "url"]}
    first = [Document(f"a{i}", "x", {"path": "a", "index": i}, {"url": f"u{i}"}) for i in range(3)]
    second = [
        Document(f"b{i}", "y", {"path": "b", "index": i}, {"title": f"t{i}"}) for i in range(2)
    ]
    data, profile = write(tmp_path, [first, second], fields, {}, True)
    lines = data.decode().splitlines()
    assert lines[1].startswith('{"text":"x","id":"a1","source":{"index":1,"path":"a"},')
    assert '"meta":{"label":null,"title":null,"url":"u1"}' in lines[1]
    assert '"meta":{"label":null,"title":"t1","url":null}' in lines[4]
    assert profile["meta"] == [
        "struct",
        {"label": "null", "title": "string", "url": "string"},
        False,  # profiled as written: every record holds every field
    ]
