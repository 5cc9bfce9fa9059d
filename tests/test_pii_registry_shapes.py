"""Shapes of whois records, payment libraries and mail parsers' tests (quoted from the ninth
held-out reading's packages, so that the tests run without them): phones in the EPP form,
contact handles, card networks and card words in code, message identifiers, internationalised
domains."""

from __future__ import annotations

import pytest

from tamis.pii.detectors import _CARD_WORDS, find_pii


def found(text: str, kind: str) -> list[str]:
    return [text[s:e] for s, e, k in find_pii(text) if k == kind]


# --- phones in the EPP form of whois records -----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Registrar Abuse Contact Phone: +1.2083895740\nDomain Status: ok",
        "Tech Phone: +1.6502530000\nTech Phone Ext:",
        "Admin Fax: +1.6502530001\nAdmin Fax Ext:",
        '            "admin_phone": "+1.6502530000",',
        "Tech Phone: +92.3321098123\nTech Phone Ext:",
    ],
)
def test_a_phone_in_the_epp_form_after_a_phone_word_is_found(text):
    value = text.split("+", 1)[1].split()[0].strip('",')
    assert found(text, "PHONE") == ["+" + value]


def test_a_signed_decimal_without_a_phone_word_is_no_phone():
    assert found("the ratio moved by +1.6502530000 in the run", "PHONE") == []
    assert found("Phone: +999.1234567890", "PHONE") == []  # no country has code 999


def test_a_contact_handle_of_digits_is_no_phone_but_a_grouped_number_after_contact_is():
    assert found("registrar:\tnicar\ncontact:\t50037928906\nname:\t\tGOOGLE INC.", "PHONE") == []
    assert found("Contact: 020 7946 0958", "PHONE") == ["020 7946 0958"]
    assert found("Phone: 8095350111", "PHONE") == ["8095350111"]


# --- cards: networks and the words that name them in code ----------------------------------------


def test_mir_and_forbrugsforeningen_cards_are_cards():
    assert found("test('Mir', function (t) {\n  t.ok(mir.test('2202200128683966'))", "CARD") == [
        "2202200128683966"
    ]
    text = "assert($.payment.validateCardNumber('6007220000000004'), 'forbrugsforeningen')"
    assert found(text, "CARD") == ["6007220000000004"]


def test_a_luhn_check_or_a_camel_case_card_word_names_a_card_in_code():
    text = 'var is_valid = luhn.validate("4111111111111111"); // should respond true.'
    assert found(text, "CARD") == ["4111111111111111"]
    text = "Payment.fns.validateCardNumber('4242 4242 4242 4242'); //=> true"
    assert found(text, "CARD") == ["4242 4242 4242 4242"]
    # a card word in camel case only: a word that holds "card" names none ("Discard", "cardinal")
    assert _CARD_WORDS.search("creditCardNumber") and _CARD_WORDS.search("validateCardNumber")
    assert not _CARD_WORDS.search("Discard the cardinal's discards")


# --- e-mails: message identifiers and internationalised domains ----------------------------------


def test_message_identifiers_named_so_in_code_or_under_gmails_host_are_no_mailboxes():
    assert found("eq_('4FEEF9B3.7060508@example.net', message.message_id)", "EMAIL") == []
    assert found("h = make_header('Message-ID', '<ईमेलfromMessage@wők.com>')", "EMAIL") == []
    text = "        {'AANLkTinUdYK2NpEiYCKGnCEp_OXKqst_bWNdBVHsfDVh@mail.gmail.com'},"
    assert found(text, "EMAIL") == []
    assert found("write to jane.doe@gmail.com today", "EMAIL") == ["jane.doe@gmail.com"]


def test_addresses_under_internationalised_domains_are_found():
    assert found("addr: '<Foo@xn--80a1acny.xn--p1ai>'", "EMAIL") == ["Foo@xn--80a1acny.xn--p1ai"]
    assert found('"Jõgeva" <info@münchen.example>', "EMAIL") == ["info@münchen.example"]
