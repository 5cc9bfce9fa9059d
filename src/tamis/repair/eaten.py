"""Cyrillic letters whose byte was dropped, read by ftfy with the space after them as one.

``А`` is D0 90 in UTF-8. A strict Windows-1252 decoder drops the 90 and leaves ``Ð``; when a
space follows (``А только``), ftfy takes ``Ð`` and the space for D0 A0 (a no-break space is
A0) and decodes ``Р``: ``Ртолько``. The damage leaves a capital ``Р`` glued to a lower-case
word where a clause starts (after a comma, a stop, a quote or the start of a line, where the
conjunction ``А`` stands). Russian, Ukrainian, Bulgarian, Macedonian and Serbian words rarely
start with ``р`` and a consonant, so only such words are read, and only when the word lists
(:mod:`.lexicon`) hold the word without its ``р`` and no list holds it with: ``Ртолько`` is
``А только``; ``Ржев``, ``Ртищев`` (no ``жев``, ``тищев``) and ``Рвение`` (``рвение`` is a
word) stay.

``я``, ``с`` or ``э`` (D1 8F, 81, 8D) and a closing ``”`` (E2 80 9D) both lose their last byte:
``Ñâ€`` and a space are read by ftfy as ``ц`` (D1 86, its 86 the dagger ``†`` that ``â€`` and
the space make), gluing the word to the next one: ``деревня” Силланкорва`` becomes
``деревнцСилланкорва``, ``желания” не`` becomes ``желаницне``. Read back where a quotation ``“`` is open before
the word, the glued word is no listed word, the word up to the ``ц`` is a listed word of four
letters or more with one of the three letters (the most frequent when several), and the ``ц`` is
glued to a capital or to a spaced ``-``, or to a listed lower-case word when the quotation is
never closed on the line (the ``”`` that closed it is the one the ``ц`` ate; only such lines
have their ``ц`` words looked up, so quoted clean text costs no list reading). The passes
run after ftfy's, which makes the ``Р`` and the ``ц``.
"""

from __future__ import annotations

import re

from tamis.document import Replacement
from tamis.repair import lexicon
from tamis.repair.precheck import (
    EATEN_A_RE,
    EATEN_CAPITAL_RE,
    GLUED_C_RE,
    GLUED_LETTER_RE,
    GLUED_MACRON_RE,
)

RULE = "lost_byte_mojibake"
QUOTE_REASON = "я, с or э (D1 8F/81/8D) and ” (E2 80 9D), each last byte dropped by a strict Windows-1252 decoder, then read by ftfy with the space after them as ц (D1 86)"  # fmt: skip
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


# The capitals whose second UTF-8 byte a strict Windows-1252 decoder drops (D0 81 8D 8F 90 9D).
_LOST_CAPITALS = ("Ё", "Ѝ", "Џ", "А", "Н")
CAPITAL_REASON = "Cyrillic capital (D0 81/8D/8F/90/9D) ending an abbreviation, whose last byte a strict Windows-1252 decoder dropped, then read by ftfy with the space after it as Р (D0 A0)"  # fmt: skip


def eaten_capital(text: str) -> list[Replacement]:
    """Replacements of ``Р`` glued between the capitals of an abbreviation and a lower-case
    word (``БАРще``): the word after it must be listed, the glued word not, and the
    abbreviation ended by one of the lost capitals must be listed lower-cased (the most
    frequent when several: ``бан``, not ``баа``)."""
    if "Р" not in text or not lexicon.available():
        return []
    out: list[Replacement] = []
    for m in EATEN_CAPITAL_RE.finditer(text):
        head, rest = m.group(1), m.group(2)
        if _band(rest) is None or _band(m.group()) is not None:
            continue
        listed = [(_band(head + x), x) for x in _LOST_CAPITALS]
        listed = [(band, x) for band, x in listed if band is not None]
        if listed:
            at = m.start(2) - 1
            out.append(Replacement(at, at + 1, min(listed)[1] + " ", RULE, CAPITAL_REASON))
    return out


def _listed(word: str) -> bool:
    return any(word in lexicon.words(lang) for lang in _LISTS)


# A Cyrillic word glued at a ``ц`` to a capital (a name, a new sentence) or to a spaced ``-``:
# no clean word is spelt so, so the word lists are read only for these (a lower-case word
# glued after the ``ц``, ``желаницне``, would have them read for every ``ц`` in a quotation).
_TSE_WORD_RE = re.compile("[\u0400-\u04ff]+ц(?:[\u0400-\u042f][\u0430-\u04ff]+|-(?= ))")
# The same, glued to a lower-case word (read only where the quotation is never closed).
_TSE_LOWER_RE = re.compile("[\u0400-\u04ff]{3,}ц[\u0430-\u045f]{2,}")
_LOST_BEFORE_QUOTE = ("я", "с", "э")
# Letters before the ``ц``: a shorter head is a stem more often than a word.
_SHORTEST_HEAD = 3


