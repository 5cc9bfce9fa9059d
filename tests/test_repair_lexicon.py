"""Lost bytes whose readings only words tell apart, and what ftfy leaves of them.

The sentences are real lingua sentences of the tuned part of the multilingual damage model
(``tests/test_repair_multilingual.py``), each damaged here by the model's own functions: every
one of them came back wrong before the word lists chose (``Ñ`` read as ``я`` where ``с`` was
meant, a lone ``Ñ`` left among Cyrillic letters ftfy decoded, ``hà ng`` for ``hàng``).
"""

from __future__ import annotations

import ftfy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.document import undo
from tamis.repair import fix_text, is_mojibake_rule, lexicon
from tests.test_repair_multilingual import holes, nfkc

pytestmark = pytest.mark.skipif(not lexicon.available(), reason="wordfreq is not installed")


def _ftfy(text: str) -> str:
    return ftfy.fix_text(text, uncurl_quotes=False, normalization=None)


def _repaired(clean: str, damaged: str, shows: str = "") -> tuple[str, bool]:
    """``damaged`` (checked to differ from ``clean`` and to hold ``shows``) repaired: the
    repaired text, and whether its edits undo to the damaged text."""
    assert damaged != clean and shows in damaged
    fixed, edits = fix_text(damaged)
    return fixed, undo(fixed, edits) == damaged


@pytest.mark.parametrize(
    "clean",
    [
        "Някои “хора за ваш малшанс попрочитат нещичко.”",
        "Оба святых должны были бороться практически с одними “и теми же ошибками” 5.",
        "‘Все время привязывается и вышучивает’",
        "Он просто-напросто эту сумму вычитает из кредитов, “которые даются” Грузии.",
        "Всі такі політики висловлюють якісь свої ‘рецепти подолання і виходу’ з політичної кризи",
        "“1861 жылға дейін Ресейде 9 министрлік жұмыс істеді.”",
        "Báo cáo – đề xuất biện pháp giải quyết các nhiệm vụ đột xuất “với Ban lãnh đạo.”",
        # Bulgarian, whose ``Австро`` (lost 90) may read ``Ёвстро``: only intact letters hint
        "Тя е била част от Австро-Унгария и за нас е “много близка страна.”",
        # ``сэр``, not the more frequent ``сср`` (ССР, an abbreviation the list lowered)
        "Если бы не провидение, “то сердце твое,” бедный сэр Пол, все конечно разбилось бы.",
        # a word ending a question lost its last byte before the ``?``
        "Гипотезы ‘всегда насыщали любое’ мое. Что ты приготовил ‘на’ сегодня?”",
        "Ты знаешь меня? Что у вас?",
        # Yoruba (lingua's yo.txt): a line the Vietnamese list does not hold reads ``ọ``
        "Àkójọ àwọn Ìpínlẹ̀ Nàìjíríà bíi agbègbè wọn.",
        "A maa nṣe ayẹwo rẹ nipa awọn aami ti o nfarahan lọwọ lọwọ.",
    ],
)
def test_a_lost_byte_is_read_as_the_word_the_language_writes(clean: str) -> None:
    damaged = holes(clean)
    fixed, edits = fix_text(damaged)
    assert fixed == clean
    assert undo(fixed, edits) == damaged


@pytest.mark.parametrize(
    "clean",
    [
        "“Мало се зна о његовом личном животу.”",
        "Во 1926 г. Седеш “е преименуван во” Терми.",
        "Но медените дни на Путин са на привършване.",
        "Проверките ще приключат “на 30 ноември,” съобщават от APIA.",
    ],
)
def test_what_ftfy_leaves_of_cyrillic_with_lost_bytes_is_rebuilt(clean: str) -> None:
    """ftfy decodes the whole pairs and leaves a lone ``Ñ`` among Cyrillic letters, and
    reads a closing quote that lost its byte, with the space after it, as a dagger."""
    assert _repaired(clean, _ftfy(holes(clean))) == (clean, True)


