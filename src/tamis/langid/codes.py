"""Language codes: one vocabulary (ISO 639-1 where a code exists) whatever the detector said.

CLD2 still speaks some pre-1989 codes (``iw`` for Hebrew, ``jw`` for Javanese, ``in`` for
Indonesian), calls Norwegian Bokmål ``no`` and splits Chinese by script (``zh-Hant``); lingua
speaks enum names. Other stages compare ``signals["langid"]["lang"]`` with user lists such as
``[en, de]``, so every answer is folded into one spelling here. Languages without a two-letter
code keep the detector's three-letter code (``ceb``, ``haw``), and "no idea" is ``un``.
"""

from __future__ import annotations

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
