"""Whether a lone ``â`` between letters is a stripped apostrophe, told by the text's language.

Read as Latin-1 with its C1 bytes stripped, ``Syi’ah`` becomes ``Syiâah`` and ``Kur’an``
``Kurâan``. A line whose only mark is such an apostrophe holds no other evidence of the damage,
and ``â`` between letters is a letter of French, Portuguese, Romanian, Vietnamese, Welsh,
Turkish and Afrikaans (``câmara``, ``până``, ``Xuân``, ``château``), and of transliterations
that mark long vowels (``Rasûlullâh``). It is read as an apostrophe only where all of these
hold:

* the text's language writes no ``â`` (CLD2 names it, and finds its guess reliable);
* the text holds no other circumflex letter (``ê î ô û``: a transliteration's long vowels);
* the ``â`` stands before ``a``, ``e`` or ``o``, which no language that writes it sets after it
  (``âu``, ``ây``, ``âi``, ``ân``, ``ât`` are Vietnamese, Romanian, Welsh and French: ``câu``,
  ``câine``, ``Châtel``), where an apostrophe before a vowel is common (an Arabic loanword's
  ain or hamza: ``Syi’ah``, ``Jum’at``, ``Qur’an``; an elision: ``dell’anno``);
* no list of a language that writes ``â`` holds the word.
"""

from __future__ import annotations

import re

# Languages whose alphabet has no ``â`` (ISO 639-1, as CLD2 names them through
# :mod:`tamis.langid.codes`). English is left to :mod:`tamis.repair.lossy`'s own evidence.
WITHOUT_A_CIRCUMFLEX = frozenset(
    "id ms bs hr sr sl cs sk pl de es it nl sv da no nb nn is fi et hu lt lv sq eu ca gl".split()
)
# Word lists of languages that write ``â`` (wordfreq's, :mod:`tamis.repair.lexicon`).
WRITING_A_CIRCUMFLEX = ("fr", "pt", "ro", "vi", "tr")
# A word of ASCII letters with one lone ``â`` inside, before ``a``, ``e`` or ``o``.
_WORD_RE = re.compile(r"(?<![^\W\d_])[A-Za-z]+â[aeoAEO][A-Za-z]*(?![^\W\d_])")
# Circumflex letters other than a lone ``â`` (a transliteration's long vowels).
_OTHER_CIRCUMFLEX = re.compile("[êîôûÂÊÎÔÛ]")
AROUND = 1000


def _language(text: str) -> str | None:
    from tamis.langid.fast import cld2_guess

    guess = cld2_guess(text)
    return guess.lang if guess.reliable else None


def _listed(word: str) -> bool:
    from tamis.repair import lexicon

    word = word.lower()
    return any(word in lexicon.words(lang) for lang in WRITING_A_CIRCUMFLEX)


def apostrophe_words(text: str, start: int, end: int) -> bool:
    """Whether the line ``text[start:end]`` shows the stripped reading by a lone ``â`` between
    letters in text of a language that writes none (see the module doc)."""
    words = _WORD_RE.findall(text, start, end)
    if not words:
        return False
    around = text[max(0, start - AROUND) : end + AROUND]
    if _OTHER_CIRCUMFLEX.search(around):
        return False
    if _language(around) not in WITHOUT_A_CIRCUMFLEX:
        return False
    from tamis.repair import lexicon

    return lexicon.available() and not any(_listed(w) for w in words)
