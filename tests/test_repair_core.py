"""The repair passes: the seed, the named rules, the evidence rule, and an edit log that always
undoes exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from tamis.document import Document, replay, undo
from tamis.repair import RepairConfig, fix_text, is_mojibake_rule
from tamis.repair.spans import diff_replacements
from tamis.stages.base import stage_class

SEED_TITLE = (
    "Russia wants to \u2018actively operate in Kabul,\u2019 claiming the Taliban are "
    "\u2018democratic.\u2019"
)


def rules(text: str) -> list[str]:
    return [e.rule for e in fix_text(text)[1]]


def test_seed_title_is_repaired_and_body_left_byte_identical(seeds: Path) -> None:
    raw = (seeds / "000_a469bc7d964748ed.txt").read_text(encoding="utf-8")
    fixed, edits = fix_text(raw)
    raw_lines, fixed_lines = raw.split("\n"), fixed.split("\n")
    assert fixed_lines[0] == SEED_TITLE
    assert fixed_lines[3] == SEED_TITLE  # the repeated title
    assert fixed_lines[4:] == raw_lines[4:]
    assert fixed.encode("utf-8")[-2000:] == raw.encode("utf-8")[-2000:]
    assert {e.rule for e in edits} == {"dagger_quote", "lossy_mojibake"}
    assert undo(fixed, edits) == raw


def test_ftfys_dagger_example_from_the_issue() -> None:
    assert fix_text("He said â€œhelloâ€ and left")[0] == "He said \u201chello\u201d and left"
    # ftfy's own output, dagger and swallowed space included, is repaired too.
    assert fix_text("He said \u201chello\u2020and left")[0] == "He said \u201chello\u201d and left"


@pytest.mark.parametrize(
    ("damaged", "fixed", "rule"),
    [
        # Lines with whole sequences whose bytes were lost are rebuilt and verified by
        # re-damage (repair.unfold); a lone ``â€`` mark is lossy's.
        ("itâ€TMs fine", "it\u2019s fine", "lossy_mojibake"),
        ("the â€oebestâ€ film", "the \u201cbest\u201d film", "lossy_mojibake"),
        ("It was â€˜smallâ€TM.", "It was \u2018small\u2019.", "lossy_mojibake"),
        ("said â€ actively", "said \u2018actively", "lossy_mojibake"),
        # ``â€`` before a space on a line that keeps a ``™`` NFKC would fold: the ``”`` whose
        # 9D was dropped, not a ``‘`` whose ``˜`` was folded to the space; a spaced ``â€``
        # ending a line inside an open quotation closes it
        ("A â€œDawsonâ€™s Creek â€ star", "A “Dawson’s Creek ” star", "lost_byte_mojibake"),
        ("It was “the lung. â€", "It was “the lung. ”", "lossy_mojibake"),
        ("he said â€œstopâ€", "he said \u201cstop\u201d", "lost_byte_mojibake"),
        ("Ã©tÃ© â€œchaudâ€.", "\u00e9t\u00e9 \u201cchaud\u201d.", "lost_byte_mojibake"),
        ("te\u00c53\u20444imo", "te\u017eimo", "folded_mojibake"),
        ("po\u00c4etak", "po\u010detak", "lost_byte_mojibake"),
        (
            "He said âhello.â Then itâs over.",
            "He said \u201chello.\u201d Then it\u2019s over.",
            "lossy_mojibake",
        ),
        ("caf\u00c3\u00a9", "caf\u00e9", "ftfy:fix_encoding"),
        # ftfy over NFKC damage keeps the space NFKC made of an A0 byte after ``à``, on lines
        # that show the fold (``â€TM``, ``à ̈``); a closing quote and a space read as a dagger
        # after a stop, and ``†̃`` (‘ with ˜ folded) on a line with no other Latin-1 letter.
        (
            "am\u00e9ricain-l\u00e0 , mais c\u00e2\u20acTMest \u00e7a",
            "am\u00e9ricain-l\u00e0, mais c\u2019est \u00e7a",
            "folded_mojibake",
        ),
        (
            "au \u201ccorps \u00e0 \u201d corps, tr\u00e0 \u0308s.",
            "au \u201ccorps \u00e0\u201d corps, tr\u00e8s.",
            "folded_mojibake",
        ),
        ("behind bars,\u2020Sasse said.", "behind bars,\u201d Sasse said.", "dagger_quote"),
        # Pairs ftfy's badness test lets pass: a Latin Extended-A capital read as two letters,
        # and an emoji's variation selector whose last byte (8F) a strict decoder dropped.
        ("\u00c4\u0152lanovi grupe", "\u010clanovi grupe", "folded_mojibake"),
        (
            "News: \u00f0\u0178\u2014\u017e\u00ef\u00b8 Using AI",
            "News: \U0001f5de\ufe0f Using AI",
            "lost_byte_mojibake",
        ),
        (
            "testimony that \u2020\u0303there was",
            "testimony that \u2018there was",
            "folded_mojibake",
        ),
        ("la gr\x89ce, la deuxi\x8fme", "la gr\u00e2ce, la deuxi\u00e8me", "c1_macroman"),
        (
            "Cyborgs\x97robots \x96 and gr\x89ce",
            "Cyborgs\u2014robots \u2013 and gr\u2030ce",
            "ftfy:fix_encoding",
        ),
        ("It\x92s \x96 fine", "It\u2019s \u2013 fine", "ftfy:fix_encoding"),
        ("AT&amp;T &#8217; &nbsp;x", "AT&T \u2019  x", "html_entity"),
        ("a\x00b\x1b[31mc", "abc", "control_char"),
        ("zero\u200bwidth\ufeff", "zerowidth", "zero_width"),
        ("no\xa0break\u2009thin", "no break thin", "odd_space"),
        ("one\r\ntwo\rthree", "one\ntwo\nthree", "crlf"),
        ("Cafe\u0301", "Caf\u00e9", "nfc"),
    ],
)
def test_each_repair_is_made_and_named(damaged: str, fixed: str, rule: str) -> None:
    out, edits = fix_text(damaged)
    assert out == fixed
    assert rule in {e.rule for e in edits}
    assert all(e.stage == "repair" for e in edits)
    assert undo(out, edits) == damaged


@pytest.mark.parametrize(
    "clean",
    [
        "Le château de la pâte à tarte, et l\u2019âme du gâteau\u2009!",
        "O câmbio do ânimo é grande; \u00e2mbito e \u00e2ngulo.",
        "Tôi cần ăn những món ăn ngon, âm nhạc và ẩm thực.",
        "Cyfarfu â Thomas Middleton tua 1614.",
        "Ayon kay Hesus mulâ sa trono.",
        "Smith\u2020 and Jones\u2021 (\u2020 died 1923).",
        "\u2020Tyrannosaurus rex is an extinct genus.",
        "See the note.\u2020 Then l\u00e0 , voil\u00e0  deux espaces.",
        "Prices in \u20ac rose; the \u20ac symbol is fine, and so is S\u00c3O PAULO.",
        "\u201cCurly quotes\u201d and \u2018single ones\u2019 stay curly \u2014 and dashes too\u2026",
        "\ufb01ne ligatures and \uff26\uff55\uff4c\uff4c\u3000width are the author\u2019s choice.",
    ],
)
def test_clean_text_is_never_touched_by_a_mojibake_rule(clean: str) -> None:
    assert not [r for r in rules(clean) if is_mojibake_rule(r)]


def test_the_repair_is_local_to_the_damaged_line() -> None:
    text = "Title â€TMquotedâ€TM here\n\nBody with a footnote\u2020 and \u201cquotes\u201d."
    fixed, _ = fix_text(text)
    assert fixed.split("\n")[2] == text.split("\n")[2]


def test_options_switch_passes_off() -> None:
    text = "a &amp; b\u200b\xa0c â€TM"
    assert fix_text(text, RepairConfig(entities=False))[0].startswith("a &amp; b")
    assert "\u200b" in fix_text(text, RepairConfig(zero_width=False))[0]
    assert "\xa0" in fix_text(text, RepairConfig(normalize_whitespace=False))[0]
    assert "â€TM" in fix_text(text, RepairConfig(lossy_mojibake=False))[0]


def test_stage_records_edits_and_signals() -> None:
    cls = stage_class("repair")
    stage = cls(cls.Options(nfc=False))
    doc = Document("d", "It\x92s â€˜okâ€TM &amp;", {"path": "p", "index": 0})
    stage.process_batch([doc])
    assert doc.text == "It\u2019s \u2018ok\u2019 &"
    assert doc.signals["repair"]["mojibake"] >= 2
    assert doc.original_text() == "It\x92s â€˜okâ€TM &amp;"
    with pytest.raises(ValidationError):
        cls.Options(no_such_option=True)


# Text built from the characters the rules act on, so that the property tests reach them.
_MOJIBAKE_ALPHABET = list(
    "aeiouAEIOU st,.;:!?'\"()-\n\r\t&#;0123456789"
    "âÃÂÅÐÑ€™‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜šœžŸ©®°±²³´µ¶·¸¹º»¼½¾¿¡¢£¤¥¦§¨ª«¬\xa0\xad"
    "\x80\x81\x85\x8d\x8f\x90\x92\x93\x94\x96\x97\x9d\x00\x07\x1b"
    "\u200b\u200e\u202e\ufeff\u2009\u202f\u2028\u0301\u0308éèàüßœ"
) + ["TM", "oe", "&amp;", "&#8217;", "&nbsp;", "â€", "â€TM", "Ã©", "â€œ", "â€\x9d", "\r\n"]

texts = st.lists(st.sampled_from(_MOJIBAKE_ALPHABET), max_size=60).map("".join)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_edit_log_undoes_and_replays_exactly_on_mojibake_like_text(text: str) -> None:
    fixed, edits = fix_text(text)
    assert undo(fixed, edits) == text
    assert replay(text, edits) == fixed


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_edit_log_undoes_exactly_on_any_text(text: str) -> None:
    fixed, edits = fix_text(text)
    assert undo(fixed, edits) == text
    assert replay(text, edits) == fixed


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80), st.text(max_size=80))
def test_diff_replacements_turn_any_old_text_into_the_new_one(old: str, new: str) -> None:
    doc = Document("d", old, {"path": "p", "index": 0})
    doc.apply("repair", diff_replacements(old, new, "rule"))
    assert doc.text == new
    assert doc.original_text() == old


def test_diff_keeps_nearby_fixes_apart() -> None:
    reps = diff_replacements("cï¿½t ï¿½nă ï¿½", "c\ufffdt \ufffdnă \ufffd", "r")
    assert [(r.start, r.end, r.inserted) for r in reps] == [
        (1, 4, "\ufffd"),
        (6, 9, "\ufffd"),
        (12, 15, "\ufffd"),
    ]
