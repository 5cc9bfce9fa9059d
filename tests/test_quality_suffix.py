"""The late-starting suffix search must find exactly the match spaCy's full search finds."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.quality.suffix import PrefixSearch, SuffixSearch
from tamis.quality.words import DATA

# Characters the shipped suffix alternatives care about (punctuation, quotes, units, currency,
# dots and ellipses, letters before and after them) plus ordinary letters and digits.
_ALPHABET = list("aAbBsSmMkKgGtTdhnrz019.,;:!?'\"’‘”“()[]{}<>-–—…$£€%°²³#&*_/") + [
    "km",
    "'s",
    "’S",
    "...",
    "°C",
]


def _patterns():
    return [
        json.loads((DATA / f"spacy_{lang}.json").read_text(encoding="utf-8"))["suffix"]
        for lang in ("en", "xx")
    ]


def _span(m):
    return None if m is None else m.span()


@pytest.mark.parametrize("pattern", _patterns(), ids=["en", "xx"])
def test_shipped_patterns_are_analysed(pattern):
    fast = SuffixSearch(pattern)
    assert not fast._exact  # the speed-up applies to spaCy's tables
    assert fast._runs == {"."}  # "\.\.+$" is the one unbounded alternative


_SEARCHES = [(SuffixSearch(p), re.compile(p).search) for p in _patterns()]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(_ALPHABET), min_size=0, max_size=12))
def test_same_match_as_full_search(pieces):
    chunk = "".join(pieces)
    for fast, full in _SEARCHES:
        assert _span(fast(chunk)) == _span(full(chunk))


@pytest.mark.parametrize(
    ("pattern", "exact"),
    [
        (r"a$|bc$|(?<=x)d$", False),
        (r"a+b$|c$", True),  # unbounded, not a run of one character
        (r"^a$|b$", True),  # a start anchor depends on where the search starts
        (r"a?$|b$", True),  # may match nothing
        (r"(?i)ab$|c$", True),  # case-insensitive: literals stand for more characters
        (r"(?i:ab)$|c$", False),  # ... then the group's last characters are unknown
    ],
)
def test_falls_back_to_full_search_when_unsure(pattern, exact):
    fast, full = SuffixSearch(pattern), re.compile(pattern).search
    assert fast._exact is exact
    for chunk in ["", "a", "ba", "bc", "xbc", "aab", "xd", "yd", "zzd", "c", "b", "AB", "xAb", "C"]:
        assert _span(fast(chunk)) == _span(full(chunk)), chunk


def _prefix_patterns():
    return [
        json.loads((DATA / f"spacy_{lang}.json").read_text(encoding="utf-8"))["prefix"]
        for lang in ("en", "xx")
    ]


_PREFIX_SEARCHES = [(PrefixSearch(p), re.compile(p).search) for p in _prefix_patterns()]


@pytest.mark.parametrize("pattern", _prefix_patterns(), ids=["en", "xx"])
def test_shipped_prefix_patterns_are_analysed(pattern):
    fast = PrefixSearch(pattern)
    assert fast._starts is not None and "U" in fast._starts  # "US$" starts with a letter
    assert "p" not in fast._starts


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from([*_ALPHABET, "US$", "C$", "§", "¿", "«"]), max_size=12))
def test_prefix_same_match_as_full_search(pieces):
    chunk = "".join(pieces)
    for fast, full in _PREFIX_SEARCHES:
        assert _span(fast(chunk)) == _span(full(chunk))


@pytest.mark.parametrize(
    ("pattern", "analysed"),
    [
        (r"^a|^[b-d]|^\+(?![0-9])", True),
        (r"^a|b", False),  # an alternative not anchored may match further in
        (r"^a|^.", False),  # any character
        (r"(?i)^a", False),  # a literal stands for its other case too
    ],
)
def test_prefix_analysis_keeps_the_full_search_when_unsure(pattern, analysed):
    fast = PrefixSearch(pattern)
    assert (fast._starts is not None) == analysed
    for chunk in ("a", "A", "ba", "+1", "+a", "xa", "", "c"):
        assert _span(fast(chunk)) == _span(re.compile(pattern).search(chunk))
