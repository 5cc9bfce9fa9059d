"""Pieces of Thai text without a Thai letter (blanks, digits, marks, Latin words), split as
pythainlp's newmm splits them, by one regular expression instead of its search.

Where no dictionary entry starts (the entries start with Thai letters) and no character
cluster holds more than one character (every cluster rule starts with a Thai letter), newmm's
graph stays empty, so ``_onecut`` only ever takes its out-of-dictionary skip: the match of its
non-Thai pattern (``_PAT_NONTHAI``) where that pattern matches, else the characters up to the
next position where it does (or the end). :func:`plain_splitter` builds that as one pattern
from pythainlp's own, and tells which pieces it applies to.
``tests/test_quality_segment_th.py`` holds it equal to ``_onecut`` on random such pieces.
"""

from __future__ import annotations

import re
from collections.abc import Callable

#: Thai letters, vowels and marks (not the digits, ฿, ๏, ๚, ๛): what the cluster rules start
#: with, and what :mod:`tamis.quality.segment_th` hands nlpo3 runs of
_THAI_LETTERS = "\u0e01-\u0e3a\u0e40-\u0e4e"


def plain_splitter(trie) -> tuple[Callable[[str], object], Callable[[str], list[str]]]:
    """``(applies, split)``: ``applies(piece)`` is None when ``split(piece)`` is
    ``_onecut(piece)``: the piece holds no Thai letter and no first character of an entry of
    ``trie``."""
    from pythainlp.tokenize import newmm

    nonthai = newmm._PAT_NONTHAI
    body = nonthai.pattern.removeprefix("(?x)")
    body = re.sub(r"(?<!\\)\((?!\?)", "(?:", body)  # its groups, not captured
    skip = re.compile(f"(?:{body}\n)|.(?:(?!{body}\n).)*", nonthai.flags | re.DOTALL)
    root = getattr(trie, "root", None)  # pythainlp's Trie: the root's children, not a walk
    starts = root.children or {} if root is not None else {word[:1] for word in trie}
    firsts = "".join(map(re.escape, sorted(starts)))
    blocked = re.compile(f"[{_THAI_LETTERS}{firsts}]")
    return blocked.search, skip.findall