def test_vietnamese_syllables_ftfy_split_at_a_folded_no_break_space_are_joined() -> None:
    clean = "Quỹ được thành lập theo di chúc của bà."
    damaged = _ftfy(nfkc(clean))
    assert "thà nh" in damaged and "bà ." in damaged
    fixed, edits = fix_text(damaged)
    assert fixed == clean
    assert undo(fixed, edits) == damaged


@pytest.mark.parametrize(
    "clean",
    [
        "Иван Петров (†44) и Анна Петрова†",  # a death mark and a footnote, in Cyrillic text
        "C’est à la maison, voilà le chat.",  # French à before a short word
        "Il est là , voilà . Et à , bon.",  # French spacing before punctuation
        "Tôi đi học và về nhà lúc 5 giờ.",
    ],
)
def test_clean_text_near_these_rules_is_left_alone(clean: str) -> None:
    fixed, edits = fix_text(clean)
    assert fixed == clean
    assert not [e for e in edits if is_mojibake_rule(e.rule)]


@pytest.mark.parametrize(
    "clean",
    [
        "Аднак “яна ўжо ‘мне’ без патрэбы” – і так тэхнікі шмат.",
        "Але “варта выглянуць” веснавому сонейку, як паўсюль з’яўляюцца раўчукi.",
        "Аднак пры гэтым варта адзначыць, што Святое Пісанне і Традыцыя не з’яўляюцца "
        "‘асобнымі крыніцамі Аб’яўлення’",
        "“2001 жылғы мәліметтер бойынша тұрғындарының саны 1005 адамды құрайды.”",
        # Pronouns and determiners: ``Ён`` (he), not ``Ан``; ``тыя`` (those), not ``тыс``.
        "Ён жа і служыў у ваенна-паветраных войсках, дэсантнікам быў.",
        "Пісьменнік змог намаляваць поўную карціну жыцця Беларусі ў тыя часы.",
    ],
)
def test_belarusian_and_kazakh_lost_bytes_are_read_from_their_own_words(clean: str) -> None:
    """No wordfreq list: the letters name the language, its shipped short words and letter
    runs choose (``тэхнікі``, not the ``тяхнікі`` of Russian letters)."""
    damaged = holes(clean)
    fixed, edits = fix_text(damaged)
    assert fixed == clean
    assert undo(fixed, edits) == damaged


def test_belarusian_and_kazakh_are_named_by_their_letters() -> None:
    assert lexicon.letters_language("Пасля ўсяго") == "be"
    assert lexicon.letters_language("жылғы мәліметтер") == "kk"
    assert lexicon.letters_language("Всі такі політики") is None  # Ukrainian: і beside и
    assert lexicon.letters_language("Он просто эту сумму") is None  # Russian
    assert lexicon.choose(["ская", "экая", "якая"], "be") == 2  # a function word first
    assert lexicon.choose(["тяхнікі", "тсхнікі", "тэхнікі"], "be") == 2


@pytest.mark.parametrize(
    ("damaged", "clean"),
    [
        # ô (C3 B4) whose ´ NFKC folded, and the space after it, read by ftfy as ഠ (E0 B4 A0)
        (
            "Moskva (Incentra) ở thủ đഠcủa Liên bang Nga.",
            "Moskva (Incentra) ở thủ đô của Liên bang Nga.",
        ),
        ("Иако шанците често нਠпотсетуваат", "Иако шанците често нè потсетуваат"),
        # ỏ, ề (E1 BB 8F, 81) that lost their last byte, and the space after, read as Ỡ
        ("Làm nhỠđất, thu gom", "Làm nhỏ đất, thu gom"),
        ("Báo cáo – đỠxuất biện pháp", "Báo cáo – đề xuất biện pháp"),
        # ẹ ẳ (E1 BA B9, B3) whose º NFKC folded to o and ¹ ³ to digits, inside a word
        ("những máo1o nhỏ giúp bạn", "những mẹo nhỏ giúp bạn"),
        ("nhưng cháo3ng vấn đề gì cả", "nhưng chẳng vấn đề gì cả"),
        # Kazakh ә (D3 99) whose ™ NFKC folded to TM
        ("2006 жылғы мÓTMліметтер бойынша", "2006 жылғы мәліметтер бойынша"),
    ],
)
def test_what_ftfy_leaves_of_folded_or_lost_bytes_before_a_space_is_rebuilt(
    damaged: str, clean: str
) -> None:
    fixed, edits = fix_text(damaged)
    assert fixed == clean
    assert undo(fixed, edits) == damaged


