"""Numbers that today's numbering plans (Google's libphonenumber metadata) call impossible but
that are phones as written, so a check of a country's possible lengths must not refuse them.

Why: checking the national number's length after "+CC" or "00 CC" against the plans was tried
for numbers that cannot be assigned; it refused numbers that earlier held-out readings judged
phones: old plans' numbers in contact records (Lithuania's and Iran's city numbers before their
lengths changed), Mexico's mobile "1" that the plan dropped in 2019 but texts keep, other
countries' call prefixes before a code (Australia's "0011"/"0012"), the beginnings of
numbers that a phone library's documentation shows as they are typed, and a standard's example
with an area code no plan has (vCard's "+1-111-555-1212", the same shape as a validator's
example of an invalid number: the plan cannot tell the two apart, only the text's purpose can). The cases are written for
these tests, in the shapes those readings met.
"""

from __future__ import annotations

import pytest

from tamis.pii.detectors import find_pii


def phones(text: str) -> list[str]:
    return [text[s:e] for s, e, k in find_pii(text) if k == "PHONE"]


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        # a contact record's number from before the country's plan changed its lengths
        ("% Tel: +370 - 5 - 212345\n", "+370 - 5 - 212345"),
        ("% Fax: +98 21 6123456\n", "+98 21 6123456"),
        ("% Tel: +371 - 2 - 712345\n", "+371 - 2 - 712345"),
        # Mexico's mobile numbers with the "1" the plan no longer has
        ("Cell +52 1 55 2345 6789 or the office.", "+52 1 55 2345 6789"),
        ("Mobile: +5215523456789.", "+5215523456789"),
        # another country's prefix for an international call before the code
        ("From Sydney dial 0011 1 650 253 0000 for the office.", "0011 1 650 253 0000"),
        ("From Sydney dial 0012 16502530000 for the office.", "0012 16502530000"),
        # a standard's documented example whose area code opens with 1
        ("TEL;TYPE=work,voice;VALUE=uri:tel:+11115551212\n", "+11115551212"),
    ],
)
def test_a_phone_no_current_plan_allows_is_still_found(text, phone):
    assert phones(text) == [phone]


@pytest.mark.parametrize("typed", ["+1 650 253 22", "+81 3332 2 56", "00 1 650 253 222"])
def test_the_beginning_of_a_number_being_typed_is_still_found(typed):
    text = f'        self.assertEqual("{typed}", formatter.input_digit("2"))\n'
    assert phones(text) == [typed]
