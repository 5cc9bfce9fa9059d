"""Cheap tests that decide which text needs which repair, so clean text costs almost nothing.

ftfy only changes the encoding of a segment that its badness heuristic
(``ftfy.badness.BADNESS_RE``) flags, and that heuristic only ever fires on a C1 control or on
two *adjacent* characters from its mojibake alphabet (Latin-1 and Windows-125x letters and
symbols, box drawing, general punctuation), or on ``Ã``/``Â`` before a space. The gate below is
a superset of that: one compiled character-class search, built from ftfy's own alphabet, that
skips Greek or Cyrillic words (their letters are in the alphabet but are only suspicious next to
a symbol) and every script ftfy never considers. A line the gate rejects cannot be changed by
ftfy's encoding fixes, so ftfy is never called on it. The tests check this claim on the real
corpora: no line that ftfy would change is skipped.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

ASCII_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
ENTITY_RE = re.compile(r"&#?[0-9A-Za-z]{1,31};")


def _letters_of_greek_and_cyrillic(ch: str) -> bool:
    return "\u0370" <= ch <= "\u04ff"


# Characters the gate flags alone (C1 controls, escape, surrogates, U+FFFD).
_GATE_ALWAYS = "\x80-\x9f\x1b\ud800-\udfff\ufffd"


@lru_cache(maxsize=1)
def _ftfy_gate() -> tuple[re.Pattern[str], str]:
    """(The gate, the class body of the characters it never flags without): built once."""
    from ftfy import badness, chardata

    classes = [f"[{v}]" for v in badness.MOJIBAKE_CATEGORIES.values()]
    classes += [f"[{v}]" for v in chardata.UTF8_CLUES.values()]
    member = re.compile("|".join(classes))
    # Literal characters of BADNESS_RE's special cases that are outside the categories.
    alphabet = {chr(cp) for cp in range(0x80, 0x3000) if member.match(chr(cp))}
    alphabet |= set("√≈‚ÄβΒΓΞΟВГРСā€ЂўÃÂÎÐØÙà°µ»·´×²³")
    strong = {ch for ch in alphabet if not _letters_of_greek_and_cyrillic(ch)}

    def cls(chars: set[str]) -> str:
        return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"

    pattern = (
        f"[{_GATE_ALWAYS}]"
        r"|[ÃÂ][ \xa0]|вЂ|ВЂ"
        f"|{cls(strong)}{cls(alphabet)}|{cls(alphabet)}{cls(strong)}"
    )
    return re.compile(pattern), _class_body(strong | set("ÃÂЂ"))


def _class_body(chars: set[str]) -> str:
    return "".join(re.escape(c) for c in sorted(chars))


@lru_cache(maxsize=1)
def _gate_trigger() -> re.Pattern[str]:
    """One character class that every match of the gate holds a member of. The gate's own
    search tries every branch at each Greek or Cyrillic letter (they are in its alphabet);
    this class leaves them out, so Cyrillic or Greek text without a symbol costs one scan."""
    return re.compile(f"[{_GATE_ALWAYS}{_ftfy_gate()[1]}]")


def ftfy_gate() -> re.Pattern[str]:
    """The compiled superset of ftfy's badness test (built once, on first use)."""
    return _ftfy_gate()[0]


def gate_search(text: str, pos: int = 0) -> re.Match[str] | None:
    """The first match of :func:`ftfy_gate` at or after ``pos``, found by one-class scans
    (:func:`_gate_trigger`): a gate match is at most two characters long and holds a trigger,
    so it starts on a trigger or one character before it, and the gate is tried there alone
    (its alternation, tried at every character of accented text, costs more than the scan)."""
    gate, trigger = ftfy_gate(), _gate_trigger()
    tried = pos - 1
    while (found := trigger.search(text, pos)) is not None:
        at = found.start()
        for start in (at - 1, at):
            if start > tried:
                tried = start
                match = gate.match(text, start)
                if match is not None:
                    return match
        pos = at + 1
    return None


# Signs of UTF-8 mojibake that no clean text carries: the *evidence* that allows repairing
# characters which are legitimate on their own (a dagger, a lone â). C1 controls are not
# among them: they show Windows-1252 read as Latin-1, where a dagger is just a dagger.
_CP1252_CONT = "\x80-\xbf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
EVIDENCE_RE = re.compile(f"â€|[ÂÃÅÆÐÑ][{_CP1252_CONT}]|ï»¿|ðŸ|Ã[ \xa0]")

# Everything the lossy pass might act on; lines without any of it skip that pass.
LOSSY_CANDIDATE_RE = re.compile("[â†]")


