"""lingua's letter models read from its wheel, and the repairs that lean on them.

The sentences are real lingua sentences of the tuned part of the multilingual damage model
(``tests/test_repair_multilingual.py``), damaged here by the model's own functions; each came
back wrong before the rule it exercises (``с`` for a lone ``я``; the lists' three-letter
model read ``спонським``, ``аднагадовыс``, ``якономикасы``; ``мÓTMліметтер``, ``đáo1p`` and
``dá»…`` were left where ftfy had decoded the letters around them).
"""

from __future__ import annotations

from pathlib import Path

import ftfy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.document import undo
from tamis.repair import charmodels, fix_text, lexicon
from tamis.repair.unfold import leftover_folds
from tests.test_repair_multilingual import holes, nfkc

pytestmark = pytest.mark.skipif(
    not (charmodels.available() and lexicon.available()),
    reason="lingua's models cannot be read from its extension module, or wordfreq is absent",
)


def _ftfy(text: str) -> str:
    return ftfy.fix_text(text, uncurl_quotes=False, normalization=None)


def test_the_letter_models_of_lingua_are_read_for_each_language_asked() -> None:
    runs = charmodels.model("ru")
    assert runs is not None and len(runs) == 5
    assert runs[0].get("д") is not None and runs[4].get("ство") is None  # 4 letters: order 4
    assert runs[4].get("ество") is not None
    assert len(charmodels.table("ru", 1)) > 30 and len(charmodels.table("ru", 5)) > 10_000
    assert charmodels.model("xx") is None and charmodels.table("xx", 1) == {}


@pytest.mark.parametrize("iso", ["ru", "pl", "vi"])
def test_a_run_looked_up_alone_has_the_value_of_the_built_table(
    iso: str, shared_data: Path
) -> None:
    """Every run of the words of real sentences, and every 2000th run the table holds, looked
    up in the decompressed JSON alone (never switching to the table), equals the table."""
    text = (shared_data / "langid" / "lingua-sentences" / f"{iso}.txt").read_text("utf-8")
    words = [w.lower() for line in text.splitlines()[:8] for w in line.split()]
    name = charmodels.model(iso)[0].name
    for order in charmodels.ORDERS:
        built = charmodels.table(iso, order)
        runs = charmodels.Runs(name, order)
        runs.BUILD_AFTER = 10**9
        asked = {w[i : i + order] for w in words for i in range(len(w) - order + 1)}
        asked |= set(sorted(built)[::2000]) | {"", "zzzzz"[:order], "1/2"}
        found = {run: runs.get(run) for run in asked}
        assert found == {run: built.get(run) for run in asked}
        assert runs._built is None  # answered by the search, not by building the table
        assert sum(v is not None for v in found.values()) > len(asked) // 4
    # a Russian word outscores the same letters scrambled, under Russian and not under Kazakh
    assert charmodels.score("государство", "ru") > charmodels.score("гсоудартсво", "ru")
    assert charmodels.score("мәліметтер", "kk") > charmodels.score("мәліметтер", "ru")


def test_the_language_of_intact_words_is_the_one_whose_letters_they_favour() -> None:
    belarusian = "таго тысячы зоймуць пасевы кукурузы тысячы травы".split()
    kazakh = "жылдан бастап тез дамып арнап кофе мен банан өсіріле бастады".split()
    languages = (*lexicon.CYRILLIC, *lexicon.LETTERS_ONLY)
    assert charmodels.likeliest(belarusian, languages) == "be"
    assert charmodels.likeliest(kazakh, languages) == "kk"
    assert charmodels.likeliest([], languages) is None


def test_an_inflected_form_no_list_holds_takes_the_spelling_whose_stem_is_listed() -> None:
    spellings = ["спонським", "эпонським", "японським"]
    assert spellings[lexicon.choose(spellings, "uk")] == "японським"
    # no listed word shares either stem past the lost byte: the stem rule does not decide
    assert lexicon._by_stem(["алуминият", "алуминист"], "bg") is None


@pytest.mark.parametrize(
    "clean",
    [
        # Ukrainian: a stem shared with a listed word
        "Коли вийшов перший учасник, у кольчузі та обладунку мечника, але з японським клинком.",
        # Belarusian, named by the letter runs of its intact words
        "“Акрамя таго, 11,3 тысячы га зоймуць пасевы кукурузы на сілас, 1,2 тысячы – соі, "
        "5,6 тысячы – аднагадовыя травы.”",
        "Адзін жа “лазер працяглага дзеяння каштуе” 35 млн.",
        # a lone ``я`` before a past tense without ``л``; Ukrainian writes no lone ``с``
        "“Щиров остро переживал ранение комдива : — Как я мог потерять полковника из виду?!”",
        "свій хлопець ще поб’є, лає її, каже: “Як я був у них, то мені давали дівку,",
        # Kazakh, named so
        "1850 жылдан бастап ел экономикасы тез дамып – экспортқа арнап кофе мен банан "
        "өсіріле бастады.",
    ],
)
def test_lost_bytes_of_words_no_list_holds_are_read_by_letter_runs(clean: str) -> None:
    damaged = holes(clean)
    assert damaged != clean
    fixed, edits = fix_text(damaged)
    assert fixed == clean
    assert undo(fixed, edits) == damaged


@pytest.mark.parametrize(
    ("clean", "damage"),
    [
        ("“2001 жылғы мәліметтер бойынша тұрғындарының саны 1005 адамды құрайды.”", nfkc),
        (
            "“Cách dưỡng tóc xoăn đẹp” bồng bềnhTóc xoăn đem đến vẻ ngoài nữ tính và sang "
            "trọng là điều ai cũng biết.",
            nfkc,
        ),
        (
            "Các bạn có thể dễ dàng vừa tạo kiểu vừa nuôi dưỡng mái tóc bồng bềnh của mình "
            "bằng một loại tinh dầu dưỡng tóc thế hệ mới.",
            holes,
        ),
    ],
)
def test_folded_or_whole_sequences_ftfy_leaves_among_decoded_letters_are_restored(
    clean: str, damage
) -> None:
    damaged = _ftfy(damage(clean))
    assert damaged != clean
    fixed, edits = fix_text(damaged)
    assert fixed == clean
    assert undo(fixed, edits) == damaged


@pytest.mark.parametrize(
    "clean",
    [
        "SONYTM and ÓTM are marks, NOTM a name",
        "ÐTMа",  # a capital ``Й`` would be spelt inside a word: never taken
        "Ó TM мәлі",
        "The Sony Walkman™ in Ákos’s shop",
    ],
)
def test_leftover_folds_leave_clean_text_untouched(clean: str) -> None:
    assert leftover_folds(clean) == []
    assert fix_text(clean)[0] == clean


_PIECES = (
    "мәліметтер",
    "және",
    "гэта",
    "якасці",
    "японським",
    "TM",
    "™",
    "Ó ",
    "đẹp",
    "mẹo",
    "dễ",
    "Ákos",
    "ao1",
    "á",
    "o1",
    "ẫ",
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=8), st.sampled_from(["", " "]))
def test_clean_text_of_these_letters_and_marks_is_never_edited(pieces, glue) -> None:
    text = glue.join(pieces)
    if not any(fold in text for fold in ("ÓTM", "ÐTM", "áo1", "áao1")):
        assert leftover_folds(text) == []
        assert fix_text(text)[0] == text
