"""What a page's markup says outright, read before any statistics: the publisher's JSON-LD body
where the page's own text is missing or much shorter, and an article's headline kept out of its
body (it is the title)."""

from __future__ import annotations

import json
import re

from tamis.extract import extract
from tamis.extract.core import STRUCTURED_MIN_WORDS, without_headline

DESCRIPTION = " ".join(
    f"The kettle number {i} boils a litre in three minutes and keeps it warm." for i in range(8)
)


def _page(body: str, ld: dict) -> str:
    return (
        "<html><head><title>Steel kettle</title>"
        f'<script type="application/ld+json">{json.dumps(ld)}</script></head>'
        f"<body>{body}</body></html>"
    )


def test_a_product_whose_description_is_only_in_json_ld_gets_it():
    ld = {"@type": "Product", "name": "Steel kettle", "description": DESCRIPTION}
    page = _page("<div id=app><button>Add to cart</button><p>Steel kettle</p></div>", ld)
    assert extract(page).text == DESCRIPTION


def test_an_article_body_in_json_ld_html_is_read_as_text():
    body = "".join(f"<p>{s}.</p>" for s in DESCRIPTION.split(". "))
    ld = {"@type": "NewsArticle", "headline": "Kettles", "articleBody": body}
    text = extract(_page("<main><h1>Kettles</h1><p>Read more</p></main>", ld)).text
    assert "<p>" not in text and "&lt;" not in text
    assert re.findall(r"\w+", text) == re.findall(r"\w+", DESCRIPTION)


def test_the_page_text_stays_when_it_is_as_long_as_the_structured_body():
    paragraphs = "".join(f"<p>{s}.</p>" for s in DESCRIPTION.split(". "))
    short = " ".join(DESCRIPTION.split()[: STRUCTURED_MIN_WORDS + 5])
    ld = {"@type": "Product", "name": "Steel kettle", "description": short}
    text = extract(_page(f"<main>{paragraphs}</main>", ld)).text
    assert "kettle number 7" in text and text != short


def test_the_headline_is_not_body():
    text = "Harbour town votes to rebuild\n\nResidents voted on Tuesday."
    assert without_headline(text, "Harbour town votes to rebuild | The Ledger") == (
        "Residents voted on Tuesday."
    )
    assert without_headline(text, "Another title altogether") == text
    # a short first block that happens to be in the title is body
    assert without_headline("Harbour\n\nmore text", "Harbour town votes") == "Harbour\n\nmore text"


def _info(head: str, body: str = "<p>Text.</p>"):
    from tamis.extract.core import _parse
    from tamis.extract.metadata import read_page_info

    html = f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"
    return read_page_info(html, _parse(html), documentation=True)


def test_documentation_generators_and_themes_are_recognised_from_the_markup():
    from tamis.extract.core import takes_default_mode

    sphinx = _info('<meta name="generator" content="Docutils 0.19: https://docutils.sf.net/">')
    mkdocs = _info('<meta name="generator" content="mkdocs-1.6.1, mkdocs-material-9.5">')
    theme = _info("", '<div class="wy-grid"><div class="rst-content"><p>Install it.</p></div>')
    search = _info("", '<button class="DocSearch DocSearch-Button">Search</button><p>Text.</p>')
    for info in (sphinx, mkdocs, theme, search):
        assert info.documentation and takes_default_mode(info)
    # only read when asked (``auto`` asks; the page scans are not paid by ``fast``)
    from tamis.extract.core import _parse
    from tamis.extract.metadata import read_page_info

    page = '<html><body><div class="rst-content"><p>Install it.</p></div></body></html>'
    assert not read_page_info(page, _parse(page)).documentation
    # several generators: the documentation one need not come first
    both = _info(
        '<meta name="generator" content="WordPress 6.5"><meta name="generator" '
        'content="Docusaurus v3.5.2">'
    )
    assert both.documentation


def test_pages_of_other_generators_or_lookalike_classes_are_not_documentation():
    from tamis.extract.core import takes_default_mode

    wordpress = _info('<meta name="generator" content="WordPress 6.5">')
    # class names are matched whole and with their case: a shop's "BodyWrapper" is no Sphinx
    lookalike = _info("", '<div class="BodyWrapper"><div class="md-contents">Shoes.</div></div>')
    # a stylesheet that styles the search button is not the button
    styled = _info("<style>.DocSearch-Button{color:red}</style>")
    for info in (wordpress, lookalike, styled):
        assert not info.documentation and not takes_default_mode(info)


def test_a_page_that_lists_pages_is_not_taken_as_an_article():
    from tamis.extract.core import says_article, takes_default_mode

    og = '<meta property="og:type" content="article">'
    article = _info(og)
    listing = _info(
        og + '<script type="application/ld+json">'
        '{"@type": "CollectionPage", "name": "Recipes"}</script>'
    )
    assert says_article(article) and takes_default_mode(article)
    assert says_article(listing) and not takes_default_mode(listing)


def test_auto_takes_trafilaturas_default_mode_on_a_documentation_page():
    from tamis.extract.backends import trafilatura_text

    steps = "".join(
        f"<h2>Step {i}</h2><p>Run the command below to configure part {i} of the service, then "
        f"check the log for errors before you go on.</p><pre><code>tool configure --part {i} "
        f"--verbose</code></pre>"
        for i in range(6)
    )
    html = (
        '<!doctype html><html><head><title>Setup guide</title><meta name="generator" '
        'content="Sphinx 7.2"></head><body><div class="sphinxsidebar"><ul><li><a href="/a">'
        'Install</a></li><li><a href="/b">Reference</a></li></ul></div><div class="body" '
        f'role="main"><h1>Setup guide</h1>{steps}</div></body></html>'
    )
    text = extract(html).text
    assert text == trafilatura_text(html, comments=False)
    assert "tool configure --part 5" in text and "Reference" not in text
