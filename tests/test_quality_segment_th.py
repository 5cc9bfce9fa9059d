"""Thai words cut phrase by phrase equal datatrove's ``load_word_tokenizer("tha_Thai")`` output.

:mod:`tamis.quality.segment_th` runs pythainlp's newmm once per distinct phrase between runs of
whitespace and walks ``newmm-safe``'s chunking with offsets; these tests hold its words equal to
datatrove's tokenizer (pythainlp's ``newmm-safe``, whitespace dropped, tokens stripped) on the
Thai lingua sentences, on long texts without spaces (the chunks cut inside Thai runs), around
the dictionary entries that hold a space, and on random texts of dictionary words, Thai
characters, digits, marks, Latin letters and whitespace.
"""

from __future__ import annotations

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
