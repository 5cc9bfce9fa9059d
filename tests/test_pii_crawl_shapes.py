"""PII shapes met on real crawl pages: versions that look like IPv4 addresses, addresses that
must still go, and IBANs however they are grouped.

The version and address cases are taken from the Common Crawl ARC samples and the WCXB pages
of ``../shared/data`` (quoted here, so the tests run without the data); the IBANs are generated
with a correct checksum and each country's length, in every grouping.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tamis.pii.detectors import IBAN_LENGTHS, bban_kinds, find_pii, iban_ok


def found(text: str, kind: str) -> list[str]:
    return [text[s:e] for s, e, k in find_pii(text) if k == kind]


# --- versions are not addresses ----------------------------------------------------------------

VERSIONS = [
    # (text, the version in it), as the crawl pages write them
    ("IE7 : 7.0.5730.11 : IE7 Installed on {Computer B}\n\nFF2 : 2.0.0.6 : FF2 Installed", "2.0.0.6"),
    ("أكثر البرامج تحميلا\n\nبرنامج Kaspersky Anti-Virus 7.0.0.119 كاسبر سكاى انتى فيرس", "7.0.0.119"),
    ("برنامج Nero 7 Premium 7.9.6.0 برنامج نيرو نسخ الاسطوانات", "7.9.6.0"),
    ("برنامج Internet Download Manager 5.0.8.1 انترنت داون لود مانجر 5", "5.0.8.1"),
    ("برنامج FIFA 2006 2006\n\nبرنامج Virtual Pool 3 3.2.2.3 Demo لعبة بلياردو بوول", "3.2.2.3"),
    ("برنامج Adobe Flash Player 9.0.7.0 Beta\n\nبرنامج Microsoft Office", "9.0.7.0"),
    ("HTTP/1.1 200 OK\nServer: openresty/1.9.7.1\nContent-Type: application/json", "1.9.7.1"),
    ("The installer 4.3.7191.2 replaced 6.2.1.4 on every machine we tried.", "6.2.1.4"),
    ("Upgrade to version 10.0.19041.1 today, or at least to 10.0.0.1.", "10.0.0.1"),
]  # fmt: skip


# Versions as Debian changelogs, NEWS files and manual pages write them (quoted from the
# changelogs and pages installed with Debian packages; the held-out text of
# bench/heldout_samples.py).
CHANGELOG_VERSIONS = [
    ("dash (0.5.10.2-7) unstable; urgency=medium", "0.5.10.2"),
    ("tk8.6 (8.6.11.1-1) unstable; urgency=medium", "8.6.11.1"),
    ("libxrandr (2:1.2.99.4-2) experimental; urgency=low", "1.2.99.4"),
    ("  * Fix day-of-week for changelog entry 1:4.1.4.2+svn3283-3.", "4.1.4.2"),
    ("software-properties (0.99.28.1) kinetic; urgency=medium", "0.99.28.1"),
    ("  * Standards-Version updated to 4.6.0.1\n  * Switch to debhelper level 13", "4.6.0.1"),
    ("  * Bump standards version to 3.7.2.0.", "3.7.2.0"),
    ("  * [da1b78b] debian/control: Standards-Version: 4.6.1.0 (no further changes", "4.6.1.0"),
    ("  - Bump the build-dep on x11proto-randr-dev to (>= 1.2.99.2).", "1.2.99.2"),
    ("  * Update from 1.2.99.2 to 1.2.99.4", "1.2.99.4"),
    ("Supports epochs in version strings (since dpkg 1.4.0.7).", "1.4.0.7"),
    ("Major changes in 3.31.0.2\n- Fixed generation of enums", "3.31.0.2"),
    ("New in 1.0.15.5:\n* fix NUL-termination bug", "1.0.15.5"),
    ("\t* m4/gettext.m4: Upgrade to gettext-0.19.8.1.", "0.19.8.1"),
    ("9 Dec 2005 12:04:11 +0000 http://wordpress.org/?v=1.5.1.3 en", "1.5.1.3"),
    ("(PBM) as defined in RFC 4210 section\n           5.1.3.1.", "5.1.3.1"),
    ("The following sections of SP800-56Ar3:\n\n       5.5.1.1 FFC Domain Parameter", "5.5.1.1"),
]


@pytest.mark.parametrize("text, version", CHANGELOG_VERSIONS)
def test_a_version_in_a_changelog_or_manual_is_left_alone(text, version):
    assert version in text
    assert version not in found(text, "IP")


def test_addresses_of_manual_pages_are_still_replaced():
    # single-digit first parts and small parts, but a network word, a port or a prefix beside
    assert found("Configure a FOU receive port for GRE bound to 1.2.3.4:7777", "IP") == ["1.2.3.4"]
    assert found("action ct zone 2 commit mark 0xbb nat src addr 5.5.5.7 pipe", "IP") == ["5.5.5.7"]
    assert found("--dns=1.1.1.1 --site=new_site", "IP") == ["1.1.1.1"]
    text = (
        "comma-separated IP address  ranges  such\n           as  1.2.3.4,6.7.0.0/16,2001:db8::/64"
    )
    assert found(text, "IP")[:2] == [
        "1.2.3.4",
        "6.7.0.0",
    ]
    assert found("$ irc -c '#users' pinky IRC/127.0.0.1", "IP") == ["127.0.0.1"]
    assert found("dresses=192.168.1.1/32;192.168.1.2-192.168.1.3'", "IP") == [
        "192.168.1.1",
        "192.168.1.2",
        "192.168.1.3",
    ]
    assert found('If the specified address is "0.0.0.0" (for IPv4)', "IP") == ["0.0.0.0"]


@pytest.mark.parametrize("text, version", VERSIONS)
def test_a_version_in_a_software_context_is_left_alone(text, version):
    assert version in text
    assert version not in found(text, "IP")


ADDRESSES = [
    # (text, the address in it): prose, URLs, logs, headers, configuration
    ("leading public DNS services 8.8.8.8 (operated by Google) and 1.1.1.1 (operated by CloudFlare)", "8.8.8.8"),
    ("leading public DNS services 8.8.8.8 (operated by Google) and 1.1.1.1 (operated by CloudFlare)", "1.1.1.1"),
    ("Getting pings of over 400ms to 10.0.2.2.\n\nPlease fix this ASAP.", "10.0.2.2"),
    ("nslookup mssql22\nServer:         192.168.65.7\nAddress:        192.168.65.7#53", "192.168.65.7"),
    ("proxies = {'http': 'http://10.10.1.10:3128', 'https': 'http://10.10.1.10:1080'}", "10.10.1.10"),
    ('134.129.90.13 - - [09/Oct/2001:10:50:17 -0500] "GET /instruct/home.html HTTP/1.0" 200', "134.129.90.13"),
    ("Received: from ares.cse.buffalo.edu (ares.cse.buffalo.edu [128.205.32.79]) by castor", "128.205.32.79"),
    ("Older versions used the IPs 38.107.191.66 through 38.107.191.119.", "38.107.191.66"),
    ("Job executing on host: <172.25.101.69:1056> .", "172.25.101.69"),
    ("Blocked 8.8.8.8 and 1.1.1.1.", "8.8.8.8"),
    ("Cloudflare's resolver answers on 1.0.0.1 as well.", "1.0.0.1"),
    ("The Kaspersky server at 5.0.8.1 went down.", "5.0.8.1"),  # a product, but a server
    ("We ping 7.0.0.1 from version 2 of the agent.", "7.0.0.1"),
    ("The server at 93.184.216.34 answered.", "93.184.216.34"),
]  # fmt: skip


@pytest.mark.parametrize("text, address", ADDRESSES)
def test_an_address_in_prose_urls_and_logs_is_still_replaced(text, address):
    assert address in found(text, "IP")


# --- IBANs in any grouping ---------------------------------------------------------------------

_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def make_iban(country: str, body: str) -> str:
    """A valid IBAN of ``country`` from an account part of the right length (ISO 13616)."""
    number = int("".join(str(int(c, 36)) for c in body + country + "00"))
    return f"{country}{98 - number % 97:02d}{body}"


_KIND_ALPHABET = {"n": "0123456789", "a": "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "c": _ALNUM}


@st.composite
def ibans(draw) -> str:
    """A valid IBAN of any country: its account part drawn in the registry's format, with
    digits only where the format allows them anywhere or not."""
    country = draw(st.sampled_from(sorted(IBAN_LENGTHS)))
    digits_only = draw(st.booleans())
    body = "".join(
        draw(st.sampled_from("0123456789" if digits_only and kind == "c" else _KIND_ALPHABET[kind]))
        for kind in bban_kinds(country)
    )
    return make_iban(country, body)


@st.composite
def grouped(draw) -> tuple[str, str]:
    """(IBAN, as written): compact, in print's groups of four, or cut anywhere by spaces."""
    value = draw(ibans())
    how = draw(st.sampled_from(["compact", "fours", "any"]))
    if how == "compact":
        return value, value
    if how == "fours":
        return value, " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    cuts = draw(st.sets(st.integers(5, len(value) - 1), max_size=8))
    parts, last = [value[:4]], 4
    for cut in sorted(cuts):
        parts.append(value[last:cut])
        last = cut
    parts.append(value[last:])
    return value, " ".join(p for p in parts if p)


