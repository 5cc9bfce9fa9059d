"""Turn "this line became that line" into the smallest replacements that explain it.

ftfy fixes whole segments and says *what kind* of fix it made, not *where*. The edit log needs
positions, so the fixed segment is aligned with the original character by character and each
differing run becomes one :class:`~tamis.document.Replacement`. Exactness does not depend on
how clever the alignment is: every replacement carries the original characters it covers, so
``undo`` always gives back the input; a good alignment only makes the log easier to read.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from tamis.document import Replacement


def diff_replacements(
    old: str, new: str, rule: str, reason: str = "", offset: int = 0
) -> list[Replacement]:
    """Replacements (shifted by ``offset``) that turn ``old`` into ``new``."""
    if old == new:
        return []
    # Trim the common prefix and suffix first: cheap, and it keeps the matcher's work small.
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old -= 1
        end_new -= 1
    a, b = old[start:end_old], new[start:end_new]
    if not a or not b or len(a) * len(b) > 4_000_000:
        return [Replacement(offset + start, offset + end_old, b, rule, reason)]
    out: list[Replacement] = []
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        base = offset + start
        if out and out[-1].end == base + i1:
            prev = out.pop()
            out.append(Replacement(prev.start, base + i2, prev.inserted + b[j1:j2], rule, reason))
        else:
            out.append(Replacement(base + i1, base + i2, b[j1:j2], rule, reason))
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
