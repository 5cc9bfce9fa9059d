"""Which mark each lone ``â`` was, in a Latin-1 reading of UTF-8 whose C1 bytes were stripped.

``‘ ’ “ ” – —`` are E2 80 xx with xx in 80-9F: read as Latin-1 and stripped of C1 controls,
all six leave the same ``â``. The bytes say no more, so the line decides, in one pass over its
marks:

* between two letters, an apostrophe (``itâs``, ``lâécole``, ``dellâanno``, ``OâBrien``),
  unless it is neither a contraction, an elision, a particle of one or two letters before it
  nor a single letter after it: then an em dash, unspaced between words as news sets it
  (``overâor``); between digits, an en dash (a range);
* between spaces, with words on both sides, a spaced en dash;
* after a space or an opening bracket and before a word, an opening quote; after a word or
  punctuation and before a space, punctuation or the end (or glued to the next word after
  punctuation: ``in.âNews``), a closing quote; several marks in a row open or close several
  nested quotations;
* the quote kind follows the nesting: the outermost quotation takes the line's style (single in
  a headline, double in body text, see :mod:`tamis.repair.headline`; a line that is one whole
  quotation is an utterance, double), a quotation nested in it
  the other style, and a closing mark the style of the quotation it closes. A closing mark with
  no quotation open is an apostrophe after ``s`` and before a word (``the playersâ union``),
  otherwise the line's closing quote.
"""

from __future__ import annotations

import re

from tamis.repair.quotes import LDQ, LSQ, RDQ, RSQ

EN_DASH, EM_DASH = "\u2013", "\u2014"
REASON = "{} whose C1 bytes were stripped"

MARK = "\x00"  # a mark in the view: neither letter nor space
# A two-byte UTF-8 letter whose second byte is A0-BF (it survives the stripping): ``Ã©`` é,
# ``Å¡`` š.
PAIR_RE = re.compile("[\xc2-\xdf][\xa0-\xbf]")
_OPENERS = "([{"
_CLOSE_BEFORE = ".,;:!?)]}\u2026"
# Punctuation a closing quote follows; an opening one is never glued to it.
_CLOSE_AFTER = ".,;:!?"
_STOPS = _CLOSE_AFTER

_PRONOUNS = "i|you|he|she|we|they|it|that|who|there|what|would|could|should|might|must"
# English contractions: what follows the apostrophe, and the word it may follow.
_CONTRACTIONS = {
    "s": re.compile(r"[^\W\d_]+$"),
    "t": re.compile(r"[^\W\d_]*n$", re.IGNORECASE),
    "m": re.compile(r"^i$", re.IGNORECASE),
    "d": re.compile(f"^(?:{_PRONOUNS})$", re.IGNORECASE),
    "ll": re.compile(f"^(?:{_PRONOUNS})$", re.IGNORECASE),
    "ve": re.compile(f"^(?:{_PRONOUNS})$", re.IGNORECASE),
    "re": re.compile(r"^(?:you|we|they|who|what|there)$", re.IGNORECASE),
}
# French, Italian and Catalan words elided before a vowel or ``h`` (longer than two letters:
# shorter pieces are apostrophes anyway).
_ELIDED = re.compile(
    r"^(?:jusqu|lorsqu|puisqu|quoiqu|presqu|quelqu|aujourd|dell|all|nell|dall|sull|coll|quest"
    r"|quell|bell|sant|tutt|nessun|buon|anch|com|mezz|"
    r"(?:\w*(?:vent|trent|quarant|cinquant|sessant|settant|ottant|novant)))$",
    re.IGNORECASE,
)
_VOWEL_OR_H = set("aeiouyhAEIOUYHàâäéèêëîïôöùûüÀÂÉÈÊÎÔÛ")
_LETTERS_BEFORE = re.compile(r"[^\W\d_]*$")
_LETTERS_AFTER = re.compile(r"[^\W\d_]*")


