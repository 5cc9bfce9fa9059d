"""Vietnamese syllables that ftfy split at an ``à``: ``hà ng`` is ``hàng``.

Vietnamese ``à`` is C3 A0 in UTF-8. Read as Windows-1252 it is ``Ã`` and a no-break space;
NFKC makes that a plain space, and ftfy then reads ``Ã`` plus the space as ``à`` and keeps a
space: ``hàng`` comes out ``hà ng``, ``và gây`` as ``và  gây``. No Vietnamese syllable is a
bare consonant cluster (``ng``, ``nh``, ``m``), so the fragment after the space gives the split
away: the two parts are joined when the Vietnamese word list (:mod:`.lexicon`) holds the joined
syllable and the fragment is no syllable (a consonant cluster or ``i``), or it holds the joined
syllable as a more frequent word than the fragment alone, or when the joined syllable makes a
word with its neighbour and the split one does not (``pháo đà i`` is ``pháo đài``: the syllable
pairs of :func:`.lexicon.vi_pairs`), on lines whose other words the list holds (Vietnamese
text). Once a line shows such a split, a doubled space after ``à`` is the
same accident and loses one space, and so does a space between ``à`` and a full stop or comma
(``bà .``), which Vietnamese never sets.
"""

from __future__ import annotations

import re

from tamis.document import Replacement
from tamis.repair import lexicon
from tamis.repair.precheck import SPLIT_GATE_RE, VIETNAMESE_RE, split_syllable

RULE = "folded_mojibake"
# A syllable ending in à, a space, and a fragment of at most two lower-case letters.
SPLIT_RE = re.compile(r"([^\W\d_]*[àÀ]) ([a-z]{1,2})(?![^\W\d_])")
_DOUBLE_RE = re.compile(r"[àÀ]  (?=\S)")
# ``bà .``: the space before a full stop or comma, which Vietnamese never sets.
_BEFORE_STOP_RE = re.compile(r"[àÀ] (?=[.,](?:\s|$))")
_WORD_RE = re.compile(r"[^\W\d_]+")
# Fragments no Vietnamese syllable is alone: a bare consonant cluster, or ``i`` (the list holds
# them all, as letters and abbreviations, often more frequent than the syllable they end:
# ``đà nh``, ``loà i``).
_NO_SYLLABLE_RE = re.compile("[^aeiouy]+|i")
_KNOWN_SHARE = 0.5
_UNLISTED = 10**6  # the band of a word the list does not hold


def is_vietnamese_line(line: str) -> bool:
    """Whether at least half of the words of ``line`` are in the Vietnamese word list."""
    known = lexicon.words("vi")
    found = [w.lower() for w in _WORD_RE.findall(line)]
    return bool(found) and sum(1 for w in found if w in known) >= _KNOWN_SHARE * len(found)


_BEFORE_RE = re.compile(r"([^\W\d_]+) $")
_AFTER_RE = re.compile(r" ([^\W\d_]+)")


def _pairs_better(line: str, m: re.Match[str]) -> bool:
    """Whether the joined syllable forms a word with the syllable before or after it (``pháo
    đài``) and the split one does not (``pháo đà``, ``i chống``): :func:`.lexicon.vi_pairs`."""
    pairs = lexicon.vi_pairs()
    head, tail = m.group(1).lower(), m.group(2).lower()
    before = _BEFORE_RE.search(line, 0, m.start())
    after = _AFTER_RE.match(line, m.end())
    prev = before.group(1).lower() if before else ""
    nxt = after.group(1).lower() if after else ""
    joined = head + tail
    split = (prev and f"{prev} {head}" in pairs) or (nxt and f"{tail} {nxt}" in pairs)
    whole = (prev and f"{prev} {joined}" in pairs) or (nxt and f"{joined} {nxt}" in pairs)
    return bool(whole) and not split


def line_repairs(line: str, offset: int = 0) -> list[Replacement]:
    """Joins of split syllables on ``line`` (see the module doc)."""
    if not VIETNAMESE_RE.search(line) or not is_vietnamese_line(line):
        return []
    known = lexicon.words("vi")
    out = []
    for m in SPLIT_RE.finditer(line):
        head, tail = m.group(1), m.group(2)
        joined = known.get((head + tail).lower())
        if joined is None:
            continue
        if (
            _NO_SYLLABLE_RE.fullmatch(tail.lower())
            or joined < known.get(tail, _UNLISTED)
            or _pairs_better(line, m)
        ):
            out.append(
                Replacement(
                    offset + m.end(1),
                    offset + m.end(1) + 1,
                    "",
                    RULE,
                    "à (C3 A0) whose A0 NFKC made a space, kept by ftfy: the syllable rejoined",
                )
            )
    if not out:
        return out
    # The same accident beside a real space or before a stop, on a line that shows it.
    for pattern, where in ((_DOUBLE_RE, "beside a real one"), (_BEFORE_STOP_RE, "before a stop")):
        for m in pattern.finditer(line):
            out.append(
                Replacement(
                    offset + m.start() + 1,
                    offset + m.start() + 2,
                    "",
                    RULE,
                    f"à (C3 A0) whose A0 NFKC made a space, kept by ftfy {where}",
                )
            )
    return sorted(out, key=lambda r: r.start)


def repairs(text: str) -> list[Replacement]:
    """Every line of ``text`` that shows a split syllable (a cheap search first)."""
    if not split_syllable(text) or not lexicon.available():
        return []
    out: list[Replacement] = []
    start = 0
    for line in text.split("\n"):
        if SPLIT_GATE_RE.search(line):
            out += line_repairs(line, start)
        start += len(line) + 1
    return out
