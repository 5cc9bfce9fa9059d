"""trafilatura's text as tamis renders it: blocks apart, each block whole (code keeps its lines
and indentation, a list its items on consecutive lines), and the same words as trafilatura's own
text output."""

from __future__ import annotations

import re

import pytest

from tamis.extract.backends import trafilatura_text

PROSE = (
    "<p>The county council published the opening hours of the three libraries for the summer, "
    "with the late evenings on Thursdays kept as they were last year.</p>"
)
PAGE = (
    "<html><body><article><h1>Library hours</h1>"
    + PROSE
    + "<pre><code>def opening(day):\n    if day == 'thu':\n        return 21\n    return 18"
    "</code></pre>"
    + PROSE
    + "<p>Central Library<br>1 High Street<br>Northtown</p>"
    + "<ul><li>Central opens at nine</li><li>North opens at ten</li></ul>"
    + "<ol><li>Book a room</li><li>Bring your card</li></ol>"
    + "</article></body></html>"
)


@pytest.fixture(scope="module")
def text() -> str:
    return trafilatura_text(PAGE)


def test_code_keeps_its_lines_and_indentation(text):
    code = "def opening(day):\n    if day == 'thu':\n        return 21\n    return 18"
    assert code in text.split("\n\n")


def test_a_list_is_one_block_of_items(text):
    blocks = text.split("\n\n")
    assert "- Central opens at nine\n- North opens at ten" in blocks
    assert "- Book a room\n- Bring your card" in blocks


def test_line_breaks_inside_a_paragraph_stay_single(text):
    assert "Central Library\n1 High Street\nNorthtown" in text.split("\n\n")


def test_heading_and_paragraphs_are_blocks_apart(text):
    blocks = text.split("\n\n")
    assert blocks[0] == "Library hours"
    assert blocks[1].startswith("The county council") and "\n" not in blocks[1]


def test_same_words_as_trafilatura_own_text():
    import trafilatura

    own = trafilatura.extract(PAGE, include_comments=True, include_tables=True, deduplicate=False)
    assert re.findall(r"\w+", trafilatura_text(PAGE)) == re.findall(r"\w+", own)


def test_blocks_are_not_glued_to_the_block_before_them():
    # trafilatura's own text output writes "ebuild --helpusage: ebuild file command" here
    html = (
        "<html><body><article><h1>ebuild</h1>" + PROSE + "<pre><code>ebuild --help</code></pre>"
        "<pre><code>usage: ebuild file command</code></pre>" + PROSE + "</article></body></html>"
    )
    blocks = trafilatura_text(html).split("\n\n")
    assert "ebuild --help" in blocks and "usage: ebuild file command" in blocks


def test_source_white_space_is_collapsed_as_a_browser_does():
    html = (
        "<html><body><article><h1>Hours</h1>" + PROSE + "<p>A paragraph written\n   across"
        " source lines\n\tthat HTML joins.</p><ul><li>\n\t\tAn item starting on a new line\n\t</li>"
        "<li>Second<ul><li>nested</li></ul></li></ul>" + PROSE + "</article></body></html>"
    )
    blocks = trafilatura_text(html).split("\n\n")
    assert "A paragraph written across source lines that HTML joins." in blocks
    assert "- An item starting on a new line\n- Second\n  - nested" in blocks
