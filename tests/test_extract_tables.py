"""Tables in extracted text: layout tables become paragraphs, data tables stay rows, and no word
is ever lost, added or moved (only separators change)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.extract.backends import trafilatura_text
from tamis.extract.tables import render_table

_WORD = re.compile(r"\w+")


def text_blocks(text: str) -> list[str]:
    """The blocks of a table element's text, its lines trimmed as trafilatura_text does."""
    return render_table([line.strip() for line in text.split("\n") if line.strip()])


def render_tables(text: str) -> str:
    """The blocks one a line (data tables are one block of several lines)."""
    return "\n".join(text_blocks(text))


PROSE = (
    "McPherson College is a vibrant community of persons from diverse faiths and cultural "
    "backgrounds committed to its mission: to develop whole persons through scholarship, "
    "participation and service."
)
#: a page region in one cell: longer than any data table's entry
REGION = " ".join([PROSE] * 4)


def test_layout_table_cells_become_paragraphs() -> None:
    text = "\n".join(
        [
            "|  |  | WHAT'S NEW: Course Schedule  \t\t\t Campus Event Calendar |",
            f"| Mission | {REGION}  \t\t |",
            "|  |  |",
            "After the table.",
        ]
    )
    assert render_tables(text).split("\n") == [
        "WHAT'S NEW: Course Schedule Campus Event Calendar",
        "Mission",
        REGION,
        "After the table.",
    ]


def test_one_column_table_is_a_stack_of_blocks() -> None:
    text = "| Home |\n|  |\n| Prices and opening hours |"
    assert render_tables(text) == "Home\nPrices and opening hours"


def test_data_table_is_one_block_of_rows() -> None:
    text = "Prices\n| Size | 42 |\n| Colour | red |\nNotes"
    assert text_blocks(text) == ["Prices", "| Size | 42 |\n| Colour | red |", "Notes"]


def test_data_table_keeps_rows_and_header_rule() -> None:
    text = "\n".join(
        [
            "| Model  |  Price \t| Weight |",
            "|---|---|---|",
            "| A-100 | $250 |  1.2 kg |",
            "|  |  |  |",
            "| B\\|200 |  | 0.9 kg |",
        ]
    )
    assert render_tables(text).split("\n") == [
        "| Model | Price | Weight |",
        "|---|---|---|",
        "| A-100 | $250 | 1.2 kg |",
        "| B\\|200 | | 0.9 kg |",
    ]


def test_mostly_one_cell_rows_are_layout() -> None:
    text = "\n".join(
        [
            "|  | \\| Our Story \\| Contact Us \\| |  |",
            "|  |  | You have 0 items |  | \\| Total $0 |  |",
            "|  | Leather case |",
            "|  | » Read More |",
            "| » |  \\| | ",
        ]
    )
    assert render_tables(text).split("\n") == [
        "| Our Story | Contact Us |",
        "You have 0 items",
        "| Total $0",
        "Leather case",
        "» Read More",
    ]


def test_section_rows_do_not_make_a_data_table_layout() -> None:
    text = "| Opening times |  |\n| Event | Time |\n| Gates | 9:00 |\n| Show | 10:30 |"
    assert render_tables(text).split("\n") == [
        "| Opening times | |",
        "| Event | Time |",
        "| Gates | 9:00 |",
        "| Show | 10:30 |",
    ]


def test_one_row_table_is_a_box() -> None:
    text = "| In this article | What it costs How long it takes |"
    assert render_tables(text) == "In this article\nWhat it costs How long it takes"


def test_data_table_with_sentences_in_its_cells_stays_a_table() -> None:
    text = "\n".join(
        [
            "| Pros | Cons |",
            f"| {PROSE} | Winter roads need care. |",
            f"| Hidden places are easier to reach. | {PROSE} |",
        ]
    )
    assert render_tables(text) == text


def test_spacer_columns_and_rows_go() -> None:
    text = "\n".join(
        [
            "|  |  | Topic | Author | Replies |",
            "|---|---|---|---|---|",
            "|  | \\| | Forum rules | admin | - |",
            "|  |  | \\| | » |  |",
            "|  |  | Spring meeting | lmwong | 10 / 229 |",
        ]
    )
    assert render_tables(text).split("\n") == [
        "| | Topic | Author | Replies |",
        "|---|---|---|---|",
        "| \\| | Forum rules | admin | - |",
        "| | Spring meeting | lmwong | 10 / 229 |",
    ]


def test_a_change_of_width_starts_another_table() -> None:
    text = "\n".join(
        [
            f"|  | {REGION} |",
            "| Welcome to the shop. |",
            "| Name | Titanium shorts |",
            "| Price | 7800 yen |",
        ]
    )
    assert text_blocks(text) == [
        REGION,
        "Welcome to the shop.",
        "| Name | Titanium shorts |\n| Price | 7800 yen |",
    ]


def test_header_rule_dropped_with_its_empty_header_row() -> None:
    text = "|  |  |\n|---|---|\n| Size | 42 |\n| Colour | red |"
    assert render_tables(text) == "| Size | 42 |\n| Colour | red |"


def test_layout_cells_unescape_pipes() -> None:
    assert render_tables("| Home \\| About |") == "Home | About"


def test_lines_that_are_not_rows_stay_blocks_of_their_own() -> None:
    text = "A line with a | pipe in it.\n| Size | 42 |\n| Colour | red |\nindented code\t| x"
    assert text_blocks(text) == [
        "A line with a | pipe in it.",
        "| Size | 42 |\n| Colour | red |",
        "indented code\t| x",
    ]


cell_text = st.lists(st.sampled_from([*"ab é1 \t|\\-", "word", "x y"]), max_size=12).map("".join)
row = st.lists(cell_text, min_size=1, max_size=5).map(
    lambda cells: "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"
)
line = st.one_of(row, row, st.just("|---|---|"), cell_text)


@settings(max_examples=300, deadline=None)
@given(st.lists(line, max_size=12))
def test_words_and_their_order_never_change(lines: list[str]) -> None:
    text = "\n".join(lines)
    assert _WORD.findall(render_tables(text)) == _WORD.findall(text)


def test_trafilatura_text_renders_a_layout_page() -> None:
    cells = "".join(f"<td>{REGION} Part {i}.</td>" for i in range(2))
    html = (
        f"<html><body><table><tr><td></td><td>Menu</td></tr><tr>{cells}</tr></table></body></html>"
    )
    text = trafilatura_text(html)
    assert "|" not in text
    assert f"{REGION} Part 0." in text.split("\n\n")


def test_trafilatura_text_keeps_a_data_table_as_consecutive_rows() -> None:
    prose = (
        "<p>The county council published the opening hours of the three libraries for the "
        "summer, with the late evenings on Thursdays kept as they were last year.</p>"
    )
    html = (
        f"<html><body><article><h1>Library hours</h1>{prose}<table>"
        "<tr><th>Library</th><th>Opens</th></tr><tr><td>Central</td><td>9:00</td></tr>"
        f"<tr><td>North  \t branch</td><td>10:00</td></tr></table>{prose}</article></body></html>"
    )
    assert "| Library | Opens |\n|---|---|\n| Central | 9:00 |\n| North branch | 10:00 |" in (
        trafilatura_text(html)
    )