def _view(line: str) -> tuple[str, list[int]]:
    """The line with each Latin-1 pair (``Ã©``) read as its letter, and each view character's
    position in the line."""
    chars: list[str] = []
    origin: list[int] = []
    pos = 0
    for m in PAIR_RE.finditer(line):
        chars += line[pos : m.start()]
        origin += range(pos, m.start())
        chars.append(m.group().encode("latin-1").decode("utf-8"))
        origin.append(m.start())
        pos = m.end()
    chars += line[pos:]
    origin += range(pos, len(line))
    return "".join(chars), origin


def _is_space(ch: str) -> bool:
    return ch in ("", " ", "\t")


def is_contraction(before: str, after: str) -> bool:
    """Whether ``before’after`` is an English contraction or possessive (``it’s``, ``don’t``)."""
    contraction = _CONTRACTIONS.get(after.lower())
    return contraction is not None and contraction.search(before) is not None


def _apostrophe(before: str, after: str) -> bool:
    """Whether the mark between the word pieces ``before`` and ``after`` is an apostrophe."""
    if len(before) <= 2 or len(after) == 1:
        return True  # l’, d’, qu’, O’Brien, it’s, don’t, Hawai’i, rock’n’roll
    if is_contraction(before, after):
        return True
    return after[0] in _VOWEL_OR_H and _ELIDED.match(before) is not None


def _inner(view: str, k: int, english: bool | None) -> str:
    """The mark between two word characters; ``english`` as in :func:`plan`."""
    left, right = view[k - 1], view[k + 1]
    if left.isdigit() and right.isdigit():
        return EN_DASH
    before = _LETTERS_BEFORE.search(view, 0, k).group()  # type: ignore[union-attr]
    after = _LETTERS_AFTER.match(view, k + 1).group()  # type: ignore[union-attr]
    if not before:
        return RSQ if after.lower() == "s" else ""  # the 1990’s
    if not after:
        return ""
    if english is False:
        return RSQ  # only English sets a dash between letters (Syi’ah, Jum’at, dell’Inter)
    return RSQ if _apostrophe(before, after) else EM_DASH


def _is_mark(line: str, view: str, origin: list[int], k: int) -> bool:
    """A lone ``â`` (not one followed by a surviving A0-BF byte), standing on its own: the
    character before it is ASCII, a Latin-1 pair read as a letter, or another mark."""
    i = origin[k]
    if line[i] != "â":
        return False
    if i + 1 < len(line) and "\xa0" <= line[i + 1] <= "\xbf":
        return False
    if k == 0:
        return True
    prev = view[k - 1]
    return prev.isascii() or origin[k - 1] + 1 < i or line[i - 1] == "â"


def _classify(view: str, marks: list[int], english: bool | None = None) -> dict[int, str]:
    """For each mark: "open", "close", or the character it stands for; unknown ones left out."""
    out: dict[int, str] = {}
    i = 0
    while i < len(marks):
        j = i
        while j + 1 < len(marks) and marks[j + 1] == marks[j] + 1:
            j += 1
        first, last = marks[i], marks[j]
        left = view[first - 1] if first else ""
        right = view[last + 1] if last + 1 < len(view) else ""
        run = marks[i : j + 1]
        if first == last and left.isalnum() and right.isalnum():
            char = _inner(view, first, english)
            if char:
                out[first] = char
        elif _is_space(left) and _is_space(right):
            words_beside = first >= 2 and last + 2 < len(view)
            if first == last and left and right and words_beside:
                if not view[first - 2].isspace() and not view[last + 2].isspace():
                    out[first] = EN_DASH
            elif first == last == 0 and right and view[1:3].strip() and view[2:3].isalnum():
                out[first] = EN_DASH  # a dash opening a line (a list item, a reply)
            elif first == last and left and not right and view[first - 2 : first - 1] in _STOPS:
                out[first] = "close"  # spaced after a stop, ending the line: a closing quote
        elif (_is_space(left) or left in _OPENERS) and not _is_space(right):
            out.update(dict.fromkeys(run, "open"))
        elif not _is_space(left) and (_is_space(right) or right in _CLOSE_BEFORE):
            out.update(dict.fromkeys(run, "close"))
        elif left in _CLOSE_AFTER and right.isalpha():
            out.update(dict.fromkeys(run, "close"))  # a space lost after a closing quote
        elif english and first == last and left in "\"')" and right.isalpha():
            out[first] = EM_DASH  # after a straight quote or a bracket, glued to a word
        i = j + 1
    return out