_BEFORE = st.sampled_from(["", "IBAN: ", "Please pay to ", "Konto (", "IBAN ", "account\n"])
_AFTER = st.sampled_from(
    ["", ".", " before Friday.", ", BIC DEUTDEFF.", " EUR 120,00", ")", " 12 months", "\n"]
)


@given(grouped(), _BEFORE, _AFTER)
def test_every_valid_iban_is_found_in_any_grouping(pair, before, after):
    value, written = pair
    assert iban_ok(value)
    text = f"{before}{written}{after}"
    assert found(text, "IBAN") == [written], text
    assert not found(text, "CARD") and not found(text, "PHONE")


# the ones a card used to take: four groups of four inside them pass Luhn and an issuer prefix
@pytest.mark.parametrize(
    "written",
    [
        "DE80 6499 6285 0385 1191 91",
        "GB73 NWBK 3516 4220 7237 56",
        "FR54 5112 1714 3975 0566 9883 102",
        "DK47 4715 3142 5892 01",
        "GL62 6535 8996 8860 02",
        "IL92 4910 5185 6359 5000 927",
        "MK07 2327 5895 5830 602",
    ],
)
def test_grouped_ibans_from_the_issue_and_the_ones_a_card_took(written):
    assert iban_ok(written)
    text = f"Bitte überweisen Sie an {written} bis Freitag."
    assert found(text, "IBAN") == [written]
    assert not found(text, "CARD")


