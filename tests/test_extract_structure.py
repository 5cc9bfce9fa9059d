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
