"""An IPv4 address is replaced on positive evidence of an address: a network word in its
sentence, line or neighbouring lines (in several languages), a URL, a port or a network
prefix, a log line, a hosts file's line, a listing of addresses, a word of a connection before
it, or an address's own shape (a private range, two parts of three digits). A dotted quad with
none of these, as versions, section numbers and identifiers stand on the web, is left alone.
The cases are written for these tests in the shapes the held-out readings met, not copied.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tamis.pii.detectors import find_pii


def found(text: str, kind: str = "IP") -> list[str]:
    return [text[s:e] for s, e, k in find_pii(text) if k == kind]


# --- no evidence: left alone -------------------------------------------------------------------


def test_a_bare_dotted_quad_of_small_parts_is_left_alone():
    # a toolset's version, a part number, a clause: nothing around them speaks of a network
    assert found("The toolset 14.28.16.9 is the one that builds it.") == []
    assert found("We tried 12.7.24.3 and the build went green.") == []


def test_version_families_of_the_earlier_readings_stay_untouched():
    assert found("PP 1.1.1.1/2 {\n  Total: 30 units\n}\n") == []
    assert found("valgrind doesn't compile with linux 2.6.8.1/9\n") == []
    assert found("Set the variable to 14.28.16.9 to pick the toolset.") == []
    assert found("Kaspersky Anti-Virus 7.0.0.119 and Nero 7 Premium 7.9.6.0") == []


def test_a_list_of_version_shaped_numbers_is_no_listing_of_addresses():
    assert found("Tested with 4.2.1.7, 4.2.1.8 and 4.2.2.1 of the library.") == []


# --- evidence: kept ----------------------------------------------------------------------------


def test_an_address_with_a_network_word_in_its_sentence_is_kept():
    assert found("The mail server answered slowly at 23.45.67.89 all day.") == ["23.45.67.89"]
    # a network word on the line before, as a listing's head stands
    assert found("Gateways:\n23.45.67.89\n") == ["23.45.67.89"]


def test_network_words_of_other_languages_are_evidence():
    assert found("Die Adresse 84.23.17.45 ist gesperrt.") == ["84.23.17.45"]
    assert found("Le serveur 84.23.17.45 ne répond plus.") == ["84.23.17.45"]
    assert found("Сервер 84.23.17.45 недоступен.") == ["84.23.17.45"]
    assert found("服务器的IP地址: 84.23.17.45。") == ["84.23.17.45"]


def test_urls_ports_and_prefixes_are_evidence():
    assert found("Open http://84.23.17.45/index.html in a browser.") == ["84.23.17.45"]
    assert found("It listens on 84.23.17.45:8080 today.") == ["84.23.17.45"]
    assert found("Routes 84.23.16.0/20 through the tunnel.") == ["84.23.16.0"]


def test_log_lines_are_evidence():
    log = '84.23.17.45 - - [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326\n'
    assert found(log) == ["84.23.17.45"]
    line = "Dec 10 06:55:46 box sshd[3117]: Invalid user admin 84.23.17.45\n"
    assert found(line) == ["84.23.17.45"]
    assert found("DROP IN=eth0 SRC=84.23.17.45 DST=84.23.17.46 LEN=60\n") == [
        "84.23.17.45",
        "84.23.17.46",
    ]


def test_a_listing_and_a_connection_word_are_evidence():
    assert found("Seen 84.23.17.45, 84.23.17.46 and 84.23.17.47 this week.") == [
        "84.23.17.45",
        "84.23.17.46",
        "84.23.17.47",
    ]
    assert found("A visit came from 84.23.17.45 at noon.") == ["84.23.17.45"]
    assert found("# 10.0.0.1 myhost\n# 10.0.0.2 otherhost\n") == ["10.0.0.1", "10.0.0.2"]


def test_an_address_shape_is_evidence():
    assert found("Then 192.168.1.10 came up.") == ["192.168.1.10"]
    assert found("Then 172.20.0.3 came up.") == ["172.20.0.3"]
    assert found("Then 127.0.0.1 came up.") == ["127.0.0.1"]
    assert found("Then 203.0.113.195 came up.") == ["203.0.113.195"]
    assert found("Then 192.0.2.1 came up.") == ["192.0.2.1"]  # documentation's network
    assert found("Then 0.0.0.0 came up.") == ["0.0.0.0"]


def test_an_ipv6_address_beside_it_makes_a_listing():
    assert found("Both 100.1.2.3 and 2600:1901::5 are valid values.") == [
        "100.1.2.3",
        "2600:1901::5",
    ]
    assert found("Both 100.1.2.3 and 100.4.5.6 are valid values.") == ["100.1.2.3", "100.4.5.6"]


@given(
    st.lists(st.integers(0, 255), min_size=4, max_size=4),
    st.sampled_from(["server", "IP address", "host", "ping", "connected from", "Adresse"]),
)
def test_any_address_after_a_network_word_is_kept(octets, word):
    if octets[0] == 0:
        octets[0] = 1
    value = ".".join(map(str, octets))
    text = f"The {word} {value} was seen in the report."
    assert value in found(text)


# --- cards: an ungrouped number longer than sixteen digits needs a card word -------------------


def test_a_long_ungrouped_id_is_no_card_without_a_card_word():
    # a crawl's URL fingerprint: 19 digits, a Visa prefix, passes Luhn
    text = "x_commoncrawl_URLFP:4753179099582819535\nx_commoncrawl_HostFP:-89401406922621536\n"
    assert found(text, "CARD") == []
    assert found("Visa card 4753179099582819535 was declined.", "CARD") == ["4753179099582819535"]
    # sixteen digits ungrouped stay cards without a word, as forms and receipts print them
    assert found("Charged 4111111111111111 today.", "CARD") == ["4111111111111111"]


def test_shapes_of_the_sixth_reading_that_stay_addresses():
    # a list of DNS servers with an IPv6 address on the next line
    text = "dns.setServers([\n  '8.8.8.8',\n  '[2001:4860:4860::8888]',\n]);\n"
    assert found(text)[0] == "8.8.8.8"
    # fail2ban's own log line
    assert found("2006-02-13 16:07:31,183 fail2ban.actions: NOTICE [sendmail] Unban 1.2.3.4\n") == [
        "1.2.3.4"
    ]
    # an address glued after "=<" is no version comparison
    assert found("to=<smtp@example.org> proto=SMTP helo=<198.51.100.17>\n") == ["198.51.100.17"]
    assert found("Depends: foo (>= 1.2.3.4), bar (=< 2.3.4.5)") == []


def test_a_connection_word_is_no_evidence_for_a_version_shaped_number():
    assert found("Moving from 2.0.0.6 now that it is out.") == []
    assert found("Moving from 84.23.17.45 now that it is out.") == ["84.23.17.45"]
