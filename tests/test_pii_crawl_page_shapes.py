"""Shapes the eleventh held-out reading (``bench/heldout_samples11.py``: real pages that
web-extraction libraries saved) showed missed, made general: phones as contact blocks and
imprints print them. An area code in brackets grouped by twos ("(0 41 31) 12 34-5 67") after
"rufen Sie uns an"; a phone word inside a compound ("Kundentelefon", "Service-Hotline") or in
a table's cell before the number's ("| Telefon: | 034651/23456 |"), which names a six-digit
area code's number or one with a switchboard's "-0" after it; two phones on one line joined by " - " or " / "; an area code and the
subscriber number apart by " / " ("0 93 82 / 12 34 56", "+49 (0) 40 / 210 98 76 54"); a space
after the "+" ("+ 353 1 234 5678"), but not a list's "+ " bullet. The cases are written for these tests.
"""

from __future__ import annotations

import pytest

from tamis.pii.detectors import find_pii


def found(text: str, kind: str = "PHONE") -> list[str]:
    return [text[s:e] for s, e, k in find_pii(text) if k == kind]


def test_a_bracketed_area_code_grouped_by_twos_after_call_us_is_a_phone():
    text = "Haben Sie Fragen?\n\noder rufen Sie uns an: (0 41 31) 12 34-5 67\n\nWie geht es"
    assert found(text) == ["(0 41 31) 12 34-5 67"]


@pytest.mark.parametrize("word", ["Kundentelefon:", "Service-Hotline", "Hotline:", "Rufnummer"])
def test_a_phone_word_in_a_compound_names_a_phone(word):
    assert found(f"{word} 93 12 45 67\n") == ["93 12 45 67"]


def test_an_order_number_is_no_phone_word():
    assert found("Bestellnummer: 93 12 45 67\n") == []


@pytest.mark.parametrize(
    "text",
    ["Telefon: 034651/23456\n", "| Anschrift: | Am Markt 3 |\n| Telefon: | 034651/23456 |\n"],
)
def test_a_six_digit_area_code_after_a_phone_word_is_a_phone(text):
    assert found(text) == ["034651/23456"]


def test_a_switchboard_zero_after_a_phone_word_stays_with_the_number():
    assert found("Service Hotline\n035205-4711-0\n(Mo-Fr 8-19 Uhr)") == ["035205-4711-0"]


@pytest.mark.parametrize(
    ("text", "phones"),
    [
        ("Tel.: 971 123 456 - 971 654 321\n", ["971 123 456", "971 654 321"]),
        ("Tel. 0171 2345678 / 0160 8765432\n", ["0171 2345678", "0160 8765432"]),
    ],
)
def test_two_phones_joined_on_one_line_are_each_found(text, phones):
    assert found(text) == phones


@pytest.mark.parametrize(
    "phone", ["0 93 82 / 12 34 56", "+49 (0) 40 / 210 98 76 54", "+49 (0) 89 / 12 34 56 7"]
)
def test_an_area_code_apart_by_a_spaced_slash_stays_with_its_number(phone):
    assert found(f"Kontakt\nTel. {phone}\nE-Mail") == [phone]


def test_a_space_after_the_plus_stays_with_the_number():
    text = "Contacts\n\nIreland, + 353 1 234 5678\n\nU.S., + 1 650 555 0142\n"
    assert found(text) == ["+ 353 1 234 5678", "+ 1 650 555 0142"]


@pytest.mark.parametrize("text", ["x = 3 + 20 30 40 50\n", "total (12) + 44 20 30 40 50\n"])
def test_a_sum_is_no_phone(text):
    assert found(text) == []


def test_figures_apart_by_a_spaced_slash_without_a_phone_word_are_no_phone():
    assert found("Seiten 123 456 / 789 012 im Band\n") == []


def test_a_six_digit_area_code_without_a_phone_word_stays_a_postcode():
    assert found("59 Temple Place - Suite 330,\n * Boston, MA 021110-1307, USA.\n") == []


@pytest.mark.parametrize(
    "text",
    [
        "  * debian/patches:\n      + 10-590240-move-binaries.patch: Ditto.\n",
        "  * Merge upstream patch v9.0.0242\n    + 9.0.241/242: Install the files\n",
        'candidate = "+ 49/69/2013"\n',
    ],
)
def test_a_plus_bullet_or_a_quoted_plus_opens_no_phone(text):
    assert found(text) == []


def test_a_quoted_number_after_a_plus_and_a_space_is_found_as_before():
    text = 'self.assertEqual(NZ_NUMBER, phonenumbers.parse("+ 00 64 3 331 6005", "NZ"))'
    assert found(text) == ["00 64 3 331 6005"]
