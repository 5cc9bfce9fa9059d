"""Mojibake that ftfy cannot decode because bytes were lost, folded or already mis-fixed.

UTF-8 punctuation of the U+2000 block is three bytes, ``E2 80 xx``; read as Windows-1252 it
becomes ``â€`` and one more character. That last character is where the damage happens:

* it is one of cp1252's undefined bytes (``9D`` for ``”``) and a strict decoder dropped it;
* it was folded by NFKC (``™`` for ``’`` became ``TM``, ``˜`` for ``‘`` became a space) or
  transliterated (``œ`` for ``“`` became ``oe``);
* the text was cut right after ``â€``;
* ftfy then read ``â€`` plus a real space as ``E2 80 A0``, a dagger ``†``, eating the space;
* or the text was read as Latin-1 and the C1 bytes ``80``–``9F`` were stripped, leaving a
  lone ``â`` (and ``Ã`` for capitals).

The surviving bytes narrow the character down to the U+2000 block; the context picks it: a
mark between a space and a word opens a quotation, one after a word closes it, one inside a word
is an apostrophe, one between spaces is a dash. Single versus double quote follows nesting
(:mod:`tamis.repair.quotes`: a closing mark closes the innermost open quotation, an opening one
matches the first closing mark at its depth); where every mark on the line is the same lone
``â``, the line's role and nesting decide (:mod:`tamis.repair.stripped`). Marks that can be
legitimate on their own (``†`` as a footnote dagger, ``â`` in French, Portuguese, Welsh or
Vietnamese) are only repaired on a line that carries other evidence of UTF-8 mojibake, or (for
the dagger) where a quotation on the line lacks exactly the mark it would be, or (for a spaced
``â`` between words) in text that is not Welsh (:mod:`tamis.repair.welsh`); so clean text is
never touched.
"""

from __future__ import annotations

import re
import unicodedata

from tamis.document import Replacement
from tamis.repair.circumflex import apostrophe_words
from tamis.repair.dashes import THRESHOLD as ENGLISH_THRESHOLD
from tamis.repair.dashes import english_share, is_english, spaced_dash
from tamis.repair.headline import is_headline
from tamis.repair.precheck import EVIDENCE_RE, LOSSY_CANDIDATE_RE
from tamis.repair.quotes import LDQ, LSQ, RDQ, RSQ, WINDOW, Event, closing, open_at, opening
from tamis.repair.stripped import PAIR_RE, is_contraction, plan, spaced_dashes, text_styles
from tamis.repair.welsh import welsh_like

RULE = "lossy_mojibake"
DAGGER_RULE = "dagger_quote"


# What follows ``â`` in a complete UTF-8 sequence read as Windows-1252 (or as Latin-1).
_CONT_NOT_LATIN1 = "\x80-\x9f€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
_CONT = _CONT_NOT_LATIN1 + "\xa0-\xbf"
# Characters that continue a UTF-8 sequence in any single-byte reading ftfy knows (cp1250's
# ``ś`` as well as cp1252's ``œ``), and the placeholders of a lost byte (``?``, U+FFFD) that
# ftfy's own lossy-sequence rule handles.
_ANY_CONT = (
    _CONT + "ĄÆĽŁØŖŚŠŞŤŸŹŽŻŒąæƒľłøŗśšşťźžżœˆˇ˘˛˜˝΄΅ΆΈΉΊΌΎΏЁЂЃЄЅІЇЈЉЊЋЌЎЏёђѓєѕіїјљњћќўџҐґ?\ufffd"
)
# An opening quote and a dagger (``‘`` whose ``˜`` NFKC folded to a space, read by ftfy as
# E2 80 A0) that ftfy then took for MacRoman mojibake and decoded again: ``“†`` is D2 A0 in
# MacRoman, the UTF-8 of ``Ҡ``.
_QUOTE_DAGGER = {"\u04a0": LDQ + LSQ, "\u0520": LSQ + LSQ}
# ``â€`` whose third character is missing, folded or transliterated; a dagger; a lone ``â``
# (possibly followed by the surviving A0-BF byte of a Latin-1 reading).
CANDIDATE_RE = re.compile(
    f"â€(?:TM|oe|(?![{_ANY_CONT}]))|†|â(?![{_CONT_NOT_LATIN1}?\ufffd])|[{''.join(_QUOTE_DAGGER)}]"
)

