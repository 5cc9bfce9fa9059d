"""Text normalisation before hashing, and the word tokens shingles are made of.

The defaults fold only what never tells two documents apart (Unicode compatibility forms,
case, runs of whitespace, punctuation and symbols). Digits are kept by default: folding them
makes earnings tables that differ only in their numbers look identical, which is how datatrove
chains thousands of unrelated Reuters stories together.

Punctuation is removed with ``str.translate`` over every Unicode punctuation and symbol code
point (categories P* and S*), which is several times faster than a regular expression.
"""

from __future__ import annotations

import functools
import sys
import unicodedata

from pydantic import BaseModel, ConfigDict


class Normalization(BaseModel):
    """What to fold before hashing. Every flag is a way two texts can count as the same."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    unicode: bool = True
    lowercase: bool = True
    whitespace: bool = True
    punctuation: bool = True
    digits: bool = False


@functools.cache
def _space_table() -> dict[int, str]:
    """Unicode whitespace to a plain space, so that byte-level word splitting sees it."""
    return {cp: " " for cp in range(sys.maxunicode + 1) if chr(cp).isspace() and cp > 127}


@functools.cache
def _punctuation_table() -> dict[int, str]:
    table = {
        cp: " " for cp in range(sys.maxunicode + 1) if unicodedata.category(chr(cp))[0] in "PS"
    }
    table.update(_space_table())
    return table


@functools.cache
def _digit_table() -> dict[int, str]:
    return {cp: "0" for cp in range(sys.maxunicode + 1) if unicodedata.category(chr(cp)) == "Nd"}


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
    text = _fold(text, norm)
    if norm.whitespace:
        text = " ".join(text.split())
    return text


def fold(text: str, norm: Normalization) -> str:
    """The text with every folding applied but whitespace left for the word splitter."""
    return _fold(text, norm)