def eaten_quote(text: str) -> list[Replacement]:
    """Replacements of ``ц`` that glued ``я”``/``с”``/``э”`` and a space (see the module doc)."""
    if "ц" not in text or "“" not in text or not lexicon.available():
        return []
    out: list[Replacement] = []
    found = list(_TSE_WORD_RE.finditer(text))
    start = 0
    for line in text.split("\n"):
        # (not in Belarusian or Kazakh, which no list holds: their lines would read the lists
        # of the others for every ``ц`` word of an open quotation, ``вучыцеся``)
        if "ц" in line and "„" not in line and lexicon.letters_language(line) is None:
            found += [
                m
                for m in _TSE_LOWER_RE.finditer(text, start, start + len(line))
                if _opened(text[start : m.start()]) and "”" not in text[m.end() : start + len(line)]
            ]
        start += len(line) + 1
    for m in sorted(found, key=lambda m: m.start()):
        line_start = text.rfind("\n", 0, m.start()) + 1
        before = text[line_start : m.start()]
        if before.count("“") <= before.count("”"):
            continue  # no quotation open for the ``”`` to close
        word = m.group()
        at = _glued_at(word, lower=m.re is _TSE_LOWER_RE)
        if at is not None:
            head, letter = at
            start = m.start() + len(head)
            out.append(Replacement(start, start + 1, letter + "” ", RULE, QUOTE_REASON))
    return out


def _opened(before: str) -> bool:
    """Whether the last ``“`` of ``before`` opens a quotation still open at its end: set after
    a space, a bracket or a dash (in low-9 typography, ``„…“``, it closes one after a word)."""
    i = before.rfind("“")
    if i < 0 or (i and not before[i - 1].isspace() and before[i - 1] not in "([«—–-"):
        return False
    return "”" not in before[i:]


def _glued_at(word: str, lower: bool = False) -> tuple[str, str] | None:
    """(the word before the ``ц``, the letter it lost) when ``word`` is two glued words;
    ``lower``: glued to a lower-case word, which must be a listed word itself."""
    whole = word.rstrip("-")
    if _band(whole) is not None:
        return None
    for i, ch in enumerate(whole):
        if ch != "ц" or i < _SHORTEST_HEAD:
            continue
        head, rest = whole[:i], whole[i + 1 :]
        # glued to a name or a sentence (a capital and more), or to a spaced ``-``; an earlier
        # ``ц`` of the word, followed by lower-case letters, is a letter of it
        if lower:
            if _band(rest) is None:
                continue
        elif not ((rest[:1].isupper() and len(rest) > 1) or (not rest and word.endswith("-"))):
            continue
        bands = [(_band(head + x), x) for x in _LOST_BEFORE_QUOTE]
        listed = [(band, x) for band, x in bands if band is not None]
        if listed:
            return head, min(listed)[1]
    return None


def _band(word: str) -> int | None:
    """The best band of ``word`` in the Cyrillic lists; None when none holds it."""
    form = lexicon.lookup_form(word)
    bands = [lexicon.words(lang).get(form) for lang in _LISTS]
    return min((b for b in bands if b is not None), default=None)


# ``я’`` (D1 8F, E2 80 99) whose 8F a strict decoder dropped: once the ``’`` is decoded, ftfy
# or the rebuild pass reads ``Ñ’`` (D1 92) as ``ђ``, a letter only Serbian writes. Read back at the end of a word
# inside a single quotation on a line whose letters Serbian never writes (``‘агенциђ Бета``).
_DJE_WORD_RE = re.compile("[\u0400-\u04ff]{3,}ђ(?![^\\W\\d_])")
_NOT_SERBIAN = frozenset("яюйщъыэёьєіїґўѓќѕ")
APOSTROPHE_REASON = "я, с or э (D1 8F/81/8D) whose last byte a strict Windows-1252 decoder dropped, then read with the ’ after it (92) as ђ (D1 92)"  # fmt: skip


def eaten_apostrophe(text: str) -> list[Replacement]:
    """Replacements of a word-final ``ђ`` that glued a lost-byte letter and ``’`` (see above):
    the word spelt with ``я``, ``с`` or ``э`` must be a listed word (the most frequent when
    several) and the word with ``ђ`` none."""
    if "ђ" not in text or "‘" not in text or not lexicon.available():
        return []
    out: list[Replacement] = []
    for m in _DJE_WORD_RE.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.end())
        line = text[line_start : len(text) if line_end < 0 else line_end]
        before = text[line_start : m.start()]
        if before.count("‘") <= before.count("’") or not _NOT_SERBIAN.intersection(line.lower()):
            continue  # no single quotation open, or a line Serbian could have written
        head = m.group()[:-1]
        if _band(m.group()) is not None:
            continue
        listed = [(_band(head + x), x) for x in _LOST_BEFORE_QUOTE]
        listed = [(band, x) for band, x in listed if band is not None]
        if listed:
            end = m.end()
            out.append(Replacement(end - 1, end, min(listed)[1] + "’", RULE, APOSTROPHE_REASON))
    return out


