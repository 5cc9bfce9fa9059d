"""Text normalisation before hashing, and the word tokens shingles are made of.

The defaults fold only what never tells two documents apart (Unicode compatibility forms,
case, runs of whitespace, punctuation and symbols). Digits are kept by default: folding them
makes earnings tables that differ only in their numbers look identical, which is how datatrove
chains thousands of unrelated Reuters stories together.

Punctuation is removed with ``str.translate`` over Unicode punctuation and symbol code points
(categories P* and S*), which is several times faster than a regular expression.
"""

from __future__ import annotations

import functools
import operator
import unicodedata
from collections.abc import Callable

from pydantic import BaseModel, ConfigDict


class Normalization(BaseModel):
    """What to fold before hashing. Every flag is a way two texts can count as the same."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    unicode: bool = True
    lowercase: bool = True
    whitespace: bool = True
    punctuation: bool = True
    digits: bool = False


class _LazyTable(dict):
    """A ``str.translate`` table filled on first sight of each code point.

    Building the full table up front means classifying all 1.1 million code points (about two
    seconds per process); real text uses a few thousand, each classified once here.
    """

    def __init__(self, replace: Callable[[str], str | None]) -> None:
        super().__init__()
        self._replace = replace

    def __missing__(self, cp: int) -> str:
        ch = chr(cp)
        value = self._replace(ch)
        value = self[cp] = ch if value is None else value
        return value


def _space_or_none(ch: str) -> str | None:
    """Non-ASCII whitespace only: ASCII whitespace is left to the whitespace flag."""
    return " " if ch.isspace() and not ch.isascii() else None


def _punct_or_space(ch: str) -> str | None:
    if unicodedata.category(ch)[0] in "PS":
        return " "
    return _space_or_none(ch)


def _digit_to_zero(ch: str) -> str | None:
    return "0" if unicodedata.category(ch) == "Nd" else None


@functools.cache
def _space_table() -> _LazyTable:
    """Unicode whitespace to a plain space, so that byte-level word splitting sees it."""
    return _LazyTable(_space_or_none)


@functools.cache
def _punctuation_table() -> _LazyTable:
    return _LazyTable(_punct_or_space)


@functools.cache
def _digit_table() -> _LazyTable:
    return _LazyTable(_digit_to_zero)


def _fold(text: str, norm: Normalization) -> str:
    if norm.unicode and not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    if norm.lowercase:
        text = text.lower()
    if norm.punctuation:
        text = text.translate(_punctuation_table())
    elif not text.isascii():
        text = text.translate(_space_table())
    if norm.digits:
        text = text.translate(_digit_table())
    return text


def normalize(text: str, norm: Normalization) -> str:
    """The text as exact deduplication compares it."""
    return spaced(_fold(text, norm), norm)


def spaced(folded: str, norm: Normalization) -> str:
    """A folded text (:func:`fold`) as :func:`normalize` gives it: runs of whitespace joined."""
    return " ".join(folded.split()) if norm.whitespace else folded


def fold(text: str, norm: Normalization) -> str:
    """The text with every folding applied but whitespace left for the word splitter."""
    return _fold(text, norm)


# the last batch folded: (normalization, its texts, their folds)
_LAST_FOLD: tuple[Normalization, list[str], list[str]] | None = None


def fold_many(texts: list[str], norm: Normalization) -> list[str]:
    """:func:`fold` of each text. Exact and MinHash dedup observe one batch side by side with
    the same normalization, so the batch folded last is given again when ``texts`` are the
    very same string objects (compared by identity, so an edited text is folded anew)."""
    global _LAST_FOLD
    last = _LAST_FOLD
    if (
        last is not None
        and len(last[1]) == len(texts)
        and last[0] == norm
        and all(map(operator.is_, last[1], texts))
    ):
        return last[2]
    folded = [_fold(t, norm) for t in texts]
    _LAST_FOLD = (norm, list(texts), folded)
    return folded
