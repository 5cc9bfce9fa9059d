"""The word splitter must cut exactly where datatrove's spaCy tokenizer cuts."""

from __future__ import annotations

import os
import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tamis.quality.parts import word_plan
from tamis.quality.words import count_sentences, split_words, splitter, table_lang


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Don't stop.", ["Do", "n't", "stop", "."]),
        ("the U.S. economy", ["the", "U.S.", "economy"]),
        ("a well-known fact", ["a", "well", "-", "known", "fact"]),
        ("(Mr. Smith)", ["(", "Mr.", "Smith", ")"]),
        ("see http://example.com/a?b=1, ok", ["see", "http://example.com/a?b=1", ",", "ok"]),
        ("cannot", ["can", "not"]),
        ("nice :), really", ["nice", ":)", ",", "really"]),
        ("a:):):)", ["a", ":)", ":", ")", ":", ")"]),
        ("x:);)", ["x", ":)", ";)"]),
        ("  spaced\n\nout\t", ["spaced", "out"]),
        ("", []),
    ],
)
def test_split_matches_spacy_on_known_cases(text, words):
    assert split_words(text) == words


def test_letters_only_chunks_are_single_words():
    """The fast path (letters alone never split) must agree with the full algorithm."""
    sp = splitter("en")
    for word in ["hello", "Ærøskøbing", "naïve", "Привет", "ΑΒΓ", "straße"]:
        assert sp._rematch_specials(sp._split_chunk(word)) == (word,)


_MARKS = list(".,;:!?)]}\"'%$…»”’-/&*#+=<>|0") + ["s", "é", "\u0964", "\u3002", "\u060c"]


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(["en", "xx", "fr", "ru"]),
    st.sampled_from(["film", "Dr", "U", "UK", "etc", "Mr", "cannot", "don", "a", "Straße", "Ж"]),
    st.sampled_from(_MARKS),
)
def test_letters_and_one_mark_take_the_full_algorithms_words(lang, letters, mark):
    """The shortcut for letters followed by one mark ("film.", "Dr.", "UK.") gives what
    spaCy's affix loop gives, special cases and lookbehind conditions included."""
    sp = splitter(lang)
    chunk = letters + mark
    assume(not sp.is_special(chunk))
    assert sp._split_new(chunk) == sp._rematch_specials(sp._split_chunk(chunk))


def test_sentences_follow_spacy_sentencizer():
    assert count_sentences(split_words("One. Two! Three?")) == 3
    assert count_sentences(split_words("Wait... what")) == 1
    assert count_sentences(split_words('He said "no." Then left.')) == 2
    assert count_sentences([]) == 0


def test_languages_get_datatroves_splitter():
    """spaCy's tables of the language (or of the proxy datatrove names), else a backend."""
    assert table_lang("en") == "en" and table_lang("de") == "de" and table_lang("fra_Latn") == "fr"
    assert table_lang("swh_Latn") == "tn"  # datatrove splits Swahili with spaCy's Setswana
    assert table_lang("abk_Cyrl") == "xx"
    for lang in ("zh", "ja", "th", "hi"):
        plan = word_plan(lang, "")
        assert plan.table is None and (plan.backend is not None or plan.unsupported)


_PIECES = [
    "word",
    "Word",
    "U.S.",
    "Mr.",
    "don't",
    "can't",
    "it's",
    "I'm",
    "e.g.",
    "etc.",
    "...",
    "…",
    "(",
    ")",
    '"',
    "'",
    "’",
    "-",
    "--",
    "—",
    ",",
    ".",
    "!",
    "?",
    ":",
    ";",
    "#",
    "$",
    "%",
    "&",
    "10",
    "3.5",
    "10km",
    "5pm",
    "2nd",
    "1,000",
    "co-op",
    "a/b",
    "x=y",
    ":)",
    ";)",
    "<3",
    "[1]",
    "http://t.co/x",
    "www.example.org",
    "user@mail.com",
    "°C",
    "ÆØÅ",
    "naïve",
    "IBM's",
    "A.",
]


# spaCy splits an emoticon next to a word differently depending on brackets elsewhere in the
# text ("( :)word" and "word:) )" give ":", ")"; ":)word" alone gives ":)"; likewise "(:word"
# gives "(:" alone but "(", ":" after a ":" token); the splitter does not reproduce that
# context yet. Never seen in the parity data (0 disagreements in 89,629
# documents), so the property below leaves emoticons out and this test keeps the gap visible.
EMOTICONS = {":)", ";)", "<3"}
# Pieces that form an emoticon when adjacent ("(" then ":" is "(:").
_EMOTICON_FROM_PIECES = re.compile(r"[()]:|:[()]")


@pytest.mark.xfail(strict=True, reason="spaCy's context-dependent split of emoticons")
@pytest.mark.parametrize("text", ["( :)word", "word:) )", ": (:word"])
def test_known_divergence_emoticon_beside_brackets(text):
    assert split_words(text) == _datatrove_tokenizer().word_tokenize(text)


@settings(max_examples=600, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([p for p in _PIECES if p not in EMOTICONS]),
            st.sampled_from(["", " ", "\n", "  "]),
        ),
        max_size=25,
    )
)
def test_split_equals_datatrove_spacy_on_generated_text(parts):
    tok = _datatrove_tokenizer()
    text = "".join(p + sep for p, sep in parts)
    assume(not _EMOTICON_FROM_PIECES.search(text))  # the known divergence above
    assert split_words(text) == tok.word_tokenize(text)


def _datatrove_tokenizer():
    try:
        from datatrove.utils.word_tokenizers import load_word_tokenizer
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("datatrove (a test dependency) is not installed")
        pytest.skip("datatrove is not installed")
    return load_word_tokenizer("eng")
