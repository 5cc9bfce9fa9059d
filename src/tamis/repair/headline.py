"""The role of a line: headline or body text, which decides the quote style news uses.

News typography is not random: headlines and titles quote in single marks (the seed's title:
``‘actively operate in Kabul,’``) and body text in double ones, with single marks for a
quotation nested inside a double one. When a repair cannot read the kind of a quote mark from
the bytes (a Latin-1 reading with the C1 bytes stripped leaves the same ``â`` for all four),
the role of the line decides it. A line is a headline when it is short and does not end a
sentence (no final full stop, question or exclamation mark once closing quotes and brackets are
set aside), or when it is short and is the document's first line, or a repetition of it (a page
title repeated as its heading), set apart by a blank line and followed by longer body text (a
short first sentence run on into the next line is body text).
"""

from __future__ import annotations

import re

HEADLINE_WORDS = 16
TERMINAL = (".", "!", "?", ":", ";", "\u2026")
# Closing marks set aside before looking for the final punctuation; ``â`` is a closing quote
# whose C1 bytes were stripped.
CLOSING = " \t\"')]\u00bb\u2019\u201dâ"
# How far to look for body text after a first line.
BODY_REACH = 4000
# A word holds a letter or digit; a dash, or a lone ``â`` (a stripped dash or quote), is none.
_WORD_RE = re.compile(r"\S*[^\W_â]\S*")


def count_words(line: str) -> int:
    return len(_WORD_RE.findall(line))


def ends_a_sentence(line: str) -> bool:
    return line.rstrip(CLOSING).endswith(TERMINAL)


def _first_line(text: str) -> tuple[int, int] | None:
    pos = 0
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        if text[pos:end].strip():
            return pos, end
        pos = end + 1
    return None


def _body_follows(text: str, pos: int, words: int) -> bool:
    """Whether a longer line follows ``pos`` (within ``BODY_REACH`` characters)."""
    return any(count_words(line) > words for line in text[pos : pos + BODY_REACH].split("\n"))


def is_headline(text: str, start: int, end: int) -> bool:
    line = text[start:end]
    words = count_words(line)
    if words > HEADLINE_WORDS:
        return False
    if not ends_a_sentence(line):
        return True
    first = _first_line(text)
    if first is None:
        return False
    if first != (start, end) and text[first[0] : first[1]].strip() != line.strip():
        return False
    if not text.startswith("\n\n", end):
        return False  # a title that ends like a sentence is set apart by a blank line
    return _body_follows(text, end, max(words, HEADLINE_WORDS))