@pytest.mark.parametrize(
    "clean",
    [
        "ഠമലയാളം ലിപി",  # Malayalam text holding the letter ഠ
        "ਠਾਕੁਰ ਸਿੰਘ",  # Gurmukhi
        "MỠI NGƯỜI",  # a capital Ỡ in a word in capitals
        "Thương hiệu ÓTM và cháo3 người",  # a capital before TM, a digit ending a word
    ],
)
def test_clean_text_with_the_letters_those_repairs_read_is_left_alone(clean: str) -> None:
    fixed, edits = fix_text(clean)
    assert not [e for e in edits if is_mojibake_rule(e.rule)], edits
    assert fixed == clean


def test_the_word_lists_ship_in_the_package_and_serbian_is_transliterated() -> None:
    assert lexicon.words("ru")["корпус"] < 600
    assert "године" in lexicon.words("sr")  # from the Serbo-Croatian list, Gaj's alphabet
    assert lexicon.choose(["корпус", "корпуя"], "ru") == 0
    # A name in no list: the letter runs of the language choose (``Ау`` opens words, ``Ну``
    # rarely before ``стр``).
    assert lexicon.choose(["Нустро", "Аустро"], "sr") == 1


@pytest.mark.parametrize(
    ("damaged", "clean"),
    [
        # ftfy's readings of NFKC-folded and strict-decoded Vietnamese (lingua sentences of the
        # tuned part): a syllable split at ``à`` that only its neighbour joins (``pháo đài`` is
        # a word, ``i`` alone is listed too), ``ễ`` left whole because its last byte reads as
        # an ellipsis, and a lost byte whose neighbour is itself damaged (``lề đường``).
        ("nên một pháo đà i chống lại sự xâm", "nên một pháo đài chống lại sự xâm"),
        ("Các bạn có thể dá»… dàng vừa tạo kiểu", "Các bạn có thể dễ dàng vừa tạo kiểu"),
        ("Nhưng chỉ thấy bên lỠđưá»ng, nÆ¡i vươn", "Nhưng chỉ thấy bên lề đường, nơi vươn"),
        # A lost byte inside a word of a line ftfy decoded otherwise (a lingua title).
        ("Cho tôi há»i hóa đơn bán lẽ đó cty tôi có", "Cho tôi hỏi hóa đơn bán lẽ đó cty tôi có"),
    ],
)
def test_vietnamese_syllables_are_chosen_by_the_syllable_beside_them(
    damaged: str, clean: str
) -> None:
    fixed, edits = fix_text(damaged)
    assert fixed == clean
    assert undo(fixed, edits) == damaged


@pytest.mark.parametrize(
    "clean",
    [
        "Ông ấy đến từ Hà Nội và ở đó lâu, giấy tờ đầy đủ.",
        "Elle est là»… oui, dit-il.",
        "Ele disse «está»e saiu.",
        "Tôi yêu cỏ dại, cờ đỏ và lọ hoa.",
    ],
)
def test_clean_vietnamese_and_guillemets_stay_untouched(clean: str) -> None:
    assert fix_text(clean) == (clean, [])


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(sorted(lexicon.vi_pairs())), min_size=2, max_size=10),
    st.sampled_from([" ", ", ", ". ", "\n"]),
)
def test_clean_vietnamese_built_from_the_shipped_syllable_pairs_is_left_alone(
    words: list[str], separator: str
) -> None:
    """Property: the pairs that rejoin and choose syllables never edit clean text made of them."""
    text = separator.join(words)
    assert fix_text(text) == (text, [])