# Any single character that some pass acts on (a superset: line breaks, entities, controls,
# C1, invisible and odd-space characters, surrogates, U+FFFD, and the lossy-mojibake marks).
_ANY_WORK = (
    "\r&\x00-\x08\x0b-\x1f\x7f-\x9f\xa0\xad\u061c\u1680\u2000-\u200b\u200e\u200f"
    "\u2028-\u202f\u205f-\u206f\ufeff\ufff9-\ufffd\ud800-\udfff\u2020\xe2"
)
ANY_WORK_RE = re.compile(f"[{_ANY_WORK}]")


# A fold mark or spacing accent, or a capital lead letter after a lower-case one or before a
# folded digit or letter: NFKC-folded or byte-dropped mojibake (:mod:`tamis.repair.unfold`) that
# ftfy's gate may not flag. One character class is searched (fast), the context checked after.
_UNFOLD_CHARS = "\u00c2-\u00de\u2044\u0300-\u036f\u0a20\u0be0\u0d20\u1ee0"
# What ftfy reads when a space after damage is taken for the A0 byte of a sequence: ``ഠ`` is
# ``Ã`` ``´`` (ô, its B4 folded by NFKC) and the space, ``Ỡ`` is ``á»`` (ề ọ ỏ ờ that lost
# their last byte) and the space (:func:`tamis.repair.unfold.eaten_spaces`).
EATEN_SPACE = "\u0a20\u0be0\u0d20\u1ee0"
_UNFOLD_CHAR_RE = re.compile(f"[{_UNFOLD_CHARS}]")
# Lower-case letters after which a capital lead shows a lost or folded byte: ASCII, Latin-1 and
# Latin Extended-A (``połÄ...czenie``: ą, C4 85, its ``…`` folded).
_LOWER_BEFORE = (
    frozenset("abcdefghijklmnopqrstuvwxyz")
    | {chr(c) for c in range(0xDF, 0x100)} - {"\xf7"}
    | {chr(c) for c in range(0x100, 0x180) if chr(c).islower()}
)


# ``Ä`` starting a lower-case word (``Äeprav``: ``č`` whose 8D was dropped), and the letters of
# the languages that write ``č`` or ``ď`` (German ``Ärger`` stands in text without them; no
# language writes both ``ý`` and ``ä`` but Slovak, whose ``ä`` is never capital at a word start).
# The same for ``Ã`` (``Ãfrica``: ``Á`` whose 81 was dropped) in text that writes the letters
# of Spanish, Portuguese, Icelandic, Czech, Slovak or Hungarian (no clean word starts with
# ``Ã`` and a lower-case letter).
C4_WORD_START_RE = re.compile("(?<![^\\W\\d_])[ÄÃ](?=[a-z\u00df-\u00ff\u0100-\u024f\u1e00-\u1eff])")
C4_LETTERS_RE = re.compile("[čšžćđěřňťůďľĺŕýČŠŽĆĐĚŘŇŤŮĎĽĹŔÝ]")
# ``Š`` (C5 A0) starting a word, its A0 folded by NFKC to a space (``Å tajerska``).
S_CARON_SPLIT_RE = re.compile("(?<![^\\W\\d_])Å (?=[a-zà-ž])")
C3_LETTERS_RE = re.compile("[áéíóúñãõçýðþæěřůőűÁÉÍÓÚÑÃÕÇÝÐÞÆĚŘŮŐŰ]")
VI_LETTERS_RE = re.compile("[ơưƠƯ\u1ea0-\u1ef9]")


def c4_word_start(text: str, pos: int = 0) -> bool:
    """Whether ``text`` (from ``pos``) starts a word with ``Ä`` and writes Czech, Slovak,
    South Slavic or Vietnamese letters, or with ``Ã`` and writes letters of the languages whose ``Á Í Ý`` it
    may be (:func:`tamis.repair.unfold.line_repairs` reads the word lists)."""
    leads = {m.group() for m in C4_WORD_START_RE.finditer(text, pos)}
    if S_CARON_SPLIT_RE.search(text, pos) is not None:
        leads.add("Ä")  # ``Š`` told by the same letters
    return (
        "Ä" in leads
        and (C4_LETTERS_RE.search(text) is not None or VI_LETTERS_RE.search(text) is not None)
    ) or ("Ã" in leads and C3_LETTERS_RE.search(text) is not None)


