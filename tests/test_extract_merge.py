"""How ``auto`` writes the blocks it adds to trafilatura's text: in the page's order after the
base paragraph before them, table cells as `` | ``, list items with their ``- `` on consecutive
lines, as the base writes its own."""

from __future__ import annotations

from tamis.extract.blocks import norm, page_blocks
from tamis.extract.core import _merge, _parse

BASE = "Largest ad platforms by market value, with their segment."


def merged(lines: list[str], add: list[bool], items: list[bool] | None = None) -> list[str]:
    return _merge(BASE, lines, [norm(x) for x in lines], add, items).split("\n\n")


def test_added_table_rows_show_their_cells_as_data_rows_do() -> None:
    lines = [BASE, "The Trade Desk\t\t$18.0 billion\t\t\t\tMedia", "Criteo \t\t $1.5 billion"]
    assert merged(lines, [False, True, True]) == [
        BASE,
        "The Trade Desk | $18.0 billion | Media",
        "Criteo | $1.5 billion",
    ]


def test_added_list_items_are_one_block_of_dashed_lines() -> None:
    lines = [BASE, "Key points", "First point", "Second point", "After the list"]
    assert merged(lines, [False, True, True, True, True], [False, False, True, True, False]) == [
        BASE,
        "Key points",
        "- First point\n- Second point",
        "After the list",
    ]


def test_blocks_know_where_list_items_start() -> None:
    html = (
        "<html><body><p>Intro paragraph of the page.</p><ul><li>One item</li>"
        "<li><p>Item in a paragraph</p><p>its second paragraph</p></li></ul>"
        "<dl><dt>Term</dt><dd>Meaning</dd></dl></body></html>"
    )
    blocks = page_blocks(
        _parse(html), resi_main="", traf=None, json_ld_body=None, json_ld_types=[], og_type=None
    )
    starts = {line.strip(): s for line, s in zip(blocks.lines, blocks.item_starts, strict=True)}
    assert starts["Intro paragraph of the page."] is False
    assert starts["One item"] and starts["Item in a paragraph"]
    assert starts["its second paragraph"] is False
    assert starts["Term"] and starts["Meaning"]


def test_a_text_the_page_repeats_is_added_once() -> None:
    from tamis.extract.core import chosen_blocks

    norms = [norm(x) for x in ("Home", "Opening hours", "Home", "Opening hours", "Contact")]
    chosen = chosen_blocks(norms, [0, 1, 2, 3, 4], [0.2, 0.9, 0.3, 0.8, 0.5], threshold=0.4)
    assert chosen == [1, 4]


def test_a_block_the_text_already_says_is_left_out() -> None:
    from tamis.extract.core import chosen_blocks

    base = "The library opens at nine on weekdays and at ten on Saturdays."
    texts = [
        norm("Opens at nine on weekdays and at ten on Saturdays"),  # said by the base
        norm("Closed on Sundays and public holidays"),
        norm("closed on Sundays and public holidays too"),  # said by the block before
        norm("Home"),
    ]
    probs = [0.9, 0.9, 0.9, 0.9]
    assert chosen_blocks(texts, [0, 1, 2, 3], probs, 0.4, norm(base)) == [1, 3]
    # without a base (fast) only exact repeats are dropped
    assert chosen_blocks(texts, [0, 1, 2, 3], probs, 0.4) == [0, 1, 2, 3]
