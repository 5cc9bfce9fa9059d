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

import operator
import re
from itertools import compress, repeat, starmap
from operator import itemgetter
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


# _MARKS over a whole text rather than one line: no part of it matches a line break, so its
# matches are the lines' matches, except a sentence end followed by spaces and then the end of
# its line, which a line alone ends (the look-ahead meets the end of the string) and a text
# continues (it meets "\n", a space); the extra "(?=\n)" restores that.
_TEXT_MARKS = re.compile(
    r"[.!?…|–—·•-]"
    r"(?:(?<=[.!?…])[.!?…]*(?P<close>[\"'”’»)\]]*)(?:(?P<space>[ \t]+)(?:(?=\n)|(?![a-zà-ÿа-я\s]))|(?=[A-ZÀ-ÞА-Я]))"
    r"|(?<=[|–—·•])(?![|–—·•.!?…)\]-])"
    r"|(?<= -)(?= ))"
)
_SEPARATORS = "|–—·•-"

# _TEXT_MARKS on any text, as literal-led scans of copies: one where "!", "?" and "…" are "."
# (the sentence branch, which treats the four alike) and one where "–", "—", "·" and "•" are
# "|" (the lone-separator branch, whose look-ahead treats the five alike and the sentence marks
# alike), plus the spaced "-". Each replacement is one character for one, so positions hold;
# each scan's literal is the one character of its branch, and no match consumes a character
# another scan starts on, so together, in text order, they are _TEXT_MARKS's matches. A scan
# and a replacement run only when their characters occur. (On ASCII text this is also quicker
# than scanning its bytes: the encoding and a translated copy cost more than they save.)
_SENTENCE = re.compile(
    r"\.(?:\.*(?P<close>[\"'”’»)\]]*)(?:(?P<space>[ \t]+)(?:(?=\n)|(?![a-zà-ÿа-я\s]))|(?=[A-ZÀ-ÞА-Я])))"
)
_BAR = re.compile(r"\|(?![|.)\]-])")
_DASH = re.compile(r"-(?<= -)(?= )")


def _text_marks(text: str) -> list[re.Match[str]]:
    """``list(_TEXT_MARKS.finditer(text))`` (same spans and groups), for any ``text``."""
    dots = text
    for mark in "!?…":
        if mark in dots:
            dots = dots.replace(mark, ".")
    found = list(_SENTENCE.finditer(dots)) if "." in dots else []
    more = []
    bars = dots
    for mark in "–—·•":
        if mark in bars:
            bars = bars.replace(mark, "|")
    if "|" in bars:
        more += _BAR.finditer(bars)
    if " - " in text:
        more += _DASH.finditer(text)
    if more:
        found += more
        found.sort(key=re.Match.start)
    return found


def _segment_spans_of_text(text: str, min_line: int) -> list[tuple[int, int]]:
    """The segment spans (text coordinates) of every line that :func:`keys` cuts: lines of at
    least ``min_line`` characters with a letter and at least two segments. Only lines holding a
    boundary mark are visited; a line without one is a single segment."""
    out: list[tuple[int, int]] = []
    letter = _LETTER.search
    spans: list[tuple[int, int]] = []
    start = line_end = -1
    line_ok = False
    for m in _text_marks(text):
        at = m.start()
        if at >= line_end:  # the first mark of a line: close the previous line's spans
            if line_ok:
                if start < line_end:
                    spans.append((start, line_end))
                if len(spans) > 1:
                    out += spans
            line_start = text.rfind("\n", 0, at) + 1
            line_end = text.find("\n", at)
            if line_end < 0:
                line_end = len(text)
            line_ok = line_end - line_start >= min_line and letter(text, line_start, line_end)
            spans = []
            start = line_start
        if not line_ok:
            continue
        kind = m.lastindex  # 2: a sentence end and its spaces, 1: a glued one, None: a separator
        if kind == 2:
            end = m.start(2)
        elif kind is None:
            end = at
            while end > start and text[end - 1] in " \t":
                end -= 1
            nxt = m.end()
            while nxt < line_end and text[nxt] in " \t":
                nxt += 1
            if end > start:
                spans.append((start, end))
            start = nxt
            continue
        elif m.end(1) > m.start(1) or (
            at >= line_start + 2 and _LOWER2.match(text, at - 2, at) is not None
        ):
            end = m.end()  # glued to a capital after a closing quote or a lower-case word
        else:
            continue
        spans.append((start, end))  # a sentence end lies after start: never empty
        start = m.end()
    if line_ok:
        if start < line_end:
            spans.append((start, line_end))
        if len(spans) > 1:
            out += spans
    return out


