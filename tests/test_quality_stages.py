"""The four quality stages on Documents: signals, verdicts, C4's recorded edits, languages."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.document import Document, undo
from tamis.quality.ngrams import ngram_repetition
from tamis.stages.base import stage_class
from tests.helpers import require

STAGES = ("gopher_quality", "gopher_repetition", "c4", "fineweb")


def _doc(text: str, lang: str | None = None) -> Document:
    doc = Document(id="t", text=text, source={"path": "mem", "index": 0})
    if lang:
        doc.signal("langid", lang=lang)
    return doc


def _run(name: str, doc: Document, **options) -> Document:
    stage = stage_class(name)
    stage(stage.Options(**options)).process(doc)
    return doc


def _datatrove():
    DTDoc = require("datatrove.data").Document
    dt = require("datatrove.pipeline.filters")
    filters = {
        "gopher_quality": dt.GopherQualityFilter(),
        "gopher_repetition": dt.GopherRepetitionFilter(),
        "c4": dt.C4QualityFilter(),
        "fineweb": dt.FineWebQualityFilter(),
    }
    return DTDoc, filters


SHORT = "A tiny note.\nNothing more to say here."
PROSE = (
    "The committee said that the plan would have to be approved with care. "
    "It is the first time that members of the board have met with the press. "
) * 6


def test_short_document_rejected_with_every_failing_rule():
    doc = _run("gopher_quality", _doc(SHORT))
    assert not doc.kept
    assert doc.verdict.stage == "gopher_quality"
    assert doc.verdict.reason == "gopher_short_doc"
    rules = [f["rule"] for f in doc.verdict.details]
    assert rules[0] == "gopher_short_doc" and len(rules) >= 2  # also too few stop words
    sig = doc.signals["gopher_quality"]
    assert sig["n_non_symbol_words"] < 50
    assert set(sig) >= {"avg_word_length", "hash_ratio", "alpha_words_ratio", "stop_words"}


def test_annotate_mode_stores_signals_and_never_rejects_or_edits():
    for name in STAGES:
        doc = _run(name, _doc(SHORT), mode="annotate")
        assert doc.kept and doc.text == SHORT and not doc.edits
        assert doc.signals[name]


def test_language_whose_splitter_needs_a_download_is_unsupported_not_rejected():
    """datatrove splits Wolof with Stanza, whose model is downloaded: tamis skips the word rules
    and says why instead of judging the text by another language's words."""
    text = "Doomi aadama yépp danuy juddu, yam ci tawfeex ci sag ak ci sañ-sañ. " * 20
    doc = _run("gopher_quality", _doc(text, lang="wo"))
    assert doc.kept
    sig = doc.signals["gopher_quality"]
    assert sig["n_words"] is None and sig["lang"] == "wol_Latn"
    assert "Stanza" in sig["unsupported"]
    doc = _run("fineweb", _doc(text, lang="wo"))
    assert doc.signals["fineweb"]["list_ratio"] is None


def test_chinese_words_come_from_jieba():
    pytest.importorskip("jieba")
    text = "这是一个很长的中文句子，没有空格分隔单词。" * 20
    sig = _run("gopher_quality", _doc(text, lang="zh"), mode="annotate").signals["gopher_quality"]
    assert sig["lang"] == "cmn_Hani" and not sig.get("unsupported", "").startswith("words")
    assert sig["n_words"] == 20 * 12  # 这是 一个 很长 的 中文 句子 ， 没有 空格 分隔 单词 。


def test_stop_words_follow_the_detected_language():
    german = ("Der Hund und die Katze sind mit dem Kind zu Hause, das ist schön. " * 8).strip()
    en = _run("gopher_quality", _doc(german), mode="annotate").signals["gopher_quality"]
    de = _run("gopher_quality", _doc(german, lang="de"), mode="annotate").signals["gopher_quality"]
    assert en["stop_words"] < 2 <= de["stop_words"]
    assert _run("gopher_quality", _doc(german, lang="de")).kept
    assert (
        _run("gopher_quality", _doc(german, lang="sv"), mode="annotate").signals["gopher_quality"][
            "stop_words"
        ]
        is None
    )


def test_c4_edits_are_recorded_and_undoable():
    text = (
        "Menu\n  "
        + PROSE.strip()[:-1]
        + " [1].\nShare this\nWe use cookies. Read our privacy policy now.\n"
    )
    doc = _run("c4", _doc(text))
    assert doc.kept
    assert "Menu" not in doc.text and "privacy" not in doc.text and "[1]" not in doc.text
    assert {e.rule for e in doc.edits} >= {"no_terminal_punct", "policy", "citation", "strip"}
    assert undo(doc.text, doc.edits) == text
    kept = _run("c4", _doc(text), edit_lines=False)
    assert kept.kept and kept.text == text and not kept.edits


