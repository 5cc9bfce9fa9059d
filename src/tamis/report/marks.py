"""Where each edit shows in the original and in the cleaned text, for side-by-side display.

An edit log stores each edit's ``pos`` in the text as it was just before that edit, which is
what makes it replayable, but a reader wants to see every edit at once: the characters of the
original it removed, and the characters of the cleaned text it inserted. This module replays
the log over a list of segments (slices of the original, or slices of an edit's inserted text)
so that each final character knows where it came from, and each removed original character
knows which edit removed it. Later edits can remove what earlier ones inserted (a line that
``repair`` fixed and ``clean`` then dropped); such text appears in neither view, and both
edits still get a marker, so none is invisible.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# segment kinds
ORIG, INS, MARK = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of displayed text; ``edit`` is the index of the edit that removed (in the original
    view) or inserted (in the cleaned view) it, or None for untouched text. A piece with empty
    ``text`` and an edit is a position marker: an insertion point in the original view, or a
    deletion point in the cleaned view."""

    text: str
    edit: int | None = None


def _field(e: Any, name: str) -> Any:
    return e[name] if isinstance(e, dict) else getattr(e, name)


def edit_marks(original: str, edits: list[Any]) -> tuple[list[Piece], list[Piece]]:
    """Pieces of the original view and of the cleaned view.

    ``"".join(p.text for p in original_pieces) == original`` and the same for the cleaned
    text (``replay(original, edits)``); raises ValueError when the log does not match.
    """
    # a segment: [kind, a, b, edit]; ORIG slices original[a:b], INS slices inserted[edit][a:b]
    segs: list[list[int]] = [[ORIG, 0, len(original), -1]] if original else []
    inserted = [_field(e, "inserted") for e in edits]
    removed_ranges: list[tuple[int, int, int]] = []  # (orig start, orig end, edit)
    anchors: list[tuple[int, int]] = []  # (orig position, edit) for edits that removed no orig
    hint_i, hint_off = 0, 0  # segment index and text offset to resume the scan from
    for k, e in enumerate(edits):
        pos, rem = _field(e, "pos"), _field(e, "removed")
        end = pos + len(rem)
        if pos < hint_off:
            hint_i, hint_off = 0, 0
        i = _split(segs, pos, hint_i, hint_off, after_marks=True)
        j = _split(segs, end, i, pos, after_marks=False)
        got = "".join(_seg_text(s, original, inserted) for s in segs[i:j])
        if got != rem:
            raise ValueError(f"edit {k} does not match the text at {pos}: {rem!r} != {got!r}")
        removed_orig = False
        for s in segs[i:j]:
            if s[0] == ORIG and s[2] > s[1]:
                removed_ranges.append((s[1], s[2], k))
                removed_orig = True
        new = [[INS, 0, len(inserted[k]), k]] if inserted[k] else [[MARK, 0, 0, k]]
        segs[i:j] = new
        if not removed_orig:
            anchors.append((_orig_anchor(segs, i + 1, len(original)), k))
        hint_i, hint_off = i, pos
    return _original_pieces(original, removed_ranges, anchors), _cleaned_pieces(
        segs, original, inserted
    )


def _seg_len(s: list[int]) -> int:
    return s[2] - s[1]


def _seg_text(s: list[int], original: str, inserted: list[str]) -> str:
    if s[0] == ORIG:
        return original[s[1] : s[2]]
    if s[0] == INS:
        return inserted[s[3]][s[1] : s[2]]
    return ""


def _split(segs: list[list[int]], pos: int, from_i: int, from_off: int, after_marks: bool) -> int:
    """Index of the first segment at or after text offset ``pos``, splitting one if needed.

    ``from_i`` is a segment known to start at ``from_off <= pos`` (the scan resumes there).
    Zero-length markers sitting exactly at ``pos`` go before the split point when
    ``after_marks`` (the start of an edit) and after it otherwise (its end), so an edit never
    swallows the marker of a neighbouring one.
    """
    i, off = from_i, from_off
    while i < len(segs):
        n = _seg_len(segs[i])
        if n == 0:
            if off < pos or (off == pos and after_marks):
                i += 1
                continue
            return i
        if off + n <= pos:
            off += n
            i += 1
            continue
        if off == pos:
            return i
        s = segs[i]
        cut = s[1] + (pos - off)
        segs[i : i + 1] = [[s[0], s[1], cut, s[3]], [s[0], cut, s[2], s[3]]]
        return i + 1
    if off < pos:
        raise ValueError(f"edit position {pos} is past the end of the text ({off})")
    return i


def _orig_anchor(segs: list[list[int]], i: int, n_orig: int) -> int:
    for s in segs[i:]:
        if s[0] == ORIG:
            return s[1]
    return n_orig


def _original_pieces(
    original: str, removed: list[tuple[int, int, int]], anchors: list[tuple[int, int]]
) -> list[Piece]:
    events = sorted(
        [(a, 1, b, k) for a, b, k in removed] + [(p, 0, p, k) for p, k in anchors],
        key=lambda t: (t[0], t[1], t[3]),
    )
    pieces: list[Piece] = []
    cursor = 0
    for a, _, b, k in events:
        if a > cursor:
            pieces.append(Piece(original[cursor:a]))
        pieces.append(Piece(original[a:b], k))
        cursor = max(cursor, b)
    if cursor < len(original):
        pieces.append(Piece(original[cursor:]))
    return pieces


def _cleaned_pieces(segs: list[list[int]], original: str, inserted: list[str]) -> list[Piece]:
    pieces: list[Piece] = []
    for s in segs:
        if s[0] == ORIG:
            text = original[s[1] : s[2]]
            if pieces and pieces[-1].edit is None:
                pieces[-1] = Piece(pieces[-1].text + text)
            else:
                pieces.append(Piece(text))
        elif s[0] == INS:
            text = inserted[s[3]][s[1] : s[2]]
            if pieces and pieces[-1].edit == s[3] and pieces[-1].text:
                pieces[-1] = Piece(pieces[-1].text + text, s[3])
            else:
                pieces.append(Piece(text, s[3]))
        else:
            pieces.append(Piece("", s[3]))
    return pieces
