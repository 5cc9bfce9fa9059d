"""UTF-8 read as Windows-1252 whose bytes were then folded by NFKC or dropped: rebuilt.

ftfy decodes mojibake whose bytes all survive. Two common accidents make it give up on a line:

* NFKC after the damage folds the character of a continuation byte: ``ž`` (C5 BE) read as
  ``Å¾`` becomes ``Å3⁄4``, ``ü`` becomes ``Ã1⁄4``, ``ó`` ``Ã3``, ``ú`` ``Ão``, ``è`` ``Ã ̈``,
  ``à`` ``Ã`` plus a space, ``х`` (D1 85) ``Ñ...``, ``’`` ``â€TM``;
* a strict decoder drops the five bytes Windows-1252 leaves undefined (81 8D 8F 90 9D):
  ``č`` (C4 8D) becomes a lone ``Ä``, ``с`` (D1 81) a lone ``Ñ``, ``”`` a bare ``â€``.

Every sequence is rebuilt from its surviving characters: the lead character names the length
of the UTF-8 sequence, each continuation byte is read directly, from the NFKC form it was folded
to, or (when nothing is left of it) as one of the five undefined bytes. A line is rebuilt only
when the damage it assumes, applied to the rebuilt line, gives back exactly the damaged line
(``nfkc`` or ``holes``), and when it carries evidence that no clean text has (a pair ftfy's
badness test flags, a fold mark ``⁄`` or a spacing accent inside a word, or a capital lead
letter inside a lower-case word such as ``poÄetak``). A line that fails the whole-line check
(ftfy already decoded part of it, or it is a damaged title above clean text) is rebuilt sequence
by sequence, each verified the same way, only where such evidence sits in the line.

Where a dropped byte leaves several readings (``Ä`` is ``ā č ď Đ ĝ``), the letters around it
choose: case, then the letter's place in its word and a fixed order of likelihood
(:func:`_choose`); on a line that is repaired, the word lists of its language then choose the
spelling of each such word (:mod:`.lexicon`, when installed). A lone ``Ð`` or ``Ñ`` among
Cyrillic letters (ftfy decoded the pairs around a lost byte) is evidence on its own, and so is a
three-byte sequence ftfy leaves whole inside a decoded word (``thuá»™c``).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from tamis.document import Replacement
from tamis.repair import charmodels, lexicon
from tamis.repair.precheck import (
    C3_LETTERS_RE,
    C4_LETTERS_RE,
    C4_WORD_START_RE,
    EATEN_SPACE,
    EVIDENCE_RE,
    S_CARON_SPLIT_RE,
    VI_FOLD_RE,
    VI_FOLD_SPACED_RE,
    VI_LETTERS_RE,
    c4_word_start,
    eaten_space,
    folded_tm_in_word,
    lone_cyrillic_lead,
    unfold_sign,
)
from tamis.repair.syllables import is_vietnamese_line

FOLD_RULE = "folded_mojibake"
HOLE_RULE = "lost_byte_mojibake"
UNDEFINED = (0x81, 0x8D, 0x8F, 0x90, 0x9D)

# A lead character of a two-to-four-byte UTF-8 sequence read as Windows-1252 (C2-F4).
SUSPECT_RE = re.compile("[\u00c2-\u00f4]")
# Lead characters whose sequences commonly lose a byte (Latin Extended-A, Cyrillic, Greek,
# Hebrew, Arabic, Vietnamese, the U+2000 block, CJK), and the capitals of them that never follow
# a lower-case letter in clean text (``poÄetak``; Irish ``nÉirinn`` and ``WpÜG`` are clean).
HOLE_LEADS = frozenset("ÃÄÅÐÑÎÏ×ÙÛàáâãäåæçèéï")
CAPITAL_LEADS = frozenset("ÃÄÅÐÑÎÏ")
# Leads after which a space may be a folded no-break space (à Š Р nbsp Π are C3/C5/D0/C2/CE A0).
SPACE_FOLD_LEADS = frozenset("ÃÅÐÂÎàáâãäåæçèéêëìíîïðñòóô")
# Readings of a lost byte, most likely first, where the context says nothing more.
_PRIOR = "\u201dсяАНčĐŁōÁÍρύאфہƏǐΝ\ufe0f"
_CYRILLIC_VOWELS = set("аеёиоуыэюяіїєўәөүұАЕЁИОУЫЭЮЯІЇЄЎ")
_GREEK_VOWELS = set("αεηιουωάέήίόύώϊϋΐΰ")
_LATVIAN = set("ēīūōļņķģĒĪŪŌĻŅĶĢ")
_SLAVIC = set("čšžćđěřňťůďľĺŕČŠŽĆĐĚŘŇŤŮĎĽĹŔ")
# A lead and a folded character no clean word holds: ``Ã3`` (ó), ``Ão`` (ú), ``Ãa`` (ê), ``Å3``
# (ų).
_FOLDED_PAIRS = frozenset(
    ["Ã1", "Ã2", "Ã3", "Ãa", "Ão", "Å1", "Å2", "Å3", "Â1", "Â2", "Â3", "Âa", "Âo"]
)
# Leads after which NFKC's ``a`` and ``o`` (ª º) are read as folded bytes; after the others
# (``Äa`` is Ī, ``Äo`` ĺ: rare) they are letters after a lost byte (``sreÄa``, ``najjaÄoj``).
_LETTER_FOLD_LEADS = frozenset("ÂÃÅÐÎá")
# Continuations that, read directly after a three-byte lead, show mojibake (``á»§``, ``â„¢``).
_SYMBOL_CONT = frozenset("¡¢£¤¥¦§¨©«¬®¯°±´µ¶·¸»¼½¾¿‚ƒ„†‡ˆ‰‹Œ›œŸ™\xad")
# A two-byte lead and a continuation read directly, a three-byte lead and two (``é”`` in
# clean text is not one), or a four-byte lead and three (an emoji): a line without one (nor a
# sign of ``precheck.unfold_sign``) has nothing this pass could rebuild with evidence.
_CONT_CLASS = "[\x80-\xbf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]"
_LEAD_PAIR_RE = re.compile(
    f"[\u00c2-\u00df]{_CONT_CLASS}|[\u00e0-\u00ef]{_CONT_CLASS}{{2}}"
    f"|[\u00f0-\u00f4]{_CONT_CLASS}{{3}}|\u00e2\u20ac\\?"
)
# A lead and a continuation read directly: Windows-1252 mojibake on its own.
_PAIR_RE = re.compile("[ÂÃÄÅÆÐÑÒÓ][\x80-\xbf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]")
_HUNGARIAN = set("őűŐŰ")
_ESPERANTO = set("ĉĥĵŝŭĈĤĴŜŬ")


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, int], dict[str, int]]:
    """(Windows-1252 character -> byte, NFKC fold of a continuation byte's character -> byte)."""
    import ftfy.bad_codecs  # noqa: F401  (registers "sloppy-windows-1252")

    byte_of = {}
    folds = {}
    for b in range(0x80, 0x100):
        ch = bytes([b]).decode("sloppy-windows-1252")
        byte_of[ch] = b
        folded = unicodedata.normalize("NFKC", ch)
        if b < 0xC0 and folded != ch:
            folds[folded] = b
    return byte_of, dict(sorted(folds.items(), key=lambda kv: -len(kv[0])))


def _cp1252(text: str) -> str:
    import ftfy.bad_codecs  # noqa: F401

    return text.encode("utf-8").decode("sloppy-windows-1252")


def nfkc_damage(text: str) -> str:
    return unicodedata.normalize("NFKC", _cp1252(text))


def holes_damage(text: str) -> str:
    return text.encode("utf-8").decode("cp1252", errors="ignore")


DAMAGE = {"nfkc": nfkc_damage, "holes": holes_damage}


@dataclass(slots=True)
class Piece:
    """One rebuilt sequence: line[start:end] read as ``char``."""

    start: int
    end: int
    char: str
    how: str  # "direct", "fold" or "hole"
    options: tuple[str, ...]  # every reading the bytes allow (more than one after a hole)


def _continuations(line: str, j: int, need: int, mode: str, first: bool, lead_at: int = -1):
    """Every way to read ``need`` continuation bytes from ``line[j:]``: (bytes, end, how)."""
    if need == 0:
        yield [], j, "direct"
        return
    byte_of, folds = _tables()
    ch = line[j] if j < len(line) else ""
    b = byte_of.get(ch)
    if b is not None and 0x80 <= b < 0xC0:
        for rest, end, how in _continuations(line, j + 1, need - 1, mode, False, lead_at):
            yield [b, *rest], end, how
        return
    punctuation = line.startswith("â€", lead_at)
    if mode.startswith("nfkc"):
        for folded, fb in folds.items():
            if folded == " " and not _space_folds(line, lead_at, j):
                continue
            if punctuation and folded != "TM" and not _FOLD_MARK_RE.match(folded, 1):
                continue  # ``â€`` with ``o`` or a space is lossy's (``â€oe``, ``â€ word``)
            if mode == "nfkc-strict" and folded == "μ" and line[lead_at] in "ÎÏ":
                continue  # a Greek mu beside a Greek lead ftfy left is a letter, not a folded µ
            if mode == "nfkc-strict" and folded in "ao" and line[lead_at] not in _LETTER_FOLD_LEADS:
                continue
            if line.startswith(folded, j):
                for rest, end, how in _continuations(
                    line, j + len(folded), need - 1, mode, False, lead_at
                ):
                    yield [fb, *rest], end, "hole" if how == "hole" else "fold"
    elif mode == "holes" and not first and line[lead_at] in HOLE_LEADS:
        if line[lead_at] == "â" and line[lead_at + 1 : lead_at + 2] != "€":
            return  # in the U+2000 block only ``”`` (E2 80 9D) loses its last byte
        # One lost byte per sequence, never the first continuation of a longer one (a lead
        # with nothing after it is a letter, not a sequence that lost two bytes).
        for hb in (0x9D,) if punctuation else UNDEFINED:
            for rest, end, _how in _continuations(line, j, need - 1, "direct", False, lead_at):
                after = line[end] if end < len(line) else ""
                if _hole_fits(line, lead_at, after):
                    yield [hb, *rest], end, "hole"


def _hole_fits(line: str, lead_at: int, after: str) -> bool:
    """Whether a byte may have been dropped before ``after``. Not before ``?`` or U+FFFD, the
    placeholders of a byte lost by an encoder (ftfy's case), unless one ``â€?`` is all the line
    holds (``Ansprechensâ€?``: a quote before a question mark); not between ``Ã``, ``Å`` or a
    three-byte lead and a space (ftfy's ``Ã `` for ``à``, whose A0 became a space); and only before ASCII, another sequence, letters beyond the
    Latin blocks of the single-byte code pages, or letters Windows-1250 does not write as a
    continuation byte (``Ť`` after ``Ä`` is Windows-1250)."""
    if after == "?" and line[lead_at] in "ÐÑ" and _ends_a_question(line, lead_at + 1):
        return True  # ``меняÑ?``: a Cyrillic word ending a question, its last byte dropped
    if after in ("?", "\ufffd"):
        return (
            line.startswith("â€", lead_at)
            and line.count("â€?") == 1
            and "\ufffd" not in line
            and re.search("[ÂÃ]\\?", line) is None
        )
    lead = line[lead_at]
    if (
        lead == "ï"
        and line.startswith("ðŸ", lead_at - 4)
        and line[lead_at + 1 : lead_at + 2] == "¸"
    ):
        return True  # ``ðŸ—žï¸``: the variation selector EF B8 8F after an emoji lost its 8F
    if (lead in "ÃÅ" or "à" <= lead <= "ï") and after == " " and lead_at + 1 < len(line):
        before = line[lead_at - 1 : lead_at]
        if (
            lead == "á"
            and line[lead_at + 1] in "º»"
            and (before.islower() or _cont(before) or _capital_starts_word(line, lead_at))
        ):
            return True  # ``nhá» ``, ``Ä‘á» ``: ftfy's A0 reading (Ạ, Ỡ) is a capital in a word
        if lead == "Ã" and line[max(0, lead_at - 2) : lead_at].isupper():
            return True  # ``ČECHOVÃ ``: a capital (Á Í Ý) ending a word in capitals, not à
        return line[lead_at + 1] == "€"  # ``Ã ``, ``Å ``, ``à¸ ``: à, Š, ภ whose A0 became a space
    if lead == "Ã" and not after:
        return False
    return (
        after.isascii()
        or SUSPECT_RE.match(after) is not None
        or after > "\u024f"
        or not _cp1250_continuation(after)
    )


def _capital_starts_word(line: str, lead_at: int) -> bool:
    """Whether the lead at ``lead_at`` follows the capital that starts a word, with a word
    after the space that is not in capitals (``Há» Ä‘Ã£``: ``Họ đã``, a sentence's first word,
    not a word in capitals whose last letter is ``Ỡ``)."""
    start = lead_at - 1
    following = line[lead_at + 3 : lead_at + 4]
    return (
        start >= 0
        and line[start].isupper()
        and (start == 0 or not line[start - 1].isalpha())
        and (following.islower() or not following.isascii())
    )


# The characters Windows-1250 writes as a continuation byte (80-BF).
_CP1250_CONTINUATIONS = frozenset(bytes(range(0x80, 0xC0)).decode("cp1250", errors="ignore"))


def _cp1250_continuation(ch: str) -> bool:
    """Whether ``ch`` is a continuation byte (80-BF) in Windows-1250: after ``Ä`` it may be the
    second byte of a letter read with that code page (``ÄŤ`` is ``č``), so no byte was lost
    there; ``ů`` or ``í`` (F9, ED) may follow a lead that lost one (``rodiÄů``, ``Äíslo``)."""
    return ch in _CP1250_CONTINUATIONS


# A ``?`` standing for a byte an encoder could not write sits inside a word (``Ã?``, ``Ð?Ñ``).
_PLACEHOLDER_RE = re.compile(r"\?[^\W\d_]")


def _ends_a_question(line: str, j: int) -> bool:
    """Whether the ``?`` at ``j`` ends a question (a space, a closing mark, the ``â`` of a
    closing mark's mojibake or the line's end after it) on a line where no other ``?`` stands
    before a letter as a lost byte's placeholder."""
    after = line[j + 1 : j + 2]
    return (not after or after.isspace() or after in '"”’»)â') and (
        _PLACEHOLDER_RE.search(line[:j] + line[j + 1 :]) is None  # this one may precede ``â€``
    )


def _cont(ch: str) -> bool:
    """Whether ``ch`` is a continuation byte read as Windows-1252 (80-BF)."""
    return 0x80 <= _tables()[0].get(ch, 0) < 0xC0


# ``áº`` whose ``º`` NFKC folded to ``o`` is told from the word ``áo`` by the byte after it.
_VIETNAMESE_MOJIBAKE_RE = re.compile("á[º»]|Æ°|Æ¡|áo(?:" + _CONT_CLASS + "|[123\u0300-\u036f])")


def _space_folds(line: str, lead_at: int, j: int) -> bool:
    """Whether the space at ``j`` may be a folded no-break space (A0) after the lead: for a
    two-byte lead only before a space, punctuation, another sequence, or in Vietnamese
    mojibake (``thÃ nh``); ftfy reads ``Ã`` before a letter as ``à`` plus a lost space
    (``voilÃ le``, ``C O N C L U S Ã O``)."""
    lead = line[lead_at]
    if lead not in SPACE_FOLD_LEADS:
        return False
    if lead in "ÄÅ" and lead_at and line[lead_at - 1].islower():
        return False  # Ġ or Š (C4/C5 A0), a capital, glued after a lower-case letter: ``mÅ ``
    if lead != "Ã":
        return True
    nxt = line[j + 1] if j + 1 < len(line) else ""
    if nxt.isascii() and nxt.isalpha():
        return _VIETNAMESE_MOJIBAKE_RE.search(line) is not None
    return True


def _plausible(ch: str, how: str) -> bool:
    cat = unicodedata.category(ch)
    if cat in ("Cc", "Cs", "Co", "Cn"):
        return False
    if how != "direct" and "\u2800" <= ch <= "\u28ff":
        # Braille patterns are E2 A0-A3 xx: ``â``, a space NFKC made of a no-break space and a
        # folded ``¹²³`` rebuild one from a stripped dash before a figure (``15:19 â 10``).
        return False
    return how != "hole" or cat not in ("Cf", "Zs")


_INDIC_RE = re.compile("[\u0900-\u0dff]")


def _foreign_to(ch: str, line: str, i: int, rebuilt: str = "") -> bool:
    """An Indic or CJK letter ending in byte A0, glued to a Latin or Cyrillic letter that is
    no part of the mojibake (``Cഠsinh``, ``đഠcủa``, ``espa纠`` for ``espaço ``: a ``ç`` ftfy
    decoded, read again as E7 with a folded ``º`` and space), or that the sequence just before it rebuilds
    (``rebuilt``: ``Ð1⁄2à ̈ `` is ``нè ``, not ``нਠ``): no word mixes them; ``Ã ́`` there is
    ``ô`` read by ftfy as ``à`` and a folded accent, and the space after it
    (:func:`after_ftfy`)."""
    if ch < "\u0900" or ch.encode("utf-8")[-1] != 0xA0 or i == 0:
        return False
    if rebuilt.isalpha() and rebuilt < "\u0900":
        return True
    if rebuilt >= "\u0900":
        return False  # after a letter of a script the line's mojibake spells (``áƒTMáƒ ``)
    before = line[i - 1]
    if before == " " and line.startswith("à ", i) and not _INDIC_RE.search(line):
        return True  # ``passione à ̈ vera``: ``è`` starting a word, on a line of no Indic text
    # A letter no Windows-1252 byte reads as: ASCII, or beyond Latin-1 (``đ``, Cyrillic)
    if not before.isalpha() or not (
        before.isascii() or (before > "ÿ" and before not in "ŠšŒœŽžŸƒ")
    ):
        return False
    earlier = line[i - 2] if i > 1 else ""
    return not (SUSPECT_RE.match(earlier) or _cont(earlier))  # ``à¤a``: ``a`` is a folded ª


def _folded_capital_in_word(ch: str, how: str, line: str, i: int, end: int) -> bool:
    """A capital rebuilt from an ``a`` or ``o`` read as a folded ``ª``/``º`` after a lower-case
    letter (``há»a`` as ``hỪ``, E1 BB AA): that ``a`` is a letter after a lost byte (``hỏa``)."""
    return (
        how == "fold"
        and ch.isupper()
        and line[end - 1] in "ao"
        and _letter_before(line, i).islower()
    )


def _letter_before(text: str, i: int) -> str:
    return text[i - 1] if i > 0 else ""


def _cased(options: list[str], before: str, after: str) -> list[str]:
    """The readings whose case fits the letters around: lower case after a lower-case letter
    or inside a word, capitals before one or outside words."""
    lower = [c for c in options if c.islower()]
    upper = [c for c in options if c.isupper()]
    if before.islower() or (before.isalpha() and after.islower()):
        return lower or options
    if after.isupper() or (not before.isalpha() and not after.isalpha()):
        return upper or options
    return options


def _choose(
    options: list[str], before: str, after: str, line: str, word: tuple[str, str] = ("", "")
) -> str:
    """The likeliest reading of a sequence that lost a byte, from the letters around it."""
    if len(options) == 1:
        return options[0]
    options = _cased(options, before, after)
    chosen = set(options)
    if {"с", "я"} <= chosen:
        if after in _CYRILLIC_VOWELS or after == "ь":
            return "с"  # я is a vowel itself; сь, ся, со
        if after == "й" or (before.isalpha() and not after.isalpha()):
            return "я"  # яй; a word ending (ая, ия, для, меня)
        return "с"
    if {"А", "Н"} <= chosen:
        return "Н" if after in _CYRILLIC_VOWELS else "А"
    if {"ρ", "ύ"} <= chosen:
        if before.isalpha() and before not in _GREEK_VOWELS and after not in _GREEK_VOWELS:
            return "ύ"
        return "ρ"
    if {"א", "ם"} <= chosen:
        return "ם" if before.isalpha() and not after.isalpha() else "א"
    if "Đ" in chosen and any("\u1ea0" <= c <= "\u1ef9" or c in "ơưƠƯ" for c in line):
        return "Đ"  # Vietnamese
    if "ĝ" in chosen and any(c in _ESPERANTO for c in line):
        return "ĝ"
    if "č" in chosen and "ā" in chosen:
        if any(c in _SLAVIC for c in line):
            return "č"
        if any(c in _LATVIAN for c in line) or not after.isalpha():
            return "ā"  # Latvian, Maori, Tagalog; a word ending (without Slavic letters around)
        return "č"
    if "Ł" in chosen and "Ő" in chosen and any(c in _HUNGARIAN for c in line):
        return "Ő"
    if {"ề", "ọ", "ờ"} <= chosen:
        return _vietnamese(before, after, word)
    return min(options, key=lambda c: (_PRIOR.find(c) % (len(_PRIOR) + 1), c))


# Common Vietnamese syllables holding ề ọ ỏ or ờ (E1 BB 81/8D/8F/9D, the bytes a strict
# Windows-1252 decoder drops): the syllable a lost byte leaves is looked up here first.
_VI_SYLLABLES = frozenset(
    """về đề nề kề thề nền bền tiền liền miền điều nhiều chiều kiều hiền quyền truyền chuyền
    thuyền đều đền mềm nghề bề phiền viền riềng trề mề lề tề hề giềng huyền khuyền xiềng kiềm
    kiềng niềm chuyền thiền triều siêu yều giềng rền sền lền
    học họ chọn trọng ngọc mọi gọi đọc bọn dọn lọc nhọn cọp họp chọc thọ lọ bọ giọng trọn đọng
    vọng mọc tọa họa thọc nọc ngọt nhọc dọc rọi vọt gọn mọn họng cọc gọt xọc bọc mọt
    nhỏ bỏ cỏ khỏe khỏi hỏi giỏi mỏi lỏng bỏng mỏng trỏ vỏ hỏa giỏ xỏ ngỏ tỏi gỏi tỏa chỏm
    giờ chờ nhờ thờ mờ ờ người trời mời lời đời thời rời cười mười dời tờ gờ ngờ lười""".split()
)


def _vietnamese(before: str, after: str, word: tuple[str, str] = ("", "")) -> str:
    """ề ọ ỏ ờ (E1 BB 81/8D/8F/9D): a known syllable, else the syllable's other letters."""
    head, tail = word[0].lower(), word[1].lower()
    for ch in ("ọ", "ề", "ờ", "ỏ"):
        if head + ch + tail in _VI_SYLLABLES:
            return ch
    if before in "ưƯ":
        return "ờ"
    if before in "iyIY" or after in "unmUNM":
        return "ề"
    if after in "cptgCPTG":
        return "ọ"  # a stop-final syllable takes only the sắc or nặng tone
    if after in "iI":
        return "ờ"
    return "ọ"


def rebuild(line: str, mode: str) -> list[Piece]:
    """Every lead character of ``line`` read as a UTF-8 sequence, when its bytes allow it."""
    byte_of, _ = _tables()
    out: list[Piece] = []
    i = 0
    n = len(line)
    while i < n:
        m = SUSPECT_RE.search(line, i)
        if m is None:
            break
        i = m.start()
        lead = byte_of[line[i]]
        need = 1 if lead < 0xE0 else 2 if lead < 0xF0 else 3
        rebuilt = out[-1].char if out and out[-1].end == i else ""
        readings: dict[str, tuple[int, str]] = {}
        for conts, end, how in _continuations(line, i + 1, need, mode, need > 1, i):
            try:
                ch = bytes([lead, *conts]).decode("utf-8")
            except UnicodeDecodeError:
                continue
            if (
                _plausible(ch, how)
                and not _foreign_to(ch, line, i, rebuilt)
                and not _folded_capital_in_word(ch, how, line, i, end)
            ):
                best = readings.get(ch)
                if best is None or end > best[0]:
                    readings[ch] = (end, how)
        if not readings:
            i += 1
            continue
        # The longest reading wins (``1⁄4`` is ¼, not ¹ and a stray ``⁄4``); among equals the
        # context chooses (a lost byte).
        far = max(end for end, _ in readings.values())
        options = tuple(ch for ch, (end, _) in readings.items() if end == far)
        ch = options[0]
        out.append(Piece(i, far, ch, readings[ch][1], options))
        i = far
    return out


def _spliced(line: str, pieces: list[Piece]) -> str:
    parts = []
    pos = 0
    for p in pieces:
        parts.append(line[pos : p.start])
        parts.append(p.char)
        pos = p.end
    parts.append(line[pos:])
    return "".join(parts)


_WORD_BEFORE = re.compile(r"[^\W\d_]*$")
_WORD_AFTER = re.compile(r"[^\W\d_]*")


def _settle(line: str, pieces: list[Piece]) -> None:
    """Pick each lost-byte reading from its rebuilt neighbours (two passes: the neighbours may
    be rebuilt characters themselves)."""
    for _ in range(2):
        text = _spliced(line, pieces)
        shift = 0
        for p in pieces:
            at = p.start + shift
            if len(p.options) > 1:
                before = text[at - 1] if at > 0 else ""
                after = text[at + 1] if at + 1 < len(text) else ""
                head = _WORD_BEFORE.search(text, 0, at).group()  # type: ignore[union-attr]
                tail = _WORD_AFTER.match(text, at + 1).group()  # type: ignore[union-attr]
                p.char = _choose(list(p.options), before, after, text, (head, tail))
            shift += 1 - (p.end - p.start)


def _words_decide(line: str, pieces: list[Piece]) -> None:
    """The word lists' choice among a lost byte's readings, on a line already verified (every
    reading re-damages alike, so the lists are read only for lines that are repaired)."""
    if any(len(p.options) > 1 for p in pieces) and lexicon.available():
        _by_words(line, pieces)


# The word lists to ask, by the script of a lost byte's readings (:mod:`.lexicon`).
def _family(options: tuple[str, ...]) -> tuple[str, ...]:
    if any("\u0400" <= c <= "\u04ff" for c in options):
        return lexicon.CYRILLIC
    if any("\u1ea0" <= c <= "\u1ef9" for c in options):
        return lexicon.VIETNAMESE
    if any(c in "čďČĎ" for c in options):
        return lexicon.LATIN_C4
    if any(c in "ÁÍÝ" for c in options):
        return lexicon.LATIN_C3
    return ()


# A word, with the apostrophes inside it (``пам’ятати``).
_WORD_RE = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")
# Share of a line's other words the chosen list must hold before it decides.
_KNOWN_SHARE = 0.5
_MAX_SPELLINGS = 625


def _by_words(line: str, pieces: list[Piece]) -> None:
    """Spell each word that holds a lost byte every way its readings allow, and keep the
    spelling the language's word list likes best (:func:`.lexicon.choose`), when the line's
    words show that list is the line's language."""
    text = _spliced(line, pieces)
    at: list[int] = []
    shift = 0
    for p in pieces:
        at.append(p.start + shift)
        shift += 1 - (p.end - p.start)
    held = {at[i]: i for i, p in enumerate(pieces) if len(p.options) > 1}
    # (pieces inside, spellings) of every word of the line
    words: list[tuple[list[int], list[tuple[str, ...]], list[str], int]] = []
    for m in _WORD_RE.finditer(text):
        a, b = m.span()
        inside = [i for k, i in held.items() if a <= k < b]
        readings = []
        for i in inside:
            k = at[i]
            before = text[k - 1] if k > 0 else ""
            after = text[k + 1] if k + 1 < len(text) else ""
            readings.append(_cased(list(pieces[i].options), before, after))
        spellings = list(itertools.islice(itertools.product(*readings), _MAX_SPELLINGS))
        spelt = []
        for spelling in spellings:
            chars = list(m.group())
            for i, c in zip(inside, spelling, strict=True):
                chars[at[i] - a] = c
            spelt.append("".join(chars))
        words.append((inside, spellings, spelt, b))
    langs: dict[tuple[str, ...], str | None] = {}
    for n, (inside, spellings, spelt, end) in enumerate(words):
        if not inside:
            continue
        family = _family(pieces[inside[0]].options)
        if not family:
            continue
        if family not in langs:
            langs[family] = (
                _line_language([w[2] for w in words], family)
                if lexicon.hinted(family, text)
                else None
            )
        lang = langs[family]
        following = words[n + 1][2][0] if n + 1 < len(words) else ""
        best = _one_letter(spelt, text[end : end + 1], following, lang)
        if lang == OUTSIDE_VIETNAMESE:
            best = _outside_vietnamese(spellings)
            lang = None  # no list of that language: the reading decides, or nothing does
        if best is None and lang == "vi":
            best = _in_compound(
                spelt, words[n - 1][2] if n else [], words[n + 1][2] if n + 1 < len(words) else []
            )
        if best is None and lang:
            best = lexicon.choose(spelt, lang)
        if best is not None:
            for i, c in zip(inside, spellings[best], strict=True):
                pieces[i].char = c


# The first-person verb endings that follow ``я`` (``я увидел``, ``я имею``, ``я мог``).
_FIRST_PERSON = ("л", "ла", "ю", "у", "лся", "лась")
# Words after ``я`` the endings miss: a past tense without ``л`` and short predicates.
_AFTER_I = frozenset("мог смог помог должен должна рад рада готов готова сам сама".split())


def _in_compound(spelt: list[str], befores: list[str], afters: list[str]) -> int | None:
    """The spelling of a Vietnamese syllable that makes a compound with its neighbours, the
    word list's choice among several (:func:`.lexicon.in_compound`)."""
    found = lexicon.in_compound(befores, spelt, afters)
    if len(found) > 1:
        best = lexicon.choose([spelt[k] for k in found], "vi")
        return found[best or 0]
    return found[0] if found else None


def _one_letter(spelt: list[str], mark: str, following: str, lang: str | None) -> int | None:
    """``с`` or ``я`` standing alone, which no word list tells apart: ``с.`` is an
    abbreviation (село), and a verb in the first person or past tense follows ``я`` (or a
    short predicate: ``я должен``); Ukrainian and Belarusian write ``я`` alone, never ``с``.
    In Macedonian, which writes neither alone, a lone ``ѝ`` (her) is meant."""
    if lang == "mk" and "ѝ" in spelt:
        return spelt.index("ѝ")
    if "с" not in spelt or "я" not in spelt:
        return None
    if mark == ".":
        return spelt.index("с")
    if lang in ("uk", "be"):
        return spelt.index("я")  # their preposition is ``з``: a lone ``с`` is no word of theirs
    after = following.lower()
    first_person = after.endswith(_FIRST_PERSON) or after in _AFTER_I
    return spelt.index("я" if first_person else "с")


def _line_language(spelt: list[list[str]], family: tuple[str, ...]) -> str | None:
    """The list of ``family`` that holds some spelling of most of the line's words, when it
    holds enough of them (``_KNOWN_SHARE``) to say the line is in its language. The lists the
    line's own letters suggest are read first (:func:`.lexicon.by_hint`), the others only when
    none of those is the line's language. Belarusian and Kazakh, which have no list, are
    named by the letters of the words no lost byte touched (:func:`.lexicon.letters_language`)."""
    if family == lexicon.CYRILLIC:
        named = lexicon.letters_language(" ".join(ws[0] for ws in spelt if len(ws) == 1), spelt)
        if named:
            return named
        intact = [ws[0] for ws in spelt if len(ws) == 1 and len(ws[0]) > 2]
        named = charmodels.likeliest(intact, (*lexicon.CYRILLIC, *lexicon.LETTERS_ONLY))
        if named in lexicon.LETTERS_ONLY:
            return named
    # Words of three letters or more: short ones (``a``, ``de``, ``la``) are in every list.
    lowered = [[lexicon.lookup_form(w) for w in ws] for ws in spelt if len(ws[0]) > 2]
    if not lowered:
        return family[0] if family in (lexicon.CYRILLIC, lexicon.VIETNAMESE) else None
    spelt = lowered
    best, most = None, 0
    # Hints from the words no lost byte touched: a reading of a lost byte is a guess (``Ёвстро``
    # would make a Bulgarian line Russian by its ``ё``).
    intact = "".join(ws[0] for ws in lowered if len(ws) == 1)
    for lists in lexicon.by_hint(family, intact):
        for lang in lists:
            known = lexicon.words(lang)
            hits = sum(1 for ws in lowered if any(w in known for w in ws))
            if hits > most:
                best, most = lang, hits
            if most == len(spelt):
                break  # no later list can hold more, and the first to hold all wins ties
        if most >= _KNOWN_SHARE * len(spelt):
            break
    if family == lexicon.CYRILLIC:
        return best or family[0]  # the script names the family: its letters still choose
    if family == lexicon.VIETNAMESE and most < _KNOWN_SHARE * len(spelt):
        return OUTSIDE_VIETNAMESE
    return best if most >= _KNOWN_SHARE * len(spelt) else None


# The line language of a line whose ``á»`` lost a byte and whose words are not Vietnamese
# (Yoruba, Igbo): of its readings ``ề ọ ỏ ờ`` only ``ọ`` is written outside Vietnamese.
OUTSIDE_VIETNAMESE = "yo"
_OUTSIDE_VIETNAMESE_LETTERS = frozenset("ọỌ")


def _outside_vietnamese(spellings: list[tuple[str, ...]]) -> int | None:
    """The spelling of a word of a line that is not Vietnamese: every lost byte read ``ọ``."""
    return next(
        (k for k, sp in enumerate(spellings) if _OUTSIDE_VIETNAMESE_LETTERS.issuperset(sp)), None
    )


_FOLD_MARK_RE = re.compile("[\u2044\u0300-\u036f]")


def _strong(line: str, p: Piece) -> bool:
    """Evidence no clean text carries: a fold mark or spacing accent after a lead character,
    or a capital lead letter inside a lower-case word."""
    if p.how == "fold" and _FOLD_MARK_RE.search(line, p.start, p.end):
        return True
    if p.how == "fold" and line[p.start : p.start + 2] in _FOLDED_PAIRS:
        return True  # ``Ã3tima``, ``Ão``: no word puts a digit or lower-case a/o after Ã
    before = line[p.start - 1] if p.start else ""
    lead = line[p.start]
    if lead >= "à" and _symbolic(line, p):
        return True  # ``áo¥``, ``á»§``: a three-byte sequence whose other bytes are symbols
    if p.how == "fold" and line.startswith("TM", p.start + 1) and p.end == p.start + 3:
        before_script = (line[p.start - 1] if p.start else "a") > "\u024f"
        return (
            lead < "à"
            and p.char.isalpha()
            and (p.char > "\u024f") == before_script  # the letter of the word around it
            and folded_tm_in_word(line, p.start)  # ``мÓTMлі``
        )
    if p.how == "fold" and lead == "á" and _VI_FOLDED_RE.fullmatch(line, p.start + 1, p.end):
        after = line[p.end] if p.end < len(line) else ""
        # ``máo1o`` (mẹo): a digit inside a word; ``máo1.`` ending a sentence on a Vietnamese
        # line (before a space it may be a name: ``cháo3 người``)
        return before.isalpha() and (
            after.isalpha() or (after in ".,;:!?" and VI_LETTERS_RE.search(line) is not None)
        )
    if p.how == "hole" and lead in "ÐÑ" and lone_cyrillic_lead(line, p.start):
        return True  # ``меÑту``: a lone lead among Cyrillic letters ftfy decoded
    if p.how == "hole" and lead in "ÐÑ" and _beside_cyrillic_pair(line, p.start):
        return True  # ``Ð½Ð½Ñ Ñƒ``: a lone lead among Cyrillic letters ftfy left undecoded
    after = line[p.end : p.end + 1]
    if (
        p.how != "direct"
        and lead in CAPITAL_LEADS
        and not after.isupper()
        and _pair_before(line, p.start).islower()
    ):
        return True  # ``HrÃ¡Ä Å™ekl``: after a Latin-1 letter still read as Windows-1252
    return p.how != "direct" and lead in CAPITAL_LEADS and before.islower() and before not in "ƒšœž"


def _pair_before(line: str, i: int) -> str:
    """The Latin-1 letter a Windows-1252 pair just before ``i`` stands for (``Ã¡`` is ``á``),
    or ""."""
    pair = line[max(0, i - 2) : i]
    if len(pair) != 2 or pair[0] != "Ã" or not _cont(pair[1]):
        return ""
    try:
        return pair.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return ""


def _cyrillic_pair(pair: str) -> bool:
    """Whether ``pair`` is a Cyrillic letter's UTF-8 (D0 or D1, then 80-BF) read as
    Windows-1252: ``Ð½`` is ``н``."""
    return len(pair) == 2 and pair[0] in "ÐÑ" and _cont(pair[1])


def _beside_cyrillic_pair(line: str, i: int) -> bool:
    """Whether the lead at ``i`` touches a whole Cyrillic pair read as Windows-1252 (a line
    ftfy could not decode because of this very lead's lost byte: ``Ð½Ð½Ñ Ñƒ`` is ``ння у``).
    No clean text writes ``Ð`` or ``Ñ`` before a continuation byte's character."""
    return _cyrillic_pair(line[max(0, i - 2) : i]) or _cyrillic_pair(line[i + 1 : i + 3])


# ``áº¹`` (ẹ, E1 BA B9) folded by NFKC: the ``º`` or ``ª`` of the second byte read as a
# letter, the third a digit (¹ ² ³) or a Greek mu (µ, B5).
_VI_FOLDED_RE = re.compile("[ao][123\u03bc]")


def _before_lower(line: str, p: Piece) -> bool:
    """A capital lead letter that lost a byte right before a lower-case letter (``Äasom``)."""
    after = line[p.end] if p.end < len(line) else ""
    return p.how == "hole" and line[p.start] in CAPITAL_LEADS and after.islower()


def _symbolic(line: str, p: Piece) -> bool:
    """Whether a three-byte sequence shows itself: each continuation read directly is a
    symbol no text puts after a letter (not a quote, dash, ellipsis or space), and a lost byte
    only follows Vietnamese ``áº``/``á»`` (E1 BA/BB)."""
    lead = line[p.start]
    if not "à" <= lead <= "ï":
        return False
    body = line[p.start + 1 : p.end]
    byte_of = _tables()[0]
    direct = [c for c in body if 0x80 <= byte_of.get(c, 0) < 0xC0]
    if not direct or " " in body or not all(c in _SYMBOL_CONT for c in direct):
        return False
    return p.how != "hole" or (lead == "á" and body[:1] in ("º", "»"))


def _folds_beyond_space(line: str, pieces: list[Piece]) -> bool:
    """Whether some fold is more than a no-break space folded to a space after a lead whose
    A0 reading is rare (``Ä `` is Ġ, C4 A0; ``Ã `` is à, common)."""
    for p in pieces:
        folded = line[p.start + 1 : p.end]
        if p.how != "fold" or (folded == " " and line[p.start] < "à" and p.char not in "àŠРΠ"):
            continue
        if folded in ("a", "o") and line[p.start] not in _LETTER_FOLD_LEADS:
            continue  # ``Äa`` is Ī (C4 AA), or č that lost its byte before an a
        if folded in ("a", "o") and p.char.isupper() and line[p.start - 1 : p.start].islower():
            continue  # ``há»a`` is hỏa (8F lost before an a), not a capital Ừ (E1 BB AA)
        return True
    return False


def _evidence(line: str, pieces: list[Piece]) -> bool:
    from ftfy.badness import is_bad

    if any(_strong(line, p) for p in pieces):
        return True
    return EVIDENCE_RE.search(line) is not None or is_bad(line)


def _replacement(offset: int, p: Piece, rule: str, mode: str) -> Replacement:
    reason = {
        "nfkc": "UTF-8 read as Windows-1252, then NFKC: a folded byte restored",
        "holes": "UTF-8 read as Windows-1252 with its undefined bytes dropped: the byte restored",
        "direct": "UTF-8 read as Windows-1252, left whole beside text ftfy decoded",
    }[mode]
    return Replacement(offset + p.start, offset + p.end, p.char, rule, reason)


def _ours(line: str, p: Piece) -> bool:
    """Whether a rebuilt whole line emits this sequence. ``â€`` sequences are ftfy's when whole
    and :mod:`.lossy`'s when a lost byte leaves their kind to the context (``â€`` before a
    word opens a quotation); this pass keeps those its bytes decide: a folded ``™`` or ``˜``,
    a lost 9D before a question mark (``Ansprechensâ€?``, which ftfy would make U+FFFD), and
    one before a space on a line that keeps a ``™`` (``Dawsonâ€™s Creek â€ star``): NFKC
    would have folded the ``™``, so the space is no ``˜`` it folded (``‘``), and the mark is
    the ``”`` whose 9D was dropped."""
    if not _punctuation(line, p) or p.how != "hole":
        return True
    after = line[p.end : p.end + 1]
    return after == "?" or (after == " " and "™" in line)


def _punctuation(line: str, p: Piece) -> bool:
    """``â€`` sequences: the marks of the U+2000 block, left to :mod:`tamis.repair.lossy`."""
    return line.startswith("â€", p.start)


# C1 controls Windows-1252 gives a character: a line holding one was not decoded as
# Windows-1252 (Latin-1, or another code page such as Windows-1250: ``CzÄ\x99Ĺ\x9b`` is Polish
# ``Czę``), so no byte of it was folded or dropped by that reading; ftfy decodes it.
_CP1252_DEFINED_C1_RE = re.compile("[\x80\x82-\x8c\x8e\x91-\x9c\x9e\x9f]")


# Text around a line read for the language of a word that starts with a lost byte (a title
# above a body in the same language).
_AROUND = 2000


# Lists and the letters that name their languages, by the lead of a capital that lost its
# byte at a word start: ``Ä`` (č ď, C4 8D 8F; Vietnamese Đ, C4 90), ``Ã`` (Á Í Ý, C3 81 8D 9D).
_WORD_START_LISTS = {
    "Ä": ((lexicon.LATIN_C4, "čď", C4_LETTERS_RE), (lexicon.VIETNAMESE, "đ", VI_LETTERS_RE)),
    "Ã": ((lexicon.LATIN_C3, "áíý", C3_LETTERS_RE),),
}


def _listed_capital(line: str, p: Piece, around: str) -> str | None:
    """The letter a lead that lost its byte at the start of a lower-case word stands for
    (``Äeprav`` is ``čeprav``, ``Äeských`` ``českých``, ``Ãfrica`` ``África``; ``Å tajerska``,
    whose A0 NFKC made a space, ``Štajerska``), when the text
    around the line writes the letters of languages that write it and one of their lists holds
    the word spelt so but not as written (German ``Ärger`` is listed by none of them and its
    text holds none of their letters); None otherwise."""
    lead = line[p.start]
    if p.start and line[p.start - 1].isalpha():
        return None
    if p.how == "fold" and p.char == "Š" and line[p.end - 1] == " ":
        # ``Å tajerska``: Š (C5 A0) whose A0 NFKC made a space, at a word start
        word = _LOWER_WORD_RE.match(line, p.end)
        if word is None or not lexicon.available() or not C4_LETTERS_RE.search(around):
            return None
        for lang in lexicon.by_hint(lexicon.LATIN_C4, around)[0]:
            if "š" + word.group() in lexicon.words(lang):
                return "Š"
        return None
    if p.how != "hole" or lead not in _WORD_START_LISTS:
        return None
    word = _LOWER_WORD_RE.match(line, p.end)
    if word is None or not lexicon.available():
        return None
    rest = word.group()
    written = lead.lower() + rest
    best = None
    for family, letters, named in _WORD_START_LISTS[lead]:
        if not named.search(around):
            continue
        for lang in lexicon.by_hint(family, around)[0]:
            known = lexicon.words(lang)
            if written in known:
                return None
            for c in letters:
                band = known.get(c + rest)
                # č (C4 8D) lower-case, Á (C3 81) and Đ (C4 90) capitals
                char = c if c in p.options else c.upper()
                if band is not None and char in p.options and (best is None or band < best[0]):
                    best = (band, char)
    return best[1] if best else None


_LOWER_WORD_RE = re.compile(r"(?=[^\W\d_])[^\W\d_A-ZÀ-Þ]+")


def line_repairs(line: str, offset: int = 0, around: str = "") -> list[Replacement]:
    """Replacements that rebuild the folded or lost bytes of ``line`` (see the module doc);
    ``around``: the text around it, whose letters name the language of a word the line alone
    leaves open."""
    if _CP1252_DEFINED_C1_RE.search(line):
        return []
    if SUSPECT_RE.search(line) is None:
        return after_ftfy(line, offset)  # ``†̃`` on a line ftfy decoded whole
    whole: dict[str, list[Piece]] = {}
    for mode in ("nfkc", "holes"):
        pieces = rebuild(line, mode)
        if any(p.how != "direct" for p in pieces):
            _settle(line, pieces)
            if DAMAGE[mode](_spliced(line, pieces)) == line and _evidence(line, pieces):
                whole[mode] = pieces
    if "nfkc" in whole and "holes" in whole and not _folds_beyond_space(line, whole["nfkc"]):
        del whole["nfkc"]  # ``Ä `` is ā (a lost byte) before a space, rather than Ġ (C4 A0)
    for mode, pieces in whole.items():
        # The marks of the U+2000 block (``â€``) are left to ftfy and :mod:`.lossy`, which
        # read quotes from their context.
        rule = FOLD_RULE if mode == "nfkc" else HOLE_RULE
        _words_decide(line, pieces)
        return [_replacement(offset, p, rule, mode) for p in pieces if _ours(line, p)]
    for mode in ("nfkc", "holes"):
        pieces = rebuild(line, "nfkc-strict" if mode == "nfkc" else mode)
        lossy = [p for p in pieces if p.how != "direct"]
        if not lossy:
            continue
        _settle(line, pieces)
        rule = FOLD_RULE if mode == "nfkc" else HOLE_RULE
        # Sequence by sequence: only where the line holds a sign no clean text has, and only
        # sequences that show it themselves or start with a capital lead letter.
        if (
            any(_strong(line, p) for p in lossy)
            or (
                _PAIR_RE.search(line)
                and "\ufffd" not in line
                and any(_before_lower(line, p) for p in lossy)
            )
            or ("\ufffd" not in line and any(_listed_capital(line, p, around) for p in lossy))
        ):
            listed = {p.start: _listed_capital(line, p, around) for p in lossy}
            damage = DAMAGE[mode]
            kept = [
                p
                for p in pieces
                if not _punctuation(line, p)
                and (
                    _strong(line, p)
                    or (p.how != "direct" and line[p.start] in CAPITAL_LEADS)
                    or (p.how == "direct" and _PAIR_RE.fullmatch(line, p.start, p.end))
                    or (p.how == "direct" and _vietnamese_left(line, p))
                )
                and damage(p.char) == line[p.start : p.end]
            ]
            if kept:
                _words_decide(line, pieces)
                for p in kept:
                    p.char = listed.get(p.start) or p.char
                out = [_replacement(offset, p, rule, mode) for p in kept]
                taken = {i for p in kept for i in range(p.start, p.end)}
                return sorted(
                    out
                    + [
                        r
                        for r in after_ftfy(line, offset, any(p.how == "fold" for p in kept))
                        if r.start - offset not in taken
                    ],
                    key=lambda r: r.start,
                )
    # Whole sequences ftfy left on a line it decoded in part (``thuá»™c``, ``24â„¢``) and
    # leaves again: a three-byte lead whose continuations are symbols no text puts after a
    # letter.
    out = []
    whole = (
        [p for p in rebuild(line, "holes") if p.how == "direct"]
        if _LEFT_RE.search(line) or _LETTER_PAIR_RE.search(line) or _VI_LEFT_RE.search(line)
        else []
    )
    if any(_left_whole(line, p) or _letter_pair(line, p) for p in whole) and _ftfy_leaves(line):
        out = [
            _replacement(offset, p, FOLD_RULE, "direct")
            for p in whole
            if _left_whole(line, p) or _PAIR_RE.fullmatch(line, p.start, p.end)
        ]
    return sorted(out + after_ftfy(line, offset), key=lambda r: r.start)


_LEFT_RE = re.compile(
    "[\u00e0-\u00ef][" + re.escape("".join(sorted(_SYMBOL_CONT - set("´¨¸¯")))) + "]{2}"
)


# A Latin Extended-A lead (C4, C5) and a continuation read as Windows-1252 (``ÄŒ`` is Č,
# ``Å¡`` š, ``Ä™`` ę): ftfy's badness test lets some pass (two letters: ``ÄŒlanovi``), and
# on a line it decoded only in part it leaves others (``vaÅ¡o`` beside a decoded ``č``).
_LETTER_PAIR_RE = re.compile("[ÄÅ]" + _CONT_CLASS)


def _letter_pair(line: str, p: Piece) -> bool:
    """Such a pair read as a letter beside a lower-case one (``Å¡to``, ``zostaÅ‚``): no
    language writes ``Å`` or ``Ä`` before one of those symbols or letters inside a word in
    lower case; a word in capitals may (``PÅ…``, leetspeak ``MÄ£ÄM``), and a no-break space or
    soft hyphen after ``Ä`` is a space or hyphen (``SELKÄ\xa0EDELLÄ``)."""
    if _LETTER_PAIR_RE.fullmatch(line, p.start, p.end) is None or not p.char.isalpha():
        return False
    before = line[p.start - 1] if p.start else ""
    after = line[p.end] if p.end < len(line) else ""
    return line[p.start + 1] not in "\xa0\xad" and (after.islower() or before.islower())


def leftover_pairs(text: str) -> list[Replacement]:
    """Latin Extended-A pairs (``groÅ¡``, ``zmeniÅ¥``) that ftfy left on a line it has just
    decoded in part (``teÅ¾inu`` became ``težinu``): ftfy decodes the sequences its own
    detector matches, and ``Å¡`` or ``Å¥`` beside plain letters escape it. Runs after ftfy's
    pass, on the same rule as :func:`_letter_pair` (beside a lower-case letter, ftfy leaving
    the line as it is now), each pair verified by its Windows-1252 reading."""
    if _LETTER_PAIR_RE.search(text) is None:
        return []
    out: list[Replacement] = []
    start = 0
    for line in text.split("\n"):
        if _LETTER_PAIR_RE.search(line):
            pairs = [
                p
                for p in rebuild(line, "holes")
                if p.how == "direct"
                and _letter_pair(line, p)
                and _cp1252(p.char) == line[p.start : p.end]
            ]
            if pairs and _ftfy_leaves(line):
                out += [_replacement(start, p, FOLD_RULE, "direct") for p in pairs]
        start += len(line) + 1
    return out


# A Cyrillic lead (D0-D3) and a ``™`` (byte 99) that NFKC folded to ``TM``, glued to a
# lower-case Cyrillic letter: ``мÓTMліметтер`` (Kazakh ``ә``, D3 99). ftfy decodes the letters
# around it and leaves the pair; the sequence pass sees it only once its neighbours are letters.
_FOLDED_TM_LETTER_RE = re.compile(
    "(?:(?<=[\u0430-\u045f\u0460-\u04ff])[ÐÑÒÓ]TM)|(?:[ÐÑÒÓ]TM(?=[\u0430-\u045f]))"
)


def _folded_letter(text: str) -> str | None:
    """The letter whose UTF-8, read as Windows-1252 and folded by NFKC, is ``text``."""
    byte_of, folds = _tables()
    raw = [byte_of.get(text[0])]
    rest = text[1:]
    while rest and raw[-1] is not None:
        fold = next((f for f in folds if rest.startswith(f)), None)
        if fold is None:
            fold = rest[0]
            raw.append(byte_of.get(fold) if fold >= "\xa0" else None)
        else:
            raw.append(folds[fold])
        rest = rest[len(fold) :]
    if None in raw:
        return None
    try:
        char = bytes(raw).decode("utf-8")  # type: ignore[arg-type]
    except UnicodeDecodeError:
        return None
    return char if len(char) == 1 and nfkc_damage(char) == text else None


def leftover_folds(text: str) -> list[Replacement]:
    """Folded sequences left after ftfy's pass, once ftfy has decoded the letters around
    them (the sequence pass judged them beside mojibake): a Cyrillic lead and a ``TM``
    glued to a lower-case Cyrillic letter (``мÓTMліметтер``, Kazakh ``ә``, or after the
    Cyrillic capital that starts the word, ``СÓTMрсенбай``; the letter spelt is lower-case,
    never a capital inside a word), and a Vietnamese ``áo1`` between letters
    (``đáo1p`` is ``đẹp``). No clean text holds either, and each is replaced only by the one
    letter whose Windows-1252 reading folded by NFKC is exactly the sequence."""
    found = list(_FOLDED_TM_LETTER_RE.finditer(text)) if "TM" in text else []
    if "á" in text:  # a substring test first: most texts reaching this pass have none
        found += VI_FOLD_RE.finditer(text)
    if not found:
        return []
    out: list[Replacement] = []
    for m in found:
        char = _folded_letter(m.group())
        before = text[m.start() - 1] if m.start() else ""
        # a Cyrillic capital may start the word (``СÓTMрсенбай``); a Latin one is no part of it
        if char and char.islower() and not (before.isupper() and before < "\u0400"):
            reason = "UTF-8 read as Windows-1252, then NFKC: a folded byte restored"
            out.append(Replacement(m.start(), m.end(), char, FOLD_RULE, reason))
    return sorted(out, key=lambda r: r.start)


def _spaced_folds(line: str, offset: int, taken: set[int]) -> list[Replacement]:
    """``áo1`` before a space and a lower-case word (``VI_FOLD_SPACED_RE``: ``nháo1 nhàng`` is
    ``nhẹ nhàng``), in text where ``VI_FOLD_RE`` found Vietnamese folds already; each replaced
    by the one letter whose Windows-1252 reading folded by NFKC is exactly the sequence."""
    out = []
    for m in VI_FOLD_SPACED_RE.finditer(line):
        char = _folded_letter(m.group())
        if char and char.islower() and line[m.end() + 1].islower():
            if offset + m.start() not in taken:
                reason = "UTF-8 read as Windows-1252, then NFKC: a folded byte restored"
                out.append(
                    Replacement(offset + m.start(), offset + m.end(), char, FOLD_RULE, reason)
                )
    return out


def _left_whole(line: str, p: Piece) -> bool:
    """A three-byte sequence left whole inside a word of decoded text (``thuá»™c``,
    ``24â„¢``; not ``DrÃ¥ber``, which ftfy leaves on purpose): symbols for continuations (not
    spacing accents, which stand for quotes: ``lá´´``), right after a letter or digit that is
    not itself mojibake."""
    before = line[p.start - 1] if p.start else ""
    body = line[p.start + 1 : p.end]
    if not body or any(c in "´¨¸¯" for c in body):
        return False
    if _vietnamese_left(line, p):
        return True
    return _symbolic(line, p) and before.isalnum() and (before.isascii() or before > "\u024f")


# What E1 BA/BB's last byte reads as when it is punctuation in Windows-1252 (``dá»…`` is
# ``dễ``, E1 BB 85): no symbol shows it, the syllable it spells does.
_PUNCTUATION_CONT = frozenset("…‘’“”–—•")
_VI_LEFT_RE = re.compile("á[º»][…‘’“”–—•]")


def _vietnamese_left(line: str, p: Piece) -> bool:
    """A Vietnamese letter E1 BA/BB xx left whole inside a syllable whose last byte reads as
    punctuation (``dá»… dàng``): accepted when the syllable it spells is a Vietnamese word and
    the syllable as it stands is none, on a line of Vietnamese words (:mod:`.syllables`)."""
    body = line[p.start + 1 : p.end]
    if line[p.start] != "á" or body[:1] not in ("º", "»") or body[1:] not in _PUNCTUATION_CONT:
        return False
    head = _WORD_BEFORE.search(line, 0, p.start).group()  # type: ignore[union-attr]
    tail = _WORD_AFTER.match(line, p.end).group()  # type: ignore[union-attr]
    if not head or not lexicon.available():
        return False
    known = lexicon.words("vi")
    return (head + p.char + tail).lower() in known and _vietnamese_words(line)


def _ftfy_leaves(line: str) -> bool:
    """Whether ftfy's decoding leaves ``line`` as it is (then what this pass sees is left over
    from an earlier run of it; otherwise the line is ftfy's to decode whole)."""
    import ftfy

    return ftfy.fix_encoding(line) == line


def _fold_byte(text: str) -> int | None:
    return _tables()[1].get(text)


# A character whose UTF-8 ends in byte A0 (``à`` C3 A0, ``†`` E2 80 A0, ``Ҡ``), then a spacing
# accent that NFKC made a space and a combining mark: ftfy's reading of folded mojibake.
_AFTER_FTFY_RE = re.compile("([^\x00-\x7f])( ?[\u0300-\u036f])")


_A0_SPACE_RE = re.compile("([\u0080-\u07ff]) (?: (?=\\S)|(?=[,.;:!?\u2019\u201d)\\]]))")
# ``’`` (E2 80 99) read as Windows-1252 with its ``™`` folded by NFKC: mojibake ftfy leaves.
_FOLDED_TM = "\u00e2\u20acTM"


_ARING_REASON = "UTF-8 read as Windows-1252, left by ftfy beside folded mojibake it read"


def after_ftfy(line: str, offset: int = 0, folded: bool = False) -> list[Replacement]:
    """Folded mojibake that ftfy then read in part: ``caractà ̈res`` is ``caractères`` (ftfy
    took ``Ã`` and the folded ``¨`` for ``à``), ``†̃`` is ``‘`` (``â€`` and the space of a
    folded ``˜``, read as a dagger). Each is verified by re-damage of what it restores."""
    out: list[Replacement] = []
    for m in _AFTER_FTFY_RE.finditer(line):
        x, accent = m.group(1), m.group(2)
        raw = x.encode("utf-8")
        if len(raw) < 2 or raw[-1] != 0xA0:
            continue
        spaced = accent.startswith(" ")
        fb = _fold_byte(accent if spaced else " " + accent)
        if fb is None:
            continue
        lead = raw[:-1]
        if x == "\u04a0":  # ``Ҡ``: MacRoman D2 A0 read from ``“†``: an opening double quote
            prefix, lead = "\u201c", "\u2020".encode()[:-1]
        else:
            prefix = ""
        try:
            ch = (lead + bytes([fb])).decode("utf-8")
        except UnicodeDecodeError:
            continue
        if (
            not _plausible(ch, "fold")
            or nfkc_damage(ch) != _cp1252_bytes(lead) + " " + accent.lstrip()
        ):
            continue
        out.append(
            Replacement(
                offset + m.start(),
                offset + m.end(),
                prefix + ch,
                FOLD_RULE,
                "NFKC-folded mojibake that ftfy read in part: the folded byte restored",
            )
        )
    if out:
        # ``Ã¥`` (å, C3 A5) is the one Latin-1 pair ftfy's piecewise decoder never reads: on
        # a line that shows folded mojibake ftfy read in part, it is that mojibake too
        # (``à ̧jne pÃ¥``); alone, ftfy's own cases keep it (``DrÃ¥ber``).
        out += [
            Replacement(offset + m.start(), offset + m.end(), "å", FOLD_RULE, _ARING_REASON)
            for m in re.finditer("Ã¥", line)
        ]
    if out or folded or _FOLDED_TM in line:
        # On such a line (or one whose folds the caller rebuilt: ``folded``) (folded mojibake ftfy read in part, or a ``’`` whose ™ NFKC folded,
        # which ftfy leaves) ftfy also read ``Ã`` and the space NFKC made of a no-break space
        # as ``à``, keeping the space: ``à  l`` is ``à l``, ``là ,`` is ``là,``.
        for m in _A0_SPACE_RE.finditer(line):
            if len(m.group(1).encode("utf-8")) == 2 and m.group(1).encode("utf-8")[-1] == 0xA0:
                out.append(
                    Replacement(
                        offset + m.start() + 1,
                        offset + m.start() + 2,
                        "",
                        FOLD_RULE,
                        "a no-break space NFKC folded, read by ftfy as part of a letter",
                    )
                )
        out.sort(key=lambda r: r.start)
    return out


def _cp1252_bytes(raw: bytes) -> str:
    import ftfy.bad_codecs  # noqa: F401

    return raw.decode("sloppy-windows-1252")


# ``ഠ`` (E0 B4 A0): ``Ã`` and a space read by ftfy as ``à`` (C3 A0, so E0), then the ``´``
# of ô (B4) and the real space after it (A0). The four spacing accents NFKC folds this way.
_A0_ACCENT_BYTES = (0xA8, 0xAF, 0xB4, 0xB8)
_VI_LOST = "ềọỏờ"  # E1 BB 81/8D/8F/9D: the readings of ``á»`` with its last byte lost
_EATEN_RE = re.compile(f"[{EATEN_SPACE}]")


# ``á»`` that lost its last byte, inside a syllable (``đưá»ng`` is ``đường``).
_VI_HOLE_RE = re.compile("á»(?=[a-zđ])")


def _spellings_after(line: str, i: int) -> list[str]:
    """The syllable from ``line[i]`` on, each way it may be spelt when an ``á»`` in it lost
    its last byte (``đưá»ng``: ``đưềng``, ``đưọng``, ``đưỏng``, ``đường``)."""
    raw = _SYLLABLE_RE.match(line, i).group()  # type: ignore[union-attr]
    if _VI_HOLE_RE.search(raw) is None:
        return [_WORD_AFTER.match(raw).group()]  # type: ignore[union-attr]
    return [_VI_HOLE_RE.sub(c, raw, count=1) for c in _VI_LOST]


_SYLLABLE_RE = re.compile(r"[^\s\d.,;:!?()\"“”]*")


def eaten_spaces(line: str, offset: int = 0) -> list[Replacement]:
    """A letter and the space after it that ftfy read as one character of another script
    (:func:`tamis.repair.precheck.eaten_space`): ``đഠcủa`` is ``đô của``, ``nhỠđất`` is
    ``nhỏ đất`` (the syllable's lost byte chosen as in :func:`_choose`, then by the
    Vietnamese word list)."""
    out = []
    for m in _EATEN_RE.finditer(line):
        i = m.start()
        if not eaten_space(line, i):
            continue
        raw = m.group().encode("utf-8")
        if m.group() == "\u1ee0":
            head = _WORD_BEFORE.search(line, 0, i).group()  # type: ignore[union-attr]
            char = _vietnamese(line[i - 1], "", (head, ""))
            if lexicon.available():
                spelt = [head + c for c in _VI_LOST]
                before = _WORD_BEFORE.search(line, 0, max(0, i - len(head) - 1)).group()  # type: ignore[union-attr]
                best = _in_compound(spelt, [before], _spellings_after(line, i + 1))
                if best is None:
                    best = lexicon.choose(spelt, "vi")
                char = _VI_LOST[best] if best is not None else char
            reason = "á» (a lost byte) and a space read by ftfy as one letter"
        elif raw[0] == 0xE0 and raw[1] in _A0_ACCENT_BYTES and raw[2] == 0xA0:
            char = bytes([0xC3, raw[1]]).decode("utf-8")
            reason = "Ã and an NFKC-folded accent, then a space, read by ftfy as one letter"
        else:
            continue
        out.append(Replacement(offset + i, offset + i + 1, char + " ", FOLD_RULE, reason))
    return out


# ``á»`` or ``áº`` (E1 BB/BA) that lost its last byte inside a word (``há»i`` is ``hỏi``,
# on a line ftfy decoded otherwise): no clean text glues a guillemet between two letters.
_VI_LOST_INSIDE_RE = re.compile(r"(?<=[^\W\d_])á[º»](?=[^\W\d_])")


def _vietnamese_words(line: str) -> bool:
    return lexicon.available() and is_vietnamese_line(line)


def unfold_repairs(text: str) -> list[Replacement]:
    if SUSPECT_RE.search(text) is None and not unfold_sign(text):
        return []
    out: list[Replacement] = []
    start = 0
    # a word starting with a lead that lost its byte, in text that names its language (a
    # title's ``Äeprav`` above a body that writes ``č``; ``Å tajerska``)
    c4 = ("Ä" in text or "Ã" in text or "Å " in text) and c4_word_start(text)
    vi_folded = "áo" in text and VI_FOLD_RE.search(text) is not None
    for line in text.split("\n"):
        if (
            _LEAD_PAIR_RE.search(line)
            or unfold_sign(line)
            or (c4 and (C4_WORD_START_RE.search(line) or S_CARON_SPLIT_RE.search(line)))
            or VI_FOLD_RE.search(line)
            or (_VI_LOST_INSIDE_RE.search(line) and _vietnamese_words(line))
        ):
            found = line_repairs(line, start, text[max(0, start - _AROUND) : start + _AROUND])
            eaten = eaten_spaces(line, start) if _EATEN_RE.search(line) else []
            taken = {i for r in found for i in range(r.start, r.end)}
            found += [r for r in eaten if r.start not in taken]
            if vi_folded:
                found += _spaced_folds(
                    line, start, {i for r in found for i in range(r.start, r.end)}
                )
            out += sorted(found, key=lambda r: r.start)
        elif _FOLDED_TM in line:
            out += after_ftfy(line, start)
        start += len(line) + 1
    return out
