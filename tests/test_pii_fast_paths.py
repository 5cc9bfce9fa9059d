"""PII detection's shortcuts find what the plain whole-text scans find.

The detectors scan the text once for digit runs and IBAN starts, start the e-mail scan near the
first "@", and skip the IPv6 scan without a group between two colons (see the speed section of
bench/results/clean.md). Each test states the plain scan and checks the shortcut against it on
generated text made of the characters those shortcuts reason about.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.pii import detectors as d

_pieces = st.sampled_from(
    ["GB82 WEST 1234 5698 7654 32", "DE89370400440532013000", "GB82", "WEST", "1234", "5698", "7654", "32", "DE89", "3704", "0044", "0532", "0130", "00",
     " ", "  ", "-", ".", "/", "(", ")", "\t", "a", "Xy", "@", "me@x.org", "x.y@", "::", ":",
     "fe80", "1:2:3:", "1:2:3:4:5:6:7:8", "fe80::1", "٣", "²", "+44", "\n", "AB", "7",
     "ES 58 0049 0290 3424 1352 8341", "ES15-0049-1806-9121-1186-9374", "NO07.8380.08.06006",
     "ES 58", "NO 2", "be71 0961 2345 6769", "gb82 west 1234 5698 7654 32", "be", "71", "tu", "ro49 aaaa 1b31 0075 9384 0000",
     "nl91abna0417164300"]
)  # fmt: skip
_texts = st.lists(_pieces, max_size=30).map("".join)


def _regions_reference(text: str) -> list[tuple[int, int]]:
    regions: list[tuple[int, int]] = []
    for m in re.finditer(r"\d[\d \t\-./()]*\d", text):
        start, end = m.span()
        if end - start < 7:
            continue
        run = m.group()
        digits = len(run) - run.count(" ") - run.count("-") - run.count(".") - run.count("/")
        if digits - run.count("(") - run.count(")") - run.count("\t") < 7 and run.count(".") < 3:
            continue
        start, end = max(0, start - 8), min(len(text), end + 4)
        if regions and start <= regions[-1][1]:
            regions[-1] = (regions[-1][0], end)
        else:
            regions.append((start, end))
    return regions


@settings(max_examples=400, deadline=None)
@given(_texts)
def test_one_scan_gives_the_digit_regions_and_every_iban_start(text):
    scan = d.scan_numbers(text)
    assert scan.regions == _regions_reference(text)
    uppercase = [m.start() for m in re.finditer(r"[A-Z]{2} ?\d\d", text)]
    assert scan.iban_hints == sorted(uppercase + _lowercase_hints_reference(text))


def _lowercase_hints_reference(text: str) -> list[int]:
    """Lowercase country codes (a word of two letters), a space or none and two digits, where a
    run of seven digits or more starts at the check digits or at most sixteen characters from
    the code, after letters, digits and single separators."""
    runs = [m.start() for m in re.finditer(r"\d[\d \t\-./()]*\d", text) if len(m.group()) >= 7]
    out = []
    for m in re.finditer(r"(?<!\w)([a-z]{2}) ?(\d\d)", text):
        if text[m.start() : m.start() + 2].upper() not in d.IBAN_BBAN:
            continue
        for run in runs:
            between = text[m.end() : run]
            if run == m.start(2) or (
                m.end() < run <= m.start() + 16
                and re.fullmatch(r"[ .-]?(?:[a-z0-9][ .-]?){1,8}", between)
            ):
                out.append(m.start())
                break
    return out


def _ibans_reference(text: str) -> list[tuple[int, int, str]]:
    """Uppercase matches of the whole text, cut back to a valid IBAN (at a separator, or a compact
    one before letters glued after it), and lowercase IBANs tried
    at every lowercase country code: the earlier one kept where a lowercase match overlaps."""
    found = []
    for m in d._IBAN.finditer(text):
        value = m.group()
        while value and not d.iban_ok(value):
            cut = max(value.rfind(" "), value.rfind("-"), value.rfind("."))
            n = d.IBAN_LENGTHS.get(value[:2], 0)
            if cut >= 0:
                value = value[:cut]
            else:  # letters glued after a compact IBAN (its currency) are cut off
                value = value[:n] if len(value) > n and value[n:].isalpha() else ""
        found.append((m.start(), m.end(), m.start() + len(value) if value else None))
    for m in re.finditer(r"(?<!\w)([a-z]{2}) ?\d\d", text):  # every one, hint or not
        if text[m.start(1) : m.start(1) + 2].upper() in d.IBAN_BBAN:
            low = d._lowercase_iban(text, m.start(1))
            if low:
                found.append((low.start(), low.end(), low.end()))
    out, last_end = [], 0
    for start, match_end, end in sorted(found):
        if start >= last_end:
            last_end = match_end
            if end is not None:
                out.append((start, end, d.IBAN))
    return out


@settings(max_examples=400, deadline=None)
@given(_texts)
def test_ibans_tried_at_the_hints_are_the_whole_text_matches(text):
    assert d.ibans(text, d.scan_numbers(text)) == _ibans_reference(text)
    assert d.ibans(text) == _ibans_reference(text)


@settings(max_examples=400, deadline=None)
@given(_texts)
def test_email_scan_from_the_first_at_finds_every_match(text):
    spans = (d.email_span(text, m) for m in d._EMAIL.finditer(text))
    full = [(start, end, d.EMAIL) for start, end in filter(None, spans)]
    assert d.emails(text) == full


def _ipv6_reference(text: str) -> list[tuple[int, int, str]]:
    """The IPv6 scan gated only by the plain necessary condition (a kept address has "::" or
    seven colons), not by the group-between-colons hint."""
    if "::" in text or text.count(":") >= 7:
        return d.ipv6_addresses(text)
    return []


@settings(max_examples=400, deadline=None)
@given(_texts)
def test_ipv6_hint_never_skips_a_kept_address(text):
    found = [s for s in d.ip_addresses(text) if ":" in text[s[0] : s[1]]]
    assert found == _ipv6_reference(text)