def spaced_dashes(line: str) -> list[int]:
    """Positions of the lone ``â`` of ``line`` that stand between spaced words (dashes)."""
    view, origin, marks = _marked_view(line)
    kinds = _classify(view, marks)
    return [origin[k] for k, c in kinds.items() if c == EN_DASH and view[k - 1] == " "]


def _marked_view(line: str) -> tuple[str, list[int], list[int]]:
    """The view, its origins, and the view positions of the marks, each replaced by ``MARK``
    so that no word runs through one."""
    view, origin = _view(line)
    marks = [m.start() for m in re.finditer("â", view) if _is_mark(line, view, origin, m.start())]
    chars = list(view)
    for k in marks:
        chars[k] = MARK
    return "".join(chars), origin, marks


def _quoted_whole(view: str, kinds: dict[int, str]) -> bool:
    """Whether the line is one quotation: it opens with a mark and closes with one, only
    closing punctuation after it."""
    if not kinds:
        return False
    first, last = min(kinds), max(kinds)
    return (
        first != last
        and kinds[first] == "open"
        and not view[:first].strip()
        and kinds[last] == "close"
        and all(c in _CLOSE_BEFORE or c.isspace() for c in view[last + 1 :])
    )


LOW_DQ, LOW_SQ = "\u201e", "\u201a"
# The quotation marks of a text that sets low-9 openings (German, Czech, the South Slavic
# languages): ``„…“`` and ``‚…‘``.
LOW_STYLES = ((LOW_DQ, LDQ), (LOW_SQ, LSQ))
_AROUND = 2000


def text_styles(text: str, start: int, end: int) -> tuple[tuple[str, str], ...] | None:
    """The quotation marks the text around the line ``text[start:end]`` still sets intact,
    when they are low-9 ones (``„Take C.A.R.E“`` in a German body below a damaged title), so
    the stripped marks of the line follow the text's own convention; None otherwise."""
    around = text[max(0, start - _AROUND) : start] + text[end : end + _AROUND]
    lows = around.count(LOW_DQ)
    if lows and lows >= around.count(RDQ):
        return LOW_STYLES
    return None


# Words an apostrophe opens where letters were dropped (``’round``, ``’til``, ``the ’90s``):
# an opening mark before one that no mark on the line closes is that apostrophe; before a
# lone ``n``, ``t`` or ``s`` (Afrikaans ``’n``, Dutch ``’t`` and ``’s``, ``rock ’n’ roll``) it
# always is.
_ELIDED_START = re.compile(r"(?:round|em|til|cause|tis|twas|bout|\d\ds)\b", re.IGNORECASE)
_ELIDED_LETTER = re.compile(r"[nts](?![^\W\d_])", re.IGNORECASE)


def _word_follows(view: str, k: int) -> bool:
    """A space and a letter after the mark at ``k``."""
    return view[k + 1 : k + 2] == " " and view[k + 2 : k + 3].isalpha()


def _possessive(view: str, k: int) -> bool:
    """A plural possessive: ``s``, the mark, a space, then a word or an opening mark."""
    after = view[k + 2 : k + 3]
    return (
        view[k - 1] in "sS"
        and view[k + 1 : k + 2] == " "
        and (after.isalpha() or (after == MARK and view[k + 3 : k + 4].isalpha()))
    )


def _apostrophes_by_pairing(view: str, kinds: dict[int, str], english: bool | None) -> None:
    """Read the marks of ``kinds`` by their pairing, in place: an opening mark before an
    elided word (``’n``, ``’round``: see ``_ELIDED_START``) is an apostrophe; in English, a
    closing mark a later one still closes, inside a single quotation and before a word, is an
    apostrophe of a dropped letter (``“Takin’ It to the Streets.”``)."""
    order = sorted(kinds)
    depth = 0
    for i, k in enumerate(order):
        kind = kinds[k]
        later = [kinds[j] for j in order[i + 1 :] if kinds[j] in ("open", "close")]
        if kind == "open":
            if k and (
                _ELIDED_LETTER.match(view, k + 1)
                or ("close" not in later and _ELIDED_START.match(view, k + 1))
            ):
                kinds[k] = RSQ
                continue
            depth += 1
        elif kind == "close":
            if (
                english
                and depth == 1
                and later[:1] == ["close"]
                and view[k - 1].isalpha()
                and _word_follows(view, k)
            ):
                kinds[k] = RSQ
                continue
            depth = max(0, depth - 1)