def unfold_sign(text: str, pos: int = 0) -> bool:
    """Whether ``text`` (from ``pos``) shows a sign of folded or byte-dropped mojibake (see
    above)."""
    for m in _UNFOLD_CHAR_RE.finditer(text, pos):
        ch = m.group()
        i = m.start()
        if ch == "\u2044":
            return True
        if ch in EATEN_SPACE:
            if eaten_space(text, i):
                return True
            continue
        if ch >= "\u0300":
            # A spacing accent folded by NFKC: a combining mark after a space, or after a
            # character ftfy read from it (``à``, ``†``: UTF-8 ending in A0); clean decomposed
            # text puts combining marks after letters.
            prev = text[i - 1] if i else ""
            if prev == " " or (prev and not prev.isascii() and prev.encode()[-1] == 0xA0):
                return True
            continue
        if i and text[i - 1] in _LOWER_BEFORE:
            return True
        if text.startswith("TM", i + 1) and folded_tm_in_word(text, i):
            return True
        if ch in "ÐÑ" and lone_cyrillic_lead(text, i):
            return True
        if ch in "ÂÃÄÅÎÏÐÑ" and text[i + 1 : i + 2] in ("1", "2", "3", "a", "o"):
            return True
        if ch in "ÄÃÅ" and not text[i - 1 : i].isalpha() and c4_word_start(text, i):
            return True
    return False


# Vietnamese ``áº¹`` (ẹ) or ``áº¥`` (ấ) after NFKC folded its ``º`` to ``o``, inside a word
# (``máo1o``, ``ráo¥t``, ``náoμng``: nẵng, its µ folded to μ) or ending a sentence with a
# folded digit (``máo1.``, mẹ; before a space it may be a name, ``cháo3``, and a symbol may be
# clean, ``báo©``). ``á`` is too common for the one-class scan of ``unfold_sign``.
VI_FOLD_RE = re.compile(
    "(?<=[^\\W\\d_])á[ao](?:[1-3\xa1-\xbf\u03bc](?=[^\\W\\d_])|[1-3](?=[.,;:!?]))"
)
# The same digit before a space and a lower-case word (``nháo1 nhàng`` is ``nhẹ nhàng``): read
# only in text that holds a fold of ``VI_FOLD_RE`` too; alone, it may be a name glued to a
# figure (``cháo3``).
VI_FOLD_SPACED_RE = re.compile("(?<=[^\\W\\d_])áo[1-3](?= [^\\W\\d_])")


def folded_tm_in_word(text: str, i: int) -> bool:
    """Whether the lead ``text[i]`` and the ``TM`` after it (a ``™``, byte 99, folded by NFKC:
    Kazakh ``ә`` is D3 99, ``ÓTM``; Czech ``ř`` C5 99, ``ÅTM``) stand inside a lower-case word,
    or start one, or follow a capital before a lower-case letter (``PÅTMedstavuje``): no word
    spells a capital and ``TM`` before or between lower-case letters."""
    before = text[i - 1] if i else ""
    after = text[i + 3] if i + 3 < len(text) else ""
    if before.isalpha() and before.islower():
        return after.islower() or not after.isalpha()
    return after.isalpha() and after.islower()


def eaten_space(text: str, i: int) -> bool:
    """Whether ``text[i]`` (one of ``EATEN_SPACE``) is ftfy's reading of damage and the space
    after it: glued to the next word, after a letter it never follows in its own script
    (``đഠcủa``: no Malayalam letter follows ``đ``; ``nhỠđất``: no capital ends a lower-case
    word)."""
    before = text[i - 1] if i else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    if not before.isalpha() or not after or after.isspace():
        return False
    if text[i] == "\u1ee0":
        # After a lower-case letter, or after the capital that starts a word when a lower-case
        # letter follows (``HỠđứng`` is ``Họ đứng``): no word sets a capital ``Ỡ`` so.
        return before.islower() or (
            before.isupper() and (i < 2 or not text[i - 2].isalpha()) and after.islower()
        )
    return before < "\u0900"  # a Latin, Greek or Cyrillic letter, not an Indic one


def lone_cyrillic_lead(text: str, i: int) -> bool:
    """Whether ``Ð`` or ``Ñ`` at ``i`` touches a Cyrillic letter (``меÑту``, ``ÐÑку``): a
    Cyrillic letter whose second byte was lost, once ftfy decoded the letters around it. No
    clean word mixes the two scripts so."""
    prev = text[i - 1] if i else ""
    nxt = text[i + 1] if i + 1 < len(text) else ""
    if nxt in "ÐÑ":
        nxt = text[i + 2] if i + 2 < len(text) else ""
    return "\u0400" <= prev <= "\u04ff" or "\u0400" <= nxt <= "\u04ff"


