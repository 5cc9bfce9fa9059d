"""Turn "this line became that line" into the smallest replacements that explain it.

ftfy fixes whole segments and says *what kind* of fix it made, not *where*. The edit log needs
positions, so the fixed segment is aligned with the original and each differing run becomes
one :class:`~tamis.document.Replacement`. Exactness does not depend on
how clever the alignment is: every replacement carries the original characters it covers, so
``undo`` always gives back the input; a good alignment only makes the log easier to read.
"""

from __future__ import annotations

from tamis.document import Replacement

# Resynchronisation after a difference: the two texts must agree again on SYNC characters
# within REACH characters of each side (two, so that fixes three characters apart, as in
# ``ï¿½nă ï¿½``, stay two edits). Repairs are local (a mojibake sequence of up to a dozen
# characters becomes one to four), so this always finds them; a larger change becomes one
# replacement of everything after it, which is still exact.
SYNC = 2
REACH = 48


def _resync(old: str, new: str, i: int, j: int) -> tuple[int, int] | None:
    """Smallest (a, b) with old[i+a:] and new[j+b:] agreeing again, or both at their end."""
    rest_old, rest_new = len(old) - i, len(new) - j
    for total in range(1, 2 * REACH + 1):
        for a in range(max(0, total - REACH), min(REACH, total) + 1):
            b = total - a
            if a > rest_old or b > rest_new:
                continue
            if a == rest_old and b == rest_new:
                return a, b
            chunk = old[i + a : i + a + SYNC]
            if len(chunk) == SYNC and chunk == new[j + b : j + b + SYNC]:
                return a, b
    return None


def diff_replacements(
    old: str, new: str, rule: str, reason: str = "", offset: int = 0
) -> list[Replacement]:
    """Replacements (shifted by ``offset``) that turn ``old`` into ``new``.

    A linear walk: equal characters are skipped, and at each difference the smallest step on
    each side after which the texts agree again becomes one replacement. Linear in the length
    of the line, whatever its repetitions (a general diff is quadratic on repetitive text).
    """
    out: list[Replacement] = []
    i = j = 0
    n_old, n_new = len(old), len(new)
    while i < n_old or j < n_new:
        if i < n_old and j < n_new and old[i] == new[j]:
            i += 1
            j += 1
            continue
        step = _resync(old, new, i, j)
        if step is None:
            a, b = n_old - i, n_new - j
        else:
            a, b = step
        out.append(Replacement(offset + i, offset + i + a, new[j : j + b], rule, reason))
        i += a
        j += b
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
