"""The ``langid`` stage: signals, the filter options, per-paragraph detection, validation."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tamis.document import Document
from tamis.stages.base import stage_class

LangidStage = stage_class("langid")

PARAGRAPHS = {
    "en": "The museum reopened this spring after two years of work on its roof, and the first "
    "visitors were surprised to find the old paintings hanging in completely new rooms.",
    "de": "Das Museum wurde in diesem Frühjahr nach zwei Jahren Arbeit am Dach wieder eröffnet, "
    "und die ersten Besucher waren überrascht, die alten Gemälde in neuen Räumen zu finden.",
    "fr": "Le musée a rouvert ce printemps après deux ans de travaux sur sa toiture, et les "
    "premiers visiteurs ont été surpris de trouver les vieux tableaux dans des salles neuves.",
    "es": "El museo volvió a abrir esta primavera después de dos años de obras en el tejado, y "
    "los primeros visitantes se sorprendieron al encontrar los cuadros en salas nuevas.",
}


def _doc(text: str, index: int = 0) -> Document:
    return Document(str(index), text, {"path": "test.jsonl", "index": index})


def _run(docs: list[Document], **options) -> list[Document]:
    LangidStage(LangidStage.Options(**options)).process_batch(docs)
    return docs


def test_signals_name_the_language_and_the_runner_up():
    (doc,) = _run([_doc(PARAGRAPHS["de"])])
    signals = doc.signals["langid"]
    assert signals["lang"] == "de"
    assert 0.5 < signals["score"] <= 1.0
    assert {"lang2", "score2", "by"} <= set(signals)
    assert signals["score2"] <= signals["score"]
    assert doc.kept
    assert doc.edits == []  # detection never touches the text


def test_filter_rejects_languages_not_allowed_with_details():
    docs = _run(
        [_doc(PARAGRAPHS[lang], i) for i, lang in enumerate(PARAGRAPHS)], languages=["en", "FR"]
    )
    kept = {doc.signals["langid"]["lang"] for doc in docs if doc.kept}
    assert kept == {"en", "fr"}
    for doc in docs:
        if not doc.kept:
            assert doc.verdict.stage == "langid"
            assert doc.verdict.reason == "language_not_allowed"
            assert doc.verdict.details["lang"] == doc.signals["langid"]["lang"]
            assert doc.verdict.details["allowed"] == ["en", "fr"]


def test_filter_rejects_low_scores_with_details():
    # Two languages in one short text: CLD2 gives the top one only part of it.
    mixed = PARAGRAPHS["en"] + " " + PARAGRAPHS["de"]
    (probe,) = _run([_doc(mixed)], mode="annotate")
    score = probe.signals["langid"]["score"]
    assert score < 1.0
    (doc,) = _run([_doc(mixed)], min_score=min(1.0, score + 0.01))
    assert doc.verdict.reason == "low_language_score"
    assert doc.verdict.details == {
        "lang": probe.signals["langid"]["lang"],
        "score": score,
        "min_score": min(1.0, score + 0.01),
    }
    (same,) = _run([_doc(mixed)], min_score=score)
    assert same.kept


def test_no_letters_is_unknown_and_filtered_by_the_language_list():
    (doc,) = _run([_doc("1987 -- 12,5 / 33.1 %")], languages=["en"])
    assert doc.signals["langid"]["lang"] == "un"
    assert doc.verdict.reason == "language_not_allowed"


def test_annotate_mode_rejects_nothing_and_stores_the_same_signals():
    texts = [PARAGRAPHS[lang] for lang in PARAGRAPHS]
    annotated = _run(
        [_doc(t, i) for i, t in enumerate(texts)], languages=["en"], min_score=0.99, mode="annotate"
    )
    filtered = _run([_doc(t, i) for i, t in enumerate(texts)], languages=["en"], min_score=0.99)
    assert all(doc.kept for doc in annotated)
    assert not all(doc.kept for doc in filtered)
    assert [d.signals for d in annotated] == [d.signals for d in filtered]


def test_per_paragraph_detection_on_a_mixed_document():
    order = ["en", "de", "en", "fr", "es"]
    body = [PARAGRAPHS[lang] for lang in order]
    # A heading too short to judge sits between the first two paragraphs.
    text = "\n\n".join([body[0], "Photo: archive", *body[1:]])
    (doc,) = _run([_doc(text)], per_paragraph=True)
    signals = doc.signals["langid"]
    paragraphs = signals["paragraphs"]
    assert [index for index, _, _ in paragraphs] == [0, 2, 3, 4, 5]
    assert [lang for _, lang, _ in paragraphs] == order
    assert all(0.5 < score <= 1.0 for _, _, score in paragraphs)
    shares = signals["shares"]
    assert set(shares) == {"en", "de", "fr", "es"}
    assert sum(shares.values()) == pytest.approx(1.0, abs=1e-3)
    assert max(shares, key=shares.get) == "en"  # two paragraphs of five
    assert shares["en"] == pytest.approx(2 / 5, abs=0.05)


def test_paragraphs_on_single_newlines_when_there_are_no_blank_lines():
    text = PARAGRAPHS["fr"] + "\n" + PARAGRAPHS["de"]
    (doc,) = _run([_doc(text)], per_paragraph=True)
    assert [lang for _, lang, _ in doc.signals["langid"]["paragraphs"]] == ["fr", "de"]


def test_per_paragraph_is_off_by_default():
    (doc,) = _run([_doc(PARAGRAPHS["en"])])
    assert "paragraphs" not in doc.signals["langid"]


@pytest.mark.parametrize(
    "bad",
    [
        {"languages": ["english"]},
        {"languages": ["e1"]},
        {"min_score": 1.5},
        {"mode": "drop"},
        {"sample_chars": 10},
        {"lang": ["en"]},  # unknown key
    ],
)
def test_bad_options_fail_before_any_work(bad):
    with pytest.raises(ValidationError):
        LangidStage.Options(**bad)


def test_a_single_code_is_accepted_as_a_list():
    assert LangidStage.Options(languages="EN").languages == ("en",)
