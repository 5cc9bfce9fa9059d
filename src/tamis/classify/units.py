"""Cutting a document into the units a classifier scores, as datatrove's ``split_into_parts`` does.

Each unit is ``(start, end, text)``: ``text[start:end]`` of the document is what the unit covers
(units tile the document, so removing a unit is removing that span), and ``text`` is the string
datatrove would score for it. They differ only in ``paragraph`` mode, where datatrove rebuilds
a paragraph from ``str.splitlines`` and joins its lines with ``\\n`` (so ``\\r\\n`` becomes
``\\n`` and the document's last line break is dropped); scoring that same string keeps the
scores, and so the decisions, equal to datatrove's.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

Unit = tuple[int, int, str]


def document_units(text: str) -> list[Unit]:
    return [(0, len(text), text)]


def paragraph_units(text: str) -> list[Unit]:
    """Lines grouped into paragraphs: a blank line belongs to the paragraph before it."""
    lines = text.splitlines(keepends=True)
    if not lines:
        return []
    groups: list[list[int]] = []  # line indices per paragraph
    current: list[int] = []
    for i, line in enumerate(lines):
        content = line.splitlines()[0] if line else line
        if content.strip() and current:
            groups.append(current)
            current = []
        current.append(i)
    groups.append(current)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    last_line = len(lines) - 1
    out = []
    for group in groups:
        parts = []
        for i in group:
            content = lines[i].splitlines()[0] if lines[i] else lines[i]
            parts.append(content if i == last_line else content + "\n")
        out.append((starts[group[0]], starts[group[-1] + 1], "".join(parts)))
    return out


@lru_cache(maxsize=1)
def _sentencizer() -> Any:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def sentencizer_available() -> bool:
    try:
        import spacy  # noqa: F401
    except ImportError:
        return False
    return True


def sentence_units(text: str) -> list[Unit]:
    """spaCy's English sentencizer, as datatrove uses it: each unit runs from the end of the
    previous sentence to the end of its own, the last to the end of the text."""
    nlp = _sentencizer()
    nlp.max_length = len(text) + 10
    with nlp.memory_zone():
        ends = [sent.end_char for sent in nlp(text).sents]
    bounds = list(zip([0] + ends[:-1], ends[:-1] + [len(text)], strict=True))
    return [(a, b, text[a:b]) for a, b in bounds]


SPLITTERS = {"document": document_units, "paragraph": paragraph_units, "sentence": sentence_units}
