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
from itertools import chain, compress, repeat
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


def _mark_scans(text: str) -> tuple[list[re.Match[str]], list[re.Match[str]]]:
    """The sentence ends and the separators of :func:`_text_marks`, each list in text order."""
    dots = text
    for mark in "!?…":
        if mark in dots:
            dots = dots.replace(mark, ".")
    sentences = list(_SENTENCE.finditer(dots)) if "." in dots else []
    separators = []
    bars = dots
    for mark in "–—·•":
        if mark in bars:
            bars = bars.replace(mark, "|")
    if "|" in bars:
        separators += _BAR.finditer(bars)
    if " - " in text:
        separators += _DASH.finditer(text)
        separators.sort(key=re.Match.start)
    return sentences, separators


def _text_marks(text: str) -> list[re.Match[str]]:
    """``list(_TEXT_MARKS.finditer(text))`` (same spans and groups), for any ``text``."""
    found, more = _mark_scans(text)
    if more:
        found = found + more
        found.sort(key=re.Match.start)
    return found


def _mark_table(text: str):
    """What the segment cut reads of :func:`_text_marks`'s matches, as numpy arrays in text
    order: ``(start, end, space, separator)``, ``space`` the start of a sentence end's
    trailing spaces (-1 without) and ``separator`` True for a separator. Read by C-level maps
    (two calls per sentence end, one per separator), not by a Python step per match."""
    import numpy as np

    sentences, separators = _mark_scans(text)
    n, m = len(sentences), len(separators)
    spans = np.fromiter(
        chain.from_iterable(map(re.Match.span, chain(sentences, separators))), np.int64, 2 * (n + m)
    ).reshape(n + m, 2)
    space = np.full(n + m, -1, np.int64)
    space[:n] = np.fromiter(map(re.Match.start, sentences, repeat(2)), np.int64, n)
    separator = np.zeros(n + m, bool)
    separator[n:] = True
    start, end = spans[:, 0], spans[:, 1]
    if n and m:
        order = np.argsort(start, kind="stable")
        start, end, space, separator = start[order], end[order], space[order], separator[order]
    return start, end, space, separator


def _segment_pieces(text: str, source: str, line_start, line_len, has_letter, min_line: int):
    """The segments of every line that :func:`keys` cuts (lines of at least ``min_line``
    characters with a letter and two segments, each cut as :func:`segment_spans` cuts it):
    ``(pieces, starts)``, each piece cut from ``source`` (``text`` or its lower-cased copy) and
    the start of its span in the text. Written for speed: the boundary decisions are numpy
    operations over all marks at once, not a Python step per mark (DCLM: 9,500 marks per 499
    pages); a piece next to a separator is first cut with the spaces and tabs on that side and
    then stripped of them, and a line counts its pieces after that, as the per-mark reading
    counts the spans it keeps."""
    import numpy as np

    at, end, space, separator = _mark_table(text)
    if not len(at):
        return [], np.empty(0, np.int64)
    line = np.searchsorted(line_start, at, "right") - 1
    ok = ((line_len >= min_line) & has_letter)[line]
    spaced = space >= 0
    cut = ok & (separator | spaced)
    # a sentence end glued to a capital: it ends a segment after a closing quote, or after a
    # word of two lower-case letters (the class holds no line break: the word is on its line)
    glued = np.flatnonzero(ok & ~separator & ~spaced).tolist()
    if glued:
        ends, starts = end[glued].tolist(), at[glued].tolist()
        cut[glued] = np.fromiter(
            map(
                operator.or_,
                map(_CLOSES.__contains__, map(text.__getitem__, [e - 1 for e in ends])),
                map(bool, map(_LOWER2.match, repeat(text), [a - 2 for a in starts], starts)),
            ),
            bool,
            len(glued),
        )
    k = np.flatnonzero(cut)
    if not len(k):
        return [], np.empty(0, np.int64)
    line_k, next_k, sep_k = line[k], end[k], separator[k]
    end_k = np.where(spaced[k], space[k], np.where(sep_k, at[k], next_k))
    first = np.ones(len(k), bool)
    first[1:] = line_k[1:] != line_k[:-1]
    last = np.ones(len(k), bool)
    last[:-1] = first[1:]
    start_k = np.empty(len(k), np.int64)
    start_k[1:] = next_k[:-1]
    start_k[first] = line_start[line_k[first]]
    last_line = line_k[last]
    # each cut mark's piece, then each line's last piece (after its last cut mark)
    starts = np.concatenate((start_k, next_k[last]))
    ends = np.concatenate((end_k, line_start[last_line] + line_len[last_line]))
    lines = np.concatenate((line_k, last_line))
    after_sep = np.zeros(len(k), bool)
    after_sep[1:] = sep_k[:-1]
    after_sep[first] = False
    before_sep = np.concatenate((sep_k, np.zeros(len(last_line), bool)))
    after_sep = np.concatenate((after_sep, sep_k[last]))
    order = np.argsort(starts, kind="stable")
    starts, ends, lines = starts[order], ends[order], lines[order]
    pieces = list(map(source.__getitem__, map(slice, starts.tolist(), ends.tolist())))
    # the spaces and tabs on a separator's side of a piece belong to no segment (a piece meets
    # a sentence end on a mark or a word, never on a space; a line's leading spaces stay)
    for near, strip in ((before_sep[order], str.rstrip), (after_sep[order], str.lstrip)):
        near = np.flatnonzero(near).tolist()
        if near:
            stripped = map(strip, map(pieces.__getitem__, near), repeat(" \t"))
            for i, piece in zip(near, stripped, strict=True):
                pieces[i] = piece
    filled = np.fromiter(map(bool, pieces), bool, len(pieces))
    per_line = np.bincount(lines[filled], minlength=len(line_len))
    keep = filled & (per_line[lines] > 1)
    return list(compress(pieces, keep)), starts[keep]


_CLOSES = "\"'”’»)]"


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
    line_len = np.fromiter(map(len, lines), np.int64, len(lines))
    line_start = np.zeros(len(lines), np.int64)
    np.cumsum(line_len[:-1] + 1, out=line_start[1:])
    pieces, starts = _segment_pieces(
        text, source, line_start, line_len, has_letter, 2 * min_segment_chars
    )
    if pieces:
        seg_keys = _normalised(pieces, plain, fold, lowered)
        n = len(seg_keys)
        keep = np.fromiter(map(len, seg_keys), np.int64, n) >= min_segment_chars
        keep &= np.fromiter(map(bool, map(letter, seg_keys)), bool, n)
        seg_doc = line_doc[np.searchsorted(line_start, starts, "right") - 1]
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
    per line, segment and document (the boundary decisions are numpy operations over all marks).
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
    new_key = np.ones(len(key), dtype=bool)
    new_key[1:] = key[1:] != key[:-1]
    first = new_key.copy()
    first[1:] |= doc[1:] != doc[:-1]
    # the pairs are sorted by key: each key's document count is the length of its run among
    # the first pairs (no second sort, as np.unique would do)
    key, new_key = key[first], new_key[first]
    starts = np.flatnonzero(new_key)
    counts = np.diff(np.append(starts, len(key)))
    return key[starts], counts.astype(np.uint32)


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
