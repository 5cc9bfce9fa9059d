"""Mojibake left whole on a line decoded only in part, read back after the other passes.

The texts are lingua sentences of the tuned part of the multilingual damage model
(``tests/test_repair_multilingual.py``), damaged as its ``ftfy_lossy`` kind damages them (ftfy
over dropped bytes or NFKC folds); each came back wrong before its rule: Cyrillic letters ftfy
could not decode because a lost byte sat among them (``Ð½Ð°Ð²Ñ‡Ð°Ð½Ð½Ñ Ñƒ``), punctuation
ftfy leaves beside letters Windows-1252 cannot encode (``праціâ€™``, ``â„–7``), a Kazakh
``ә`` whose ``™`` NFKC folded after the capital starting the word (``СÓTMрсенбай``), and
``è`` after a Cyrillic letter still to be rebuilt, read as ``ਠ`` (``Ð1⁄2à ̈``).
"""

from __future__ import annotations

import unicodedata

import ftfy
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tamis.document import undo
from tamis.repair import fix_text, is_mojibake_rule, lexicon
from tamis.repair.marks import leftover_marks
from tests.test_repair_multilingual import _clean_lines, cp1252, holes, nfkc


def _ftfy_over(damaged: str) -> str:
    return ftfy.fix_text(damaged, uncurl_quotes=False, normalization=None)


def _repaired(damaged: str, shows: str) -> tuple[str, bool]:
    """Repair ``damaged`` (checked to show ``shows``): the repaired text, and whether its edits
    undo to the damaged text."""
    assert shows in damaged
    fixed, edits = fix_text(damaged)
    return fixed, undo(fixed, edits) == damaged


@pytest.mark.skipif(not lexicon.available(), reason="wordfreq is not installed")
@pytest.mark.parametrize(
    ("clean", "shows"),
    [
        ("“Гадаю, що це тобі відомо.”\n124. Чи може дитина подолати “небажання працювати в "
         "період невдачі?”", "Ð½ÐµÐ±Ð°Ð¶Ð°Ð½Ð½Ñ Ð¿"),
        ("“Підготую дитину до навчання у школі.”", "Ð½Ð½Ñ Ñƒ"),
        ("Основні положення по створенню автоматизованих систем ‘проектування нормування "
         "праці’", "Ñ–â€™"),
    ],
)  # fmt: skip
def test_cyrillic_pairs_beside_a_lost_byte_are_decoded(clean: str, shows: str) -> None:
    assert _repaired(_ftfy_over(holes(clean)), shows) == (clean, True)


@pytest.mark.parametrize(
    ("clean", "shows"),
    [
        ("Алматы “қаласындағы №163 орта” мектепті бітірген.", "â„–163"),
        ("Ал Шеңбер романы “үшін О.Сәрсенбай Қазақстан Республикасы” (2000) алған.", "СÓTM"),
        # ``è`` whose ``¨`` NFKC folded, after a letter the rebuild reads (``н``): not ``ਠ``
        ("Американците често нè потсетуваат на европските “заморци”.", "Ð1⁄2à ̈ "),
    ],
)
def test_marks_and_folded_letters_ftfy_leaves_are_restored(clean: str, shows: str) -> None:
    assert _repaired(_ftfy_over(nfkc(clean)), shows) == (clean, True)


_MARKS = [chr(c) for c in range(0x2010, 0x2027)] + ["\u2030", "\u2116", "\u2122"]
_MARKS = [m for m in _MARKS if unicodedata.category(m) != "Zs"]


def test_a_lone_mark_read_as_windows_1252_in_cyrillic_text_is_restored(shared_data) -> None:
    """Property: a punctuation mark or symbol of the U+2000 or U+2100 block put after a word
    of a clean Cyrillic sentence and read alone as Windows-1252 (which ftfy leaves) is read
    back, and the edit log gives the damaged text back."""
    lines = [s for s in _clean_lines(shared_data) if any("а" <= c <= "я" for c in s)]

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.sampled_from(lines), st.sampled_from(_MARKS), st.integers(0, 10_000))
    def check(line: str, mark: str, at: int) -> None:
        words = line.split(" ")
        k = at % len(words)
        clean = " ".join([*words[: k + 1], mark, *words[k + 1 :]])
        damaged = " ".join([*words[: k + 1], cp1252(mark), *words[k + 1 :]])
        if ftfy.fix_encoding(damaged) != damaged:
            return  # ftfy decodes this one itself
        fixed, edits = fix_text(damaged)
        assert fixed == clean, (damaged, fixed)
        assert undo(fixed, edits) == damaged

    check()


def test_clean_text_of_every_language_gets_no_mark_edit(shared_data) -> None:
    """Property: clean real sentences of any language, joined on lines, get no edit from the
    pass (nor any mojibake edit at all)."""
    lines = _clean_lines(shared_data)

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(st.sampled_from(lines), min_size=1, max_size=3))
    def check(chosen: list[str]) -> None:
        text = "\n".join(chosen)
        assert leftover_marks(text) == []
        assert not [e for e in fix_text(text)[1] if is_mojibake_rule(e.rule)]

    check()