def _lingua_line(shared_data, lang: str, number: int) -> str:
    path = shared_data / "langid" / "lingua-sentences" / f"{lang}.txt"
    return path.read_text(encoding="utf-8").split("\n")[number - 1]


def test_a_line_holding_a_c1_control_windows_1252_defines_is_not_read_as_lost_bytes(
    shared_data,
) -> None:
    """Polish text decoded as Windows-1250 read as Latin-1 (lingua's pl.txt, line 825), cut at
    its NEL as ``str.splitlines`` cuts it: ``\\x99`` and ``\\x87`` are no Windows-1252 reading,
    so the ``Ä`` that ends the piece lost no byte to a strict Windows-1252 decoder (it was
    ``ą``, C4 85, whose 85 ended the piece); ftfy decodes the rest."""
    piece = _lingua_line(shared_data, "pl", 825).splitlines()[0]
    assert piece == "CzÄ\x99Ĺ\x9bÄ\x87 konferencji pod nazwÄ"
    fixed, edits = fix_text(piece)
    assert fixed == "Część konferencji pod nazwÄ"
    assert not any(e.rule == "lost_byte_mojibake" for e in edits)
    assert undo(fixed, edits) == piece


@pytest.mark.parametrize(
    "clean",
    [
        # Ukrainian and Belarusian set with a Latin ``i`` for ``і`` (lingua's uk.txt, be.txt)
        "Але тут вiн в трьох роках не скiнчив ще й другого класу, коли поганий i темний "
        "случай з вiтцем перервав назавсiди його шкiльну науку.",
        "3. Палажэннi артыкулаў 15 – 16, 17 i 18 прымяняюцца да заработнай платы i iншага "
        "падобнага ўзнагароджання i пенсiй за паслугi, што аказаны ў сувязi з камерцыйнай "
        "дзейнасцю.",
    ],
)
def test_a_latin_i_in_a_cyrillic_word_is_read_as_the_cyrillic_i_it_stands_for(clean: str) -> None:
    assert lexicon.lookup_form("скiнчив") == "скінчив" and lexicon.lookup_form("Taxi") == "taxi"
    damaged = holes(clean)
    fixed, edits = fix_text(damaged)
    assert fixed == clean
    assert undo(fixed, edits) == damaged


@pytest.mark.parametrize(
    ("clean", "damage"),
    [
        # A Slovene title damaged alone above its clean body: only the body's letters name
        # the language whose list holds ``čeprav``.
        (
            "Alina se ne osvobodi, čeprav bi se zelo rada\n16. redna seja nadzornega sveta "
            "družbe Intereuropa d.d. Na podlagi določil Pravil Ljubljanske borze d.d.",
            lambda t: holes(t.split("\n")[0]) + "\n" + t.split("\n", 1)[1],
        ),
        # A Slovak sentence ftfy decoded around its ``Äeských``.
        (
            "Pozorovanie je spojená “s výkladom českých” dejín a starých českých povestí.",
            lambda t: _ftfy(holes(t)),
        ),
    ],
)
def test_a_c_caron_that_lost_its_byte_at_a_word_start_is_read_from_the_lists(
    clean: str, damage
) -> None:
    assert _repaired(clean, damage(clean), "Äe") == (clean, True)


@pytest.mark.parametrize(
    "clean",
    [
        "Das ist Ärger mit Äpfeln, sagte Čapek.",  # German words in text with Czech letters
        "Äiti ja Äänekoski, ja Dvořák soitti.",
        "Ärger\nPán Čapek",
        "Å være eller ikke være, sa Čapek.",  # Norwegian ``å`` starting a sentence
    ],
)
def test_a_capital_a_umlaut_starting_a_word_beside_slavic_letters_stays(clean: str) -> None:
    assert fix_text(clean) == (clean, [])


