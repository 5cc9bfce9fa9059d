"""The pieces of a document that several quality rules share, computed once per document.

datatrove's filters each re-split the text (words, lines, paragraphs) and re-derive per-word
facts; in a pipeline that runs ``gopher_quality``, ``gopher_repetition``, ``c4`` and ``fineweb``
one after another, tamis splits once and hands the same :class:`DocParts` to every stage.
Parts are built lazily (a stage that never asks for n-grams never pays for them) and kept in a
small cache keyed on the text itself: the next stage of the batch finds them with one dict
lookup, and a stage that edited the text (``c4``) naturally gets fresh parts afterwards.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from functools import cache, cached_property

from tamis.quality.words import DATA, is_spaceless, split_words

_TEXT_TABLES = json.loads((DATA / "datatrove_text.json").read_text(encoding="utf-8"))
#: A word made only of these characters is a "symbol", not a word (datatrove PUNCTUATION_SET).
PUNCTUATION_SET = frozenset(_TEXT_TABLES["punctuation_set"])
#: FineWeb's default line-ending marks (datatrove TERMINAL_PUNCTUATION).
TERMINAL_PUNCTUATION = tuple(_TEXT_TABLES["terminal_punctuation"])

_PARAGRAPH_SPLIT = re.compile(r"\n{2,}")
_LINE_SPLIT = re.compile("\n+")


@cache
def stop_words(lang: str) -> frozenset[str] | None:
    """The shipped stop-word list for ``lang`` (``data/stopwords/<lang>.txt``), or None."""
    base = lang.split("_")[0].split("-")[0].lower()
    if base == "eng":
        base = "en"
    path = DATA / "stopwords" / f"{base}.txt"
    if not re.fullmatch(r"[a-z]{2,3}", base) or not path.is_file():
        return None
    return frozenset(w for w in path.read_text(encoding="utf-8").split() if w)


#: langid's answers that name no language: the rules then assume English, as datatrove does.
UNDETERMINED = frozenset({"", "un", "und", "xx", "zxx"})


def doc_language(signals: dict, forced: str | None = None) -> str:
    """The language rules should assume: forced by option, else langid's, else English."""
    if forced:
        return forced
    lang = signals.get("langid", {}).get("lang") if signals else None
    return "en" if not lang or lang in UNDETERMINED else lang


# Per-word facts, memoised across documents (words follow Zipf's law): 1 if the word is a
# word rather than a symbol, its length if so, 1 if it contains a letter.
_IS_WORD: dict[str, int] = {}
_WORD_LEN: dict[str, int] = {}
_HAS_ALPHA: dict[str, int] = {}


def _learn_words(words: list[str]) -> None:
    if len(_IS_WORD) > 1_000_000:
        _IS_WORD.clear()
        _WORD_LEN.clear()
        _HAS_ALPHA.clear()
    for word in set(words).difference(_IS_WORD):
        is_word = any(ch not in PUNCTUATION_SET for ch in word)
        _IS_WORD[word] = int(is_word)
        _WORD_LEN[word] = len(word) if is_word else 0
        _HAS_ALPHA[word] = int(any(ch.isalpha() for ch in word))


class DocParts:
    """Lazily split views of one text in one language."""

    def __init__(self, text: str, lang: str) -> None:
        self.text = text
        self.lang = lang
        self.spaceless = is_spaceless(lang)

    @cached_property
    def words(self) -> list[str]:
        return split_words(self.text, self.lang)

    @cached_property
    def word_set(self) -> set[str]:
        return set(self.words)

    @cached_property
    def word_stats(self) -> tuple[int, int, int, int]:
        """(words, non-symbol words, letters in non-symbol words, words with a letter)."""
        words = self.words
        if not all(map(_IS_WORD.__contains__, words)):
            _learn_words(words)
        return (
            len(words),
            sum(map(_IS_WORD.__getitem__, words)),
            sum(map(_WORD_LEN.__getitem__, words)),
            sum(map(_HAS_ALPHA.__getitem__, words)),
        )

    @cached_property
    def splitlines(self) -> list[str]:
        """``str.splitlines``: Gopher quality's and C4's idea of a line."""
        return self.text.splitlines()

    @cached_property
    def newline_lines(self) -> list[str]:
        """Lines split on runs of ``\\n`` (Gopher repetition's idea of a line)."""
        return _LINE_SPLIT.split(self.text)

    @cached_property
    def paragraphs(self) -> list[str]:
        """Blocks split on two or more ``\\n`` after stripping (Gopher repetition's paragraph)."""
        return _PARAGRAPH_SPLIT.split(self.text.strip())

    @cached_property
    def nonblank_lines(self) -> list[str]:
        """``\\n``-split lines that are not blank (FineWeb's idea of a line)."""
        return [line for line in self.text.split("\n") if line.strip() != ""]


_CACHE: OrderedDict[tuple[str, str], DocParts] = OrderedDict()
_CACHE_CHARS = 0
_CACHE_LIMIT_CHARS = 64_000_000


def parts_for(text: str, lang: str) -> DocParts:
    """The shared parts of ``text``; consecutive stages on the same text reuse them."""
    global _CACHE_CHARS
    key = (lang, text)
    parts = _CACHE.get(key)
    if parts is not None:
        return parts
    parts = DocParts(text, lang)
    _CACHE[key] = parts
    _CACHE_CHARS += len(text)
    while _CACHE_CHARS > _CACHE_LIMIT_CHARS and len(_CACHE) > 1:
        (_, old_text), _old = _CACHE.popitem(last=False)
        _CACHE_CHARS -= len(old_text)
    return parts