_CLOSING_SINGLE = re.compile(f"{RSQ}(?![^\\W\\d_])")  # not an apostrophe inside a word
_LATIN1_EVIDENCE = re.compile(
    r"[ÂÃ][\xa0-\xbf]|â[\xa0-\xbf]"  # a complete sequence read as Latin-1
    r"|[.,;:!?]â(?=\s|$)"  # a closing quote after punctuation: no word ends so
    r"|\dâ(?:\d|s\b)|\d â \d"  # a range, a score or a figure's possessive (``60â90``)
    r"|(?:^|\s)â[\w(][^\n]{0,400}?[\w.,;:!?)]â(?=[\s.,;:!?]|$)"  # an opening and a closing one
)

# What an opening quote can follow directly: an opening bracket or another opening quote
# (``“‘``, intact or as Windows-1252 mojibake), as in a nested quotation.
_OPENED_BEFORE = re.compile(f"(?:[([{LDQ}{LSQ}]|â€œ|â€˜|â€oe)$")

# A word, a lone ``â``, and what may follow an English apostrophe.
_CONTRACTION_RE = re.compile(r"(?<![^\W\d_â])([^\W\d_â]+)â(s|t|m|d|ll|re|ve)(?![^\W\d_])", re.I)


def _is_letter(ch: str) -> bool:
    return ch.isalpha()


def _is_space(ch: str) -> bool:
    # A no-break space is not a space here: in mojibake it is usually a byte (``Ã\xa0`` is à).
    return ch in ("", " ", "\t", "\n")


def _continues_a_sequence(line: str, pos: int) -> bool:
    """Whether the mark at ``pos`` belongs to mojibake around it rather than standing alone.

    True when the characters just before it, read back as Windows-1252 bytes, start a UTF-8
    sequence that the mark would continue (``Å†`` is C5 86, ``ņ``), or form an unfinished one
    (``ãƒ`` is E3 83): ftfy decodes those, and a lone-mark repair would break them.
    """
    start = pos
    while start > 0 and not line[start - 1].isascii() and pos - start < 3:
        start -= 1
    run = line[start:pos]
    if not run:
        return False
    import ftfy.bad_codecs  # noqa: F401  (registers "sloppy-windows-1252")

    try:
        raw = run.encode("sloppy-windows-1252")
    except UnicodeEncodeError:
        return False
    if len(raw) == 1:
        if line[pos] != "†":
            return False
        if 0xC2 <= raw[0] <= 0xDF:
            return True  # a two-byte sequence whose second byte is the dagger's 86
        nxt = line[pos + 1] if pos + 1 < len(line) else ""
        return 0xE0 <= raw[0] <= 0xF4 and not nxt.isascii()
    if line[pos] != "†" and not _lead_and_continuation(raw):
        # ``â€`` (E2 80) continues no sequence: only a run that is itself mojibake (a lead and
        # its continuation, ``ãƒ``) makes it part of a longer garble. Letters an earlier pass
        # decoded (``ší`` is 9A ED: a lead with nothing after it) leave the mark alone.
        return False
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _lead_and_continuation(raw: bytes) -> bool:
    """Whether the last lead byte of ``raw`` (C2-F4) has a continuation byte after it."""
    leads = [i for i, b in enumerate(raw) if 0xC2 <= b <= 0xF4]
    return bool(leads) and leads[-1] + 1 < len(raw) and 0x80 <= raw[leads[-1] + 1] < 0xC0


def _ends_a_latin1_sequence(line: str, pos: int) -> bool:
    """Whether the non-ASCII run before ``pos`` is complete UTF-8 read as Latin-1 (``Ã©``)."""
    start = pos
    while start > 0 and not line[start - 1].isascii() and pos - start < 4:
        start -= 1
    try:
        line[start:pos].encode("latin-1").decode("utf-8")
    except UnicodeError:
        return False
    return True


def _unpaired_quote_beside(line: str, pos: int, made: list[Event]) -> bool:
    """Whether the dagger at ``pos`` stands where a quotation on this line lacks its mark.

    A dagger glued to the next word inside a quotation that is never closed (``“hello†and``),
    or starting a word before a closing quote that was never opened (``†actively ...
    Kabul,’``), is a lost quote; a footnote or extinct-taxon dagger has no such partner.
    ``made`` holds the quotes that repairs earlier on this line already closed.
    """
    prev = line[pos - 1] if pos else ""
    if _is_space(prev):
        before, after = line[max(0, pos - WINDOW) : pos], line[pos + 1 : pos + 1 + WINDOW]
        found = _CLOSING_SINGLE.search(after)
        return found is not None and LSQ not in before and LSQ not in after[: found.start()]
    return open_at(line, pos, made) is not None