@pytest.mark.parametrize(
    "clean",
    [
        # Italian ``è`` starting a word (C3 A8): NFKC folds the ``¨`` to a space and a combining
        # diaeresis, ftfy reads ``Ã`` and that space as ``à``; no Gurmukhi ``ਠ`` (E0 A8 A0).
        "La città, prova della passione è vera, ma è chiaro che non è così.",
        # Danish: ``ø`` the same way, and the ``Ã¥`` (å) ftfy's piecewise decoder leaves.
        "De har ofte øjne på vingerne og står med hænderne i bedestilling",
    ],
)
def test_what_ftfy_leaves_of_folded_latin_letters_is_rebuilt(clean: str) -> None:
    assert _repaired(clean, _ftfy(nfkc(clean))) == (clean, True)


def test_clean_a_grave_stays_and_gurmukhi_lines_still_read_their_letter() -> None:
    for clean in ("Vou à praia, à noite.", "Il est là , voilà .", "Ma è così."):
        fixed, edits = fix_text(clean)
        assert not [e for e in edits if is_mojibake_rule(e.rule)], clean
    # On a line of Gurmukhi text the same characters are its letter ``ਠ`` (E0 A8 A0).
    assert fix_text("ਠੀਕ ਹੈ à ̈ ਹੈ")[0] == "ਠੀਕ ਹੈ ਠਹੈ"


@pytest.mark.parametrize(
    "clean",
    [
        # ``Á`` and ``Í`` (C3 81, 8D) starting a word lost their byte; ftfy decoded the rest.
        "Em África do Sul e na Índia, o presidente disse que não.",
        "El Ángel de la Independencia está en México.",
    ],
)
def test_a_capital_that_lost_its_byte_at_a_word_start_is_read_from_the_lists(clean: str) -> None:
    assert _repaired(clean, _ftfy(holes(clean))) == (clean, True)


@pytest.mark.parametrize(
    ("clean", "damage"),
    [
        # ``đ`` capital (C4 90) starting a word lost its 90; ftfy decoded the rest.
        ("Đứa bé đi về nhà với mẹ và bà.", lambda t: _ftfy(holes(t))),
        # ``ành`` split at its ``à`` into a fragment that is no syllable (``đà nh``).
        ("Anh ấy đành phải đi về nhà với mẹ.", lambda t: _ftfy(nfkc(t))),
        # ``ẵ`` (E1 BA B5) with its ``º`` and ``µ`` folded (``náoμng``), ``ẹ`` ending a word.
        ("Đà Nẵng đẹp lắm, mẹ.", lambda t: _ftfy(nfkc(t))),
        # Without ftfy: ``à`` and its folded space before a letter, on a line whose ``áº``
        # NFKC folded to ``áo``.
        ("Hoàn thuế đoàn phi lĩnh về nhà.", nfkc),
        # ``ẹ`` (E1 BA B9: ``º`` folded to ``o``, ``¹`` to ``1``) before a space and a word, in
        # text with other such folds (``táo¡o``).
        ("Vải co giãn nhẹ nhàng, tạo cảm giác thoải mái cho người mặc.", lambda t: _ftfy(nfkc(t))),
        # ``hỏa``: the ``a`` after a lost byte is no folded ``ª`` (no capital ``Ừ`` in a word).
        ("Sau đó ông họa thiêu nhà và đi về quê.", lambda t: _ftfy(holes(t))),
    ],
)
def test_vietnamese_words_ftfy_left_with_a_lost_or_folded_byte_are_rebuilt(
    clean: str, damage
) -> None:
    assert _repaired(clean, damage(clean)) == (clean, True)


@pytest.mark.parametrize(
    "clean",
    [
        # Portuguese: ``ç``/``ã`` ftfy decoded are no leads of a CJK letter with a folded ``º``
        # and space (``espa纠``); ``º ª ²`` (C2 BA, AA, B2) folded to ``Âo Âa Â2``.
        "O espaço ausência foi grande, e o órgão erro também.",
        "O artigo nº 5 da lei, a 1ª vez, 30 m² de área.",
    ],
)
def test_portuguese_letters_and_ordinals_ftfy_left_folded_are_rebuilt(clean: str) -> None:
    assert _repaired(clean, _ftfy(nfkc(clean))) == (clean, True)


