"""Which quotation is open at a point of a line, counting nesting, from intact and garbled marks.

A lost or ambiguous quote mark takes its kind from its partner: a closing mark closes the
innermost quotation still open before it (``“a ‘b’ c”``: after ``’`` the double one is open
again), and an opening mark is single or double as the first closing mark after it at the same
depth. The marks are read in every form the lossy pass meets: intact curly quotes and their
Windows-1252 readings (``â€œ``, ``â€˜``, ``â€™``), folded ones (``â€TM``, ``â€oe``, ``â€``
plus a space for ``‘``) and ``â€`` whose third byte was lost (``”``).
"""

from __future__ import annotations

import re

LSQ, RSQ, LDQ, RDQ = "\u2018", "\u2019", "\u201c", "\u201d"
# How far (in characters) to look for the other quote of a pair: quotations are shorter, and
# the bound keeps a long line with many marks linear.
WINDOW = 400

# Bytes 80-BF as Windows-1252 (or Latin-1) characters: what follows ``â€`` in a whole sequence.
_CONT = "\x80-\xbf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"

# One alternation, so that at one position the opening reading wins (``â€`` plus a space before
# a word is ``‘`` folded by NFKC, not a ``”`` that lost its byte).
_EVENTS = re.compile(
    f"(?P<os>{LSQ}|â€˜|(?:^|(?<=\\s))â€ (?=\\w)|(?:^|(?<=\\s))†(?=\\w))"
    f"|(?P<od>{LDQ}|â€œ|â€oe)"
    f"|(?P<cs>(?<=[\\w.,;:!?]){RSQ}(?!\\w)|â€(?:™|TM)(?!\\w))"
    f"|(?P<cd>{RDQ}|â€\x9d|â€(?![{_CONT}]|TM|oe))"
)

Event = tuple[int, str]  # (position, "os" | "od" | "o?" | "cs" | "cd")


def events(line: str, lo: int, hi: int, extra: list[Event] | None = None) -> list[Event]:
    """Quote marks of ``line[lo:hi]`` in order, plus ``extra`` ones made by earlier repairs."""
    out = []
    for m in _EVENTS.finditer(line, lo, hi):
        kind = m.lastgroup or ""
        if kind == "cd" and m.group() == "â€":
            before = line[m.start() - 1] if m.start() else " "
            after = line[m.end()] if m.end() < len(line) else ""
            if before.isspace() and after.isalnum():
                kind = "o?"  # a lost third byte after a space: an opening of unknown kind
        out.append((m.start(), kind))
    if extra:
        out += [e for e in extra if lo <= e[0] < hi]
        out.sort()
    return out


def open_at(line: str, pos: int, extra: list[Event] | None = None) -> str | None:
    """``"s"`` or ``"d"`` for the innermost quotation open at ``pos``, ``"?"`` or None."""
    stack: list[str] = []
    for _, kind in events(line, max(0, pos - WINDOW), pos, extra):
        if kind[0] == "o":
            stack.append(kind[1])
            continue
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth] in (kind[1], "?"):
                del stack[depth:]
                break
    return stack[-1] if stack else None


def closing_after(line: str, pos: int) -> str | None:
    """``"s"`` or ``"d"`` for the first mark after ``pos`` that closes at this depth."""
    depth = 0
    for _, kind in events(line, pos, pos + WINDOW):
        if kind[0] == "o":
            depth += 1
        elif depth == 0:
            return kind[1]
        else:
            depth -= 1
    return None


def closing(line: str, pos: int, extra: list[Event] | None = None) -> str:
    return RSQ if open_at(line, pos, extra) == "s" else RDQ


def opening(line: str, pos: int) -> str:
    return LSQ if closing_after(line, pos) == "s" else LDQ