def _a_euro(line: str, m: re.Match[str]) -> tuple[int, str, str] | None:
    """``â€`` with a lost third byte: (end, replacement, reason)."""
    start, end = m.start(), m.end()
    tail = m.group()[2:]
    if tail == "TM":
        return end, RSQ, "â€™ with ™ folded to TM"
    if tail == "oe":
        return end, LDQ, "â€œ with œ transliterated to oe"
    prev = line[start - 1] if start else ""
    nxt = line[end] if end < len(line) else ""
    after = line[end + 1] if end + 1 < len(line) else ""
    if _is_space(prev) or _OPENED_BEFORE.search(line, 0, start):
        if nxt == " " and after and not after.isspace():
            if not unicodedata.is_normalized("NFKC", line):
                # The line keeps what NFKC folds (``â€™``): no fold made this space. A strict
                # decoder dropped the 9D of a ``”`` set before a space (``Creek ” star``).
                return end, RDQ, "â€ closing a quotation before a space, third byte lost"
            # ``˜`` (of ‘) folded by NFKC to a space: the space is part of the damage.
            return end + 1, LSQ, "â€˜ with ˜ folded to a space"
        if nxt and (nxt.isalnum()):
            return end, opening(line, end), "â€ opening a quotation, third byte lost"
        if not nxt and _is_space(prev) and open_at(line, start) is not None:
            # a spaced mark ending a line inside an open quotation closes it (``lung. ”``)
            return end, closing(line, start), "â€ closing a quotation, third byte lost"
        return None
    if _is_letter(prev) and _is_letter(nxt):
        return end, RSQ, "â€ inside a word (apostrophe), third byte lost"
    return end, closing(line, start), "â€ closing a quotation, third byte lost"


def _dagger(line: str, m: re.Match[str], evidence: bool) -> tuple[int, str, str] | None:
    """``†`` made by reading ``â€`` plus a space as E2 80 A0."""
    start, end = m.start(), m.end()
    prev = line[start - 1] if start else ""
    nxt = line[end] if end < len(line) else ""
    if not nxt or _is_space(nxt):
        return None  # a dagger before a space is a footnote mark, whatever else the line holds
    if (prev and prev in "([{") or (nxt.isdigit() and _is_space(prev) and not evidence):
        # ``(†44)``: a death or footnote mark (no quote opens right after a bracket); ``†1944``
        # on a line without other mojibake is one too.
        return None
    if (
        start >= 2
        and _cp1252_letter(line[start - 2])
        and _cp1252_letter(prev)
        and not _glued_closing_quote(line, start)
    ):
        return None  # inside a longer mojibake sequence (``Ãƒ`` ``Ë†``): ftfy's to decode
    if _is_space(prev):
        return end, LSQ, "â€˜ whose folded ˜ was read as a no-break space (dagger)"
    return end, RDQ + " ", "â€ plus a space read as a dagger: closing quote, space restored"


def _cp1252_letter(ch: str) -> bool:
    """Whether ``ch`` is a non-ASCII character of Windows-1252 (part of a mojibake run)."""
    return not ch.isascii() and (ch <= "\u00ff" or ch in "ŒœŠšŸŽžƒˆ˜‚„…†‡‰‹›‘’“”•–—™€")


def _between_stop_and_word(line: str, pos: int) -> bool:
    """A dagger glued between a comma or a sentence's stop and the next word (``bars,†Sasse
    said``): ``”`` and a space whose 9D byte was lost, read by ftfy as E2 80 A0. A footnote
    mark after punctuation is followed by a space, never glued to the next word."""
    prev = line[pos - 1] if pos else ""
    nxt = line[pos + 1] if pos + 1 < len(line) else ""
    return prev in (",", ".", "!", "?") and nxt.isalpha()


