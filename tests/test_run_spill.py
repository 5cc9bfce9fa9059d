"""The spill between phases gives back every document exactly as it was, or refuses to."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.document import KEPT_VERDICT, Document, Replacement
from tamis.run.spill import MAGIC, SpillError, SpillWriter, read_spill


def _write(path: Path, batches: list[list]) -> None:
    with open(path, "wb") as fh:
        writer = SpillWriter(fh)
        for batch in batches:
            writer.write(batch)


def _fields(doc: Document) -> tuple:
    return (
        doc.id,
        doc.text,
        doc.source,
        doc.meta,
        [e.to_dict() for e in doc.edits],
        doc.signals,
        doc.verdict,
        doc.order,
    )


values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@st.composite
def documents(draw) -> Document:
    text = draw(st.text(min_size=1, max_size=200))
    doc = Document(
        draw(st.text(max_size=10)),
        text,
        {"path": draw(st.text(max_size=10)), "index": draw(st.integers(0, 10**9))},
        meta=draw(st.dictionaries(st.text(max_size=5), values, max_size=3)),
        order=(draw(st.integers(0, 99)), draw(st.integers(0, 10**6))),
    )
    cut = draw(st.integers(0, len(text)))
    doc.apply("s", [Replacement(cut, len(text), draw(st.text(max_size=5)), "r", "why")])
    doc.signals["q"] = draw(st.dictionaries(st.text(max_size=5), values, max_size=3))
    if draw(st.booleans()):
        doc.reject("q", "low", draw(values))
    return doc


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(documents(), max_size=5), max_size=4))
def test_every_document_comes_back_exactly(tmp_path_factory, batches):
    path = tmp_path_factory.mktemp("spill") / "s.spill.zst"
    _write(path, batches)
    back = list(read_spill(path))
    assert [_fields(d) for d in back] == [_fields(d) for b in batches for d in b]
    # a kept document shares the one kept verdict (the writers' fast path looks for it)
    assert all(d.verdict is KEPT_VERDICT for d in back if d.kept)


def test_quarantine_records_pass_through_in_order(tmp_path):
    path = tmp_path / "s.spill.zst"
    quarantined = {"raw": "e30=", "id": "q1", "verdict": {"status": "quarantined"}}
    doc = Document("a", "text", {"path": "p", "index": 0})
    _write(path, [[doc, quarantined], [Document("b", "more", {"path": "p", "index": 2})]])
    back = list(read_spill(path))
    assert back[1] == quarantined and [back[0].id, back[2].id] == ["a", "b"]


def test_a_spill_cut_short_damaged_or_of_another_version_is_refused(tmp_path):
    path = tmp_path / "s.spill.zst"
    _write(path, [[Document(str(i), "text " * 50, {"path": "p", "index": i}) for i in range(9)]])
    data = path.read_bytes()
    for broken, why in (
        (data[:-7], "cut short in a frame"),
        (data[: len(MAGIC) + 4], "cut short in a frame's length"),
        (data[: len(MAGIC)] + b"\x09" + data[len(MAGIC) + 1 :], "spill version 9"),
        (b"{" + data[1:], "not a spill"),
        (data[:-20] + bytes(b ^ 0x5A for b in data[-20:-10]) + data[-10:], "a damaged frame"),
    ):
        path.write_bytes(broken)
        with pytest.raises(SpillError, match=why):
            list(read_spill(path))