# ``č”`` and a space (C4 8D, E2 80 9D, 20) whose 8D and 9D a strict decoder dropped: ftfy reads
# ``â€`` and the space as a dagger (86) and ``Ä†`` as ``Ć`` (C4 86), a capital inside a
# lower-case word, which no clean text writes: ``namreĆsladka`` is ``namreč” sladka``.
_LOST_BEFORE_C = ("č", "ď")
LATIN_REASON = "č or ď (C4 8D/8F) and ” (E2 80 9D), each last byte dropped by a strict Windows-1252 decoder, then read by ftfy with the space after them as Ć (C4 86)"  # fmt: skip


def _likeliest_latin(
    head: str, letters: str | tuple[str, ...], tail: str = "", needs: str = "", unless: str = ""
) -> str | None:
    """The letter of ``letters`` whose word ``head + letter + tail`` a Latin list
    (``LATIN_C4``) holds most frequently, or None; only lists that hold ``needs`` too are read,
    and none is chosen when a list holds the word as written (``unless``)."""
    best = None
    for lang in lexicon.LATIN_C4:
        known = lexicon.words(lang)
        if unless and unless.lower() in known:
            return None
        if needs and needs.lower() not in known:
            continue
        for x in letters:
            band = known.get((head + x + tail).lower())
            if band is not None and (best is None or band < best[0]):
                best = (band, x)
    return best[1] if best else None


def eaten_latin_quote(text: str) -> list[Replacement]:
    """Replacements of a ``Ć`` glued inside a lower-case word (see above): the word up to it
    spelt with ``č`` or ``ď`` and the word after it must be words of one list (the most
    frequent spelling when several)."""
    if "Ć" not in text or not lexicon.available():
        return []
    out: list[Replacement] = []
    for m in GLUED_C_RE.finditer(text):
        head, rest = m.group(1), m.group(2)
        best = _likeliest_latin(head, _LOST_BEFORE_C, needs=rest)
        if best is not None:
            at = m.start(2) - 1
            out.append(Replacement(at, at + 1, best + "” ", RULE, LATIN_REASON))
    return out


# ``č’`` or ``č”`` (C4 8D, then E2 80 99 or 9D) whose 8D a strict decoder dropped, on a line
# where the quote itself was decoded: ``Ä’`` and ``Ä”`` read as one character, ``Ē`` (C4 92)
# or ``Ĕ`` (C4 94), a capital ending a lower-case word, which no clean text writes:
# ``‘o niĒ`` is ``‘o nič’``.
_QUOTE_OF = {"Ē": "’", "Ĕ": "”"}
MACRON_REASON = "č or ď (C4 8D/8F) whose last byte a strict Windows-1252 decoder dropped, then read with the ’ or ” after it (92, 94) as Ē or Ĕ (C4 92/94)"  # fmt: skip


def eaten_latin_apostrophe(text: str) -> list[Replacement]:
    """Replacements of ``Ē``/``Ĕ`` ending a lower-case word (see above): the word spelt with
    ``č`` or ``ď`` must be listed (the most frequent spelling when several)."""
    if ("Ē" not in text and "Ĕ" not in text) or not lexicon.available():
        return []
    out: list[Replacement] = []
    for m in GLUED_MACRON_RE.finditer(text):
        head, glued = m.group(1), m.group(2)
        best = _likeliest_latin(head, _LOST_BEFORE_C)
        if best is not None:
            at = m.start(2)
            out.append(Replacement(at, at + 1, best + _QUOTE_OF[glued], RULE, MACRON_REASON))
    return out


# The letters a C4 lead stands for once a strict decoder dropped its second byte (81 8D 8F 90
# 9D).
_LOST_AFTER_LEAD = {0xC4: "āčďĐĝ"}
GLUED_LETTER_REASON = "a C4 letter whose last byte a strict Windows-1252 decoder dropped, then read by ftfy with the letter after it (š, ž: 9A, 9E) as one capital"  # fmt: skip
_WORD_AROUND = re.compile(r"[^\W\d_]*")
_GLUED_LETTERS_RE = re.compile("[ĚĞ]")  # one class scan before the word search


def eaten_latin_letter(text: str) -> list[Replacement]:
    """Replacements of a capital glued inside a lower-case word (``najväĚí``, ``keĞe``) by the
    letter that lost its byte and the one ftfy read with it (``najväčší``, ``keďže``): the
    word so spelt must be listed in a Latin list and the word as written in none (the most
    frequent spelling when several)."""
    if _GLUED_LETTERS_RE.search(text) is None or not lexicon.available():
        return []
    out: list[Replacement] = []
    for m in GLUED_LETTER_RE.finditer(text):
        if not (text[m.start() - 1].islower() and text[m.end()].islower()):
            continue  # the class ranges hold capitals too (``ÖZYİĞİT``)
        raw = m.group().encode("utf-8")
        second = bytes([raw[1]]).decode("cp1252")
        head = _WORD_AROUND.search(text[: m.start()][::-1]).group()[::-1]  # type: ignore[union-attr]
        tail = _WORD_AROUND.match(text, m.end()).group()  # type: ignore[union-attr]
        best = _likeliest_latin(
            head, _LOST_AFTER_LEAD[raw[0]], second + tail, unless=head + m.group() + tail
        )
        if best is not None:
            out.append(Replacement(m.start(), m.end(), best + second, RULE, GLUED_LETTER_REASON))
    return out