def _between_word_and_lower_case(line: str, pos: int) -> bool:
    """A dagger glued between the end of a word and a lower-case letter or a spaced dash
    (``silnejší†si``, ``momento†– disse``): ``”`` and the
    space after it, whose 9D byte was lost, read by ftfy as E2 80 A0 (no other byte a strict
    decoder drops makes a quote). A footnote mark glued to the next word starts a new
    sentence or note (a capital, a figure), and one before a dash is followed by a space."""
    prev = line[pos - 1] if pos else ""
    nxt = line[pos + 1 : pos + 2]
    if not prev.isalpha():
        return False
    if nxt in ("\u2013", "\u2014"):
        return line[pos + 2 : pos + 3] == " "
    # a Windows-1252 letter after it is more likely mojibake around it (``ã†â€™``)
    return nxt.isalpha() and nxt.islower() and not _cp1252_letter(nxt)


def _glued_closing_quote(line: str, pos: int) -> bool:
    """:func:`_between_word_and_lower_case`, where the dagger's byte (86) completes no UTF-8
    sequence with the Windows-1252 bytes around it (``ãƒ†ã`` is テ: ftfy's to decode;
    ``ší†si`` is no sequence, since ``s`` continues none; ``ß†`` is DF 86, one, and stays)."""
    return _between_word_and_lower_case(line, pos) and not _dagger_completes_a_sequence(line, pos)


def _dagger_completes_a_sequence(line: str, pos: int) -> bool:
    import ftfy.bad_codecs  # noqa: F401  (registers "sloppy-windows-1252")

    def raw(text: str) -> bytes:
        try:
            return text.encode("sloppy-windows-1252")
        except UnicodeEncodeError:
            return b""

    before = raw(line[max(0, pos - 3) : pos])
    after = raw(line[pos + 1 : pos + 3])
    for i, lead in enumerate(before):
        length = (
            2 if 0xC2 <= lead <= 0xDF else 3 if 0xE0 <= lead <= 0xEF else 4 if lead <= 0xF4 else 0
        )
        if lead < 0xC2 or len(before) - i + 1 > length:
            continue
        sequence = (before[i:] + b"\x86" + after)[:length]
        try:
            sequence.decode("utf-8")
        except UnicodeDecodeError:
            continue
        return True
    return False


def _between_script_letters(line: str, pos: int) -> bool:
    """A dagger glued between two letters of a script beyond Windows-1252 (``се†положиле``):
    ftfy's reading of ``â€`` plus a space, a closing quote; no footnote or death mark stands
    inside a run of Cyrillic, Greek or other letters."""
    prev = line[pos - 1] if pos else ""
    nxt = line[pos + 1] if pos + 1 < len(line) else ""
    return all(c.isalpha() and c > "\u024f" for c in (prev, nxt))


def _quote_dagger(line: str, m: re.Match[str]) -> tuple[int, str, str] | None:
    """``Ҡ`` before a word: ftfy's MacRoman reading of ``“†``, the opening of a nested quote."""
    start, end = m.start(), m.end()
    nxt = line[end] if end < len(line) else ""
    if not nxt.isalnum() or not (
        _is_space(line[start - 1] if start else "") or _OPENED_BEFORE.search(line, 0, start)
    ):
        return None
    return (
        end,
        _QUOTE_DAGGER[m.group()],
        "“† (‘ with ˜ folded, read as a dagger) decoded again as MacRoman",
    )


def _lone_a(line: str, m: re.Match[str], marks: dict[int, tuple[int, str, str]]):
    """A lone ``â``: Latin-1 reading of E2 80 xx whose C1 byte was stripped.

    When the A0-BF byte survived (``â¦``), it names the character; otherwise ``marks`` (the
    line's plan, :func:`tamis.repair.stripped.plan`) says which mark it was.
    """
    start, end = m.start(), m.end()
    prev = line[start - 1] if start else ""
    nxt = line[end] if end < len(line) else ""
    if "\xa0" <= nxt <= "\xbf":
        if not prev.isascii() and not _ends_a_latin1_sequence(line, start):
            return None  # part of a longer garble, not a lone mark
        code = 0x2000 + ord(nxt) - 0x80
        if nxt == "¢" and prev.isalnum():
            code = 0x2122  # E2 84 A2 after a word: a trade mark sign, not a bullet
        elif nxt == "¬":
            code = 0x20AC  # E2 82 AC: the euro sign
        return end + 1, chr(code), "Latin-1 reading of E2 80 xx with the C1 byte stripped"
    return marks.get(start)


