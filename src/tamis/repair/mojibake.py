"""ftfy's mojibake repair, applied only to the lines that need it, as positioned edits.

ftfy does the decoding (UTF-8 read as Windows-1252, Latin-1, MacRoman, Windows-1251...; double
encoding; inconsistent mixes; C1 controls meant as Windows-1252 punctuation). tamis runs it with
its typography-changing fixes off (quotes stay curly, ligatures and full-width forms stay, NFC
and line breaks are separate rules), only on lines that the badness gate of :mod:`tamis.repair.precheck` flags
(and, when a line only needs character fixes, only on the flagged stretches).
"""

from __future__ import annotations

import re
from functools import lru_cache

from tamis.document import Replacement
from tamis.repair.precheck import ftfy_gate, gate_search
from tamis.repair.spans import diff_replacements, line_at


@lru_cache(maxsize=1)
def _config():
    import ftfy

    return ftfy.TextFixerConfig(
        unescape_html=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        remove_control_chars=False,
        normalization=None,
        explain=True,
    )


def rule_for(steps) -> tuple[str, str]:
    """An edit-log rule name and reason from ftfy's explanation of one line."""
    steps = list(steps or [])
    if any(s.action == "encode" for s in steps):
        plan = ", ".join(f"{s.action} {s.parameter}" for s in steps)
        return "ftfy:fix_encoding", plan
    names = [s.parameter for s in steps if s.action in ("apply", "transcode")]
    if names:
        return "ftfy:" + names[0], ", ".join(f"{s.action} {s.parameter}" for s in steps)
    return "ftfy:fix_encoding", ", ".join(f"{s.action} {s.parameter}" for s in steps)


# Two words and the spaces after each, read forwards (or, on the reversed text, backwards).
_TWO_WORDS_RE = re.compile(r"(?:\S*\s*){2}")


def _around(line: str, start: int, end: int) -> tuple[int, int]:
    """Widen a suspicious match to whole words, plus one word of context on each side."""
    if start:
        start -= _TWO_WORDS_RE.match(line[start - 1 :: -1]).end()
    start = start if start == 0 or not line[start].isspace() else start + 1
    return start, _TWO_WORDS_RE.match(line, end).end()


def chunks(line: str, gate) -> list[tuple[int, int]]:
    """Stretches of ``line`` that ftfy should see: each gate match with its neighbouring words.

    ftfy's decisions are local (a mojibake sequence and the letters next to it), and running
    its badness test on a whole 2,000-character review to fix one C1 dash costs far more than
    running it on the dozen characters around the dash.
    """
    spans: list[tuple[int, int]] = []
    for m in gate.finditer(line):
        if spans and m.start() < spans[-1][1]:
            start, end = _around(line, m.start(), m.end())
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
            continue
        start, end = _around(line, m.start(), m.end())
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans


_C1_RE = re.compile("[\x80-\x9f]")
_CHARACTER_FIX_RE = re.compile("[\x80-\x9f\x1b\ud800-\udfff]")


def _line_repairs(line: str, offset: int, gate, config) -> list[Replacement]:
    """ftfy on one line: the whole line when it shows mojibake, else only the flagged stretches.

    ftfy decides an encoding for a whole segment at once (a line read as MacRoman is decoded
    as MacRoman throughout), so a line whose flagged stretches look like mojibake to ftfy's
    badness test gets exactly what ftfy would do to it. The stretches that are only flagged for
    C1 controls, surrogates or terminal escapes are fixed character by character in ftfy
    anyway, so they are handed over alone: a 2,000-character review with one C1 dash costs a
    few dozen characters of ftfy, not two passes of its badness test over the review.
    """
    from ftfy import fix_and_explain
    from ftfy.badness import is_bad

    spans = chunks(line, gate)
    pieces = [(start, end, line[start:end]) for start, end in spans]
    if any(is_bad(_C1_RE.sub(" ", piece)) for _, _, piece in pieces):
        pieces = [(0, len(line), line)]
    elif _CHARACTER_FIX_RE.search(line) is None:
        # ftfy decodes nothing in a stretch its badness test passes, and its other fixes on
        # (C1 controls, surrogates, terminal escapes) need their characters: nothing to call.
        return []
    out: list[Replacement] = []
    for start, _, piece in pieces:
        fixed, steps = fix_and_explain(piece, config)
        if fixed != piece:
            rule, reason = rule_for(steps)
            out += [
                r
                for r in diff_replacements(piece, fixed, rule, reason, offset + start)
                if not _FOOTNOTE_DAGGER_RE.search(line, r.start - offset, r.end - offset + 1)
            ]
    return out


# A dagger glued to the end of a word and followed by a space is a footnote or death mark
# (``lá† 1944``): ftfy reads the letter, the dagger and the space (as A0) as one character.
# After a two-byte lead (``Ñ†`` is ц, ``Ë†`` the ˆ of double mojibake) the dagger is a
# continuation byte: ftfy's; not after ``ß`` or ``Í`` (Thaana, a combining mark), which are
# letters of clean text. So is one after a closing mark MacRoman also holds (``guvernare!»†``:
# ``»†`` is C8 A0 in MacRoman, the UTF-8 of ``Ƞ``, which no text writes before a space).
_FOOTNOTE_DAGGER_RE = re.compile(
    "(?:(?![\u00c2-\u00cc\u00ce-\u00de])[^\\W\\d_]|[\u00bb\u201d\u2019\u2026])\u2020(?: |$)"
)


def ftfy_repairs(text: str) -> list[Replacement]:
    m = gate_search(text)
    if m is None:
        return []
    gate = ftfy_gate()
    config = _config()
    out: list[Replacement] = []
    while m is not None:
        start, end = line_at(text, m.start())
        out += _line_repairs(text[start:end], start, gate, config)
        m = gate_search(text, end + 1) if end < len(text) else None
    return out
