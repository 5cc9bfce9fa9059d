"""Per-paragraph detection, for documents that mix languages (bilingual pages, quoted text).

A paragraph is a block separated by a blank line; a text without blank lines is split on line
breaks instead, since scraped text often marks paragraphs with single newlines. Paragraphs with
fewer than :data:`MIN_PARAGRAPH_LETTERS` letters (headings, bylines, figures) are too short to
judge and are left out of the list and of the shares. At most :data:`MAX_PARAGRAPHS` paragraphs
are judged, which bounds the cost of a very long document the way the sample does for the
document-level answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tamis.langid.identifier import identify

MIN_PARAGRAPH_LETTERS = 20
MAX_PARAGRAPHS = 200

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")


@dataclass(frozen=True, slots=True)
class ParagraphLanguages:
    """``paragraphs``: (paragraph index, language, score); ``shares``: language -> share of
    the judged characters, largest first."""

    paragraphs: list[tuple[int, str, float]]
    shares: dict[str, float]


def split_paragraphs(text: str) -> list[str]:
    blocks = _BLANK_LINE.split(text)
    if len(blocks) == 1:
        blocks = text.split("\n")
    return blocks


def _letters(text: str) -> int:
    return sum(1 for ch in text if ch.isalpha())


def detect_paragraphs(text: str, sample_chars: int) -> ParagraphLanguages:
    found: list[tuple[int, str, float]] = []
    weight: dict[str, int] = {}
    for index, block in enumerate(split_paragraphs(text)[:MAX_PARAGRAPHS]):
        if _letters(block) < MIN_PARAGRAPH_LETTERS:
            continue
        detection = identify(block, sample_chars)
        found.append((index, detection.lang, round(detection.score, 4)))
        weight[detection.lang] = weight.get(detection.lang, 0) + len(block.strip())
    total = sum(weight.values())
    shares = {
        lang: round(chars / total, 4)
        for lang, chars in sorted(weight.items(), key=lambda kv: (-kv[1], kv[0]))
    }
    return ParagraphLanguages(found, shares)
