"""Which dash a spaced mark was, when the bytes that told en from em dash were stripped.

A Latin-1 reading of UTF-8 with its C1 bytes stripped leaves the same lone ``â`` for ``–``
(E2 80 93) and ``—`` (E2 80 94). Between spaced words the convention of the text's language
decides: English news sets a spaced em dash (``WASHINGTON (AP) — The``, ``the third — liquid
water — is``), most other European typography a spaced en dash. The table was learned from
clean text, counting the spaced dashes of the tuned part of the multilingual damage model
(tests/test_repair_multilingual.py): English 50 em (48 ``—``, 2 ``―``) against 29 en; French,
German, Portuguese, Spanish, Indonesian, Malay and the South Slavic languages 41 en and no em.
English is told by the share of its commonest function words among the text's words, which
no other language written in Latin-1 reaches.

Before the language's convention, the text's own: where the text around the line still holds
intact spaced dashes (a title damaged above a clean body, a page whose damage hit one line),
the kind it sets most there decides (``Sandal – Birkibuc Stone – Unisex`` repeated intact in
the body of an English page makes its damaged title's dashes en dashes).
"""

from __future__ import annotations

import re

EN_DASH, EM_DASH = "\u2013", "\u2014"
# Share of the words that must be English function words (these cover some 30% of English
# running text; French, Spanish, German or Welsh text shares only ``a`` and ``in`` with them).
THRESHOLD = 0.15
MIN_WORDS = 6
AROUND = 2000

_ENGLISH = frozenset(
    "the of and to that for it on with as be by at this are from his her have has "
    "had not but or they he she we you their which were would been who said".split()
)
_WORD_RE = re.compile(r"[A-Za-z]+")
_INTACT_RE = re.compile("(?<= )[\u2013\u2014](?= )")


def english_share(text: str) -> tuple[float, int]:
    """(share of English function words, number of ASCII words) in ``text``."""
    words = [w.lower() for w in _WORD_RE.findall(text)]
    if not words:
        return 0.0, 0
    return sum(1 for w in words if w in _ENGLISH) / len(words), len(words)


def spaced_dash(text: str, start: int, end: int, headline: bool = False) -> str:
    """The dash a spaced mark of the line ``text[start:end]`` stands for: the kind the text
    around the line sets intact, if it sets more of one; else an em dash in English body text
    (judged on the text around the line), an en dash otherwise. ``headline``: the line is a
    title, a heading or a list item (:mod:`tamis.repair.headline`), where a spaced dash
    separates (``Sandal – Birkibuc Stone – Unisex``, ``Undergraduate – $390``, a page title
    and its site: WordPress sets ``–`` there) and English sets en dashes too (tuned part: 14
    en against 3 em on such lines, 61 body dashes 46 em)."""
    around = text[max(0, start - AROUND) : start] + text[end : end + AROUND]
    intact = _INTACT_RE.findall(around)
    if intact:
        en = intact.count(EN_DASH)
        if 2 * en != len(intact):
            return EN_DASH if 2 * en > len(intact) else EM_DASH
    return EM_DASH if not headline and is_english(text, start, end) else EN_DASH


def is_english(text: str, start: int, end: int) -> bool | None:
    """Whether the text around the line ``text[start:end]`` is English by its function words;
    None when it has too few words to tell."""
    share, words = english_share(text[max(0, start - AROUND) : end + AROUND])
    return None if words < MIN_WORDS else share >= THRESHOLD
