"""Shapes the ninth held-out reading left open, made general: a phone's extension written after
it ("x123", " ext. 12", ";ext=1234") is part of the number to dial and is replaced with it;
the card networks as the type registries define them (Maestro's 50, 56 to 59 and 6 where no
other network is, at twelve to nineteen digits; UATP's 1 at fifteen), those that are also the
shapes of ids only where a card is named or the digits grouped; and an IPv6 network written as
its prefix and "::" ("fc00::", "fe80::/10"). The cases are written for these tests.
"""

from __future__ import annotations

import pytest

from tamis.pii.detectors import find_pii, luhn_ok


def found(text: str, kind: str) -> list[str]:
    return [text[s:e] for s, e, k in find_pii(text) if k == kind]


def _with_luhn(prefix: str, length: int) -> str:
    body = prefix + "7" * (length - len(prefix) - 1)
    return next(body + d for d in "0123456789" if luhn_ok(body + d))


# --- phones with an extension ------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    [
        "555-123-4567 x123",
        "(212) 555-1234x89",
        "+1 650 253 0000 ext. 12",
        "415-555-0100 Ext. 4021",
        "+44 20 7946 0958 x 22",
        "030 1234 5678, ext. 9",
        "415-555-0100 extension 7",
        "+1.6502530000x123",
        "+1-201-555-0123;ext=1234",
    ],
)
def test_an_extension_is_kept_with_its_phone(phone):
    text = f"Phone: {phone}\nfor the support desk."
    assert found(text, "PHONE") == [phone]


def test_a_glued_x_without_digits_or_a_product_of_figures_is_no_extension():
    assert found("Phone: 555-123-4567 xylophone shop", "PHONE") == ["555-123-4567"]
    assert found("Phone: 555-123-4567 x2.5 the ratio", "PHONE") == ["555-123-4567"]
    assert found("a screen of 1920x1080 pixels", "PHONE") == []


# --- card networks -----------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["6016", "5018", "5893", "6304", "6759", "6763", "59", "66"])
def test_maestro_ranges_are_cards_where_a_card_is_named(prefix):
    number = _with_luhn(prefix, 16)
    assert found(f"Maestro card: {number}", "CARD") == [number]
    if prefix in ("6016", "59", "66"):  # ranges ids open with as often: a card word needed
        assert found(f"order reference {number} shipped", "CARD") == []


def test_a_twelve_digit_maestro_needs_a_card_word():
    number = _with_luhn("5018", 12)
    assert found(f"t.ok(maestro.test('{number}'), 'twelve digits')", "CARD") == [number]
    assert found(f"debit card 5018 {number[4:8]} {number[8:]}", "CARD") == [
        f"5018 {number[4:8]} {number[8:]}"
    ]
    assert found(f"order reference {number} shipped", "CARD") == []
    visa = _with_luhn("4", 12)  # no other network issues twelve digits
    assert found(f"card number {visa}", "CARD") == []


def test_a_uatp_card_is_fifteen_digits_opening_with_one():
    number = _with_luhn("1", 15)
    assert found(f"uatp.test('{number}')", "CARD") == [number]
    grouped = f"{number[:4]} {number[4:9]} {number[9:]}"
    assert found(f"billed to {grouped} yesterday", "CARD") == [grouped]
    assert found(f"tracking id {number} in the log", "CARD") == []
    assert found(f"UATP card {_with_luhn('1', 16)}", "CARD") == []


# --- IPv6 prefixes -----------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["fc00::", "fe80::", "ff00::", "2001::", "fd00::"])
def test_an_ipv6_network_written_as_its_prefix_is_an_address(prefix):
    assert found(f"the network {prefix}/8 is reserved", "IP") == [prefix]
    assert found(f"$ ipv6_is_defined {prefix}\n", "IP") == [prefix]


def test_a_lone_group_without_a_prefix_in_use_or_a_slice_is_no_address():
    assert found("x = rows[2000::]", "IP") == []
    assert found("a::b and 12:: and abcd::", "IP") == []
    assert found("std::vector<int> v;", "IP") == []


def test_a_barcode_of_a_maestro_range_does_not_make_a_column_of_codes_a_list_of_cards():
    # EAN-13 codes opening with 59 pass Luhn as often as any: among codes, with no card named,
    # they count as codes, so the column stays one of codes
    codes = '("ean13", "5901234123457"),\n("ean14", "12345678911230"),\n("jan", "4901234567894"),\n'
    assert found(codes, "CARD") == []