# --- phones and e-mails: what crawl pages wrote beside them ---------------------------------

NOT_PHONES = [
    "AB AC AD BC BD CD # combinations(range(4), 3) – 012 013 023 123 pool = tuple(iterable)",
    "Image size of job updated: 364036 . 005 (40081.000.0... Date Added: 2009",
    "Description: n35 : z=40 m 0.4 m/s 73N -3 00 0 -2 00 0 -3 00 72N 0 -2 -1000 0 00",
    "COURSES (Spring 2009[2094]) MONDAY 9:00 9:30 10:00 3023 10:30 11:00 Foundation",
    "101 09.5 57490:54598:2017:569 100 4454:60839:1729:650 10:0",
    "Mending Broken Hearts - National Geographic Magazine 01 24 2007104, MI",
    "AT&T LabsResearch 180 Park Avenue Florham Park, NJ 07932-0971 USA",
    "Pressure (decibar) 600 800 1000 1200 1400 1600",
]


@pytest.mark.parametrize("text", NOT_PHONES)
def test_figures_ids_and_codes_on_crawl_pages_are_not_phones(text):
    assert found(text, "PHONE") == []


PHONE_SPANS = [
    ("with the Twilio Virtual Phone number (+18777804236).", "+18777804236"),
    ("Washington January 13, 2004 (Phone: 202/358-1547) Guy Webster", "202/358-1547"),
    ("Practice phone: 603-878-2256 180 Massachusetts Ave., Lexington", "603-878-2256"),
    ("Phone: (954) 784-0900, Fax: (954) 784-0904 1-800-319-3599 E-Mail:", "(954) 784-0904"),
    ("Jakarta Chapter Tel: 021-53124464 Fax: 021-5399241", "021-53124464"),
    ("Tel. (023) 80 593755 Jochem.Marotzke@soc.soton.ac.uk", "(023) 80 593755"),
    ("Bandung Chapter Tel: 02-22004222 Fax: 02-2200-4555", "02-22004222"),
    ("give our hive of experts a ‘buzz’ on 01904 373 069 or email", "01904 373 069"),
    ("Vita Österlånggatan 41 Gamla Stan Stockholm Tel: 08 676 01 00", "08 676 01 00"),
]


@pytest.mark.parametrize("text, phone", PHONE_SPANS)
def test_a_phone_is_found_whole_and_alone(text, phone):
    assert phone in found(text, "PHONE")


NOT_EMAILS = [
    "app = Flask(__name__)56@app.route(\"/reply_sms\", methods=['GET'])",
    "Link: https://lore.kernel.org/r/Pine.LNX.4.58.0504071023190.28951@ppc970.osdl.org>",
    "For a unit with the exact name@string.suffix file name, alternatively",
    "at this point you can start status_email_user@dbus.service to verify that",
    "such as http://localhost@other.com. It is recommended",
]


@pytest.mark.parametrize("text", NOT_EMAILS)
def test_unit_names_message_ids_and_decorators_are_not_emails(text):
    assert found(text, "EMAIL") == []