# Vietnamese ``à`` split from the rest of its syllable by ftfy (:mod:`tamis.repair.syllables`):
# ``à``, a space and a fragment of one or two letters, in text with letters only Vietnamese
# writes.
SPLIT_GATE_RE = re.compile(r"[àÀ] (?:[a-z]{1,2}(?![^\W\d_])|[.,](?:\s|$))")
VIETNAMESE_RE = re.compile("[\u1ea0-\u1ef9ơưđƠƯĐ]")


def split_syllable(text: str) -> bool:
    """Whether ``text`` may hold a split syllable (a substring test, then two searches)."""
    return (
        ("à " in text or "À " in text)
        and SPLIT_GATE_RE.search(text) is not None
        and VIETNAMESE_RE.search(text) is not None
    )


# ``Р`` glued by ftfy to the word after a lost ``А`` (:mod:`tamis.repair.eaten`): ``Р`` where a
# clause may start, then a consonant and the rest of a lower-case word. The literal comes
# first so that the search skips to it at C speed.
EATEN_A_RE = re.compile(
    "Р(?<![^\\s,.;:!?«“„\"'(\u2013\u2014]Р)([бвгджзйклмнпстфхцчшщ][а-яёіїєґђјљњћџѓќѕ]*)"
    "(?![^\\W\\d_])"
)

# The same ``Р`` after the capitals of an abbreviation whose last capital (``А`` D0 90, ``Н``
# D0 9D) lost its byte, glued to a lower-case word: ``БАРще`` is ``БАН ще``.
EATEN_CAPITAL_RE = re.compile(
    "(?<![^\\W\\d_])([А-ЯЁЂЃЄЅІЇЈЉЊЋЌЎЏ]{1,4})Р([а-яёђѓєѕіїјљњћќўџ]+)(?![^\\W\\d_])"
)


# ``Ć`` glued inside a lower-case word by ftfy's reading of ``č”`` and a space whose last bytes
# were dropped (:func:`tamis.repair.eaten.eaten_latin_quote`): ``namreĆsladka``.
GLUED_C_RE = re.compile("(?<![^\\W\\d_])([^\\W\\d_]*[a-zà-žа-я])Ć([a-zà-ž]+)(?![^\\W\\d_])")

# A C4 capital whose second byte reads in Windows-1252 as a lower-case letter (``Ě`` is C4
# 9A, ``š``; ``Ğ`` 9E, ``ž``), inside a lower-case word: ``č`` or ``ď`` that lost its byte read
# by ftfy with the letter after it (``najväĚí``, ``keĞe``; the C5 ones, ``Ş Ŝ``, are Turkish
# and Esperanto letters; :func:`tamis.repair.eaten.eaten_latin_letter`).
GLUED_LETTER_RE = re.compile("(?<=[a-zß-ÿā-ž])([ĚĞ])(?=[a-zß-ÿā-ž])")


# ``Ē`` or ``Ĕ`` ending a lower-case word: ``č’`` or ``č”`` whose 8D was dropped
# (:func:`tamis.repair.eaten.eaten_latin_apostrophe`).
GLUED_MACRON_RE = re.compile("(?<![^\\W\\d_])([a-zà-ž]+)([ĒĔ])(?![^\\W\\d_])")


@lru_cache(maxsize=1)
def _work_trigger() -> re.Pattern[str]:
    """One character class holding a member of every stretch a check below flags: text
    without one (most non-Latin text) is decided by this scan and the NFC test alone."""
    return re.compile(f"[{_ANY_WORK}{_UNFOLD_CHARS}àÀ{_gate_trigger().pattern[1:-1]}]")


def needs_any_repair(text: str) -> bool:
    """False only when no pass could change ``text``: a few C-speed scans decide it."""
    if text.isascii():
        return ASCII_CONTROL_RE.search(text) is not None or (
            "&" in text and ENTITY_RE.search(text) is not None
        )
    if "Р" in text and (
        EATEN_A_RE.search(text) is not None or EATEN_CAPITAL_RE.search(text) is not None
    ):
        return True
    if "Ć" in text and GLUED_C_RE.search(text) is not None:
        return True
    if ("Ē" in text or "Ĕ" in text or "Ě" in text or "Ğ" in text) and (
        GLUED_MACRON_RE.search(text) is not None or GLUED_LETTER_RE.search(text) is not None
    ):
        return True
    first = _work_trigger().search(text)
    if first is None:
        return not unicodedata.is_normalized("NFC", text)
    at = first.start()
    return (
        ANY_WORK_RE.search(text, at) is not None
        or gate_search(text, max(0, at - 1)) is not None
        or unfold_sign(text, at)
        or (("áo" in text or "áa" in text) and VI_FOLD_RE.search(text, at) is not None)
        or split_syllable(text)
        or not unicodedata.is_normalized("NFC", text)
    )
