"""Thai words cut phrase by phrase equal datatrove's ``load_word_tokenizer("tha_Thai")`` output.

:mod:`tamis.quality.segment_th` runs pythainlp's newmm once per distinct phrase between runs of
whitespace and walks ``newmm-safe``'s chunking with offsets; these tests hold its words equal to
datatrove's tokenizer (pythainlp's ``newmm-safe``, whitespace dropped, tokens stripped) on the
Thai lingua sentences, on long texts without spaces (the chunks cut inside Thai runs), around
the dictionary entries that hold a space, and on random texts of dictionary words, Thai
characters, digits, marks, Latin letters and whitespace.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import require
from tests.multilingual_docs import documents

LINGUA_TH = Path("langid/lingua-sentences/th.txt")


@pytest.fixture(scope="module")
def datatrove_words():
    word_tokenizers = require("datatrove.utils.word_tokenizers")
    require("pythainlp")
    return word_tokenizers.load_word_tokenizer("tha_Thai").word_tokenize


@pytest.fixture(scope="module")
def phrase_words():
    require("pythainlp")
    from tamis.quality.segment_th import ThaiWords

    return ThaiWords().words


@pytest.fixture(scope="module")
def lingua_th(shared_data) -> list[str]:
    return (shared_data / LINGUA_TH).read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def dictionary():
    require("pythainlp")
    from pythainlp.corpus import thai_words

    return sorted(thai_words())


def test_th_words_equal_datatrove_on_lingua(lingua_th, datatrove_words, phrase_words):
    docs = documents(lingua_th)
    assert len(docs) > 40
    assert [phrase_words(d) for d in docs] == [datatrove_words(d) for d in docs]
    whole = "\n".join(lingua_th)
    assert phrase_words(whole) == datatrove_words(whole)
    assert len(phrase_words(whole)) > 15_000


def test_th_words_equal_datatrove_without_spaces(lingua_th, datatrove_words, phrase_words):
    """No space in a 40-character window: newmm-safe cuts at the longest token of newmm's split
    of the window, inside a Thai run, and the next chunk starts there."""
    glued = "".join(line.replace(" ", "") for line in lingua_th[:120])
    assert len(glued) > 5_000
    assert phrase_words(glued) == datatrove_words(glued)
    assert phrase_words(glued[37:]) == datatrove_words(glued[37:])


def test_th_words_equal_datatrove_around_spaced_entries(dictionary, datatrove_words, phrase_words):
    """Dictionary entries that hold a space (``เพื่อน ๆ``) are read across it: such a space
    is no phrase boundary."""
    spaced = [w for w in dictionary if " " in w]
    assert len(spaced) > 500
    for i in range(0, len(spaced), 20):
        text = " ".join(spaced[i : i + 20]) + "\n" + "".join(spaced[i : i + 20])
        assert phrase_words(text) == datatrove_words(text)


def test_th_cutting_at_a_spaced_entry_would_change_words(dictionary):
    """Why the guard exists: for each entry with one space, newmm on the two sides apart differs
    from newmm on the whole (the whole is one token), so a cut there would not be exact."""
    require("pythainlp")
    from pythainlp.tokenize import newmm, word_dict_trie

    trie = word_dict_trie()

    def onecut(text: str) -> list[str]:
        return list(newmm._onecut(text, trie))

    one_space = [w for w in dictionary if w.count(" ") == 1]
    differ = [
        w for w in one_space if onecut(w) != onecut(w.split(" ")[0] + " ") + onecut(w.split(" ")[1])
    ]
    assert len(one_space) > 400
    assert differ == one_space


@pytest.fixture(scope="module")
def th_text(dictionary):
    """Strategy: texts of dictionary words (spaced entries among them), Thai letters, vowels,
    tone marks and digits, ASCII digits, marks, Latin letters and whitespace."""
    words = st.sampled_from(tuple(dictionary[::7]) + tuple(w for w in dictionary if " " in w))
    pieces = st.sampled_from(
        list("กขคงจซดตนบปมยรลวสหอะัาำิีืุูเแโใไ่้๊๋็์ๆ๑๒๓")
        + ["1", "23", "4.5", "6,7", ".", ",", "-", ":", "(", ")", '"', "/", "%"]
        + ["abc", "Thai", "X", " ", " ", "  ", "\t", "\n", "\r\n", "\r", "\u00a0"]
    )
    return st.lists(st.one_of(words, words, pieces), max_size=80).map("".join)


@pytest.mark.parametrize(
    "text",
    [
        "ต่าง ๆ นานา 12,345.6 บาท",
        "เพื่อน ๆ เพื่อน\tๆ เพื่อน  ๆ",
        "ราคา 1, 234 .5\r\nบาท\rครับ",
        "",
        " \n\t ",
    ],
)
def test_th_words_equal_datatrove_on_marked_cases(text, datatrove_words, phrase_words):
    assert phrase_words(text) == datatrove_words(text)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_th_words_equal_datatrove_on_random_text(data, th_text, datatrove_words, phrase_words):
    text = data.draw(th_text)
    assert phrase_words(text) == datatrove_words(text)


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_th_words_equal_datatrove_on_long_random_text(data, th_text, datatrove_words, phrase_words):
    """Several texts glued: longer than newmm-safe's 140-character chunks."""
    text = "".join(data.draw(st.lists(th_text, min_size=3, max_size=6)))
    assert phrase_words(text) == datatrove_words(text)


