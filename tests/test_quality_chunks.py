"""Per-chunk memoised facts and the shared document parts equal their plain definitions."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.quality import chunks as per_chunk
from tamis.quality.chunks import PUNCTUATION_SET, chunk_facts
from tamis.quality.parts import DocParts
from tamis.quality.signals import find_duplicates
from tamis.quality.words import count_sentences, split_words

_PIECES = [
    "word",
    "Word",
    "the",
    "and",
    "U.S.",
    "Mr.",
    "don't",
    "cannot",
    "...",
    "…",
    "(",
    ")",
    '"',
    "'",
    "-",
    "—",
    ",",
    ".",
    "!",
    "?",
    ":",
    ";",
    "#",
    "10",
    "3.5",
    "1,000",
    "co-op",
    "ÆØÅ",
    "naïve",
    "。",
    "¡",
    "&",
]
_SEPARATORS = ["", " ", "\n", "\n\n", "  ", "\t", "\n \n"]

texts = st.lists(
    st.tuples(st.sampled_from(_PIECES), st.sampled_from(_SEPARATORS)), max_size=30
).map(lambda parts: "".join(p + sep for p, sep in parts))


def _plain_word_stats(words: list[str]) -> tuple[int, int, int, int]:
    """Gopher quality's word counts by their definition, word by word."""
    non_symbol = [w for w in words if any(ch not in PUNCTUATION_SET for ch in w)]
    return (
        len(words),
        len(non_symbol),
        sum(map(len, non_symbol)),
        sum(any(ch.isalpha() for ch in w) for w in words),
    )


@settings(max_examples=300, deadline=None)
@given(texts)
def test_parts_equal_their_definitions(text):
    parts = DocParts(text, "en")
    words = split_words(text)
    assert parts.words == words
    assert parts.spaced == " ".join(words)
    assert parts.word_stats == _plain_word_stats(words)
    assert parts.n_words == len(words)
    assert list(parts.newline_lines) == re.split("\n+", text)
    assert list(parts.paragraphs) == re.split(r"\n{2,}", text.strip())
    assert list(parts.splitlines) == text.splitlines()
    assert list(parts.nonblank_lines) == [x for x in text.split("\n") if x.strip() != ""]
    for word in ["the", "and", "word", ".", "x", "do", "the and", ""]:
        assert parts.has_word(word) == (word in words), word


@settings(max_examples=200, deadline=None)
@given(texts)
def test_word_stats_in_one_sum_equal_the_two_sums(text):
    """Texts shorter than 2**15 characters total the four statistics in one sum; the two-sum
    path (taken for longer texts) gives the same on the same records."""
    records = chunk_facts("en").records(text.split())
    expected = _plain_word_stats(split_words(text))
    assert per_chunk.word_stats(records, len(text)) == expected
    assert per_chunk.word_stats(records, per_chunk.SHORT_TEXT) == expected


def test_word_stats_of_a_text_too_long_for_one_sum():
    text = "The cat, (sat) on the mat... U.S. don't 1,000 co-op naïve! #tag\n" * 700
    assert len(text) > per_chunk.SHORT_TEXT
    assert DocParts(text, "en").word_stats == _plain_word_stats(split_words(text))


@settings(max_examples=300, deadline=None)
@given(texts)
def test_line_sentences_from_chunk_classes_equal_the_sentencizer(text):
    parts = DocParts(text, "en")
    classes = parts.chunk_classes
    pos = 0
    for line in text.splitlines():
        chunks = line.split()
        expected = count_sentences(split_words(line))
        assert per_chunk.sentences(classes[pos : pos + len(chunks)]) == expected, line
        assert parts.sentences(chunks) == expected
        pos += len(chunks)
    assert pos == len(parts.chunks)  # a document's chunks are its lines' chunks, in order


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "ab", "", "a b"]), max_size=20))
def test_find_duplicates_equals_datatrove_loop(items):
    seen, dup, dup_chars = set(), 0, 0
    for item in items:
        if item in seen:
            dup += 1
            dup_chars += len(item)
        else:
            seen.add(item)
    assert find_duplicates(items) == (dup, dup_chars)


def test_records_stay_right_when_the_cache_is_cleared(monkeypatch):
    """A document with more new chunks than the cache holds still gets every record."""
    monkeypatch.setattr(per_chunk, "_CACHE_LIMIT", 4)
    facts = per_chunk.ChunkFacts(chunk_facts("en")._words)
    chunks = "the cat, (sat) on the mat. U.S. don't 1,000 co-op naïve!".split()
    for _ in range(3):
        records = facts.records(chunks)
        assert [w for r in records for w in r[0]] == split_words(" ".join(chunks))
        assert len(facts._records) <= len(set(chunks))


@pytest.mark.parametrize("lang", ["de", "xx"])
def test_other_languages_use_their_own_tables(lang):
    text = "Das ist's, z.B. gut."
    assert DocParts(text, lang).words == split_words(text, lang)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab \n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029\u000a\t", max_size=30))
def test_lines_equal_str_splitlines_whatever_the_line_breaks(text):
    """Lines taken from the ``\\n`` split (a text with no other break) or from
    ``str.splitlines`` are ``str.splitlines``'s, a final ``\\n`` or not."""
    parts = DocParts(text, "en")
    assert parts.nonblank_lines is not None  # the \n split made first, as other rules make it
    assert list(parts.splitlines) == text.splitlines()
    assert list(DocParts(text + "\n", "en").splitlines) == (text + "\n").splitlines()
