"""Language hints from crawls and pages come in several spellings; tamis writes one."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tamis.langid.codes import language_tag


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # Common Crawl's WARC-Identified-Content-Language: ISO 639-3, several by share
        ("eng", "en"),
        ("spa", "es"),
        ("eng,spa", "en,es"),
        ("zho,eng,jpn", "zh,en,ja"),
        ("ceb", "ceb"),  # no two-letter code: the three-letter one stays
        # pages: <html lang>, Content-Language, og:locale
        ("en-GB", "en-GB"),
        ("en_us", "en-US"),
        ("EN-us", "en-US"),
        ("pt-br", "pt-BR"),
        ("iw", "he"),  # a withdrawn code
        ("zh-Hant-TW", "zh-Hant-TW"),
        ("en, fr", "en,fr"),
        ("  de  ", "de"),
        ("en,eng", "en"),  # the same language twice is said once
    ],
)
def test_one_spelling_whatever_the_source_wrote(raw, expected):
    assert language_tag(raw) == expected


@pytest.mark.parametrize("raw", ["", "  ", "{{lang}}", "und", "x-default", "none", "12"])
def test_no_language_in_it_gives_none(raw):
    assert language_tag(raw) is None


def test_junk_beside_a_language_is_dropped():
    assert language_tag("und,eng") == "en"
    assert language_tag("{{lang}}, fr") == "fr"


@given(st.text(max_size=40))
def test_any_string_gives_a_tag_list_or_none(raw):
    tag = language_tag(raw)
    assert tag is None or (tag and tag == tag.strip() and " " not in tag)
    if tag is not None:
        assert language_tag(tag) == tag  # written once, it is already in its final spelling
