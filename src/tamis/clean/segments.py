"""Lines and their segments, with positions and comparison keys, for learning site furniture.

A *segment* is a piece of a line between sentence ends and separators (`` | ``, `` – ``,
`` - ``): "Title | Site Name" has two, and so does "... some actions in.”Brinkwire Summary
News”." (a site tag glued after a closing quote). Counting whole lines finds repeated lines;
counting segments finds what a site glues to the start or end of a line or between sentences,
without counting every word n-gram of every document (most of which never repeat).

Keys are 64-bit: the top 24 bits name the source (so one sorted key array groups a site's
counts together and carries the site for the share test), the low 40 bits the text.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import xxhash

SOURCE_BITS = 24
ITEM_BITS = 64 - SOURCE_BITS
ITEM_MASK = (1 << ITEM_BITS) - 1

_EDGE = " \t-–—•·*|>»›<«‹:.,;!?…()[]\"'“”„‘’#/\\_~=+"
_LETTER = re.compile(r"[^\W\d_]")

# Where a segment ends: a sentence end followed by space, a sentence end glued to a capital
# (after a closing quote, or after a word of two lower-case letters, so "U.S." stays whole),
# or a spaced separator.
_BOUNDARY = re.compile(
    r"(?P<end>(?:(?<=[a-zà-ÿа-я]{2})[.!?…]+[\"'”’»)\]]*|[.!?…]+[\"'”’»)\]]+)(?=[A-ZÀ-ÞА-Я])"
    r"|[.!?…]+[\"'”’»)\]]*(?=\s))"
    r"|(?P<sep>\s+[|–—·•]\s+|\s+-\s+|\s*\|\s*)"
)


class Unit(NamedTuple):
    start: int
    end: int
    kind: str  # "line", "first", "middle", "last" (a segment's place in its line)
    key: str  # normalised text (hashed by the caller)


def normalise(text: str) -> str:
    return " ".join(text.split()).strip(_EDGE).lower()


def _segments(line: str, offset: int) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for m in _BOUNDARY.finditer(line):
        if m.group("end"):
            end, nxt = m.end(), m.end()
        else:
            end, nxt = m.start(), m.end()
        if end > start:
            spans.append((start, end))
        start = nxt
        while start < len(line) and line[start] in " \t":
            start += 1
    if start < len(line):
        spans.append((start, len(line)))
    return [(offset + s, offset + e) for s, e in spans]


def units(text: str, min_segment_chars: int = 12) -> list[Unit]:
    """Every non-empty line, and the segments of lines that have more than one."""
    out: list[Unit] = []
    pos = 0
    for line in text.split("\n"):
        n = len(line)
        if n and _LETTER.search(line):
            key = normalise(line)
            if key:
                out.append(Unit(pos, pos + n, "line", key))
                segs = _segments(line, pos)
                if len(segs) > 1:
                    last = len(segs) - 1
                    for i, (s, e) in enumerate(segs):
                        seg_key = normalise(text[s:e])
                        if len(seg_key) < min_segment_chars or not _LETTER.search(seg_key):
                            continue
                        kind = "first" if i == 0 else "last" if i == last else "middle"
                        out.append(Unit(s, e, kind, seg_key))
        pos += n + 1
    return out


def source_bits(source: str) -> int:
    return xxhash.xxh3_64_intdigest(source.encode()) >> ITEM_BITS


def unit_key(source_hi: int, unit: Unit) -> int:
    """The 64-bit key of a unit within a source: whole lines and segments hash apart."""
    seed = 1 if unit.kind == "line" else 2
    return (source_hi << ITEM_BITS) | (
        xxhash.xxh3_64_intdigest(unit.key.encode(), seed) & ITEM_MASK
    )
