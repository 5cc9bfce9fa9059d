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

# Where a segment may end: a run of sentence-end marks (with closing quotes), or a separator.
# The pattern is one character class, so the regex engine skips prose quickly; whether a mark
# really ends a segment is decided in Python: a sentence end must be followed by a space and a
# non-lower-case word, or glued to a capital after a closing quote or after a word of two
# lower-case letters (so "3.5", "U.S. economy" and "e.g." stay whole); a separator is a lone
# "|", "–", "—", "·", "•", or a "-" between spaces.
_MARKS = re.compile(
    r"[.!?…|–—·•-]"  # one leading class: the regex engine's fast scan path
    r"(?:(?<=[.!?…])[.!?…]*(?P<close>[\"'”’»)\]]*)(?:(?P<space>[ \t]+)(?![a-zà-ÿа-я\s])|(?=[A-ZÀ-ÞА-Я]))"
    r"|(?<=[|–—·•])(?![|–—·•.!?…)\]-])"
    r"|(?<= -)(?= ))"
)
_LOWER2 = re.compile(r"[a-zà-ÿа-я]{2}\Z")


class Unit(NamedTuple):
    start: int
    end: int
    kind: str  # "line", "first", "middle", "last" (a segment's place in its line)
    key: str  # normalised text (hashed by the caller)


def normalise(text: str) -> str:
    if "  " in text or "\t" in text:
        text = " ".join(text.split())
    return text.strip(_EDGE).lower()


def segment_spans(line: str) -> list[tuple[int, int]]:
    """Spans of a line's segments (relative to the line); one span when it has no boundary."""
    spans = []
    start = 0
    n = len(line)
    for m in _MARKS.finditer(line):
        at, nxt = m.span()
        if line[at] in "|–—·•-":
            end = at  # a separator: the segment ends before it and its spaces
            while end > start and line[end - 1] in " \t":
                end -= 1
            while nxt < n and line[nxt] in " \t":
                nxt += 1
        elif m.group("space"):
            end = nxt - len(m.group("space"))  # a sentence end followed by a new sentence
        elif m.group("close") or _LOWER2.search(line, 0, at):
            end = nxt  # a sentence end glued to a capital: "in.”Brinkwire", "said.The"
        else:
            continue  # "U.S", "3.5B": marks inside a word
        if end > start:
            spans.append((start, end))
        start = nxt
    if start < n:
        spans.append((start, n))
    return spans


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
                segs = segment_spans(line) if n >= 2 * min_segment_chars else ()
                if len(segs) > 1:
                    last = len(segs) - 1
                    for i, (s, e) in enumerate(segs):
                        seg_key = normalise(line[s:e])
                        if len(seg_key) < min_segment_chars or not _LETTER.search(seg_key):
                            continue
                        kind = "first" if i == 0 else "last" if i == last else "middle"
                        out.append(Unit(pos + s, pos + e, kind, seg_key))
        pos += n + 1
    return out


def keys(text: str, source_hi: int, min_segment_chars: int = 12) -> set[int]:
    """The distinct 64-bit keys of a document's lines and segments (what ``observe`` counts):
    the same keys :func:`unit_key` gives for :func:`units`, without building the units."""
    hi = source_hi << ITEM_BITS
    out: set[int] = set()
    h = xxhash.xxh3_64_intdigest
    letter = _LETTER.search
    edge = _EDGE
    min_line = 2 * min_segment_chars
    for line in text.split("\n"):
        if not line or not letter(line):
            continue
        key = (" ".join(line.split()) if "  " in line or "\t" in line else line).strip(edge).lower()
        if not key:
            continue
        out.add(hi | (h(key.encode(), 1) & ITEM_MASK))
        if len(line) < min_line:
            continue
        segs = segment_spans(line)
        if len(segs) > 1:
            for s, e in segs:
                seg = line[s:e]
                seg_key = (
                    (" ".join(seg.split()) if "  " in seg or "\t" in seg else seg)
                    .strip(edge)
                    .lower()
                )
                if len(seg_key) >= min_segment_chars and letter(seg_key):
                    out.add(hi | (h(seg_key.encode(), 2) & ITEM_MASK))
    return out


def source_bits(source: str) -> int:
    return xxhash.xxh3_64_intdigest(source.encode()) >> ITEM_BITS


def unit_key(source_hi: int, unit: Unit) -> int:
    """The 64-bit key of a unit within a source: whole lines and segments hash apart."""
    seed = 1 if unit.kind == "line" else 2
    return (source_hi << ITEM_BITS) | (
        xxhash.xxh3_64_intdigest(unit.key.encode(), seed) & ITEM_MASK
    )