def _has_contraction(line: str) -> bool:
    return any(is_contraction(m[1], m[2]) for m in _CONTRACTION_RE.finditer(line))


def _survives_stripping(ch: str) -> bool:
    """Whether ``ch`` can stand in a Latin-1 reading of UTF-8 whose C1 bytes were stripped:
    a Latin-1 character other than a C1 control, or a Latin Extended-A or -B letter whose
    second UTF-8 byte is not 80-9F (``š`` is C5 A1), which an earlier pass decoded from its
    pair (``Å¡``)."""
    code = ord(ch)
    if code < 0x100:
        return not 0x80 <= code < 0xA0
    return code < 0x250 and ch.encode("utf-8")[1] >= 0xA0


def _latin1_range(line: str) -> bool:
    """Every character could be left by a Latin-1 reading with the C1 bytes stripped (see
    :func:`_survives_stripping`)."""
    return line.isascii() or all(map(_survives_stripping, line))


def _stripped_latin1_reading(line: str) -> bool:
    """Whether the line reads as UTF-8 decoded as Latin-1 with its C1 bytes stripped.

    Every character is then below U+0100, no C1 control is left (a line that still has them is
    Windows-1252 read as Latin-1, where a real ``â`` is just an ``â``), and there is UTF-8
    evidence: a two-byte sequence ``Ã©``/``Â»``, or lone ``â`` where no real one can be: after
    punctuation, before an English contraction, or one opening and one closing a quotation.
    A lone ``â`` alone is not enough: it is a word in Welsh, starts French and Portuguese
    words, and ends Tagalog and Latin ones.
    """
    if not _latin1_range(line):
        return False
    return _LATIN1_EVIDENCE.search(line) is not None or _has_contraction(line)


# In English text (:func:`tamis.repair.dashes.english_share`), what no clean English line
# holds: an unspaced dash before a function word, after a word or a closing quote or bracket
# (``periodâalthough``, ``positiveâand``, ``officer"âand``;
# ``château`` has no English word after its ``â``), a plural possessive before a word
# (``Democratsâ central``), a dash opening a line before a capital (``â The Senate``).
_ENGLISH_EVIDENCE = re.compile(
    r"(?:[a-z]{2}|[a-z][\"')])â(?:and|but|or|so|such|like|although|though|it|which|even|not|just|including"
    r"|especially|because|as|if|the|a|an|to|with|from|who|what|when|where|while|that|this"
    r"|these|those|yet|then|now|still|only|perhaps|all|some|no|nor|for|in|on|at|by|of|we"
    r"|you|they|he|she|more|less|and)\b|[a-z]{2}â (?:and|but|or|which|including|although)\b"
    r"|[a-z]sâ (?=[a-z])|^â (?=[A-Z])"
)


# English words a text needs before its share of function words tells (as in welsh.py).
_ENGLISH_MIN_WORDS = 8


def _reads_stripped_english(text: str, start: int, end: int) -> bool:
    """Whether the line ``text[start:end]`` holds ``_ENGLISH_EVIDENCE`` in English text."""
    line = text[start:end]
    if _ENGLISH_EVIDENCE.search(line) is None:
        return False
    share, words = english_share(text[max(0, start - 1000) : end + 1000])
    return words >= _ENGLISH_MIN_WORDS and share >= ENGLISH_THRESHOLD


def _own_evidence(text: str, start: int, end: int) -> bool:
    """Whether the line ``text[start:end]`` reads as stripped Latin-1 on its own evidence: its
    own marks and letters, or, judged with the text's language, what no clean line of that
    language holds (English: ``_ENGLISH_EVIDENCE``; a language that writes no ``â``: one between
    letters, :mod:`tamis.repair.circumflex`)."""
    line = text[start:end]
    if _stripped_latin1_reading(line):
        return True
    return _latin1_range(line) and (
        _reads_stripped_english(text, start, end) or apostrophe_words(text, start, end)
    )


def _text_reads_stripped(text: str) -> bool:
    """Whether some line of ``text`` reads as stripped Latin-1 on its own evidence: then the
    whole text went through that reading, and a lone ``â`` on its other lines is a mark too."""
    start = 0
    while start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if "â" in text[start:end] and _own_evidence(text, start, end):
            return True
        start = end + 1
    return False


