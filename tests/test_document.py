"""The edit log: replaying it gives the cleaned text, undoing it gives back the original."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tamis.document import Document, Replacement, replay, undo


def _doc(text: str) -> Document:
    return Document(id="d", text=text, source={"path": "p", "index": 0})


@st.composite
def texts_and_replacements(draw):
    text = draw(st.text(max_size=200))
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=12)))
    reps = []
    for a, b in zip(cuts[::2], cuts[1::2], strict=False):
        reps.append(Replacement(a, b, draw(st.text(max_size=6)), "r"))
    return text, reps


@given(texts_and_replacements(), texts_and_replacements())
def test_edits_replay_and_undo(first, second):
    text, reps = first
    doc = _doc(text)
    doc.apply("s1", reps)
    # a second stage edits the already-edited text
    _, reps2 = second
    reps2 = [r for r in reps2 if r.end <= len(doc.text)]
    doc.apply("s2", reps2)
    assert undo(doc.text, doc.edits) == text
    assert replay(text, doc.edits) == doc.text
    assert doc.original_text() == text
    rec = doc.to_record()
    assert undo(rec["text"], rec["edits"]) == text


def test_apply_positions_account_for_earlier_edits():
    doc = _doc("aa BB cc DD ee")
    doc.apply("s", [Replacement(3, 5, "b", "lower"), Replacement(9, 11, "", "drop")])
    assert doc.text == "aa b cc  ee"
    assert [(e.pos, e.removed, e.inserted) for e in doc.edits] == [(3, "BB", "b"), (8, "DD", "")]
    assert [e.to_dict()["action"] for e in doc.edits] == ["replace", "delete"]


def test_overlapping_replacements_are_refused():
    doc = _doc("abcdef")
    with pytest.raises(ValueError, match="overlapping"):
        doc.apply("s", [Replacement(0, 3, "x", "r"), Replacement(2, 4, "y", "r")])


def test_rejected_record_carries_the_original_text():
    doc = _doc("Hello  world")
    doc.apply("s", [Replacement(5, 7, " ", "space")])
    doc.reject("q", "too_short", {"words": 2})
    rec = doc.to_record()
    assert rec["text"] == "Hello  world"
    assert replay(rec["text"], rec["edits"]) == "Hello world"
    assert rec["verdict"] == {
        "status": "rejected",
        "stage": "q",
        "reason": "too_short",
        "details": {"words": 2},
    }


def test_state_round_trip_keeps_everything():
    doc = _doc("x y")
    doc.apply("s", [Replacement(1, 2, "", "r")])
    doc.signal("s", n=3)
    doc.order = (2, 5)
    back = Document.from_state(doc.to_state())
    assert back.to_state() == doc.to_state()
