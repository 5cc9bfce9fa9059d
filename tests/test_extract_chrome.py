"""The precision gate on added blocks: short interface lines (comment-system chrome, calls to
action, trust and legal lines; short linked blocks only when that rule is turned on) are not
added to ``auto``'s text; sentences and headings of the page are, even when they use an
interface word.

The lines and the page below are written for these tests (in English, German and French, as
interface text is written), not copied from any benchmark page.
"""

from __future__ import annotations

import numpy as np
import pytest

from tamis.extract.blocks import FEATURES, norm
from tamis.extract.chrome import CHROME_GATE, ChromeGate
from tamis.extract.core import _parse, add_missed_blocks, block_signals
from tamis.extract.metadata import read_page_info

CHROME = [
    "Leave a comment",
    "Comments are closed.",
    "Kommentare schreiben",
    "Pingback von",
    "Sign up for our newsletter",
    "Subscribe to our newsletter",
    "Share this:",
    "Read more",
    "All rights reserved.",
    "Privacy policy",
    "Alle Rechte vorbehalten",
    "Laisser un commentaire",
    "Lire la suite",
]
CONTENT = [
    "Opening hours",
    "The library opens at nine on weekdays.",
    "A cost shared with the county",
    "Readers can reserve up to ten books at a time.",
    "Die Bibliothek bleibt im August geschlossen.",
    "Les horaires d'été commencent en juin.",
]


@pytest.mark.parametrize("line", CHROME)
def test_interface_lines_are_held_back(line):
    assert CHROME_GATE.blocks(norm(line), links=0.0)


@pytest.mark.parametrize("line", CONTENT)
def test_sentences_and_headings_pass_even_with_an_interface_word(line):
    assert not CHROME_GATE.blocks(norm(line), links=0.0)


def test_a_comment_systems_notice_is_held_back_whatever_title_follows():
    line = "Pingback: Porthmere harbour master explains the new mooring fees | 12.03.2024"
    assert CHROME_GATE.blocks(norm(line), 0.0)
    assert not CHROME_GATE.blocks(norm("Porthmere harbour master explains the new fees"), 0.0)


def test_a_long_block_passes_whatever_words_it_holds():
    line = "Share, comment, subscribe, follow, like, print, download and read more here"
    assert ChromeGate(max_words=8, share=0.5).blocks(norm(line), 0.0) is False
    assert ChromeGate(max_words=20, share=0.5).blocks(norm(line), 0.0) is True


def test_the_link_rule_holds_back_short_linked_blocks_only_when_on():
    assert ChromeGate(link_words=3).blocks(norm("Porthmere harbour"), links=0.5)
    assert not ChromeGate(link_words=3).blocks(norm("Porthmere harbour"), links=0.0)
    assert not ChromeGate(link_words=0).blocks(norm("Porthmere harbour"), links=0.5)
    long_link = "Porthmere harbour master explains the new mooring fees"
    assert not ChromeGate(link_words=3).blocks(norm(long_link), links=0.1)


def test_numbers_and_function_words_alone_are_not_interface_text():
    assert not CHROME_GATE.blocks(norm("2024"), 0.0)
    assert not CHROME_GATE.blocks(norm("of the"), 0.0)


PAGE = """<!doctype html><html><head><title>Porthmere library</title></head><body>
<div class="page">
<h2>Opening hours</h2>
<div class="text">The library opens at nine on weekdays and at ten on Saturdays.</div>
<div class="text">Readers can reserve up to ten books at a time, online or at the desk.</div>
<div class="box"><a href="/c">Leave a comment</a></div>
<div class="box">Comments are closed.</div>
<div class="box">Sign up for our newsletter</div>
<div class="box">All rights reserved.</div>
<div class="box"><a href="/p">Privacy policy</a></div>
</div></body></html>"""


class AddsEveryBlock:
    """A block model that adds every block the base lacks, so that what is left out is left out
    by the gate alone."""

    threshold = 0.5
    uses_trafilatura = True

    def keep_probability(self, features: np.ndarray, norms=None) -> np.ndarray:
        return np.ones(len(features))


def _blocks(html: str):
    tree = _parse(html)
    info = read_page_info(html, tree)
    return block_signals(tree, info, "", "")


def test_add_missed_blocks_adds_the_content_and_not_the_chrome():
    blocks = _blocks(PAGE)
    assert "link_per_word" in FEATURES
    gated, added = add_missed_blocks("", "", blocks, AddsEveryBlock())
    assert gated.split("\n\n") == [
        "Opening hours",
        "The library opens at nine on weekdays and at ten on Saturdays.",
        "Readers can reserve up to ten books at a time, online or at the desk.",
    ]
    assert added == 3
    ungated, added_without = add_missed_blocks("", "", blocks, AddsEveryBlock(), gate=None)
    assert added_without == 8
    assert "Sign up for our newsletter" in ungated
    assert "Comments are closed." in ungated