# Words a quotation set with spaced marks holds at most (``“ Dawson’s Creek ” star``): a
# parenthesis between spaced dashes runs longer.
_SPACED_QUOTATION_WORDS = 6


def _spaced_quotations(view: str, kinds: dict[int, str]) -> None:
    """Read a spaced mark as an opening quote, in place, when a closing one pairs with it: a
    closing mark, or a spaced mark after a stop, a few words later, with no quotation open
    before it and the line's straight quotes paired (``from “ Dancing with the Stars.”``,
    ``“ bird fancier’s lung. ” But``). A spaced dash never stands after a stop inside a
    sentence, and a parenthesis between dashes closes with a dash."""
    if view.count('"') % 2:
        return
    order = sorted(k for k, kind in kinds.items() if kind != RSQ)  # apostrophes pair nothing
    i = 0
    while i + 1 < len(order):
        k, nxt = order[i], order[i + 1]
        if kinds[k] in ("open", "close"):
            return  # a quotation opens or closes before the spaced mark: nothing to pair
        i += 1
        if kinds[k] not in (EN_DASH, EM_DASH) or view[k - 1 : k] != " ":
            continue
        if len(view[k + 1 : nxt].split()) > _SPACED_QUOTATION_WORDS:
            continue
        stop = view[nxt - 1] if view[nxt - 1] != " " else view[nxt - 2]
        if kinds[nxt] in ("close", EN_DASH, EM_DASH) and stop in _STOPS:
            kinds[k], kinds[nxt] = "open", "close"
            i += 1


def plan(
    line: str,
    headline: bool,
    spaced: str = EN_DASH,
    low: tuple[tuple[str, str], ...] | None = None,
    english: bool | None = None,
) -> dict[int, tuple[int, str, str]]:
    """For each lone ``â`` it can place: position -> (end, replacement, reason); ``spaced`` is
    the dash a mark between spaced words stands for (:mod:`tamis.repair.dashes`); ``low`` the
    low-9 styles when the text sets them intact (:func:`text_styles`), headline or not;
    ``english`` whether the text is English (:func:`tamis.repair.dashes.is_english`; None
    when too short to tell): only English sets dashes glued to words."""
    view, origin, marks = _marked_view(line)
    kinds = _classify(view, marks, english)
    for k, kind in kinds.items():
        if kind == EN_DASH and (k == 0 or view[k - 1] == " "):
            kinds[k] = spaced
    _apostrophes_by_pairing(view, kinds, english)
    _spaced_quotations(view, kinds)
    if headline and _quoted_whole(view, kinds):
        headline = False  # a line that is one quotation is an utterance: double marks
    styles = ((LSQ, RSQ), (LDQ, RDQ)) if headline else ((LDQ, RDQ), (LSQ, RSQ))
    if low is not None:
        styles = low  # the marks the text itself sets, headline or not
    stack: list[int] = []  # style index of each open quotation
    out: dict[int, tuple[int, str, str]] = {}
    for k in sorted(kinds):
        kind = kinds[k]
        start = origin[k]
        if kind == "open":
            style = len(stack) % 2
            stack.append(style)
            out[start] = (start + 1, styles[style][0], REASON.format("opening quote"))
        elif kind == "close":
            name = "closing quote"
            if stack:
                char = styles[stack.pop()][1]
            elif _possessive(view, k):
                char, name = RSQ, "apostrophe"  # a plural possessive before its noun
            elif english and view[k - 1].isalnum() and _word_follows(view, k):
                char, name = EM_DASH, "dash"  # glued to its word, spaced from the next
            else:
                char = styles[0][1]
            out[start] = (start + 1, char, REASON.format(name))
        else:
            name = {RSQ: "apostrophe", EN_DASH: "dash", EM_DASH: "dash"}[kind]
            out[start] = (start + 1, kind, REASON.format(name))
    return out