_LINES = [
    "The board said that it would meet again.",
    "  The board said that it would meet again.  ",
    "Prices rose 5% in May [1].",
    "[2] A short one.",
    "Click here",
    "Enable JavaScript to view this page.",
    "We use cookies to improve the site.",
    "function f() { return 1; }.",
    "Lorem ipsum dolor sit amet.",
    "Wait for it...",
    'He said: "yes!"',
    "- a bullet point line",
    "• another bullet",
    "# heading #tag",
    "",
    "   ",
    "Mr. Smith went to Washington. He stayed. Then he left!",
    "x" * 40,
]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(_LINES), max_size=30),
    st.sampled_from(["\n", "\n\n", "\r\n"]),
    st.booleans(),
)
def test_every_stage_agrees_with_datatrove_on_generated_documents(lines, sep, trailing):
    DTDoc, filters = _datatrove()
    text = sep.join(lines) + (sep if trailing else "")
    for name, flt in filters.items():
        dt_doc = DTDoc(text=text, id="g")
        res = flt.filter(dt_doc)
        dt_reason = res[1] if isinstance(res, tuple) else None
        if not text and name == "gopher_quality":
            continue  # datatrove divides by zero words when the text is empty
        doc = _run(name, _doc(text))
        ours = None if doc.kept else doc.verdict.reason
        assert ours == dt_reason, (name, text)
        if name == "c4" and doc.kept:
            assert doc.text == dt_doc.text
            assert undo(doc.text, doc.edits) == text


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "ab", "ba", "c", "abc"]), max_size=60))
def test_ngram_measures_equal_datatrove_functions(words):
    pytest.importorskip("datatrove")
    from datatrove.pipeline.filters.gopher_repetition_filter import (
        find_all_duplicate,
        find_top_duplicate,
        get_n_grams,
    )

    top, dup = ngram_repetition(words, [2, 3, 4], list(range(5, 11)))
    for n in (2, 3, 4):
        grams = get_n_grams(words, n)
        assert top[n] == (find_top_duplicate(grams) if grams else None)
    for n in range(5, 11):
        assert dup[n] == find_all_duplicate(words, n)


def test_undetermined_language_falls_back_to_english():
    plain = _run("gopher_quality", _doc(PROSE), mode="annotate").signals["gopher_quality"]
    unknown = _run("gopher_quality", _doc(PROSE, lang="un"), mode="annotate").signals[
        "gopher_quality"
    ]
    assert unknown == plain and plain["stop_words"] >= 2


_BATCH_PIECES = [
    "The plan was approved.",
    "the the the",
    "It is the first time.",
    "Buy now",
    "and that is that",
    "word",
    "[1]",
    "Terms of use apply.",
    "{x}",
    "...",
]
batch_texts = st.lists(
    st.lists(
        st.tuples(st.sampled_from(_BATCH_PIECES), st.sampled_from([" ", "\n", "\n\n"])),
        max_size=40,
    ).map(lambda parts: "".join(p + sep for p, sep in parts)),
    min_size=1,
    max_size=8,
)


@settings(max_examples=60, deadline=None)
@given(batch_texts)
def test_batch_equals_one_document_at_a_time(texts):
    """process_batch (n-grams of the batch counted together) gives each document exactly the
    signals, verdict and text that processing it alone gives (C4 that does not edit lines
    measures and judges its batch together; C4 that edits, one document at a time)."""
    for name, options in [*((name, {}) for name in STAGES), ("c4", {"edit_lines": False})]:
        cls = stage_class(name)
        stage = cls(cls.Options(**options))
        alone = [_doc(t) for t in texts]
        for doc in alone:
            stage.process(doc)
        batch = [_doc(t) for t in texts]
        stage.process_batch(batch)
        for a, b in zip(alone, batch, strict=True):
            assert (a.signals, a.verdict, a.text) == (b.signals, b.verdict, b.text), name


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["a", "b", "ab", "ba", "c"]), max_size=30), max_size=6))
def test_ngram_groups_do_not_leak_between_documents(doc_words):
    """Documents keyed in one group (or split over several) get their own measures."""
    import tamis.quality.ngrams as ngrams

    docs = [(" ".join(words), len(words)) for words in doc_words]
    alone = [ngrams.ngram_repetition(words, [2, 3, 4], list(range(5, 11))) for words in doc_words]
    saved = ngrams.GROUP_WORDS
    try:
        for group_words in (1, 7, 10_000):
            ngrams.GROUP_WORDS = group_words
            assert ngrams.ngram_repetition_batch(docs, [2, 3, 4], list(range(5, 11))) == alone
    finally:
        ngrams.GROUP_WORDS = saved


_LINES = [
    "The river rose overnight and the town stayed dry.",
    "  Officials said the levee held, as planned.  ",
    "Read more",
    "short line.",
    "Prices fell 2.5 pct in March, the agency said.",
    "Dr. Smith didn't agree: \"it's too early.\"",
    "",
    "\t",
    "Rain is expected again tomorrow!",
]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(_LINES), min_size=1, max_size=12),
    st.sampled_from(["\n", "\r\n", "\n\n", "\u2028"]),
)
def test_parts_after_c4_edits_equal_a_fresh_split(lines, sep):
    """After C4 edits a document, the parts it leaves for the edited text (built from the kept
    lines' chunks) equal the parts split afresh from that text."""
    from tamis.quality.parts import DocParts, parts_for

    doc = _run("c4", _doc(sep.join(lines)), min_num_sentences=-1)
    shared = parts_for(doc.text, "en")
    fresh = DocParts(doc.text, "en")
    assert shared.chunks == fresh.chunks
    assert shared.chunk_records == fresh.chunk_records
    assert shared.word_stats == fresh.word_stats
