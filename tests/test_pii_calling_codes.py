"""An international number is a phone only when it opens with an assigned country calling code
(ITU-T E.164): the seventh held-out reading met "+9991112223333", a phone library's example of
a code that does not exist, taken for a phone. The cases are written for these tests."""

from __future__ import annotations

import pytest

from tamis.pii.calling_codes import CALLING_CODES
from tamis.pii.detectors import find_pii


def phones(text: str) -> list[str]:
    return [text[s:e] for s, e, k in find_pii(text) if k == "PHONE"]


@pytest.mark.parametrize(
    "number",
    [
        "+999 111 222 3333",
        "+9991112223333",
        "+28 12 3456 7890",
        "+835 12 345 6789",
        "00 999 123 456 789",
        "+0 12 3456 7890",
    ],
)
def test_a_number_after_a_plus_or_00_whose_code_no_country_has_is_no_phone(number):
    assert phones(f"The parser refuses {number} as it should.") == []


@pytest.mark.parametrize(
    "number",
    [
        "+1 415 555 0132",
        "+7 495 123 45 67",
        "+44 20 7946 0958",
        "+49 30 1234 5678",
        "+351 21 123 4567",
        "+380 44 123 4567",
        "+38 044 123 4567",
        "+420 212 345 678",
        "+971 4 123 4567",
        "+998 71 123 4567",
        "+1 (684) 633-1234",
        "+688 20 123",
        "0049 30 1234 5678",
        "+8613812345678",
        "+٤٤ ٢٠ ٧٩٤٦ ٠٩٥٨",
    ],
)
def test_a_number_with_an_assigned_code_is_still_a_phone(number):
    assert phones(f"Call {number} today.") == [number]


def test_the_codes_are_those_of_e164():
    # one-, two- and three-digit codes, none opening with 0; and the spare codes left out
    assert {"1", "7", "44", "49", "86", "351", "998", "800", "882"} <= CALLING_CODES
    assert not {"0", "28", "999", "998" + "0", "210", "83", "89", "969", "990"} & CALLING_CODES
    assert all(c[0] != "0" and 1 <= len(c) <= 3 and c.isdigit() for c in CALLING_CODES)
