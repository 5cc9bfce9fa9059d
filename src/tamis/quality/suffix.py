"""spaCy's suffix search, started where a match can begin instead of at every position.

spaCy finds a chunk's suffix with ``suffix_regex.search``: the leftmost position from which
one of ~80 alternatives (each ending in ``$``) matches through to the end. ``re`` tries every
position of the chunk against every alternative, which makes the search the main cost of
splitting a chunk seen for the first time. But a match ends at the chunk's last character, so
only alternatives that can end with that character can match, and none of them can start
further back than its longest match. This module reads those facts from the pattern's parse
tree once and then searches from that position: the same match, fewer attempts. Python's
lookbehind still sees the characters before the start position, so lookbehind conditions are
evaluated exactly as in a full search.

Anything the analysis does not understand (an alternative that may be empty, an unbounded
repeat other than a run of one character, an anchor other than the final ``$``) makes it fall
back to the full search for the characters concerned, or for all of them.
"""

from __future__ import annotations

import re

try:  # CPython's own regular-expression parser (private, present since 3.11)
    from re import _constants as sre
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - another Python: always the full search
    sre = sre_parse = None

_UNBOUNDED = 1 << 30


def _edge_chars(items, last: bool) -> set[str] | None:
    """Characters a match of ``items`` (a parsed sequence) can end with (``last``) or start
    with; None: any."""
    for op, av in reversed(list(items)) if last else items:
        if op in (sre.ASSERT, sre.ASSERT_NOT) or (op is sre.AT and (not last or av is sre.AT_END)):
            continue  # zero-width
        if op is sre.LITERAL:
            return {chr(av)}
        if op is sre.IN:
            chars: set[str] = set()
            for item_op, item_av in av:
                if item_op is sre.LITERAL:
                    chars.add(chr(item_av))
                elif item_op is sre.RANGE:
                    chars.update(map(chr, range(item_av[0], item_av[1] + 1)))
                else:
                    return None
            return chars
        if op is sre.BRANCH:
            chars = set()
            for branch in av[1]:
                edge = _edge_chars(branch, last)
                if edge is None:
                    return None
                chars |= edge
            return chars
        if op is sre.SUBPATTERN:
            if av[1] & sre.SRE_FLAG_IGNORECASE:
                return None  # a literal would stand for its other cases too
            return _edge_chars(av[-1], last)
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and av[0] >= 1:
            return _edge_chars(av[2], last)
        return None
    return None


def _last_chars(items) -> set[str] | None:
    return _edge_chars(items, last=True)


def _first_chars(items) -> set[str] | None:
    return _edge_chars(items, last=False)


def _run_char(items) -> str | None:
    """``x`` when ``items`` is ``x x+ $`` (a run of one character at the end), else None."""
    items = list(items)
    if (
        len(items) == 3
        and items[0][0] is sre.LITERAL
        and items[1][0] is sre.MAX_REPEAT
        and items[1][1][:2] == (1, sre.MAXREPEAT)
        and list(items[1][1][2]) == [(sre.LITERAL, items[0][1])]
        and items[2] == (sre.AT, sre.AT_END)
    ):
        return chr(items[0][1])
    return None


def _anchors(items) -> bool:
    """Whether ``items`` holds an anchor other than the final ``$`` (a start-dependent one)."""
    for op, av in items:
        if op is sre.AT and av is not sre.AT_END:
            return True
        if op is sre.BRANCH and any(_anchors(b) for b in av[1]):
            return True
        if op is sre.SUBPATTERN and _anchors(av[-1]):
            return True
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and _anchors(av[2]):
            return True
    return False


class SuffixSearch:
    """``re.compile(pattern).search(chunk)``, for patterns whose alternatives end in ``$``."""

    def __init__(self, pattern: str) -> None:
        self._search = re.compile(pattern).search
        self._bounds: dict[str, int] = {}  # last character -> longest match ending with it
        self._runs: set[str] = set()  # characters whose trailing run can be a match
        self._any = 0  # longest match of alternatives that may end with any character
        self._exact = True  # until the analysis succeeds: search everywhere
        if sre_parse is None:
            return
        try:
            self._exact = self._analyse(pattern)
        except Exception:  # a parse tree this module does not know: stay exact
            self._exact = True

    def _analyse(self, pattern: str) -> bool:
        """Fill the bounds from the pattern; True when the full search must be kept."""
        tree = sre_parse.parse(pattern)
        if tree.state.flags & sre.SRE_FLAG_IGNORECASE:
            return True
        for branch in _branches(tree):
            lo, hi = branch.getwidth()
            if lo == 0 or _anchors(branch) or list(branch)[-1:] != [(sre.AT, sre.AT_END)]:
                return True
            run = _run_char(branch)
            if run is not None:
                self._runs.add(run)
                continue
            if hi >= _UNBOUNDED:
                return True
            last = _last_chars(branch)
            if last is None:
                self._any = max(self._any, hi)
            else:
                for ch in last:
                    if self._bounds.get(ch, 0) < hi:
                        self._bounds[ch] = hi
        return False

    def __call__(self, chunk: str) -> re.Match | None:
        if self._exact or not chunk:
            return self._search(chunk)
        last = chunk[-1]
        reach = max(self._bounds.get(last, 0), self._any)
        if last in self._runs:
            reach = max(reach, len(chunk) - len(chunk.rstrip(last)))
        if not reach:
            return None
        return self._search(chunk, max(0, len(chunk) - reach))


def _branches(tree) -> list:
    """The alternatives of a parsed pattern: its branches, or the pattern itself."""
    items = list(tree)
    return items[0][1][1] if len(items) == 1 and items[0][0] is sre.BRANCH else [tree]


class PrefixSearch:
    """``re.compile(pattern).search(chunk)``, for patterns whose alternatives all start with
    ``^`` (spaCy's prefix patterns): a match can only begin at the chunk's first character, so
    a chunk whose first character no alternative can start with has no prefix, and the ~150
    alternatives need not be tried. Anything else in the pattern keeps the full search."""

    def __init__(self, pattern: str) -> None:
        self._search = re.compile(pattern).search
        self._starts: frozenset[str] | None = None  # None: always search
        if sre_parse is None:
            return
        try:
            self._starts = self._analyse(pattern)
        except Exception:  # a parse tree this module does not know: stay exact
            self._starts = None

    @staticmethod
    def _analyse(pattern: str) -> frozenset[str] | None:
        tree = sre_parse.parse(pattern)
        if tree.state.flags & (sre.SRE_FLAG_IGNORECASE | sre.SRE_FLAG_MULTILINE):
            return None
        starts: set[str] = set()
        for branch in _branches(tree):
            parsed = list(branch)
            if not parsed or parsed[0] != (sre.AT, sre.AT_BEGINNING):
                return None  # not anchored: a match may begin further in
            first = _first_chars(parsed[1:])
            if first is None:
                return None
            starts |= first
        return frozenset(starts)

    def __call__(self, chunk: str) -> re.Match | None:
        if self._starts is not None and (not chunk or chunk[0] not in self._starts):
            return None
        return self._search(chunk)