def _latin1_marks(
    text: str, start: int, end: int, whole: list[bool | None]
) -> dict[int, tuple[int, str, str]] | None:
    """The plan for the lone ``â`` of a line that reads as stripped Latin-1, else None.

    A spaced ``â`` between words is a dash unless the text around it is Welsh, where "â" is a
    word; such a dash is evidence enough for the rest of the line. A line without evidence of
    its own is read so too when another line of the text has it (``whole`` caches that, per
    text), unless the text around it is Welsh.
    """
    line = text[start:end]
    if not _own_evidence(text, start, end):
        if not _latin1_range(line):
            return None
        if not spaced_dashes(line) or welsh_like(text, start, end):
            if whole[0] is None:
                whole[0] = _text_reads_stripped(text)
            if not whole[0] or welsh_like(text, start, end):
                return None
    headline = is_headline(text, start, end)
    return plan(
        line,
        headline,
        spaced_dash(text, start, end, headline),
        text_styles(text, start, end),
        is_english(text, start, end),
    )


def _line_repairs(text: str, offset: int, end: int, whole: list[bool | None]) -> list[Replacement]:
    line = text[offset:end]
    evidence = EVIDENCE_RE.search(line) is not None
    marks: dict[int, tuple[int, str, str]] | None = None
    latin1 = None
    made: list[Event] = []  # quotes closed by daggers repaired earlier on the line
    out: list[Replacement] = []
    pos = 0
    while True:
        m = CANDIDATE_RE.search(line, pos)
        if m is None:
            break
        found = m.group()
        result = None
        rule = RULE
        if found.startswith("â€") or found == "†":
            if _continues_a_sequence(line, m.start()) and not (
                found == "†" and _glued_closing_quote(line, m.start())
            ):
                pos = m.end()
                continue
        if found in _QUOTE_DAGGER:
            if evidence:
                result = _quote_dagger(line, m)
                rule = DAGGER_RULE
        elif found.startswith("â€"):
            result = _a_euro(line, m)
        elif found == "†":
            if (
                evidence
                or _between_script_letters(line, m.start())
                or _between_stop_and_word(line, m.start())
                or _glued_closing_quote(line, m.start())
            ):
                result = _dagger(line, m, True)
                rule = DAGGER_RULE
            elif _unpaired_quote_beside(line, m.start(), made):
                result = _dagger(line, m, evidence)
                rule = DAGGER_RULE
        else:
            if latin1 is None:
                marks = _latin1_marks(text, offset, end, whole)
                latin1 = marks is not None
            if marks is not None:
                result = _lone_a(line, m, marks)
        if result is None:
            pos = m.end()
            continue
        stop, new, reason = result
        out.append(Replacement(offset + m.start(), offset + stop, new, rule, reason))
        if rule == DAGGER_RULE and new[0] == RDQ:
            made.append((m.start(), "cd"))
        pos = stop
    if marks is not None:
        out = sorted(out + _latin1_pairs(line, offset, out), key=lambda r: r.start)
    return out


def _latin1_pairs(line: str, offset: int, placed: list[Replacement]) -> list[Replacement]:
    """The two-byte letters (``Ã¥``, ``Ã©``) of a line read as stripped Latin-1, decoded with
    its marks: once the marks are curly, ftfy can no longer re-encode the line whole, and its
    piecewise decoder leaves some of them (``pÃ¥``, Swedish ``på``)."""
    taken = {r.start - offset for r in placed}
    return [
        Replacement(
            offset + m.start(),
            offset + m.end(),
            m.group().encode("latin-1").decode("utf-8"),
            RULE,
            "Latin-1 reading of a two-byte UTF-8 letter, on a line whose C1 bytes were stripped",
        )
        for m in PAIR_RE.finditer(line)
        if m.start() not in taken
    ]


def lossy_repairs(text: str) -> list[Replacement]:
    m = LOSSY_CANDIDATE_RE.search(text)
    out: list[Replacement] = []
    whole: list[bool | None] = [None]  # whether the text reads as stripped Latin-1
    while m is not None:
        start = text.rfind("\n", 0, m.start()) + 1
        end = text.find("\n", m.start())
        end = len(text) if end < 0 else end
        out += _line_repairs(text, start, end, whole)
        m = LOSSY_CANDIDATE_RE.search(text, end + 1) if end < len(text) else None
    return out
