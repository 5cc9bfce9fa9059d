"""Language codes: one vocabulary (ISO 639-1 where a code exists) whatever the detector said.

CLD2 still speaks some pre-1989 codes (``iw`` for Hebrew, ``jw`` for Javanese, ``in`` for
Indonesian), calls Norwegian Bokmål ``no`` and splits Chinese by script (``zh-Hant``); lingua
speaks enum names. Other stages compare ``signals["langid"]["lang"]`` with user lists such as
``[en, de]``, so every answer is folded into one spelling here. Languages without a two-letter
code keep the detector's three-letter code (``ceb``, ``haw``), and "no idea" is ``un``.

Hints that come with the input are folded the same way by :func:`language_tag`: Common Crawl
writes ISO 639-3 lists (``eng,spa``), pages write BCP 47 in any case (``en_us``, ``EN-gb``).
"""

from __future__ import annotations

from functools import lru_cache

UNKNOWN = "un"

_CLD2_TO_ISO = {
    "iw": "he",
    "jw": "jv",
    "in": "id",
    "no": "nb",
    "zh-Hant": "zh",
    "sr-ME": "sr",
    "mo": "ro",
    "tlh": UNKNOWN,  # Klingon: CLD2 guesses it for noise
    "xxx": UNKNOWN,
}


def from_cld2(code: str) -> str:
    """Fold a CLD2 language code into ISO 639-1 (or ``un``)."""
    code = _CLD2_TO_ISO.get(code, code)
    if code.startswith("xx-"):  # a script CLD2 has no language for, such as xx-Qaai
        return UNKNOWN
    return code


@lru_cache(maxsize=4096)
def language_tag(value: str) -> str | None:
    """A language hint as BCP 47 tags in their standard spelling, comma-separated in the order
    given (``eng,spa`` -> ``en,es``; ``en_us`` -> ``en-US``; ``iw`` -> ``he``), so that a user
    filters on one spelling whatever the crawl or the page wrote. Tags that name no language
    (``und``, ``x-default``, template leftovers like ``{{lang}}``) are dropped; None when
    nothing is left."""
    import langcodes

    tags: list[str] = []
    for part in value.split(","):
        part = part.strip().replace("_", "-")
        if not part:
            continue
        try:
            tag = langcodes.standardize_tag(part)
        except ValueError:  # langcodes.LanguageTagError: not a tag at all
            continue
        if tag.startswith(("und", "x-")) or not langcodes.tag_is_valid(tag):
            continue
        if tag not in tags:
            tags.append(tag)
    return ",".join(tags) or None