#: White space other than " " and "\n", as str.split and str.strip see it (ASCII first).
_OTHER_SPACE = "\t\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
_NOT_PER_CHARACTER = "\u0130\u03a3"


def _normalised(pieces, plain: bool, fold: bool, lowered: bool, edge: str = _EDGE) -> list[str]:
    """:func:`normalise` over many pieces as C-level maps, not a Python loop per piece.

    On a ``plain`` text (no white space but spaces and line breaks) the edge strip comes first
    and only a key that keeps a double space is folded: the edge marks include the space, so
    stripping before folding gives the same key. ``fold`` False says no piece holds a double
    space or a tab; ``lowered`` says the pieces come from an already lower-cased text (see
    :func:`_group_keys` for when that commutes with the cut, the fold and the strip).
    """
    if plain:
        keys = list(map(str.strip, pieces, repeat(edge)))
        if fold:
            _fold(keys, map(str.__contains__, keys, repeat("  ")))
    else:
        pieces = list(pieces)
        if fold:
            needs = map(
                operator.or_,
                map(str.__contains__, pieces, repeat("  ")),
                map(str.__contains__, pieces, repeat("\t")),
            )
            _fold(pieces, needs)
        keys = map(str.strip, pieces, repeat(edge))
    return list(keys if lowered else map(str.lower, keys))


def _fold(pieces: list[str], needs) -> None:
    """Fold white space runs to one space in the pieces that ``needs`` says (in place)."""
    for i in compress(range(len(pieces)), needs):
        pieces[i] = " ".join(pieces[i].split())


def _holds_double_space(text: str) -> bool:
    """``"  " in text``, read as bytes in numpy: str's two-character search takes about 1.7 ns a
    character on prose with a space every few characters, this a tenth of that. A space is
    one byte in UTF-8 and no byte of a longer character is a space."""
    import numpy as np

    space = np.frombuffer(text.encode("utf-8", "surrogatepass"), np.uint8) == 32
    return bool((space[1:] & space[:-1]).any())


def _group_keys(texts: list[str], min_segment_chars: int):
    """For documents joined as one text: the document of each key and its 64-bit hash."""
    import numpy as np

    text = "\n".join(texts)
    letter = _LETTER.search
    # Lower-casing is per character, one for one, for every character but "İ" (two) and "Σ"
    # (final or not by context); no character lower-cases to or from white space, an edge
    # mark or a non-letter. Without those two, the lower-cased text can be cut into keys.
    lowered = _NOT_PER_CHARACTER[0] not in text and _NOT_PER_CHARACTER[1] not in text
    source = text.lower() if lowered else text
    fold = "\t" in text or _holds_double_space(text)
    # without anything to fold, both orders of fold and strip are the same
    # (one substring test per character: most are memchr-fast and those above the text's widest
    # character return at once; a class search tests every position at about 3 ns)
    plain = fold and not any(map(text.__contains__, _OTHER_SPACE))
    # lines, and the document each belongs to
    lines = source.split("\n")
    per_doc = np.fromiter(map(str.count, texts, repeat("\n")), np.int64, len(texts)) + 1
    line_doc = np.repeat(np.arange(len(texts)), per_doc)
    # a line with a letter keeps it through the strip (no edge mark is a letter), so its key
    # is never empty
    has_letter = np.fromiter(map(bool, map(letter, lines)), bool, len(lines))
    line_keys = _normalised(compress(lines, has_letter), plain, fold, lowered)
    docs = [line_doc[has_letter]]
    hashes = [_hashes(line_keys, 1)]
    spans = _segment_spans_of_text(text, 2 * min_segment_chars)
    if spans:
        seg_keys = _normalised(map(source.__getitem__, starmap(slice, spans)), plain, fold, lowered)
        n = len(seg_keys)
        keep = np.fromiter(map(len, seg_keys), np.int64, n) >= min_segment_chars
        keep &= np.fromiter(map(bool, map(letter, seg_keys)), bool, n)
        ends = np.cumsum(np.fromiter(map(len, texts), np.int64, len(texts)) + 1) - 1
        seg_doc = np.searchsorted(ends, np.fromiter(map(itemgetter(0), spans), np.int64, n))
        docs.append(seg_doc[keep])
        hashes.append(_hashes(compress(seg_keys, keep), 2))
    return np.concatenate(docs), np.concatenate(hashes)


