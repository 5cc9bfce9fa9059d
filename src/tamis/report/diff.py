"""Word-level differences between a duplicate and its survivor, for side-by-side display.

Tokens keep their whitespace (``\\s+``, word, or single other character), so joining one
side's pieces gives back its text exactly. Comparison uses :class:`difflib.SequenceMatcher`
without its popularity heuristic (which would call frequent words junk); each side is cut to
``MAX_TOKENS`` tokens first, because the matcher is quadratic in the worst case and a page
must render in well under a second.
"""

from __future__ import annotations

import difflib
import re

from tamis.report.marks import Piece

MAX_TOKENS = 12000
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def word_diff(a: str, b: str) -> tuple[list[Piece], list[Piece], float, bool]:
    """Pieces of ``a`` (changed parts marked with edit=0) and of ``b`` (edit=1), the matcher's
    similarity ratio, and whether the texts were cut for comparison."""
    ta, tb = tokens(a), tokens(b)
    cut = len(ta) > MAX_TOKENS or len(tb) > MAX_TOKENS
    ta, tb = ta[:MAX_TOKENS], tb[:MAX_TOKENS]
    sm = difflib.SequenceMatcher(None, ta, tb, autojunk=False)
    left: list[Piece] = []
    right: list[Piece] = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        sa, sb = "".join(ta[i1:i2]), "".join(tb[j1:j2])
        if op == "equal":
            left.append(Piece(sa))
            right.append(Piece(sb))
            continue
        if sa:
            left.append(Piece(sa, 0))
        if sb:
            right.append(Piece(sb, 1))
    return left, right, sm.ratio(), cut
