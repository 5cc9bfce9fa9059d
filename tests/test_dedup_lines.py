"""line_dedup: repeated lines removed except their first occurrence, always undoable."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tamis.dedup.lines import units
from tamis.dedup.spill import KeyedSpill
from tamis.document import Document, undo
from tamis.stages.base import stage_class


def make_doc(i: int, text: str) -> Document:
    return Document(id=f"d{i}", text=text, source={"path": "p", "index": i}, order=(i // 3, i % 3))


def run(
    docs: list[Document], workdir: Path, shards: int = 1, **options
) -> tuple[list[Document], dict]:
    stage = stage_class("line_dedup")(stage_class("line_dedup").Options(**options))
    docs = [copy.deepcopy(d) for d in docs]
    bounds = np.linspace(0, len(docs), shards + 1).astype(int)
    parts = [docs[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    states = []
    for part in parts:
        state = stage.new_state()
        stage.observe(part, state)
        states.append(state)
    decision = stage.merge(iter(reversed(states)), workdir)
    for part in parts:
        stage.apply(part, decision)
    return docs, stage.summary(decision)


BOILER = "Comments are closed. Follow us on all the social networks."


def test_repeated_line_kept_only_at_its_first_occurrence(tmp_path: Path) -> None:
    docs = [
        make_doc(i, f"Story number {i} about markets today.\n{BOILER}\nEnd {i}.") for i in range(5)
    ]
    out, summary = run(docs, tmp_path, min_length=20, min_count=3)
    assert BOILER in out[0].text
    for d in out[1:]:
        assert BOILER not in d.text
        assert d.text == f"Story number {d.id[1:]} about markets today.\nEnd {d.id[1:]}."
        (edit,) = d.edits
        assert edit.stage == "line_dedup" and edit.rule == "line_dedup"
        assert edit.removed == BOILER + "\n"
        assert "5 times" in edit.reason
    assert summary["repeated_units"] == 1 and summary["units_removed"] == 4


def test_short_or_rare_lines_stay(tmp_path: Path) -> None:
    docs = [
        make_doc(i, f"Reuter\nA line seen only twice in the corpus, here.\nx{i}") for i in range(2)
    ]
    docs.append(make_doc(2, "Reuter\nsomething else entirely, long enough"))
    out, _ = run(docs, tmp_path, min_length=20, min_count=3)
    assert [d.text for d in out] == [d.text for d in docs]


def test_repeats_inside_one_document_count(tmp_path: Path) -> None:
    docs = [make_doc(0, f"{BOILER}\nBody text.\n{BOILER}\n{BOILER}")]
    out, _ = run(docs, tmp_path, min_length=20, min_count=3)
    assert out[0].text == f"{BOILER}\nBody text.\n"


def test_paragraph_units(tmp_path: Path) -> None:
    para = "Subscribe to our newsletter\nfor the latest news every day."
    docs = [make_doc(i, f"Intro {i} of the story.\n\n{para}\n\nBody {i}.") for i in range(3)]
    out, _ = run(docs, tmp_path, unit="paragraph", min_length=20, min_count=3)
    assert para in out[0].text
    assert out[1].text == "Intro 1 of the story.\n\nBody 1."


def test_units_cover_the_text() -> None:
    text = "a\n\nb c\n  \nd\n"
    assert "".join(text[s:e] for s, e, _, _ in units(text, "line")) == text
    paras = list(units(text, "paragraph"))
    assert [p[3] for p in paras] == ["a", "b c", "d"]


LINES = st.sampled_from(
    [
        BOILER,
        "Copyright 2024 Example Media Group, all rights reserved.",
        "Click here to read the rest of the article online.",
        "short",
        "",
        "   ",
        "A unique-ish sentence about the weather in Lisbon today.",
    ]
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.lists(LINES, max_size=8).map("\n".join), min_size=1, max_size=8),
    st.sampled_from(["line", "paragraph"]),
    st.integers(1, 3),
)
def test_line_dedup_is_undoable_and_deterministic(
    tmp_path_factory, texts: list[str], unit: str, shards: int
) -> None:
    docs = [make_doc(i, t) for i, t in enumerate(texts)]
    base = tmp_path_factory.mktemp("lines")
    out, _ = run(docs, base / "a", unit=unit, min_length=10, min_count=2)
    again, _ = run(docs, base / "b", shards=shards, unit=unit, min_length=10, min_count=2)
    assert [d.text for d in out] == [d.text for d in again]
    for before, after in zip(docs, out, strict=True):
        assert undo(after.text, after.edits) == before.text
        assert all(e.inserted == "" and e.rule == "line_dedup" for e in after.edits)


@given(
    st.lists(st.tuples(st.integers(0, 2**64 - 1), st.integers(0, 50)), max_size=300),
    st.integers(16, 2000),
)
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_spill_yields_the_same_sorted_groups_at_any_budget(
    tmp_path_factory, rows, budget: int
) -> None:
    dtype = np.dtype([("key", np.uint64), ("rank", np.int64)])
    records = np.array(rows, dtype=dtype)
    big = KeyedSpill(tmp_path_factory.mktemp("a"), dtype, 1 << 30, ties=("rank",))
    small = KeyedSpill(tmp_path_factory.mktemp("b"), dtype, budget, ties=("rank",))
    for chunk in np.array_split(records, 5):
        big.add(chunk)
        small.add(chunk[::-1])
    whole = np.concatenate(list(big.sorted_chunks())) if len(records) else records
    parts = list(small.sorted_chunks())
    spilled = np.concatenate(parts) if parts else records
    assert whole.tolist() == spilled.tolist() == np.sort(records, order=["key", "rank"]).tolist()
    if records.nbytes > budget:
        assert small.spilled_bytes > 0


def test_hard_wrapped_sentence_pieces_are_never_cut(tmp_path: Path) -> None:
    # newswire text wraps sentences at fixed width: the same opening recurs in many stories
    docs = [
        make_doc(
            i,
            f"In a filing with the Securities and Exchange Commission,\nthe company {i} said it held shares.\n"
            f"Moody's Investors Service Inc said it\ndowngraded issue {i}.",
        )
        for i in range(5)
    ]
    out, summary = run(docs, tmp_path, min_length=20, min_count=3)
    assert [d.text for d in out] == [d.text for d in docs]
    assert summary["repeated_units"] == 0
    out, _ = run(docs, tmp_path / "all", min_length=20, min_count=3, whole_only=False)
    assert all("Securities" not in d.text for d in out[1:])
