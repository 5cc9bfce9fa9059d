"""Per-chunk facts the rules total over a document, memoised like the chunk's words.

A whitespace-delimited chunk always splits into the same words (:mod:`tamis.quality.words`),
so whatever the rules derive from those words can be memoised per chunk as well, and a
document's totals cost one lookup and one addition per chunk instead of several per word:

* Gopher quality's word statistics (words, non-symbol words, letters in non-symbol words,
  words containing a letter), packed two to an integer in 31-bit fields, so a document's four
  totals are two ``sum`` calls over machine-sized integers; and all four in one integer of
  15-bit fields, one ``sum`` for a text shorter than 2**15 characters (each total is at most
  the text's length: no field can carry into the next);
* C4's sentence classes: per word ``S`` for a sentence-final mark, ``W`` for a word that is not
  punctuation, nothing for other punctuation. spaCy's sentencizer starts a new sentence at each
  ``W`` whose last ``S``-or-``W`` predecessor is an ``S`` (other punctuation is transparent), so
  a line's sentences are one plus the ``"SW"`` pairs in its chunks' classes joined together.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from itertools import compress, repeat
from operator import is_, itemgetter

from tamis.quality.words import (
    DATA,
    SENTENCE_PUNCT,
    WordSplitter,
    is_punct,
    table_lang,
    tables_splitter,
)

TEXT_TABLES = json.loads((DATA / "datatrove_text.json").read_text(encoding="utf-8"))
#: A word made only of these characters is a "symbol", not a word (datatrove PUNCTUATION_SET).
PUNCTUATION_SET = frozenset(TEXT_TABLES["punctuation_set"])
# The shortcuts for words of letters rely on these two.
if any(ch.isalpha() for ch in PUNCTUATION_SET):
    raise ValueError("datatrove_text.json: a letter in punctuation_set")
if any(mark.isalpha() for mark in SENTENCE_PUNCT):
    raise ValueError("a letter among the sentence-final marks")

_BITS = 31  # two counts per integer, so a document's sums stay machine integers (fast)
_MASK = (1 << _BITS) - 1
_ONE_WORD = 1 | (1 << _BITS)  # a word that is not a symbol
_ONE_ALPHA = 1 << _BITS  # a word with a letter
_SHORT_BITS = 15  # the four statistics in one integer, for texts shorter than 2**15 characters
_SHORT_MASK = (1 << _SHORT_BITS) - 1
SHORT_TEXT = 1 << _SHORT_BITS
_CACHE_LIMIT = 1_000_000

# word -> (words | non-symbol words << 31, non-symbol letters | words with a letter << 31,
# sentence class); words follow Zipf's law, so this stays small.
_WORD_FACTS: dict[str, tuple[int, int, str]] = {}


def _word_facts(word: str) -> tuple[int, int, str]:
    facts = _WORD_FACTS.get(word)
    if facts is None:
        if word.isalpha():
            is_word = has_alpha = True  # no letter is in PUNCTUATION_SET (checked at import)
        else:
            is_word = any(ch not in PUNCTUATION_SET for ch in word)
            has_alpha = any(ch.isalpha() for ch in word)
        if word in SENTENCE_PUNCT:
            kind = "S"
        else:  # a letter is never punctuation
            kind = "W" if has_alpha or not is_punct(word) else ""
        if len(_WORD_FACTS) > _CACHE_LIMIT:
            _WORD_FACTS.clear()
        facts = _WORD_FACTS[word] = (
            1 | (int(is_word) << _BITS),
            (len(word) if is_word else 0) | (int(has_alpha) << _BITS),
            kind,
        )
    return facts


#: A chunk's record: (words, counts, letters, sentence classes, words joined by spaces, the
#: four statistics in 15-bit fields).
ChunkRecord = tuple[tuple[str, ...], int, int, str, str, int]
chunk_words = itemgetter(0)
chunk_classes = itemgetter(3)
chunk_spaced = itemgetter(4)
_COUNTS = itemgetter(1)
_LETTERS = itemgetter(2)
_SHORT = itemgetter(5)


def _short(counts: int, letters: int) -> int:
    """The four statistics packed two to an integer (31-bit fields) repacked in 15-bit fields
    (words, non-symbol words, letters, words with a letter, from the lowest bits); a chunk too
    long for them only ever sits in a text too long for :func:`word_stats`'s one-sum path."""
    return (
        (counts & _MASK)
        | (counts >> _BITS) << _SHORT_BITS
        | (letters & _MASK) << (2 * _SHORT_BITS)
        | (letters >> _BITS) << (3 * _SHORT_BITS)
    )


