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


def english_share(text: str) -> tuple[float, int]:
    """(share of English function words, number of ASCII words) in ``text``."""
    words = [w.lower() for w in _WORD_RE.findall(text)]
    if not words:
        return 0.0, 0
    return sum(1 for w in words if w in _ENGLISH) / len(words), len(words)


def spaced_dash(text: str, start: int, end: int) -> str:
    """The dash a spaced mark of the line ``text[start:end]`` stands for: an em dash in
    English (judged on the text around the line), an en dash otherwise."""
    share, words = english_share(text[max(0, start - AROUND) : end + AROUND])
    return EM_DASH if words >= MIN_WORDS and share >= THRESHOLD else EN_DASH
