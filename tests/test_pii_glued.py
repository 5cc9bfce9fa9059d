"""Values with text glued on either side: where an address, a phone number or an IPv4 address
ends when the blocks of a page were joined with no space (quoted shapes from the eighth
held-out reading, then generated ones: real top-level domains, assigned calling codes, every
glue on each side)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tamis.pii.detectors import find_pii
from tamis.pii.glued import is_tld, tld_length, top_level_domains


def found(text: str, kind: str) -> list[str]:
    return [text[s:e] for s, e, k in find_pii(text) if k == kind]


# --- the top-level domains ---------------------------------------------------------------------


def test_top_level_domains_come_from_the_public_suffix_list_and_the_reserved_names():
    tlds = top_level_domains()
    assert {"com", "org", "uk", "de", "world", "community", "example", "invalid"} <= tlds
    assert "service" not in tlds and "suffix" not in tlds and "html" not in tlds
    assert is_tld("COM") and not is_tld("comcustomer")


@pytest.mark.parametrize(
    ("label", "kept"),
    [
        ("com", 3),
        ("community", 9),
        ("comfor", 3),
        ("orgPhone", 3),
        ("coms", None),
        ("domain", None),
        ("scheme", None),
        ("address", None),
    ],
)
def test_a_last_label_keeps_its_top_level_domain_or_a_generic_one_glued_to(label, kept):
    assert tld_length(label) == kept


# --- the open shapes of the eighth reading -----------------------------------------------------


def test_a_fax_number_glued_to_the_next_label_is_found():
    text = "Jerusalem Post or 03-7619056 Fax: 03-5613699E-mail: subs@jpost.com\nThe center"
    assert found(text, "PHONE") == ["03-7619056", "03-5613699"]
    assert found(text, "EMAIL") == ["subs@jpost.com"]


def test_a_bracketed_area_code_glued_after_an_address_is_a_phone():
    text = "By\nMegan Rowe meganr@spokesman.com(509) 459-5382\nWordcount: 717"
    assert found(text, "EMAIL") == ["meganr@spokesman.com"]
    assert found(text, "PHONE") == ["(509) 459-5382"]


def test_an_address_glued_to_a_bracketed_note_is_found_but_not_a_call():
    assert found("Jeremy Barger bits@midohio.net(new e-mail)", "EMAIL") == ["bits@midohio.net"]
    assert found("Write to jane@example.com(work) or call", "EMAIL") == ["jane@example.com"]
    assert found("@blueprint.route('/')\nbp@app.route(index)", "EMAIL") == []


def test_a_local_part_with_latin_diacritics_is_found_whole():
    text = "X-Original-To: danglüe@email.com\nTo: josé.garcía@correo.es"
    assert found(text, "EMAIL") == ["danglüe@email.com", "josé.garcía@correo.es"]
    # a Python file's name is no address, in any script (Paraguay registers under com.py)
    assert found('File "foo-bär@baz.py", line 2', "EMAIL") == []
    assert found("Escriba a ventas@empresa.com.py", "EMAIL") == ["ventas@empresa.com.py"]


def test_an_address_glued_after_a_phone_number_is_cut_from_it():
    text = "Careers\n+1 609 632 0350info@damcogroup.com\nSearch"
    assert found(text, "PHONE") == ["+1 609 632 0350"]
    assert found(text, "EMAIL") == ["info@damcogroup.com"]
    assert found("Tel 555-123-4567jane@example.com", "EMAIL") == ["jane@example.com"]
    # digits that open a local part with no phone before them stay the address's
    assert found("Mail 2019john@example.com today", "EMAIL") == ["2019john@example.com"]


def test_an_international_number_glued_after_a_word_is_found_with_an_assigned_code_only():
    assert found("Support: info@example.deFax+49 30 1234 5678", "PHONE") == ["+49 30 1234 5678"]
    assert found("Fax+999 30 1234 5678", "PHONE") == []  # no country has code 999
    assert found("for n+10000000 steps", "PHONE") == []


def test_an_address_glued_to_a_word_in_its_own_case_ends_with_its_top_level_domain():
    assert found("Email: info@example.orgfor more details", "EMAIL") == ["info@example.org"]
    assert found("mail: info@example.co.ukPhone 0", "EMAIL") == ["info@example.co.uk"]
    assert found("write to team@example.community today", "EMAIL") == ["team@example.community"]
    # a name nobody registered is read whole, not cut at a country's code it opens with
    assert found("To: me@my.domain\nSubject", "EMAIL") == ["me@my.domain"]
    assert found("--mail-auth user@example.come -T mail", "EMAIL") == ["user@example.come"]


def test_an_address_glued_to_digits_ends_only_at_a_real_top_level_domain():
    assert found("info@example.com0871 527 8800", "EMAIL") == ["info@example.com"]
    assert found("ssh admin@host.server1 now", "EMAIL") == []


def test_an_address_glued_after_another_script_starts_at_its_first_latin_letter():
    assert found("联系邮箱service@example.cn", "EMAIL") == ["service@example.cn"]


def test_an_ip_address_glued_to_a_capitalised_word_is_found():
    assert found("Server IP 192.168.1.10Port 22", "IP") == ["192.168.1.10"]


# --- generated: every glue on each side --------------------------------------------------------

_TLDS = ["com", "org", "net", "de", "fr", "uk", "io", "info", "world", "online", "jp"]
_WORDS = ["Phone", "Email", "E-mail", "Contact", "Tel", "Fax", "Customer", "Address", "Hours"]
_label = st.text("abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=10)
_local = st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8).map(lambda s: "a" + s)
address = st.builds(lambda u, d, t: f"{u}@{d}.{t}", _local, _label, st.sampled_from(_TLDS))
nanp = st.builds(
    lambda a, b, c, shape: shape.format(a, b, c),
    st.integers(200, 999),
    st.integers(200, 999),
    st.integers(1000, 9999),
    st.sampled_from(["({}) {}-{}", "{}-{}-{}", "{}.{}.{}", "+1 {} {} {}"]),
)


@given(address, st.sampled_from(_WORDS))
def test_an_address_with_a_capitalised_word_glued_after_it_is_found_exactly(mail, word):
    assert found(f"Contact\n{mail}{word}: here", "EMAIL") == [mail]


@given(nanp, address)
def test_a_phone_and_an_address_glued_either_way_are_both_found_exactly(phone, mail):
    for text in (f"Call {phone}{mail} now", f"Mail {mail}{phone}\nNext"):
        if not phone.startswith("(") and text.startswith("Mail"):
            continue  # only a bracket opens a number glued after letters
        assert found(text, "EMAIL") == [mail]
        assert found(text, "PHONE") == [phone]


@given(nanp, st.sampled_from(_WORDS))
def test_a_phone_with_a_capitalised_word_glued_after_it_is_found_exactly(phone, word):
    assert found(f"Phone: {phone}{word}: x", "PHONE") == [phone]