def _alpha_record(chunk: str) -> ChunkRecord:
    """The record of a chunk of letters alone that is no special case: one word, not a symbol,
    no sentence mark (no letter is one, checked at import)."""
    n = len(chunk)
    short = 1 | 1 << _SHORT_BITS | n << (2 * _SHORT_BITS) | 1 << (3 * _SHORT_BITS)
    return (chunk,), _ONE_WORD, n | _ONE_ALPHA, "W", chunk, short


class ChunkFacts:
    """One memoised record per chunk, for one tokenizer: its words and what rules total."""

    def __init__(self, words: WordSplitter) -> None:
        self._words = words
        self._records: dict[str, ChunkRecord] = {}

    def records(self, chunks: list[str]) -> list[ChunkRecord]:
        """The record of each chunk, in order (one dictionary lookup per chunk)."""
        known = self._records
        try:  # after the first documents, nearly every chunk is known
            return list(map(known.__getitem__, chunks))
        except KeyError:
            pass
        records = list(map(known.get, chunks))
        # First-time chunks: learn each once, then fill the gaps.
        gaps = list(compress(range(len(chunks)), map(is_, records, repeat(None))))
        if len(known) + len(gaps) > _CACHE_LIMIT:
            known.clear()
        learn = self._learn
        specials = self._words.specials
        for i in gaps:
            chunk = chunks[i]
            record = known.get(chunk)
            if record is None:
                if chunk.isalpha() and chunk not in specials:
                    record = _alpha_record(chunk)  # no affix can split letters alone
                else:
                    record = learn(chunk)
                known[chunk] = record
            records[i] = record
        return records

    def _learn(self, chunk: str) -> ChunkRecord:
        if chunk.isalpha() and not self._words.is_special(chunk):
            return _alpha_record(chunk)
        counts = letters = 0
        kinds = []
        words = self._words.chunk_words(chunk)
        for word in words:
            word_counts, word_letters, kind = _WORD_FACTS.get(word) or _word_facts(word)
            counts += word_counts
            letters += word_letters
            kinds.append(kind)
        spaced = chunk if words == (chunk,) else " ".join(words)
        return words, counts, letters, "".join(kinds), spaced, _short(counts, letters)


def word_stats(records: list[ChunkRecord], text_length: int) -> tuple[int, int, int, int]:
    """(words, non-symbol words, letters in non-symbol words, words with a letter) of the
    records of a text of ``text_length`` characters."""
    if text_length < SHORT_TEXT:  # every total fits its 15-bit field: one sum
        short = sum(map(_SHORT, records))
        return (
            short & _SHORT_MASK,
            (short >> _SHORT_BITS) & _SHORT_MASK,
            (short >> (2 * _SHORT_BITS)) & _SHORT_MASK,
            short >> (3 * _SHORT_BITS),
        )
    counts = sum(map(_COUNTS, records))
    letters = sum(map(_LETTERS, records))
    return counts & _MASK, counts >> _BITS, letters & _MASK, letters >> _BITS


def sentences(classes: list[str]) -> int:
    """Sentences spaCy's sentencizer finds in a line, from its chunks' sentence classes."""
    return 1 + "".join(classes).count("SW") if classes else 0


def words_stats(words: list[str]) -> tuple[int, int, int, int]:
    """:func:`word_stats` of a list of words (for words a backend split from a whole text)."""
    facts = _WORD_FACTS
    counts = letters = 0
    for word, times in Counter(words).items():  # each distinct word once (Zipf: far fewer)
        word_counts, word_letters, _ = facts.get(word) or _word_facts(word)
        counts += word_counts * times  # both packed fields scale: neither overflows 31 bits
        letters += word_letters * times
    return counts & _MASK, counts >> _BITS, letters & _MASK, letters >> _BITS


@cache
def table_facts(table: str = "en") -> ChunkFacts:
    """The chunk records of one set of spaCy tables (shared by the languages that use them)."""
    return ChunkFacts(tables_splitter(table))


def chunk_facts(lang: str = "en") -> ChunkFacts:
    return table_facts(table_lang(lang))