@settings(max_examples=400, deadline=None)
@given(
    segments=st.lists(
        st.text(alphabet="12.,:ab ก", max_size=4) | st.sampled_from(["1", ".", "2", ",", ":"]),
        max_size=30,
    )
)
def test_rejoin_formatted_num_equals_pythainlp(segments):
    """Numbers such as ``1,234.5`` cut over several tokens are glued as pythainlp glues them."""
    utils = require("pythainlp.tokenize._utils")
    from tamis.quality.segment_th import rejoin_formatted_num

    numbers = utils._DIGITS_WITH_SEPARATOR.finditer("".join(segments))
    assert rejoin_formatted_num(segments, numbers) == utils.rejoin_formatted_num(segments)


@pytest.fixture(scope="module")
def rust_newmm():
    require("pythainlp")
    require("nlpo3")
    from pythainlp.tokenize import word_dict_trie

    from tamis.quality.segment_th import nlpo3_newmm

    return nlpo3_newmm(word_dict_trie())


def _onecut(text: str) -> list[str]:
    from pythainlp.tokenize import newmm, word_dict_trie

    return list(newmm._onecut(text, word_dict_trie()))


#: Thai letters, vowels and tone marks: what a phrase handed to nlpo3 is made of
THAI_LETTERS = "".join(map(chr, [*range(0x0E01, 0x0E3B), *range(0x0E40, 0x0E4F)]))


@pytest.fixture(scope="module")
def thai_run(dictionary):
    """Strategy: runs of Thai letters alone: dictionary words (short ones often, so that the
    search meets many overlapping candidates and its graph-size cutoff), and single letters."""
    from tamis.quality.segment_th import _THAI_RUN

    pure = [w for w in dictionary if _THAI_RUN(w)]
    short = [w for w in pure if len(w) <= 3]
    assert len(pure) > 50_000 and len(short) > 500
    pieces = st.one_of(
        st.sampled_from(pure), st.sampled_from(short), st.sampled_from(list(THAI_LETTERS))
    )
    return st.lists(pieces, min_size=1, max_size=60).map("".join)


@settings(max_examples=500, deadline=None)
@given(data=st.data())
def test_nlpo3_equals_onecut_on_thai_runs(data, thai_run, rust_newmm):
    """The runs handed to nlpo3 (Thai letters, outside the patterns where its character
    clusters differ) split as with pythainlp's own search."""
    from tamis.quality.segment_th import nlpo3_cuts_alike

    text = data.draw(thai_run)
    if nlpo3_cuts_alike(text):
        assert rust_newmm(text) == _onecut(text)


@pytest.fixture(scope="module")
def cluster_run(dictionary):
    """Strategy: runs of Thai letters inside the patterns where nlpo3's character clusters may
    differ from pythainlp's: words with a karan or a ``เ-ีย`` vowel (often), other words, the
    characters of those patterns and single letters."""
    from tamis.quality.segment_th import _CLUSTERS_DIFFER, _THAI_RUN

    pure = [w for w in dictionary if _THAI_RUN(w)]
    marked = [w for w in pure if _CLUSTERS_DIFFER(w)]
    assert len(marked) > 5_000
    pieces = st.one_of(
        st.sampled_from(marked),
        st.sampled_from(marked),
        st.sampled_from(pure),
        st.sampled_from(list("์ียเุิู่้")),
        st.sampled_from(list(THAI_LETTERS)),
    )
    return st.lists(pieces, min_size=1, max_size=12).map("".join)


@settings(max_examples=1500, deadline=None)
@given(data=st.data())
def test_nlpo3_equals_onecut_where_clusters_agree(data, cluster_run, rust_newmm):
    """Runs with a karan or a ``เ-ีย`` vowel go to nlpo3 only where its character clusters
    are pythainlp's: there its words are ``_onecut``'s."""
    from tamis.quality.segment_th_clusters import clusters_agree

    text = data.draw(cluster_run)
    if clusters_agree(text):
        assert rust_newmm(text) == _onecut(text)