def batch_keys(texts: list[str], source_his: list[int], min_segment_chars: int = 12):
    """The keys of many documents and, for each distinct key, how many documents hold it:
    ``(keys, counts)``, numpy arrays, keys sorted. Each document's keys are :func:`keys`."""
    return count_documents(*key_pairs(texts, source_his, min_segment_chars))


def key_pairs(texts: list[str], source_his: list[int], min_segment_chars: int = 12):
    """Every key of every document and the document's index: ``(keys, docs)``, numpy arrays,
    a key repeated as often as the document holds it.

    Written for speed, since observe reads every document. The documents are joined by line
    breaks and read as one text: no key spans a line and no boundary mark matches a line break,
    so each document keeps its lines and segments, while the scan for boundary marks, the
    normalisation and the hashing run once per batch as C-level maps instead of a Python loop
    per line, segment and document (only the boundary decisions loop in Python, per mark).
    ASCII documents are read apart from the others: joined with a page holding one wider
    character they would be stored at two or four bytes a character, and every scan, cut and
    lower-casing over them would slow down (one group for all: IMDb 65 -> 85 ms).
    """
    import numpy as np

    docs, hashes = [], []
    is_ascii = list(map(str.isascii, texts))
    for group in (
        list(compress(range(len(texts)), is_ascii)),
        [i for i, a in enumerate(is_ascii) if not a],
    ):
        if group:
            doc, found = _group_keys([texts[i] for i in group], min_segment_chars)
            docs.append(np.asarray(group, dtype=np.int64)[doc])
            hashes.append(found)
    if not docs:
        return np.empty(0, np.uint64), np.empty(0, np.int64)
    doc = np.concatenate(docs)
    his = np.asarray(source_his, dtype=np.uint64)[doc]
    key = (his << np.uint64(ITEM_BITS)) | (np.concatenate(hashes) & np.uint64(ITEM_MASK))
    return key, doc


def count_documents(key, doc):
    """For each distinct key, how many documents hold it (a key counts once per document):
    ``(keys, counts)``, keys sorted."""
    import numpy as np

    if not len(key):
        return np.empty(0, np.uint64), np.empty(0, np.uint32)
    order = np.lexsort((doc, key))
    key, doc = key[order], doc[order]
    first = np.ones(len(key), dtype=bool)
    first[1:] = (key[1:] != key[:-1]) | (doc[1:] != doc[:-1])
    uniq, counts = np.unique(key[first], return_counts=True)
    return uniq, counts.astype(np.uint32)


def _hashes(keys, seed: int):
    import numpy as np

    h = xxhash.xxh3_64_intdigest
    return np.fromiter(map(h, map(str.encode, keys), repeat(seed)), np.uint64)


def keys(text: str, source_hi: int, min_segment_chars: int = 12) -> set[int]:
    """The distinct 64-bit keys of a document's lines and segments (what ``observe`` counts):
    the same keys :func:`unit_key` gives for :func:`units`, without building the units."""
    found, _ = batch_keys([text], [source_hi], min_segment_chars)
    return set(found.tolist())


def source_bits(source: str) -> int:
    return xxhash.xxh3_64_intdigest(source.encode()) >> ITEM_BITS


def unit_key(source_hi: int, unit: Unit) -> int:
    """The 64-bit key of a unit within a source: whole lines and segments hash apart."""
    seed = 1 if unit.kind == "line" else 2
    return (source_hi << ITEM_BITS) | (
        xxhash.xxh3_64_intdigest(unit.key.encode(), seed) & ITEM_MASK
    )
