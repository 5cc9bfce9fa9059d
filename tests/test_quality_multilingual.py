"""FineWeb-2's filters in many languages: tamis's words and verdicts against datatrove 0.10.1.

``tests/data/fineweb2_parity.json`` holds what datatrove 0.10.1 decided, per document and
filter (set up as ``fineweb-2-pipeline.py`` sets them with each shipped FineWeb-2 config), and a
hash of ``load_word_tokenizer(pair).word_tokenize(text)`` for every lingua language, over
documents rebuilt here from the lingua sentences (``tests/multilingual_docs.py``).
``bench/bench_multilingual.py --fixture`` writes it by running datatrove (which takes minutes:
spaCy's French tokenizer alone loads in ~25 s); the slow test below runs datatrove live on the
languages whose tokenizers load quickly, so the recorded verdicts stay honest.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tamis.document import Document
from tamis.quality.fineweb2 import shipped
from tamis.quality.parts import DocParts
from tamis.stages.base import stage_class
from tests.helpers import require
from tests.multilingual_docs import (
    FINEWEB2_STAGES,
    LINGUA_FILES,
    datatrove_fineweb2_filters,
    datatrove_verdict,
    documents,
    lingua_pairs,
    sentences,
    word_documents,
)

FIXTURE = Path(__file__).parent / "data" / "fineweb2_parity.json"
PRIORITY = (
    "arb_Arab",
    "cmn_Hani",
    "fra_Latn",
    "hin_Deva",
    "rus_Cyrl",
    "swh_Latn",
    "tel_Telu",
    "tha_Thai",
    "tur_Latn",
)


def _hash(words: list[str]) -> str:
    return hashlib.sha1("\x00".join(words).encode("utf-8")).hexdigest()[:16]


def _verdict(stage, text: str, lang: str | None = None) -> str | None:
    doc = Document(id="d", text=text, source={"path": "t", "index": 0})
    if lang:
        doc.signal("langid", lang=lang)
    stage.process(doc)
    return None if doc.kept else doc.verdict.reason


def _stages(**options) -> dict:
    return {n: stage_class(n)(stage_class(n).Options(**options)) for n in FINEWEB2_STAGES}


@pytest.fixture(scope="module")
def lingua(shared_data: Path) -> Path:
    require("jieba")  # the multilingual backends are test dependencies
    return shared_data / "langid" / "lingua-sentences"


@pytest.fixture(scope="module")
def recorded() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def test_priority_languages_are_recorded_and_shipped(recorded):
    assert set(PRIORITY) <= set(recorded["filters"])
    assert set(PRIORITY) <= set(shipped()["configs"])
    assert "ODC-By" in shipped()["licence"]


#: recorded too, but loading their splitters takes tens of seconds (Korean's kiwipiepy model,
#: Vietnamese's pyvi through spaCy, the large Indonesian and Malay tables): the benchmark
#: compares them (bench/results/multilingual.md), the suite does not
HEAVY = ("kor_Hang", "vie_Latn", "ind_Latn")
OTHERS = sorted(set(LINGUA_FILES) - set(PRIORITY) - set(HEAVY))


@pytest.mark.parametrize(
    "pair", [*PRIORITY, *(pytest.param(p, marks=pytest.mark.slow) for p in OTHERS)]
)
def test_verdicts_and_words_equal_datatrove(pair, lingua, recorded):
    """Every document, each filter alone: keep/drop and the first failing reason as datatrove's
    (with ``language: <pair>``, which brings FineWeb-2's thresholds and fixed settings)."""
    if pair not in recorded["filters"]:
        pytest.skip(f"{pair}: datatrove's verdicts not recorded (bench --fixture)")
    want = recorded["filters"][pair]
    docs = documents(sentences(lingua, LINGUA_FILES[pair]))
    assert len(docs) == want["docs"]
    assert [_hash(DocParts(t, pair).words) for t in docs] == want["words"]
    stages = _stages(language=pair)
    for name in FINEWEB2_STAGES:
        got = [_verdict(stages[name], t) for t in docs]
        differ = [
            (i, a, b)
            for i, (a, b) in enumerate(zip(want["verdicts"][name], got, strict=True))
            if a != b
        ]
        assert not differ, f"{pair} {name}: (doc, datatrove, tamis) {differ[:5]}"
        assert None in got and any(got), f"{pair} {name}: documents on one side only"


def test_language_from_langid_gives_the_same_verdicts(lingua, recorded):
    """Unset ``language``: the langid code (ISO 639-1) is mapped to the FineWeb-2 pair, the
    script read from the text, and ``thresholds: fineweb2`` applies that pair's config."""
    stages = _stages(thresholds="fineweb2")
    for pair in ("fra_Latn", "hin_Deva", "cmn_Hani"):
        iso = LINGUA_FILES[pair]
        docs = documents(sentences(lingua, iso))[:15]
        for name in FINEWEB2_STAGES:
            got = [_verdict(stages[name], t, lang=iso) for t in docs]
            assert got == recorded["filters"][pair]["verdicts"][name][:15], (pair, name)


#: Documents whose words differ from datatrove's, known and not yet reproduced: spaCy's
#: Macedonian special case "на пр." spans a space (spaCy matches such cases across tokens;
#: tamis splits chunk by chunk), and an Albanian run of three apostrophes before digits.
KNOWN_WORD_DIFFERENCES = {"mkd_Cyrl": 2, "als_Latn": 1}


@pytest.mark.slow
def test_word_lists_of_every_lingua_language_equal_datatrove(lingua, recorded):
    """``load_word_tokenizer(pair)`` output, recorded, for each language tamis splits."""
    pairs = lingua_pairs(lingua)
    assert len(recorded["words"]) >= 60
    for pair, want in recorded["words"].items():
        if pair in HEAVY or pair == "zsm_Latn":
            continue
        docs = word_documents(lingua, pairs[pair])
        assert len(docs) == len(want), pair
        got = [_hash(DocParts(t, pair).words) for t in docs]
        differ = sum(a != b for a, b in zip(got, want, strict=True))
        assert differ == KNOWN_WORD_DIFFERENCES.get(pair, 0), pair


LIVE = ("arb_Arab", "rus_Cyrl", "hin_Deva", "tel_Telu", "tur_Latn", "swh_Latn")


@pytest.mark.slow
def test_live_datatrove_agrees_on_a_sample(lingua):
    """datatrove run here, on every third document of six languages."""
    require("datatrove")
    for pair in LIVE:
        docs = documents(sentences(lingua, LINGUA_FILES[pair]))[::3]
        filters = datatrove_fineweb2_filters(pair, shipped()["configs"][pair])
        stages = _stages(language=pair)
        for name in FINEWEB2_STAGES:
            want = [datatrove_verdict(filters[name], t) for t in docs]
            got = [_verdict(stages[name], t) for t in docs]
            assert got == want, (pair, name)
