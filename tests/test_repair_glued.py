"""Marks ftfy glued to the next word when it read a lost byte and a space as one character.

The texts are lingua sentences of the tuned part of the multilingual damage model
(``tests/test_repair_multilingual.py``; the Portuguese one cut after its quote), damaged here
as the model's ``ftfy_lossy`` damages them (ftfy over dropped bytes); each came back wrong
before its rule: ``silnejší†si`` and ``momento†– disse`` (``”`` whose 9D was
dropped, read with the space after it as a dagger) and ``Ртолько`` (``А`` whose 90 was
dropped, read with the space after it as ``Р``), ``деревнцСилланкорва`` (``я”`` and a space
read as ``ц``).
"""

from __future__ import annotations

import ftfy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.document import undo
from tamis.repair import fix_text, lexicon
from tamis.repair.eaten import eaten_a, eaten_quote
from tests.test_repair_multilingual import holes

SLOVAK = "“Ale ak je vojna, tak silnejší” si niečo vybojuje (see tvár Európy po WW)."
PORTUGUESE = (
    "Acho isso muito importante para esse mundo um pouco confuso em que nós estamos no "
    "momento” – disse o Ministro da Defesa."
)
RUSSIAN = "“Но поля боя мы не сдали, А только крепче зубы сжали, Надеясь на первач.”"


def _ftfy_over_holes(clean: str) -> str:
    """The damage model's ``ftfy_lossy`` on its dropped-byte side: ftfy over ``holes``."""
    return ftfy.fix_text(holes(clean), uncurl_quotes=False, normalization=None)


def _repaired(clean: str, glued: str) -> tuple[tuple[str, bool], list]:
    """Damage ``clean`` (ftfy over dropped bytes), check ``glued`` shows the damage, and repair
    it: ((the repaired text, whether its edits undo to the damaged text), the edits)."""
    damaged = _ftfy_over_holes(clean)
    assert glued in damaged
    fixed, edits = fix_text(damaged)
    return (fixed, undo(fixed, edits) == damaged), edits


@pytest.mark.parametrize(
    ("clean", "glued"), [(SLOVAK, "silnejší†si"), (PORTUGUESE, "momento†– disse")]
)
def test_a_dagger_glued_between_a_word_and_a_lower_case_word_or_a_dash_is_a_closing_quote(
    clean: str, glued: str
) -> None:
    assert _repaired(clean, glued)[0] == (clean, True)


@pytest.mark.parametrize("clean", [SLOVAK, PORTUGUESE])
def test_a_closing_quote_that_lost_its_byte_after_a_decoded_letter_is_restored(clean) -> None:
    """Dropped bytes alone (no ftfy): ``silnejšíâ€ si``. The letters before the mark, decoded
    by the rebuild pass (``í`` is ED in Windows-1252, a lead), start no sequence that the mark
    (E2 80) could continue: it is a ``”`` that lost its 9D, not part of a longer garble."""
    damaged = holes(clean)
    fixed, edits = fix_text(damaged)
    assert (fixed, undo(fixed, edits)) == (clean, damaged)


@pytest.mark.skipif(not lexicon.available(), reason="wordfreq is not installed")
def test_an_a_whose_byte_was_lost_and_its_space_read_as_er_is_restored() -> None:
    restored, edits = _repaired(RUSSIAN, "дали, Ртолько")  # ``с`` lost its byte: unfold reads it
    assert restored == (RUSSIAN, True)
    assert any(e.removed == "Р" and e.inserted == "А " for e in edits)


@pytest.mark.skipif(not lexicon.available(), reason="wordfreq is not installed")
@pytest.mark.parametrize(
    ("clean", "glued"),
    [
        ("Рядом “находилась деревня” Силланкорва.", "деревнцСилланкорва"),
        (
            "Он просто-напросто эту сумму вычитает из кредитов, “которые даются” Грузии.",
            "цГрузии",
        ),
        # glued to a lower-case word, the quotation never closed on the line
        (
            "Вся моя решительность “проистекала из желания” не задерживаться здесь.",
            "желаницне",
        ),
        # ``я’`` whose 8F was dropped, its ``Ñ’`` read as ``ђ`` (a Bulgarian line)
        (
            "Така аптекарите удържаха временна победа.\nСръбският премиер Воислав Кощуница, "
            "“цитиран от ‘агенция’ Бета,” обаче нарече подобен план безсмислица.\n“Столичната "
            "община набира оферти за премахване на 13 общински обекта, които са негодни за "
            "ползване и опасни, съобщиха от кметството.”",
            "агенциÑ’",
        ),
        (
            "Наслідки болючою упередженості “до наркотичних речовин проявляються” досить рано.",
            "ÑцдоÑить",
        ),
    ],
)
def test_ya_and_a_closing_quote_read_with_their_space_as_tse_are_restored(
    clean: str, glued: str
) -> None:
    assert _repaired(clean, glued)[0] == (clean, True)


@pytest.mark.skipif(not lexicon.available(), reason="wordfreq is not installed")
def test_c_caron_and_a_closing_quote_read_with_their_space_as_c_acute_are_restored() -> None:
    """``č”`` and a space, both last bytes dropped, read by ftfy as ``Ć`` (Slovene, lingua)."""
    clean = "Behati “je namreč” sladka in poredna obenem."
    assert _repaired(clean, "namreĆsladka")[0] == (clean, True)


@pytest.mark.parametrize(
    "clean", ["Ivan ĆOSIĆ i Marko Ćirić su došli.", "U gradu McĆ nema nikoga."]
)
def test_clean_words_with_a_c_acute_stay(clean: str) -> None:
    assert fix_text(clean)[0] == clean


