"""Per-chunk facts the rules total over a document, memoised like the chunk's words.

A whitespace-delimited chunk always splits into the same words (:mod:`tamis.quality.words`),
so whatever the rules derive from those words can be memoised per chunk as well, and a
document's totals cost one lookup and one addition per chunk instead of several per word:

* Gopher quality's word statistics (words, non-symbol words, letters in non-symbol words,
  words containing a letter), packed into one integer of 40-bit fields, so a document's four
  totals are a single ``sum``;
* C4's sentence classes: per word ``S`` for a sentence-final mark, ``W`` for a word that is not
  punctuation, nothing for other punctuation. spaCy's sentencizer starts a new sentence at each
  ``W`` whose last ``S``-or-``W`` predecessor is an ``S`` (other punctuation is transparent), so
  a line's sentences are one plus the ``"SW"`` pairs in its chunks' classes joined together.
"""

from __future__ import annotations

import json
from functools import cache
from itertools import compress, repeat
from operator import is_

from tamis.quality.words import DATA, SENTENCE_PUNCT, WordSplitter, is_punct, splitter

TEXT_TABLES = json.loads((DATA / "datatrove_text.json").read_text(encoding="utf-8"))
#: A word made only of these characters is a "symbol", not a word (datatrove PUNCTUATION_SET).
PUNCTUATION_SET = frozenset(TEXT_TABLES["punctuation_set"])
if any(ch.isalpha() for ch in PUNCTUATION_SET):  # _word_facts's shortcut relies on it
    raise ValueError("datatrove_text.json: a letter in punctuation_set")

_BITS = 40
_MASK = (1 << _BITS) - 1
_CACHE_LIMIT = 1_000_000

# word -> (packed statistics, sentence class); words follow Zipf's law, so this stays small.
_WORD_FACTS: dict[str, tuple[int, str]] = {}


def _word_facts(word: str) -> tuple[int, str]:
    facts = _WORD_FACTS.get(word)
    if facts is None:
        if word.isalpha():
            is_word = has_alpha = True  # no letter is in PUNCTUATION_SET (checked at import)
        else:
            is_word = any(ch not in PUNCTUATION_SET for ch in word)
            has_alpha = any(ch.isalpha() for ch in word)
        packed = (
            1
            | (int(is_word) << _BITS)
            | ((len(word) if is_word else 0) << 2 * _BITS)
            | (int(has_alpha) << 3 * _BITS)
        )
        if word in SENTENCE_PUNCT:
            kind = "S"
        else:  # a letter is never punctuation
            kind = "W" if has_alpha or not is_punct(word) else ""
        if len(_WORD_FACTS) > _CACHE_LIMIT:
            _WORD_FACTS.clear()
        facts = _WORD_FACTS[word] = (packed, kind)
    return facts


class ChunkFacts:
    """Word statistics and sentence classes per chunk, for one tokenizer's chunks."""

    def __init__(self, words: WordSplitter) -> None:
        self._words = words
        self._stats: dict[str, int] = {}
        self._classes: dict[str, str] = {}

    def word_stats(self, chunks: list[str]) -> tuple[int, int, int, int]:
        """(words, non-symbol words, letters in non-symbol words, words with a letter)."""
        stats = self._stats
        packed = list(map(stats.get, chunks))
        if None in packed:
            self._learn_missing(chunks, packed)
            packed = list(map(stats.__getitem__, chunks))
        total = sum(packed)
        return (
            total & _MASK,
            (total >> _BITS) & _MASK,
            (total >> 2 * _BITS) & _MASK,
            total >> 3 * _BITS,
        )

    def sentences(self, chunks: list[str]) -> int:
        """Sentences spaCy's sentencizer finds in the words of ``chunks`` (0 without words)."""
        known = self._classes
        classes = list(map(known.get, chunks))
        if None in classes:
            self._learn_missing(chunks, classes)
            classes = list(map(known.__getitem__, chunks))
        if not chunks:
            return 0
        return 1 + "".join(classes).count("SW")

    def _learn_missing(self, chunks: list[str], found: list) -> None:
        """Learn the chunks whose ``found`` entry is None (the others are known), so that every
        chunk of ``chunks`` is known afterwards."""
        missing = set(compress(chunks, map(is_, found, repeat(None))))
        if len(self._stats) + len(missing) > _CACHE_LIMIT:
            self._stats.clear()
            self._classes.clear()
            missing = set(chunks)
        for chunk in missing:
            packed = 0
            kinds = []
            for word in self._words.chunk_words(chunk):
                word_packed, kind = _word_facts(word)
                packed += word_packed
                kinds.append(kind)
            self._stats[chunk] = packed
            self._classes[chunk] = "".join(kinds)


@cache
def chunk_facts(lang: str = "en") -> ChunkFacts:
    return ChunkFacts(splitter(lang))
