"""C1 controls that are MacRoman letters, not Windows-1252 punctuation.

Text stored as MacRoman and read as Latin-1 leaves its accented letters as C1 controls: the
``â`` of ``grâce`` is byte 89, which Windows-1252 (and so ftfy) reads as ``‰``, giving
``gr‰ce``. Windows-1252 puts punctuation at 80-9F, MacRoman puts letters there. So a line is
read as MacRoman only when

* a C1 control sits inside a word with a Windows-1252 reading that never does (``‰``, ``‡``,
  ``ƒ``, or one of its undefined bytes): evidence for MacRoman;
* no C1 control sits at a word edge (the spaced dash of ``word \\x96 word`` is Windows-1252);
* every character is Latin-1, as MacRoman bytes read as Latin-1 are;
* no C1 control completes a UTF-8 sequence (``Ã\\x89`` is UTF-8 ``É``: ftfy's case).

Dashes, the ellipsis and quotes decide nothing (``movie\\x97just`` is an unspaced em dash), nor
does byte 92, ``’`` in Windows-1252 and ``í`` in MacRoman.
"""

from __future__ import annotations

import re

from tamis.document import Replacement

RULE = "c1_macroman"
C1_RE = re.compile("[\x80-\x9f]")
# Windows-1252 readings that never sit inside a word (plus its five undefined bytes). Dashes,
# the ellipsis and quotes are left out: ``movie\x97just`` is an unspaced em dash.
_NEVER_IN_WORD = set("€‚ƒ„†‡ˆ‰‹›˜™") | {""}


def _cp1252(ch: str) -> str:
    try:
        return ch.encode("latin-1").decode("cp1252")
    except UnicodeDecodeError:
        return ""


_NON_ASCII_RUN_RE = re.compile("[^\x00-\x7f]+")
_ABOVE_LATIN1_RE = re.compile("[^\x00-\xff]")


def _line_is_macroman(line: str) -> bool:
    if _ABOVE_LATIN1_RE.search(line) is not None:
        return False  # MacRoman bytes read as Latin-1 give nothing above U+00FF
    for run in _NON_ASCII_RUN_RE.findall(line):
        if C1_RE.search(run):
            try:
                run.encode("latin-1").decode("utf-8")
            except UnicodeDecodeError:
                continue
            return False  # complete UTF-8 read as Latin-1 (``Ã\x89`` is É): ftfy's case
    evidence = False
    for m in C1_RE.finditer(line):
        i = m.start()
        prev = line[i - 1] if i else ""
        nxt = line[i + 1] if i + 1 < len(line) else ""
        if not (prev.isalpha() or C1_RE.match(prev)) or not (nxt.isalpha() or C1_RE.match(nxt)):
            return False  # at a word edge: Windows-1252 punctuation is the natural reading
        if _cp1252(m.group()) in _NEVER_IN_WORD:
            evidence = True
    return evidence


def macroman_repairs(text: str) -> list[Replacement]:
    if C1_RE.search(text) is None:
        return []
    out: list[Replacement] = []
    start = 0
    for line in text.split("\n"):
        if C1_RE.search(line) and _line_is_macroman(line):
            for m in C1_RE.finditer(line):
                letter = m.group().encode("latin-1").decode("mac-roman")
                out.append(
                    Replacement(
                        start + m.start(),
                        start + m.end(),
                        letter,
                        RULE,
                        "MacRoman letter read as Latin-1 (C1 control inside a word)",
                    )
                )
        start += len(line) + 1
    return out