def test_cluster_cuttings_follow_their_tokenizers():
    """pythainlp's clusters as ``tcc_p.tcc`` cuts them; nlpo3's where its rules differ: the
    ``เ-ีย`` look-ahead rule comes after ``เc`` and a karan tail follows ``c[ิุู]์``."""
    tcc_p = require("pythainlp.tokenize.tcc_p")
    from tamis.quality.segment_th_clusters import (
        clusters_agree,
        nlpo3_clusters,
        pythainlp_clusters,
    )

    texts = ["เปลี่ยนแปลง", "พิสูจน์ได้ค่ะ", "เรือน้อยลอยอยู่", "เดียว์", "สวรรค์", "ก์ข"]
    assert [pythainlp_clusters(t) for t in texts] == [list(tcc_p.tcc(t)) for t in texts]
    assert nlpo3_clusters("เปลี่ยนแปลง") == ["เป", "ลี่", "ย", "น", "แป", "ล", "ง"]
    assert pythainlp_clusters("เปลี่ยนแปลง") == ["เปลี่ย", "น", "แป", "ล", "ง"]
    assert nlpo3_clusters("สวรรค์") == ["ส", "ว", "รรค์"]
    assert pythainlp_clusters("สวรรค์") == ["ส", "วรรค์"]
    assert [clusters_agree(t) for t in texts] == [False, True, True, False, False, True]


@pytest.mark.parametrize("run", ["เดียว์", "เหลี่ยมี", "ต้วมเตี้ยม์แอพ", "เหนียวาขึ้น"])
def test_runs_where_nlpo3_clusters_differ_stay_with_onecut(run, rust_newmm, phrase_words):
    """Why some runs of Thai letters are kept from nlpo3: its clusters differ from pythainlp's
    around a karan and the look-ahead rules of เ-ีย, and so do its words."""
    from tamis.quality.segment_th import nlpo3_cuts_alike

    assert not nlpo3_cuts_alike(run)
    assert rust_newmm(run) != _onecut(run)
    assert phrase_words.__self__._piece_tokens(run) == _onecut(run)


def test_nlpo3_equals_onecut_on_lingua_runs(lingua_th, rust_newmm):
    from tamis.quality.segment_th import _THAI_RUN

    runs = {run for line in lingua_th for run in re.findall(f"[{THAI_LETTERS}]+", line)}
    assert len(runs) > 4_000 and all(_THAI_RUN(run) for run in runs)
    # every run, those kept from nlpo3 included: the lingua text meets none of the differences
    assert [rust_newmm(run) for run in sorted(runs)] == [_onecut(run) for run in sorted(runs)]


def test_phrases_outside_thai_runs_stay_with_pythainlp(rust_newmm):
    """Why only runs of Thai letters go to nlpo3: its newmm reads a period or an opening
    bracket otherwise than pythainlp's (pieces of the lingua Thai sentences)."""
    from tamis.quality.segment_th import _THAI_RUN

    texts = ["ย.", "ค.", "(5"]
    assert not any(_THAI_RUN(t) for t in texts)
    assert [rust_newmm(t) for t in texts] == [["ย."], ["ค."], ["(", "5"]]
    assert [_onecut(t) for t in texts] == [["ย", "."], ["ค", "."], ["(5"]]


@pytest.mark.parametrize(
    "text", ["ก\rก", "ก\r\nก", "abcก.ข", "ค.ศ.2020ปี", "ต่าง ๆนานา", "เดุย ", "เกลีย.ข", "xเดุย"]
)
def test_th_words_equal_datatrove_where_thai_letters_meet_others(
    text, datatrove_words, phrase_words
):
    """Pieces cut where Thai letters meet other characters: a lone carriage return is no such
    point (newmm's skip reads across it), nor the end of a cluster taken by looking ahead
    (``เดุย`` at a text's end), and a dictionary entry read across one keeps it whole."""
    assert phrase_words(text) == datatrove_words(text)


@pytest.fixture(scope="module")
def plain_split():
    require("pythainlp")
    from pythainlp.tokenize import word_dict_trie

    from tamis.quality.segment_th_plain import plain_splitter

    return plain_splitter(word_dict_trie())


@settings(max_examples=1500, deadline=None)
@given(
    piece=st.lists(
        st.sampled_from(
            list("ab-XZ019,.:;()\"'/%฿๏๚๛๐๑๙ \t\r\n\u00a0€😀")
            + ["\r\n", "1,234", "5.6", "a-b", "๑,๒", "  "]
        ),
        max_size=14,
    ).map("".join)
)
def test_pieces_without_thai_letters_split_as_onecut(piece, plain_split):
    """Blanks, digits (Thai ones too), marks and Latin words: newmm's non-Thai pattern and its
    skip alone give ``_onecut``'s tokens; a piece with a Thai letter is not taken."""
    not_plain, plain = plain_split
    assert not_plain(piece) is None
    assert plain(piece) == _onecut(piece)
    assert not_plain(piece + "ก") is not None
