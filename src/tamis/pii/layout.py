"""Whether a place in a text is a row of a data table or a line of code rather than prose.

Crawl text holds many such lines: timetables, sports results, price lists, coordinate lists,
changelogs, hex dumps, CSV, configuration files, program code. A number there is a field of the
table or a literal of the code, and the shape of a phone, a card or an address is often chance
(a coordinate pair "+4230+00131", a hash in a list of hashes, a version in a column of
versions, a message number "45223423@example.com" in a test's data). The detectors of every kind
ask the same two questions here, so that one family of look-alikes is not learnt once per kind:

- ``in_table``: the line is a row of figures (three number-shaped tokens at least beside the
  value, and no more words), or a row whose fields, split by tabs, bars, CSV commas or aligned
  spaces, line up with a neighbouring line's (the same number of fields, the same kind of field
  in each column);
- ``in_code``: the line holds two code marks or more (``{ } ; =``, ``()``, ``->``, ``::``) or
  opens with a comment's marker and holds one, and no more than four words a mark.

Each detector then keeps a value only when its own shape or the words of its block settle it.
"""

from __future__ import annotations

import re

# A token that is a figure: digits with the signs, separators and units of figures, no word.
_FIGURE = re.compile(r"[-+(\[$€£]?\d[\d.,:/+\-–)\]%]*[a-zA-Z]{0,2}")
_WORD = re.compile(r"[^\W\d_]{2,}")
_CODE_MARK = re.compile(r"[{};]|(?<![=!<>])=(?!=)|\(\)|->|=>|::")
# HTML's tags, entities and attributes ("<a href=...>", "&nbsp;", 'href=&quot;'), also where a
# feed escapes them: markup around prose, not code.
_MARKUP = re.compile(r"<[A-Za-z/!][^<>]*>|&#?\w+;|\w=(?=[\"'&])")
# A line of code is short; a paragraph with a few signs in it is prose.
_CODE_LINE_MAX = 400
_COMMENT_OPEN = re.compile(r"[ \t]*(?://|#|/\*|\*|--|;|%)")
# Field separators of a table written as text: tabs, bars, commas without a space after them
# (CSV), runs of two spaces or more between aligned columns.
_FIELD_SPLIT = re.compile(r"\t+|[ \t]*\|[ \t]*|,(?! )|[ ]{2,}")
_MIN_FIELDS = 3
_ROW_FIGURES = 3  # beside the value: a date ("June 18, 2025") has two
_WORDS_PER_CODE_MARK = 4  # more words a mark than this: prose with a sign or two in it
_NEIGHBOURS = 2  # non-blank lines looked at on either side


def line_bounds(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end < 0 else end


def _figures_and_words(line: str) -> tuple[int, int]:
    figures = words = 0
    for token in line.split():
        if _FIGURE.fullmatch(token):
            figures += 1
        elif _WORD.search(token):
            words += 1
    return figures, words


def _field_kinds(line: str) -> str:
    """One letter per field: ``n`` a figure, ``t`` anything else; empty below three fields."""
    fields = [f for f in _FIELD_SPLIT.split(line.strip()) if f]
    if len(fields) < _MIN_FIELDS:
        return ""
    return "".join("n" if _FIGURE.fullmatch(f.strip()) else "t" for f in fields)


def _neighbours(text: str, start: int, end: int) -> list[str]:
    """Up to ``_NEIGHBOURS`` non-blank lines on either side of the line ``text[start:end]``,
    nearest first; a blank line ends the block."""
    out = []
    pos = start
    for _ in range(_NEIGHBOURS):
        if pos == 0:
            break
        previous = text.rfind("\n", 0, pos - 1) + 1
        line = text[previous : pos - 1]
        if not line.strip():
            break
        out.append(line)
        pos = previous
    pos = end
    for _ in range(_NEIGHBOURS):
        if pos >= len(text):
            break
        nxt = text.find("\n", pos + 1)
        nxt = len(text) if nxt < 0 else nxt
        line = text[pos + 1 : nxt]
        if not line.strip():
            break
        out.append(line)
        pos = nxt
    return out


def in_table(text: str, start: int, end: int) -> bool:
    """Whether the value ``text[start:end]`` stands in a row of figures (beside three other
    figures at least, and no more words) or in a row whose columns line up with a neighbouring
    line's (same fields, same kinds). A phone alone on its line, split in groups, is no row."""
    line_start, line_end = line_bounds(text, start)
    line = text[line_start:line_end]
    figures, words = _figures_and_words(text[line_start:start] + " " + text[end:line_end])
    if figures >= _ROW_FIGURES and figures >= words:
        return True
    kinds = _field_kinds(line)
    if not kinds or "n" not in kinds:
        return False
    return any(_field_kinds(other) == kinds for other in _neighbours(text, line_start, line_end))


def in_code(text: str, pos: int) -> bool:
    """Whether ``pos`` stands in a line of code: two code marks, or a comment with one, in a
    line of ``_CODE_LINE_MAX`` characters at most. HTML's tags, entities and attributes are
    markup around prose, not code."""
    start, end = line_bounds(text, pos)
    if end - start > _CODE_LINE_MAX:
        return False
    line = _MARKUP.sub(" ", text[start:end])
    marks = len(_CODE_MARK.findall(line))
    if marks * _WORDS_PER_CODE_MARK < len(_WORD.findall(line)):
        return False
    return marks >= 2 or (marks >= 1 and bool(_COMMENT_OPEN.match(line)))


def block_lines(text: str, pos: int) -> list[str]:
    """The line of ``pos`` and its neighbours in its block (for a word of the table's head)."""
    start, end = line_bounds(text, pos)
    return [text[start:end], *_neighbours(text, start, end)]
