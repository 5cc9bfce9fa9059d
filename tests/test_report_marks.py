"""Edit highlighting: both views give back their text, and every edit is shown where it acted."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.document import Document, Replacement, replay
from tamis.report.diff import word_diff
from tamis.report.marks import edit_marks


def untouched_edits(original: str, edits) -> set[int]:
    """Edits whose removed text was all original and whose inserted text all survives.

    An oracle independent of the segment replay in ``edit_marks``: the text is replayed as a
    list of (character, origin) pairs, origin None for the original or the inserting edit.
    """
    chars: list[tuple[str, int | None]] = [(c, None) for c in original]
    touched: set[int] = set()
    for k, e in enumerate(edits):
        assert "".join(c for c, _ in chars[e.pos : e.pos + len(e.removed)]) == e.removed
        gone = chars[e.pos : e.pos + len(e.removed)]
        for _, origin in gone:
            if origin is not None:
                touched.update((origin, k))
        chars[e.pos : e.pos + len(e.removed)] = [(c, k) for c in e.inserted]
    survived: dict[int, int] = {}
    for _, origin in chars:
        if origin is not None:
            survived[origin] = survived.get(origin, 0) + 1
    return {
        k for k, e in enumerate(edits) if k not in touched and survived.get(k, 0) == len(e.inserted)
    }


@st.composite
def edited_documents(draw):
    text = draw(st.text(alphabet="ab c\n", min_size=0, max_size=60))
    doc = Document("d", text, {"path": "p", "index": 0})
    for stage in range(draw(st.integers(0, 4))):
        n = len(doc.text)
        cuts = sorted(draw(st.lists(st.integers(0, n), max_size=6)))
        reps = []
        for a, b in zip(cuts[::2], cuts[1::2], strict=False):
            reps.append(Replacement(a, b, draw(st.text(alphabet="XYZ\n", max_size=4)), f"r{stage}"))
        doc.apply(f"s{stage}", reps)
    return text, doc


@settings(max_examples=400, deadline=None)
@given(edited_documents())
def test_views_give_back_both_texts_and_show_every_edit(case):
    original, doc = case
    left, right = edit_marks(original, doc.edits)
    assert "".join(p.text for p in left) == original
    assert "".join(p.text for p in right) == doc.text == replay(original, doc.edits)
    shown = {p.edit for p in left + right if p.edit is not None}
    assert shown == set(range(len(doc.edits)))
    for k in untouched_edits(original, doc.edits):
        e = doc.edits[k]
        assert "".join(p.text for p in left if p.edit == k) == e.removed
        assert "".join(p.text for p in right if p.edit == k) == e.inserted


def test_a_later_edit_over_an_earlier_one_shows_both():
    original = "Hello brave world"
    doc = Document("d", original, {"path": "p", "index": 0})
    doc.apply("repair", [Replacement(0, 5, "Hi", "fix")])
    doc.apply("clean", [Replacement(0, 2, "Hey", "title")])
    left, right = edit_marks(original, doc.edits)
    assert [p for p in left if p.edit == 0][0].text == "Hello"  # repair removed the original
    assert [p for p in right if p.edit == 1][0].text == "Hey"  # clean's text is what is shown
    assert any(p.edit == 1 for p in left)  # and clean has a marker in the original too


def test_a_log_that_does_not_match_is_an_error():
    doc = Document("d", "abc", {"path": "p", "index": 0})
    doc.apply("s", [Replacement(0, 1, "", "r")])
    with pytest.raises(ValueError):
        edit_marks("xbc", doc.edits)


def test_word_diff_marks_only_what_differs():
    a = "The council said on Monday that rules change."
    b = "The council said on Tuesday that rules change."
    left, right, ratio, cut = word_diff(a, b)
    assert "".join(p.text for p in left) == a and "".join(p.text for p in right) == b
    assert [p.text for p in left if p.edit is not None] == ["Monday"]
    assert [p.text for p in right if p.edit is not None] == ["Tuesday"]
    assert 0.8 < ratio < 1 and not cut
