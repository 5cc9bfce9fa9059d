"""Turn "this line became that line" into the smallest replacements that explain it.

ftfy fixes whole segments and says *what kind* of fix it made, not *where*. The edit log needs
positions, so the fixed segment is aligned with the original character by character and each
differing run becomes one :class:`~tamis.document.Replacement`. Exactness does not depend on
how clever the alignment is: every replacement carries the original characters it covers, so
``undo`` always gives back the input; a good alignment only makes the log easier to read.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from tamis.document import Replacement

_TOKEN_RE = re.compile(r"\s+|[^\s]+")


def _merge(out: list[Replacement], rep: Replacement) -> None:
    if out and out[-1].end == rep.start:
        prev = out.pop()
        rep = Replacement(prev.start, rep.end, prev.inserted + rep.inserted, rep.rule, rep.reason)
    out.append(rep)


def _char_diff(a: str, b: str, base: int, rule: str, reason: str, out: list[Replacement]) -> None:
    if len(a) == len(b):
        # Same length (C1 controls to Windows-1252, one-for-one swaps): compare in place.
        i = 0
        n = len(a)
        while i < n:
            if a[i] == b[i]:
                i += 1
                continue
            j = i
            while j < n and a[j] != b[j]:
                j += 1
            _merge(out, Replacement(base + i, base + j, b[i:j], rule, reason))
            i = j
        return
    if not a or not b or len(a) * len(b) > 250_000:
        _merge(out, Replacement(base, base + len(a), b, rule, reason))
        return
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            _merge(out, Replacement(base + i1, base + i2, b[j1:j2], rule, reason))


def diff_replacements(
    old: str, new: str, rule: str, reason: str = "", offset: int = 0
) -> list[Replacement]:
    """Replacements (shifted by ``offset``) that turn ``old`` into ``new``.

    The two texts are aligned word by word first (words and runs of spaces as tokens), then
    each differing stretch character by character, which keeps the work small on long lines.
    """
    if old == new:
        return []
    out: list[Replacement] = []
    if len(old) == len(new):
        _char_diff(old, new, offset, rule, reason, out)
        return out
    # Only the stretch between the common prefix and suffix needs aligning.
    head = 0
    limit = min(len(old), len(new))
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    # Keep whole words at the edges so the word alignment below sees them intact.
    while head > 0 and not old[head - 1].isspace():
        head -= 1
    while tail > 0 and not old[len(old) - tail].isspace():
        tail -= 1
    offset += head
    old, new = old[head : len(old) - tail], new[head : len(new) - tail]
    ta, tb = _TOKEN_RE.findall(old), _TOKEN_RE.findall(new)
    pos_a = [0]
    for t in ta:
        pos_a.append(pos_a[-1] + len(t))
    pos_b = [0]
    for t in tb:
        pos_b.append(pos_b[-1] + len(t))
    matcher = SequenceMatcher(None, ta, tb, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        a = old[pos_a[i1] : pos_a[i2]]
        b = new[pos_b[j1] : pos_b[j2]]
        _char_diff(a, b, offset + pos_a[i1], rule, reason, out)
    return out


def line_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line, the end excluding its ``\\n``."""
    spans = []
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        if nl < 0:
            spans.append((pos, n))
            break
        spans.append((pos, nl))
        pos = nl + 1
    return spans


def line_at(text: str, pos: int) -> tuple[int, int]:
    """(start, end) of the line holding ``pos``."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, (len(text) if end < 0 else end)