def test_a_sentence_glued_after_an_address_is_not_part_of_it():
    text = "Email feedback to show@no-priors.com.Sarah Guo is a startup investor."
    assert found(text, "EMAIL") == ["show@no-priors.com"]
    assert found("Mail info@Example.COM today.", "EMAIL") == ["info@Example.COM"]


def test_a_dotted_number_in_a_list_of_versions_is_a_version():
    assert found("Fixed in 7.0.0.1, 7.0.1 and 7.1 of the installer.", "IP") == []
    assert found("Patched releases: 10.2.0.4 / 10.2.1", "IP") == []
    # an address beside an unrelated version further away stays an address
    text = "Node 1.0.0 hit its stable release on 30 October. Traffic came from 42.238.147.93 then."
    assert found(text, "IP") == ["42.238.147.93"]
    assert found("Blocked 10.0.0.1, 10.0.0.2 and 10.0.0.3 at the edge.", "IP") == [
        "10.0.0.1",
        "10.0.0.2",
        "10.0.0.3",
    ]


def test_a_number_with_a_word_glued_after_it_is_redacted_whole_never_in_part():
    text = "Tel: 0871 527 8794 *\nTel: 0871 527 8800Whether you're attending a meeting"
    assert found(text, "PHONE") == ["0871 527 8794", "0871 527 8800"]
    # digits that go on into a lowercase word are a code, and no part of them is a phone
    assert found("Tel: 0871 527 8800whether", "PHONE") == []
    assert found("Tel 0171/1234567 2nd floor", "PHONE") == ["0171/1234567"]


def test_the_phone_after_one_cut_back_from_a_longer_match_is_found():
    text = "Phone: (954) 784-0900, Fax: (954) 784-0904 1-800-319-3599 E-Mail: info"
    assert found(text, "PHONE") == ["(954) 784-0900", "(954) 784-0904", "1-800-319-3599"]


# --- shapes of manual pages that are no personal data ------------------------------------------
# (quoted from the manual pages installed with Debian packages: ssh_config(5), apt_auth.conf(5),
# tc-ets(8), term(5), tc-u32(8))


def test_algorithm_names_in_the_name_at_domain_form_are_not_addresses():
    text = "The default is:\n\n    chacha20-poly1305@openssh.com,\n    aes128-ctr,aes192-ctr\n"
    assert found(text, "EMAIL") == []
    text = "umac-64-etm@openssh.com,umac-128-etm@openssh.com,\n  hmac-sha2-256-etm@openssh.com,hmac-sha1"
    assert found(text, "EMAIL") == []
    # a list of mailboxes stays one
    assert found("to: a@b.com,c@d.com,e@f.org", "EMAIL") == ["a@b.com", "c@d.com", "e@f.org"]


def test_a_password_in_a_url_is_not_an_address():
    assert found("deb https://apt:debian@example.org/debian bookworm main", "EMAIL") == []


def test_a_row_of_figures_is_not_a_card():
    text = "qdisc ets 1: root refcnt 2 bands 8 quanta 2650 1514 1514 1514 1514 1514"
    assert found(text, "CARD") == []
    assert found("Card 4111 1111 1111 1111 12/26 was charged.", "CARD") == ["4111 1111 1111 1111"]


def test_a_hex_dump_is_not_a_phone_number():
    text = "0030  ff ff ff ff ff ff ff ff  0a  00 25 00 27 00  ff ff  ........ ..%.'..."
    assert found(text, "PHONE") == []
    assert found("Fax 05 04 40 55 75 de la mairie", "PHONE") == ["05 04 40 55 75"]
    assert found("Tél : 01 23 45 67 89 / 06 12 34 56 78", "PHONE") == [
        "01 23 45 67 89",
        "06 12 34 56 78",
    ]


def test_a_short_double_colon_form_needs_a_prefix_in_use():
    assert found("filter protocol ip pref 5 u32 fh 800::800 order 2048 key ht 800", "IP") == []
    assert found("host fe80::1 and 2001:db8::1 and fdff:1::/64", "IP") == [
        "fe80::1",
        "2001:db8::1",
        "fdff:1::",
    ]


def test_a_git_remote_and_identifier_bytes_are_no_pii():
    text = "GIT_REPOSITORY    git@github.com:FooCo/FooBar.git\n    GIT_TAG origin/release/1.2.3"
    assert found(text, "EMAIL") == []
    assert found("Mail git@github.com: the bot answers.", "EMAIL") == ["git@github.com"]
    text = 'identifier value "f9:2a:c2:77:29:f9:5c:00".'
    assert found(text, "IP") == []
    assert found("Full form 2001:0db8:0000:0000:0000:ff00:0042:8329.", "IP") != []
