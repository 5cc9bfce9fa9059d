"""Whole punctuation mojibake that ftfy leaves beside letters Windows-1252 cannot encode.

``’`` is E2 80 99 in UTF-8; read as Windows-1252 it is ``â€™``, and ``№`` (E2 84 96) is
``â„–``. ftfy decodes such a sequence by re-encoding the text around it, so where it touches a
letter no single-byte code page holds (``праціâ€™``, ``жылдары â„–7`` on a Ukrainian or Kazakh
line whose letters ftfy or the rebuild pass decoded) it leaves it whole. The sequence is read
back when it is a complete UTF-8 sequence of the General Punctuation or Letterlike Symbols
blocks, ftfy leaves the line as it is, and the line holds letters beyond Windows-1252 (the
reason ftfy left it): no clean text writes ``â`` before ``€`` or ``„`` and a continuation byte's
character.
"""

from __future__ import annotations

import re

from tamis.document import Replacement

RULE = "folded_mojibake"
REASON = "UTF-8 read as Windows-1252, left whole beside letters ftfy cannot re-encode"

# ``â`` (E2), then ``€`` (80) or ``„`` (84), then a continuation byte read as Windows-1252.
_MARK_RE = re.compile("â[€„][\x80-\xbf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]")


def _decoded(seq: str) -> str | None:
    import ftfy.bad_codecs  # noqa: F401  (registers "sloppy-windows-1252")

    try:
        char = seq.encode("sloppy-windows-1252").decode("utf-8")
    except UnicodeError:
        return None
    return char if len(char) == 1 and "\u2000" <= char <= "\u214f" else None


def _beyond_cp1252(line: str) -> bool:
    """Whether ``line`` holds a letter Windows-1252 cannot encode (Cyrillic, Greek, ``ą``)."""
    import ftfy.bad_codecs  # noqa: F401

    try:
        line.encode("sloppy-windows-1252")
    except UnicodeEncodeError:
        return True
    return False


def leftover_marks(text: str) -> list[Replacement]:
    """Replacements of the whole sequences ftfy left (see the module doc)."""
    if "â" not in text or _MARK_RE.search(text) is None:
        return []
    import ftfy

    out: list[Replacement] = []
    start = 0
    for line in text.split("\n"):
        found = [(m, _decoded(m.group())) for m in _MARK_RE.finditer(line)]
        found = [(m, char) for m, char in found if char]
        if found and _beyond_cp1252(line) and ftfy.fix_encoding(line) == line:
            out += [
                Replacement(start + m.start(), start + m.end(), char, RULE, REASON)
                for m, char in found
            ]
        start += len(line) + 1
    return out
