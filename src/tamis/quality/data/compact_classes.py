"""Rewrite the big character classes of spaCy's tokenizer patterns as the same sets, in ranges.

spaCy writes its letter classes as long lists of single characters (``[a-z\\uFF41-\\uFF5A\\u00DF
...]``, 3,000 characters), and French's token_match repeats one of them some 450 times: Python's
``re`` then takes tens of seconds to compile the pattern, in every process that splits French.
A character class is an atom, so replacing it with another class that matches exactly the same
characters (under the pattern's flags) leaves the pattern's behaviour unchanged; merged into
ranges (and, when the set already holds both cases of its letters, matched without
IGNORECASE, which ``re`` would otherwise expand range by range), the pattern compiles in a
fraction of the time. :func:`compact` does that and checks
every code point against the original class before accepting a rewrite.
"""

from __future__ import annotations

import re
from functools import cache

_FLAGS = re.compile(r"^\(\?([aiLmsux]+)\)")
_MIN_LEN = 200  # smaller classes compile fast enough as they are


def _flags(pattern: str) -> int:
    m = _FLAGS.match(pattern)
    if not m:
        return 0
    return sum(getattr(re, f.upper()) for f in m.group(1) if f in "imsx")


def _classes(pattern: str) -> list[tuple[int, int]]:
    """(start, end) of every top-level character class of ``pattern``."""
    out = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            j = i + 1
            if j < n and pattern[j] == "^":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1
            while j < n and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            out.append((i, j + 1))
            i = j + 1
            continue
        i += 1
    return out


def _esc(cp: int) -> str:
    return f"\\u{cp:04X}" if cp <= 0xFFFF else f"\\U{cp:08X}"


@cache
def _members(cls: str, flags: int) -> tuple[int, ...]:
    match = re.compile(cls, flags).fullmatch
    return tuple(cp for cp in range(0x110000) if match(chr(cp)))


@cache
def compact_class(cls: str, flags: int) -> str:
    """The same set as ``cls`` under ``flags``, as ranges; ``cls`` itself if not provably so."""
    members = _members(cls, flags)
    if not members:
        return cls
    ranges = []
    start = prev = members[0]
    for cp in members[1:]:
        if cp != prev + 1:
            ranges.append((start, prev))
            start = cp
        prev = cp
    ranges.append((start, prev))
    new = "[" + "".join(_esc(a) if a == b else f"{_esc(a)}-{_esc(b)}" for a, b in ranges) + "]"
    if flags & re.IGNORECASE and _members(new, 0) == members:
        # the set is closed under case already: matching it without IGNORECASE is the same
        # and spares re expanding every range by case at compile time
        return f"(?-i:{new})"
    if len(new) >= len(cls) or _members(new, flags) != members:
        return cls
    return new


def compact(pattern: str | None) -> str | None:
    """``pattern`` with each long character class replaced by its compact equal."""
    if not pattern:
        return pattern
    flags = _flags(pattern)
    parts, pos = [], 0
    for a, b in _classes(pattern):
        if b - a >= _MIN_LEN:
            parts.append(pattern[pos:a])
            parts.append(compact_class(pattern[a:b], flags))
            pos = b
    parts.append(pattern[pos:])
    return "".join(parts)
