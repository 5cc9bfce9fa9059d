"""The fast segmenter paths give exactly the words of the segmenters datatrove calls.

Chinese: :mod:`tamis.quality.segment_zh` (jieba's blocks, rjieba on those it cuts alike) against
``jieba.cut`` on every Chinese text at hand (the lingua sentences, spaCy's examples, the Big5,
GB2312 and EUC-TW pages of the chardet set, runs of jieba's own dictionary words) and on random
mixes of those texts' characters with ASCII, digits and marks.

Indic: :mod:`tamis.quality.segment_indic` (units memoised, numbers glued over tokens) and the
words :class:`DocParts` builds from it, against IndicNLP's ``trivial_tokenize`` on the lingua
sentences of every Indic language at hand and on random text of letters, digits and marks; and
the same words and word statistics found for many documents at once in array operations
(:mod:`tamis.quality.indic_batch`), on the same texts given in batches.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.helpers import require

LINGUA_ZH = Path("langid/lingua-sentences/zh.txt")
#: chardet folders holding Chinese pages, and the codec that reads each
CHINESE_PAGES = {"Big5": "big5", "GB2312": "gb18030", "EUC-TW": "big5"}


@pytest.fixture(scope="module")
def jieba_cut():
    jieba = require("jieba")
    jieba.setLogLevel(logging.WARNING)
    return lambda text: [s for s in map(str.strip, jieba.cut(text, cut_all=False)) if s]


@pytest.fixture(scope="module")
def hybrid():
    require("rjieba")
    from tamis.quality.segment_zh import jieba_words

    return jieba_words()


@pytest.fixture(scope="module")
def dictionary_words() -> list[str]:
    jieba = require("jieba")
    path = Path(jieba.__file__).parent / "dict.txt"
    return [line.split()[0] for line in path.read_text(encoding="utf-8").splitlines()]


def _chinese_pages(shared_data: Path) -> dict[str, str]:
    pages = {}
    for folder, codec in CHINESE_PAGES.items():
        for path in sorted((shared_data / "encoding" / "chardet" / folder).iterdir()):
            pages[path.name] = path.read_bytes().decode(codec, errors="replace")
    return pages


def test_zh_words_equal_jieba_on_lingua_and_spacy_examples(shared_data, jieba_cut, hybrid):
    examples = require("spacy.lang.zh.examples").sentences
    lingua = (shared_data / LINGUA_ZH).read_text(encoding="utf-8")
    for text in (lingua, "\n".join(examples), *lingua.splitlines()[:50]):
        assert hybrid(text) == jieba_cut(text)
    assert len(hybrid(lingua)) > 20_000


def test_zh_words_equal_jieba_on_chinese_web_pages(shared_data, jieba_cut, hybrid):
    """Real pages with their markup: ASCII runs glued to Han text, entities, URLs, digits."""
    pages = _chinese_pages(shared_data)
    assert len(pages) >= 40
    differ = [name for name, text in pages.items() if hybrid(text[:3000]) != jieba_cut(text[:3000])]
    assert differ == []


def test_zh_words_equal_jieba_on_runs_of_dictionary_words(jieba_cut, hybrid, dictionary_words):
    """Dictionary words glued together: the dictionary search and the HMM on every kind of run."""
    glued = "".join(dictionary_words[::53])
    assert len(glued) > 10_000
    assert hybrid(glued) == jieba_cut(glued)


@pytest.fixture(scope="module")
def zh_alphabet(shared_data) -> str:
    lingua = (shared_data / LINGUA_ZH).read_text(encoding="utf-8")
    return "".join(sorted(set(lingua))) + "abcXYZ0123456789+#&._%-,/ \n\t\u3000"


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_zh_words_equal_jieba_on_random_mixes(data, zh_alphabet, jieba_cut, hybrid):
    text = data.draw(st.text(alphabet=zh_alphabet, max_size=60))
    assert hybrid(text) == jieba_cut(text)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_zh_words_equal_jieba_where_han_meets_ascii(data, zh_alphabet, jieba_cut, hybrid):
    """Blocks of Han characters with ASCII letters, digits and ``+#&%._-`` side by side: those
    without ``._-`` go to rjieba, the others to jieba, and both must cut as jieba does."""
    han = data.draw(st.lists(st.sampled_from(zh_alphabet[:3000]), min_size=1, max_size=8))
    alphabet = "".join(han) + "aZ09+#&%._-"
    text = data.draw(st.text(alphabet=alphabet, min_size=1, max_size=30))
    assert hybrid(text) == jieba_cut(text)


@pytest.fixture(scope="module")
def glued_words(dictionary_words):
    """Strategy: dictionary words (one in 17) each followed by nothing or a mark, digits, ASCII."""
    picks = st.sampled_from(tuple(dictionary_words[::17]))
    marks = st.sampled_from(
        ["", "", "", " ", "，", "。", "-", "50", "a", ".", "\n", "%", "&", "C#"]
    )
    return st.lists(st.tuples(picks, marks), max_size=12)


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_zh_words_equal_jieba_on_mixed_dictionary_words(data, jieba_cut, hybrid, glued_words):
    parts = data.draw(glued_words)
    text = "".join(word + mark for word, mark in parts)
    assert hybrid(text) == jieba_cut(text)


#: lingua language -> (IndicNLP code, FineWeb-2 pair)
INDIC = {
    "hi": ("hi", "hin_Deva"),
    "te": ("te", "tel_Telu"),
    "mr": ("mr", "mar_Deva"),
    "gu": ("gu", "guj_Gujr"),
    "pa": ("pa", "pan_Guru"),
    "ta": ("ta", "tam_Taml"),
    "bn": ("bn", "ben_Beng"),
    "ur": ("ur", "urd_Arab"),
}


def _trivial(text: str, code: str) -> list[str]:
    indic_tokenize = require("indicnlp.tokenize.indic_tokenize")
    return [s for s in map(str.strip, indic_tokenize.trivial_tokenize(text, code)) if s]


def _lingua_docs(shared_data: Path, iso: str) -> list[str]:
    """The first 40 documents of 10 consecutive lingua sentences of language ``iso``."""
    lines = (
        (shared_data / "langid" / "lingua-sentences" / f"{iso}.txt")
        .read_text(encoding="utf-8")
        .splitlines()
    )
    return ["\n".join(lines[i : i + 10]) for i in range(0, len(lines), 10)][:40]


def test_indic_words_equal_indicnlp_on_lingua(shared_data):
    from tamis.quality.backends import indic_words
    from tamis.quality.parts import DocParts

    glued = 0
    for iso, (code, pair) in INDIC.items():
        for doc in _lingua_docs(shared_data, iso):
            expected = _trivial(doc, code)
            assert indic_words(code).words(doc) == expected, (iso, doc)
            assert DocParts(doc, pair).words == expected, (iso, doc)
            pieces = list(filter(None, doc.replace("\t", " ").split(" ")))
            glued += len(indic_words(code).units(doc)) < len(pieces)
    assert glued > 20  # documents with numbers glued across pieces were among them


INDIC_ALPHABET = "कखगतनमरसहािीुेो्ंఅకగతనమరాిుే0123456789,.:/!?-()'।॥ \t\n\r\u00a0\x00"


@settings(max_examples=400, deadline=None)
@example(text="12 , 34 , 5x6:7 और 1/2", code="hi")  # a chain at position 0 stays apart
@example(text="कल 10:30 ,\t4.5 / 6 बजे", code="hi")
@example(text="१२३ 12 , 34", code="ur")
@example(text="\n12 , 34 x 5 ,6/ 7", code="hi")  # chains across pieces, not at position 0
@given(text=st.text(alphabet=INDIC_ALPHABET, max_size=50), code=st.sampled_from(["hi", "ur"]))
def test_indic_words_equal_indicnlp_on_random_text(text, code):
    from tamis.quality.backends import indic_words
    from tamis.quality.parts import DocParts

    expected = _trivial(text, code)
    assert indic_words(code).words(text) == expected
    parts = DocParts(text, "hin_Deva" if code == "hi" else "urd_Arab")
    assert parts.words == expected
    assert parts.spaced == " ".join(expected)


def _batch_expected(texts: list[str], code: str) -> list[tuple[str, tuple[int, int, int, int]]]:
    from tamis.quality.chunks import words_stats

    out = []
    for text in texts:
        words = _trivial(text, code)
        out.append((" ".join(words), words_stats(words)))
    return out


def test_indic_batch_equal_indicnlp_on_lingua(shared_data):
    from tamis.quality.backends import indic_words
    from tamis.quality.parts import DocParts, split_units_together

    for iso, (code, pair) in INDIC.items():
        units = indic_words(code)
        docs = [doc for doc in _lingua_docs(shared_data, iso) if not units.needs_whole_text(doc)]
        assert units.batch.split(docs) == _batch_expected(docs, code), iso
        parts = [DocParts(doc, pair) for doc in docs]
        split_units_together(parts)
        assert all("unit_records" not in p.__dict__ for p in parts)  # the batch path was taken
        assert [p.words for p in parts] == [_trivial(doc, code) for doc in docs], iso


#: letters, digits, marks, separators and blanks, symbols that are not marks, a letter and a
#: blank outside the Basic Multilingual Plane
INDIC_BATCH_ALPHABET = INDIC_ALPHABET + "\u2014\u00ab%\u0965\x1c\u2028\U0001d400\U000e0020"


@settings(max_examples=300, deadline=None)
@example(texts=["12", ", 34", "5 ,", "6"], code="hi")  # no number glued across documents
@example(texts=["", " ", "\n\t", "x"], code="hi")  # documents without words
@example(texts=["कल 10:30 ,\t4.5 / 6 बजे", "a . 1 ,2"], code="hi")
@example(texts=["\U0001d400 ,1\u2028x"], code="ur")
@given(
    texts=st.lists(st.text(alphabet=INDIC_BATCH_ALPHABET, max_size=40), min_size=1, max_size=6),
    code=st.sampled_from(["hi", "ur"]),
)
def test_indic_batch_equal_indicnlp_on_random_text(texts, code):
    from tamis.quality import indic_batch
    from tamis.quality.backends import indic_words
    from tamis.quality.line_facts import LineFacts

    units = indic_words(code)
    texts = [text for text in texts if not units.needs_whole_text(text)]
    expected = _batch_expected(texts, code)
    assert units.batch.split(texts) == expected
    # the code points a batch's line facts hold (joined by \n, after another text) read instead
    facts = LineFacts(["क 1", *texts])
    joined = (facts.codes, int(facts.doc_start[1]))
    group = indic_batch.GROUP_CHARS
    for size in (group, 24):  # 24: documents split over several groups
        indic_batch.GROUP_CHARS = size
        try:
            assert units.batch.split(texts) == expected
            if texts:
                split = units.batch.split_arrays(texts, joined)
                assert [(arrays.spaced(d), stats) for arrays, d, stats in split] == expected
        finally:
            indic_batch.GROUP_CHARS = group
