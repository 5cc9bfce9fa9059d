"""A batch's line facts give every line signal the per-document path gives, bit for bit."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.quality import parts as parts_module
from tamis.quality.line_facts import LineFacts
from tamis.quality.options import options_for
from tamis.quality.parts import TERMINAL_PUNCTUATION, DocParts
from tamis.quality.signals import find_duplicates, fineweb, gopher_quality, gopher_repetition

_PIECES = [
    "word",
    "नमस्ते",
    "తెలుగు",
    "the end.",
    "...",
    "....",
    "…",
    "#",
    "-",
    "•",
    " - item",
    "\t• item",
    "।",
    "?",
    "!",
    "𝔘𝔫𝔦",
    "\u00a0",
    "\u3000",
    "\x1f",
    "a" * 31,
    "same line",
]
_SEPARATORS = ["", " ", "\n", "\n\n", "  ", "\t", "\n \n", "\n\t\n", "\r\n", "\u2028", "\x0c"]

texts = st.lists(
    st.tuples(st.sampled_from(_PIECES), st.sampled_from(_SEPARATORS)), max_size=24
).map(lambda pieces: "".join(p + sep for p, sep in pieces))


def _plain(text: str) -> dict:
    """The facts by their definitions, from the text as a string."""
    split = text.split("\n")
    nonblank = [line for line in split if line.strip()]
    return {
        "splitlines": len(text.splitlines()),
        "newlines": text.count("\n"),
        "has_double_newline": "\n\n" in text,
        "hashes": text.count("#"),
        "dots": text.count("...") + text.count("…"),
        "bullets": sum(line.lstrip().startswith(("•", "-")) for line in text.splitlines()),
        "nonblank": len(nonblank),
        "ending": sum(line.endswith(TERMINAL_PUNCTUATION) for line in nonblank),
        "short": sum(len(line) <= 30 for line in nonblank),
        "repeats_nonblank": find_duplicates(nonblank)[0] > 0,
        "repeats_all": find_duplicates(split)[0] > 0,
    }


@settings(max_examples=300, deadline=None)
@given(st.lists(texts, min_size=1, max_size=6))
def test_facts_equal_their_definitions(batch):
    facts = LineFacts(batch)
    for d, text in enumerate(batch):
        assert facts.length[d] == len(text)
        assert facts.ok[d] == (
            not any(ch in text for ch in "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
        )
        if not facts.ok[d]:
            continue
        plain = _plain(text)
        assert facts.splitlines[d] == plain["splitlines"]
        assert facts.newlines[d] == plain["newlines"]
        assert facts.has_double_newline[d] == plain["has_double_newline"]
        assert facts.hashes[d] == plain["hashes"]
        assert facts.dots[d] == plain["dots"]
        assert facts.bullets[d] == plain["bullets"]
        assert facts.nonblank_lines()[d] == plain["nonblank"]
        assert facts.nonblank_ending(TERMINAL_PUNCTUATION)[d] == plain["ending"]
        assert facts.nonblank_short(30)[d] == plain["short"]
        # may_repeat may say "maybe" for lines that differ, never "no" for equal ones
        if plain["repeats_nonblank"] or plain["repeats_all"]:
            assert facts.may_repeat()[d]


def test_a_mark_of_several_characters_is_left_to_the_strings():
    assert LineFacts(["a.\nb"]).nonblank_ending((".", "..")) is None


def test_facts_of_empty_texts():
    facts = LineFacts(["", "", ""])
    assert facts.splitlines == [0, 0, 0]
    assert facts.nonblank_lines() == [0, 0, 0]
    assert facts.may_repeat() == [False, False, False]
    assert LineFacts([""]).newlines == [0]


_STAGES = {
    "gopher_quality": gopher_quality,
    "fineweb": fineweb,
    "gopher_repetition": gopher_repetition,
}


@pytest.mark.parametrize("lang", ["en", "hin_Deva"])
@settings(max_examples=150, deadline=None)
@given(batch=st.lists(texts, min_size=1, max_size=6))
def test_signals_from_facts_equal_the_per_document_ones(lang, batch):
    """Every line signal, measured with a batch's line facts and without."""
    with_facts = [DocParts(text, lang) for text in batch]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parts_module, "LINE_BATCH_MIN_CHARS", 0)
        parts_module.lines_together(with_facts)
    for text, fast in zip(batch, with_facts, strict=True):
        assert "line_facts" in fast.__dict__
        slow = DocParts(text, lang)
        for stage, measure in _STAGES.items():
            opts = options_for(stage, {"language": lang} if lang != "en" else None)
            assert measure(fast, opts) == measure(slow, opts), (stage, text)
