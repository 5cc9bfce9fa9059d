"""A table row or a line of code as one shared context of every pii kind
(``tamis.pii.layout``): a number-shaped value there is a field or a literal unless its own shape
or the words of its block settle it. The cases are written for these tests in the shapes the
held-out readings met (coordinate lists, lists of hashes in code, columns of versions, message
numbers in test data), not copied; and the real values around them that must stay found (a
phone alone on a signature's line, a contact block, a table of hosts, a log line, a test card
named so).
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tamis.pii.detectors import find_pii
from tamis.pii.layout import in_code, in_table


def found(text: str, kind: str) -> list[str]:
    return [text[s:e] for s, e, k in find_pii(text) if k == kind]


# --- the context itself ------------------------------------------------------------------------


def test_a_row_of_figures_is_a_table_row():
    text = "Arsenal 38 26 6 6 73 51 84\n"
    start = text.index("73")
    assert in_table(text, start, start + 2)


def test_columns_lined_up_with_a_neighbour_make_a_table():
    text = "A\t+5546-12014\tCreston\nB\t+4906-11631\tDawson\n"
    start = text.index("+4906")
    assert in_table(text, start, start + 11)


def test_a_sentence_is_no_table_row():
    text = "Call our office on 030 1234 5678 between 9 and 17 on weekdays.\n"
    start = text.index("030")
    assert not in_table(text, start, start + 13)


def test_a_phone_alone_on_its_line_is_no_table_row():
    # the groups of the phone itself are no figures beside it
    text = "John Smith\n+49 30 1234567\n"
    start = text.index("+49")
    assert not in_table(text, start, len(text) - 1)


def test_code_marks_make_a_line_of_code():
    text = "static const long seeds[] = { 4111111111111111, 5 };\nNo code here.\n"
    assert in_code(text, text.index("4111"))
    assert not in_code(text, text.index("code here"))


@given(
    st.lists(st.sampled_from("we will call you back soon about the order".split()), max_size=12),
    st.lists(st.sampled_from("thanks for waiting and see you".split()), max_size=12),
)
def test_a_phone_in_a_sentence_of_words_is_never_in_a_table(before, after):
    text = " ".join([*before, "on", "+44 20 7946 0958", *after]) + ".\n"
    start = text.index("+44")
    assert not in_table(text, start, start + 16)
    assert found(text, "PHONE") == ["+44 20 7946 0958"]


# --- what each kind leaves alone there ---------------------------------------------------------


def test_coordinates_in_a_list_of_stations_are_no_phones():
    # a coordinate list laid out in spaces, not tabs: the tz-specific rule does not see it
    text = "Station  Lat/Lon  Elev\nA  +5546-12014  220\nB  +4906-11631  310\n"
    assert found(text, "PHONE") == []


def test_card_shaped_literals_in_code_are_no_cards():
    text = "static const long seeds[] = { 4111111111111111, 5500005555555559 };\n"
    assert found(text, "CARD") == []


def test_a_card_named_so_in_code_stays_a_card():
    text = "card = '4111111111111111'  # Visa test card\n"
    assert found(text, "CARD") == ["4111111111111111"]


def test_an_address_shaped_version_in_a_column_of_versions_is_left():
    text = (
        "Package    Version     Date\n"
        "foo        1.2.3.4     2020-01-01\n"
        "bar        2.4.1       2020-02-01\n"
        "baz        10.2.0.1    2020-03-01\n"
    )
    assert found(text, "IP") == []


def test_addresses_in_a_table_of_hosts_and_in_a_log_line_stay():
    hosts = "Host   Address      Port\nweb    10.2.0.1     80\ndb     10.2.0.2     5432\n"
    log = '10.2.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326\n'
    assert found(hosts, "IP") == ["10.2.0.1", "10.2.0.2"]
    assert found(log, "IP") == ["10.2.0.1"]


def test_message_numbers_in_code_or_a_table_are_no_addresses():
    code = "    assert parse('<6@dom.ain>') == ('6', 'dom.ain'); x = 1\n"
    table = "id\tsender\tcount\n1\t45223423@example.com\t3\n2\t45223424@example.com\t4\n"
    assert found(code, "EMAIL") == []
    assert found(table, "EMAIL") == []


def test_an_address_of_figures_in_prose_stays():
    text = "Write to 123456789@qq.com for help.\n"
    assert found(text, "EMAIL") == ["123456789@qq.com"]


def test_phones_of_a_contact_block_and_a_signature_stay():
    contact = "Contact us:\nPhone: 030 1234 5678\nFax: 030 1234 5679\n"
    signature = "--\nJohn Smith\nAcme GmbH, Hauptstr. 1, 10115 Berlin\n+49 30 1234567\n"
    assert found(contact, "PHONE") == ["030 1234 5678", "030 1234 5679"]
    assert found(signature, "PHONE") == ["+49 30 1234567"]


def test_a_phone_column_under_a_phone_head_stays():
    text = "Office\tPhone\tHours\nBerlin\t030 1234 5678\tdaily\nHamburg\t040 1234 5678\tweekdays\n"
    assert found(text, "PHONE") == ["030 1234 5678", "040 1234 5678"]


def test_a_directory_without_a_head_keeps_its_grouped_phones():
    text = "Berlin\t030 1234 5678\tdaily\nHamburg\t040 1234 5678\tweekdays\n"
    assert found(text, "PHONE") == ["030 1234 5678", "040 1234 5678"]


def test_compact_numbers_in_a_column_without_a_phone_head_are_fields():
    text = "Berlin\t+493012345678\tdaily\nHamburg\t+494012345678\tweekdays\n"
    assert found(text, "PHONE") == []


def test_html_markup_around_prose_is_no_code():
    text = '聯絡：<a href="mailto:777@example.org.tw">777@example.org.tw</a>&nbsp;0921-138-334;\n'
    assert not in_code(text, text.index("0921"))
    assert found(text, "EMAIL") == ["777@example.org.tw", "777@example.org.tw"]


def test_a_long_paragraph_with_escaped_markup_is_no_code():
    # a feed's description: escaped tags and attributes in a paragraph of prose
    text = (
        "請直接聯署傳回 &lt;a href=&quot;mailto:777@example.org.tw&quot;&gt;777@example.org.tw"
        "&lt;/a&gt; 或 " + "我們的活動說明很長，" * 60 + "\n"
    )
    at = text.index("777@")
    assert not in_code(text, at)
    assert found(text, "EMAIL")[:1] == ["777@example.org.tw"]


# --- the fifth reading's families (tuned after it) ----------------------------------------------


def test_a_slash_number_that_is_no_prefix_in_use_is_no_network_sign():
    # a profiler tree's path, not "10.0.0.0/8" or "192.168.1.7/24"
    assert found("This is a leaf node:\n\nPP 1.1.1.1/2 {\n  Total: 30 units\n}\n", "IP") == []
    assert found("Route 10.0.0.0/8, host 192.168.1.7/24, default 0.0.0.0/0.", "IP") == [
        "10.0.0.0",
        "192.168.1.7",
        "0.0.0.0",
    ]
    assert found("IPv4Network('240.0.0.0/4') and ('1.2.3.0/0.0.0.255')", "IP") == [
        "240.0.0.0",
        "1.2.3.0",
    ]


def test_an_address_beside_a_records_coordinates_stays():
    text = (
        '{\n  "lat":40.7357,\n  "lon":-74.1724,\n  "query":"104.131.124.203",\n  "zip":"07102"\n}\n'
    )
    assert found(text, "IP") == ["104.131.124.203"]


def test_a_date_line_and_a_sentence_with_a_call_are_no_data():
    # what the generated-value recall showed lost by a looser context
    date = "Combining technology.\n\n3729-727579-16333 June 18, 2025\n"
    prose = "2221-2076-3725-1547 Otherwise, we fetch the body as JSON by calling the json() method; it is fine.\n"
    assert found(date, "CARD") == ["3729-727579-16333"]
    assert found(prose, "CARD") == ["2221-2076-3725-1547"]


def test_a_phone_with_a_bracketed_trunk_zero_is_unambiguous():
    text = "ADRIAN KNOTT\n\n+44 (0)20 2081 9630 L • 354ml $39.95\n"
    assert found(text, "PHONE") == ["+44 (0)20 2081 9630"]


def test_a_quoted_e164_number_in_code_stays_a_phone():
    # an API example: the numbers to send a message from and to
    code = "client.messages.create({from: '+15017122661', body: 'Hi', to: '+15558675310'});\n"
    curl = '--data-urlencode "From=+15017122661" \\\n--data-urlencode "To=+15558675310" \\\n'
    assert found(code, "PHONE") == ["+15017122661", "+15558675310"]
    assert found(curl, "PHONE") == ["+15017122661", "+15558675310"]


def test_a_kernel_version_with_a_slash_range_is_no_address():
    assert found("92420 valgrind doesn't compile with linux 2.6.8.1/9\n", "IP") == []
    assert found("Upgraded the kernel 2.6.32.71 last week.", "IP") == []