@pytest.mark.skipif(not lexicon.available(), reason="wordfreq is not installed")
@pytest.mark.parametrize(("lang", "number"), [("be", 218), ("mk", 421)])
def test_clean_words_holding_tse_inside_a_quotation_stay(shared_data, lang, number) -> None:
    """``пасадцы`` and ``Коцо`` inside an open quotation (lingua's be.txt and mk.txt): their
    one-letter ends are endings, not words."""
    path = shared_data / "langid" / "lingua-sentences" / f"{lang}.txt"
    clean = path.read_text(encoding="utf-8").split("\n")[number - 1]
    assert "ц" in clean and "“" in clean
    assert eaten_quote(clean) == []
    assert fix_text(clean)[0] == clean


@pytest.mark.skipif(not lexicon.available(), reason="wordfreq is not installed")
@pytest.mark.parametrize(
    "clean",
    [
        "Город Ржев стоит на Волге.",  # no ``жев`` in any list
        "Он показал, Рвение его было видно.",  # ``рвение`` is a word
        "Река Рона течёт на юг.",  # a vowel after ``Р``: never read
        "Москва, Рт 5",  # a capital after ``Рт``: not a lower-case word
    ],
)
def test_clean_words_starting_with_er_stay(clean: str) -> None:
    assert eaten_a(clean) == []
    assert fix_text(clean)[0] == clean


@pytest.mark.parametrize(
    "clean",
    [
        "Ingo Kantorek (†44)",
        "Smith† – died 1944",
        "see note†Next page",
        "lá† 1944",
        "Herbert Müller† 1944",
        # After a closing mark that MacRoman also holds (``»`` is C8, ``”`` D3, ``…`` C9):
        # ftfy reads the pair as one UTF-8 character (``»†`` as ``Ƞ``) no text writes.
        "Are sustinere din partea comunistilor de la guvernare!»†",
        "Er sagte: «Das war es»† und ging nach Hause.",
        "He wrote “the end”† and stopped.",
        "Und so weiter…† 1944",
    ],
)
def test_footnote_and_death_daggers_stay(clean: str) -> None:
    fixed, edits = fix_text(clean)
    assert fixed == clean and not edits


_WORDS = ("silnejší", "si", "только", "Ржев", "Рвение", "Рона", "Müller", "Smith", "“лицо", "отцы")
_BETWEEN = (" ", ", ", ". ", " – ", "† ", " (†", "), ", "\n")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from(_BETWEEN)), min_size=1))
def test_clean_text_with_daggers_and_words_starting_with_er_is_never_edited(pairs) -> None:
    """Daggers as footnote or death marks (before a space, after a bracket) and ``Р``-words
    that are words: the identity."""
    text = "".join(word + between for word, between in pairs)
    assert fix_text(text)[0] == text


@pytest.mark.skipif(not lexicon.available(), reason="wordfreq is not installed")
@pytest.mark.parametrize(
    ("clean", "glued"),
    [
        # Bulgarian lingua sentences: the last capital of an abbreviation lost its byte (``А``
        # D0 90, ``Н`` D0 9D) and ftfy read it with the space after it as ``Р``; the list
        # holds the abbreviation lower-cased (``бан``, ``бта``), and the word after it.
        ("И ръководството на БАН ще се окаже в една много съмнителна ситуация.", "Рще"),
        ("Това съобщиха за БТА от пресцентъра на министерството.", "Рот"),
    ],
)
def test_an_abbreviation_s_last_capital_read_with_its_space_as_er_is_restored(
    clean: str, glued: str
) -> None:
    assert _repaired(clean, glued)[0] == (clean, True)


@pytest.mark.parametrize("clean", ["СССРовский", "Я служил в ВВСР и в СССР", "ТАРталетки"])
def test_capitals_before_er_in_clean_text_stay(clean: str) -> None:
    assert fix_text(clean) == (clean, [])


@pytest.mark.skipif(not lexicon.available(), reason="wordfreq is not installed")
def test_a_c_caron_read_with_its_quote_as_e_macron_is_restored() -> None:
    # A Slovak lingua sentence: ``č’`` lost the 8D of its ``č``; ``Ä’`` read as ``Ē``.
    clean = "Ani potom však nemali epileptici ‘o nič’ ľahšiu situáciu a tak ďalej."
    damaged = holes(clean).replace("â€™", "’").replace("â€˜", "‘")
    assert "niÄ’" in damaged
    fixed, edits = fix_text(damaged)
    assert fixed == clean and undo(fixed, edits) == damaged
    # Latvian capitals in a word of capitals stay.
    assert fix_text("RĪGAS ĒKAS un ĒRGĻI") == ("RĪGAS ĒKAS un ĒRGĻI", [])
    # What ftfy leaves of it once it decoded the rest of the line.
    decoded = "Ani potom však nemali epileptici ‘o niĒ ľahšiu situáciu a tak ďalej."
    assert fix_text(decoded)[0] == clean


@pytest.mark.skipif(not lexicon.available(), reason="wordfreq is not installed")
def test_a_letter_that_lost_its_byte_read_with_the_next_as_one_capital_is_restored() -> None:
    # Slovak: ``čš`` and ``ďž`` whose 8D and 8F were dropped, read as ``Ě`` (C4 9A) and ``Ğ``.
    fixed, edits = fix_text("To je najväĚí problém, keĞe nevieme.")
    assert fixed == "To je najväčší problém, keďže nevieme."
    assert undo(fixed, edits) == "To je najväĚí problém, keĞe nevieme."
    # Turkish and Esperanto capitals in their words stay.
    for clean in ("DOĞAN beŞiktaş", "İstanbul ĞÜNEŞ", "Ŝi kaj ĝi"):
        assert fix_text(clean) == (clean, [])
