"""Tables in trafilatura's text, written as a reader of plain text expects them.

trafilatura writes every table as Markdown rows (``| cell | cell |``), escapes pipes inside
cells and keeps the cells' source whitespace. On data tables that is what a user wants; on
layout tables, which the older web and many templates still use to place a whole page, it
turns the page into rows of empty cells (``|  |  | text |``) with prose glued into one line
between pipes and runs of tabs inside it. A table is taken for layout when it has one filled
row (a box, not a table), when most of its rows have a single filled cell (a data table fills
its columns; a template places one block a row beside spacer cells) or when a cell holds a
page region (:data:`LAYOUT_CELL_CHARS` characters or more): each filled cell then becomes a
paragraph of its own, and cells holding only the template's separators and bullets (``|``,
``»``) go.
Data tables keep their rows, with each cell's whitespace collapsed; rows and columns holding
nothing but spacers go. The words and their order never change, only the separators between
them.
"""

from __future__ import annotations

import re

#: a cell this long (characters, so that it holds for scripts without spaces) is a page region
#: (an article beside its menu), not a table entry: the longest cell of the 281 data tables in
#: trafilatura's text of the WCXB pages has 488
LAYOUT_CELL_CHARS = 600

_ROW = re.compile(r"\|.*\|")
_RULE = re.compile(r"^\|(?:-+\|)+$")
_CELL_SEPARATOR = re.compile(r"(?<!\\)\|")
_SPACES = re.compile(r"\s+")
#: a cell holding nothing but a template's separators and bullets (data marks such as a tick
#: or a cross are content)
_FILLER = re.compile(r"[\s|\\»«›‹►▸▶•·:/\-–—*~.]*")


def _cells(row: str) -> list[str]:
    """The cells of one row, whitespace collapsed, trafilatura's ``\\|`` escapes kept."""
    return [_SPACES.sub(" ", cell).strip() for cell in _CELL_SEPARATOR.split(row[1:-1])]


def _unescape(cell: str) -> str:
    return cell.replace("\\|", "|")


def _tables(rows: list[str]) -> list[list[list[str] | None]]:
    """A run of table lines split into tables: trafilatura pads every row of a table to its
    width, so a change of width starts another (nested and adjacent tables come out as one
    run). Each row is its cells; a header rule is None."""
    tables: list[list[list[str] | None]] = []
    width = -1
    for row in rows:
        if _RULE.match(row):
            if tables:
                tables[-1].append(None)
            continue
        cells = _cells(row)
        if len(cells) != width:
            tables.append([])
            width = len(cells)
        tables[-1].append(cells)
    return tables


def _render(table: list[list[str] | None]) -> list[str]:
    """One table as blocks: one a layout cell, or one block of all its data rows."""
    filled = [[cell for cell in cells if not _FILLER.fullmatch(cell)] for cells in table if cells]
    filled = [cells for cells in filled if cells]
    is_layout = (
        len(filled) <= 1
        or 2 * sum(len(cells) == 1 for cells in filled) > len(filled)
        or any(len(cell) >= LAYOUT_CELL_CHARS for cells in filled for cell in cells)
    )
    if is_layout:  # cells of punctuation alone are the template's separators and bullets
        return [_unescape(cell) for cells in filled for cell in cells]
    rows = _data_rows(table)
    return ["\n".join(rows)] if rows else []


def _data_rows(table: list[list[str] | None]) -> list[str]:
    """Rows with text, without the columns that are empty in all of them (spacers, icons),
    each header rule kept under its row."""
    kept = [cells for cells in table if cells and not all(map(_FILLER.fullmatch, cells))]
    columns = [i for i in range(len(kept[0])) if any(cells[i] for cells in kept)] if kept else []
    out: list[str] = []
    written = False  # a header rule stays only right under the row it closes
    for cells in table:
        if cells is None:
            if written:
                out.append("|" + "---|" * len(columns))
            written = False
        elif not all(map(_FILLER.fullmatch, cells)):
            out.append("|" + "|".join(f" {cells[i]} " if cells[i] else " " for i in columns) + "|")
            written = True
        else:
            written = False
    return out


def render_table(lines: list[str]) -> list[str]:
    """The lines of one table element of trafilatura's text as blocks: a paragraph a cell of
    each layout table, one block of rows for each data table; a line that is not a row (none
    should be) a block of its own."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and _ROW.fullmatch(lines[j]):
            j += 1
        if j == i:
            out.append(lines[i])
            i += 1
            continue
        for table in _tables(lines[i:j]):
            out.extend(_render(table))
        i = j
    return out