@pytest.mark.parametrize(
    ("clean", "damage"),
    [
        # Czech ``č`` before ``ů`` or ``í`` (which Windows-1250 writes as no continuation byte)
        # or after ``á`` still read as ``Ã¡``; ``ř`` (C5 99) with its ``™`` folded at a word
        # start or after a capital (``ÅTMekl``, ``PÅTMed``).
        ("Vůči rodičů hráčů je to pravda, číslo.", lambda t: _ftfy(holes(t))),
        ("Hráč řekl, že to je pravda a věřit mu.", lambda t: _ftfy(holes(t))),
        ("Představuje řád, řekl mu, že to je pravda.", lambda t: _ftfy(nfkc(t))),
        # ``Š`` (C5 A0) starting a word, its A0 folded to a space (a Bosnian lingua sentence).
        (
            "4. Donja Štajerska sa gradovima Maribor i Celje pripadaju Državi SHS.",
            lambda t: _ftfy(nfkc(t)),
        ),
        # Polish ``ą`` (C4 85) whose ``…`` NFKC folded to ``...``, after a decoded ``ł``.
        ("To było połączenie teraz.", lambda t: nfkc(t).replace("Å‚", "ł")),
    ],
)
def test_west_slavic_letters_ftfy_left_after_a_lost_or_folded_byte_are_rebuilt(
    clean: str, damage
) -> None:
    assert _repaired(clean, damage(clean)) == (clean, True)


@pytest.mark.parametrize(
    "clean",
    [
        # Words too rare for the small lists (lingua sentences beyond the damage model's): the
        # large list of the language holds them, and none of the spellings a lost byte makes up.
        "Вдруг она остановилась перед фонарем : — Мама, вот такой точно высоты была та яблоня !",
        "Порушення засинання і тривалості сну (інсомнія).",
    ],
)
def test_a_word_only_the_large_list_holds_is_read_from_it(clean: str) -> None:
    assert _repaired(clean, holes(clean)) == (clean, True)


def test_the_large_list_is_looked_up_by_bisection() -> None:
    assert lexicon.large_band("яблоня", "ru") is not None
    assert lexicon.large_band("яблонс", "ru") is None
    assert lexicon.large_band("яблоня", "bg") is None  # no large Bulgarian list
    assert lexicon.choose(["яблонс", "яблоня"], "ru") == 1


@pytest.mark.parametrize(
    "clean",
    ["Họ đứng đó, dưới những cơn mưa phùn lạnh thấu da thịt.", "Họ không thể buộc các hãng."],
)
@pytest.mark.parametrize("damage", [holes, lambda t: _ftfy(holes(t))])
def test_a_capital_starting_a_word_before_a_lost_byte_and_a_space_is_read(clean, damage) -> None:
    """``Há» `` (``Họ``, a sentence's first word, lost its 8D): the lead after a capital that
    starts a word is a lost byte too, as after a lower-case letter; and ftfy's reading of it
    with the space, ``HỠđứng``, glued to a lower-case word."""
    assert _repaired(clean, damage(clean)) == (clean, True)


@pytest.mark.parametrize("clean", ["HỠ", "TRỠ LẠI", "Một chữ HỠ viết hoa."])
def test_a_capital_o_tilde_hook_of_clean_text_stays(clean: str) -> None:
    fixed, edits = fix_text(clean)
    assert fixed == clean
    assert not [e for e in edits if is_mojibake_rule(e.rule)]


@pytest.mark.parametrize("clean", ["Món cháo3 ngon lắm.", "Tên tài khoản là cháo3 nhé"])
def test_a_name_glued_to_a_figure_in_clean_vietnamese_stays(clean: str) -> None:
    fixed, edits = fix_text(clean)
    assert fixed == clean
    assert not [e for e in edits if is_mojibake_rule(e.rule)]
