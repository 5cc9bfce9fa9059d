"""A Cyrillic ``А`` and the space after it, read by ftfy as one ``Р``.

``А`` is D0 90 in UTF-8. A strict Windows-1252 decoder drops the 90 and leaves ``Ð``; when a
space follows (``А только``), ftfy takes ``Ð`` and the space for D0 A0 (a no-break space is
A0) and decodes ``Р``: ``Ртолько``. The damage leaves a capital ``Р`` glued to a lower-case
word where a clause starts (after a comma, a stop, a quote or the start of a line, where the
conjunction ``А`` stands). Russian, Ukrainian, Bulgarian, Macedonian and Serbian words rarely
start with ``р`` and a consonant, so only such words are read, and only when the word lists
(:mod:`.lexicon`) hold the word without its ``р`` and no list holds it with: ``Ртолько`` is
``А только``; ``Ржев``, ``Ртищев`` (no ``жев``, ``тищев``) and ``Рвение`` (``рвение`` is a
word) stay. The pass runs after ftfy's, which makes the ``Р``.
"""

from __future__ import annotations

from tamis.document import Replacement
from tamis.repair import lexicon
from tamis.repair.precheck import EATEN_A_RE

RULE = "lost_byte_mojibake"
REASON = "Cyrillic А (D0 90) whose 90 a strict Windows-1252 decoder dropped, then read by ftfy with the space after it as Р (D0 A0)"  # fmt: skip

_LISTS = lexicon.CYRILLIC


def eaten_a(text: str) -> list[Replacement]:
    """Replacements of ``Р`` glued to a word by ``А `` (see the module doc)."""
    if "Р" not in text or not lexicon.available():
        return []
    out: list[Replacement] = []
    for m in EATEN_A_RE.finditer(text):
        word = m.group(1)
        if _listed(word) and not _listed("р" + word):
            out.append(Replacement(m.start(), m.start() + 1, "А ", RULE, REASON))
    return out


def _listed(word: str) -> bool:
    return any(word in lexicon.words(lang) for lang in _LISTS)
