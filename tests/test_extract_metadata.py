"""Page metadata: the publication date in one ISO 8601 form whatever way the page wrote it,
never more precise than the page, and a junk field never hiding a good one."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tamis.extract.core import _parse
from tamis.extract.metadata import iso_date, read_page_info


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-09-04T12:50:36+00:00", "2025-09-04T12:50:36Z"),
        ("2022-09-26T21:58:32.947Z", "2022-09-26T21:58:32Z"),
        ("2020-04-12T18:00:00-0700", "2020-04-12T18:00:00-07:00"),
        ("2025-12-19T11:15:56.012359519Z", "2025-12-19T11:15:56Z"),
        ("2025-11-25 08:33:24", "2025-11-25T08:33:24"),
        ("2013-08-22 21:43:53 UTC", "2013-08-22T21:43:53Z"),
        ("  2025-08-25 ", "2025-08-25"),
        ("Jan 17, 2025", "2025-01-17"),
        ("Dec 19th 2025", "2025-12-19"),
        ("Thu, 09/25/2025 - 11:38", "2025-09-25T11:38:00"),
        ("Jan 17, 2025 at 5:30 PM EST", "2025-01-17T17:30:00"),
        ("May 2008", "2008-05"),
        ("2008", "2008"),
        ("0001-01-01", None),
        ("2025-13-45", None),
        ("3 days ago", None),
        ("", None),
    ],
)
def test_dates_in_the_forms_pages_write_them(raw, expected):
    assert iso_date(raw) == expected


@given(st.text(max_size=40))
def test_any_string_gives_a_date_or_none(raw):
    out = iso_date(raw)
    assert out is None or out[:4].isdigit() and 1970 <= int(out[:4]) <= 2100


def page(head: str, json_ld: str = "") -> str:
    script = f'<script type="application/ld+json">{json_ld}</script>' if json_ld else ""
    return f"<html><head>{head}{script}</head><body><p>Text.</p></body></html>"


def test_a_junk_date_field_does_not_hide_the_json_ld_date():
    html = page(
        '<meta name="date" content="Unknown">',
        '{"@type": "NewsArticle", "datePublished": "2024-03-28T21:37:08+00:00"}',
    )
    assert read_page_info(html, _parse(html)).date == "2024-03-28T21:37:08Z"


def test_the_first_readable_meta_date_wins():
    html = page(
        '<meta property="article:published_time" content="March 3, 2008">'
        '<meta name="dc.date" content="2009-01-01">'
    )
    assert read_page_info(html, _parse(html)).date == "2008-03-03"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<html lang="EN_us"><head></head><body><p>Text.</p></body></html>', "en-US"),
        ('<html lang="{{ lang }}"><head></head><body><p>Text.</p></body></html>', None),
        (page('<meta http-equiv="Content-Language" content="de-at">'), "de-AT"),
        (page('<meta property="og:locale" content="pt_BR">'), "pt-BR"),
    ],
)
def test_the_page_language_in_one_spelling(html, expected):
    assert read_page_info(html, _parse(html)).language == expected


def test_a_junk_lang_attribute_does_not_hide_the_content_language():
    html = (
        '<html lang="{{ lang }}"><head><meta http-equiv="content-language" content="fr">'
        "</head><body><p>Texte.</p></body></html>"
    )
    assert read_page_info(html, _parse(html)).language == "fr"
