"""The pieces of a document that several quality rules share, computed once per document.

datatrove's filters each re-split the text (words, lines, paragraphs) and re-derive per-word
facts; in a pipeline that runs ``gopher_quality``, ``gopher_repetition``, ``c4`` and ``fineweb``
one after another, tamis splits once and hands the same :class:`DocParts` to every stage.
Parts are built lazily (a stage that never asks for n-grams never pays for them) and kept in a
small cache keyed on the text itself: the next stage of the batch finds them with one dict
lookup. A stage that edits the text (``c4``) leaves parts keyed on the new text, so nothing
stale is ever read; when C4 only dropped and stripped lines, those parts are built from the
kept lines' chunk records (:func:`parts_of_kept_lines`) instead of splitting the text again.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from itertools import chain
from typing import TYPE_CHECKING

from tamis.quality import chunks as per_chunk
from tamis.quality.chunks import PUNCTUATION_SET, TEXT_TABLES, ChunkRecord
from tamis.quality.languages import is_multi_script, is_pair, iso639_1, resolve, splitter_of
from tamis.quality.line_facts import LINE_BATCH_MIN_CHARS, LineFacts
from tamis.quality.words import DATA

if TYPE_CHECKING:
    from tamis.quality.segment_indic import IndicWords

__all__ = ["PUNCTUATION_SET", "TERMINAL_PUNCTUATION", "DocParts", "parts_for", "stop_words"]

#: FineWeb's default line-ending marks (datatrove TERMINAL_PUNCTUATION).
TERMINAL_PUNCTUATION = tuple(TEXT_TABLES["terminal_punctuation"])

_PARAGRAPH_SPLIT = re.compile(r"\n{2,}")
#: the line breaks of ``str.splitlines`` other than ``\n``
_OTHER_LINE_BREAKS = ("\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


@cache
def stop_words(lang: str) -> frozenset[str] | None:
    """The shipped stop-word list for ``lang`` (``data/stopwords/<lang>.txt``, by ISO 639-1
    code; a FineWeb-2 pair finds its language's list), or None."""
    if is_pair(lang):
        lang = iso639_1(lang)
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
    found = signals.get("langid", {}) if signals else {}
    script = found.get("language_script")
    if script:  # a fastText identifier named the pair (GlotLID's fra_Latn): use it whole
        pair = f"{found.get('language')}_{script}"
        if is_pair(pair) and splitter_of(pair) is not None:
            return pair
    lang = found.get("lang")
    return "en" if not lang or lang in UNDETERMINED else lang


class lazy:  # noqa: N801 - used like functools.cached_property
    """``functools.cached_property`` without its lock (Python 3.11 takes one on every first
    access, a visible cost at ten parts per document): compute once, store in the instance."""

    def __init__(self, func) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __get__(self, obj, cls=None):
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.func(obj)
        return value


@dataclass(frozen=True, slots=True)
class WordPlan:
    """How one language's words are split: by spaCy's rule tokenizer over shipped tables (chunk
    by chunk, memoised), by a backend over the whole text, or not at all (and why)."""

    pair: str | None  # iso3_Script, None when the language is unknown
    table: str | None = None  # spaCy tables, for rule-tokenized languages
    backend: Callable[[str], list[str]] | None = None
    #: a backend whose words are those of the text's units, memoised per unit (IndicNLP)
    units: IndicWords | None = None
    unsupported: str | None = None


@cache
def _plan_of_pair(pair: str | None) -> WordPlan:
    from tamis.quality.backends import (
        backend,
        indic_words,
        is_rule_tokenizer,
        missing,
        table_code,
    )

    assigned = splitter_of(pair) if pair else None
    if assigned is None:  # a language datatrove's table does not know: whitespace, like it
        return WordPlan(pair, table="xx")
    if is_rule_tokenizer(assigned):
        return WordPlan(pair, table=table_code(assigned))
    need = missing(assigned)
    if need:
        return WordPlan(pair, unsupported=f"words: {pair} needs {need}")
    if assigned.kind == "IndicNLPTokenizer":
        units = indic_words(assigned.code)
        return WordPlan(pair, backend=units.words, units=units)
    return WordPlan(pair, backend=backend(assigned))


@cache
def _pair_of(lang: str) -> str | None:
    return resolve(lang)


@cache
def _plan_of_lang(lang: str) -> WordPlan | None:
    """The word plan of ``lang`` when it does not depend on the text (None when it does)."""
    return None if is_multi_script(lang) else _plan_of_pair(_pair_of(lang))


def word_plan(lang: str, text: str) -> WordPlan:
    """The word plan of ``lang`` for ``text`` (the text decides the script of a bare code whose
    language has several)."""
    plan = _plan_of_lang(lang)
    return _plan_of_pair(resolve(lang, text)) if plan is None else plan


#: a space inside a backend's word (Vietnamese syllables of one word) in the n-gram text
_INNER_SPACE = "\u00a0"


class DocParts:
    """Lazily split views of one text in one language.

    Views are tuples, not lists: a tuple of strings is untracked by the garbage collector once
    seen, so the cached parts of recent documents cost nothing in full collections (lists
    would be traversed every time, a large share of the run time).
    """

    def __init__(self, text: str, lang: str) -> None:
        self.text = text
        self.lang = lang
        plan = word_plan(lang, text)
        self.pair = plan.pair
        self.table = plan.table
        self._backend = plan.backend
        #: words from memoised units (None: from the backend or from whitespace chunks)
        self._units = plan.units
        if self._units is not None:
            if self._units.needs_whole_text(text):
                self._units = None  # the backend splits the whole text
            else:
                self._backend = None
        #: why words cannot be split (the word rules are then skipped), or None
        self.unsupported = plan.unsupported
        #: words come from whitespace chunks (spaCy's rule tokenizer): C4's per-line counts work
        self.chunked = plan.table is not None
        self.no_words = plan.unsupported is not None

    @lazy
    def chunks(self) -> tuple[str, ...]:
        """Whitespace-delimited chunks (``str.split()``): the unit words are split from."""
        return tuple(self.text.split())

    @lazy
    def chunk_records(self) -> tuple[ChunkRecord, ...]:
        """Each chunk's memoised words and facts (:mod:`tamis.quality.chunks`)."""
        return tuple(per_chunk.table_facts(self.table).records(self.chunks))

    @lazy
    def unit_records(self) -> tuple[ChunkRecord, ...]:
        """Each unit's memoised words and facts, for words split unit by unit."""
        return tuple(self._units.facts.records(self._units.units(self.text)))

    @lazy
    def words(self) -> list[str]:
        if self._backend is not None:
            return self._backend(self.text)
        if "word_arrays" in self.__dict__:  # set by split_units_together: words hold no space
            spaced = self.spaced
            return spaced.split(" ") if spaced else []
        records = self.chunk_records if self._units is None else self.unit_records
        return list(chain.from_iterable(map(per_chunk.chunk_words, records)))

    @lazy
    def spaced(self) -> str:
        """The words joined by single spaces (datatrove's n-gram text); a space inside a
        backend's word is written as a no-break space, so spaces only separate words."""
        found = self.__dict__.get("word_arrays")
        if found is not None:
            arrays, d = found
            return arrays.spaced(d)
        if self._backend is not None:
            words = self.words
            spaced = " ".join(words)
            if spaced.count(" ") == len(words) - 1 or not words:  # no word holds a space
                return spaced
            return " ".join(w.replace(" ", _INNER_SPACE) if " " in w else w for w in words)
        if self._units is not None:
            spaced = " ".join(map(per_chunk.chunk_spaced, self.unit_records))
            if "  " in spaced or spaced[:1] == " " or spaced[-1:] == " ":
                # A unit of blanks has no words (and no spaced text); words hold no spaces,
                # so only such a unit puts a space at an end or two in a row.
                return " ".join(filter(None, map(per_chunk.chunk_spaced, self.unit_records)))
            return spaced
        return " ".join(map(per_chunk.chunk_spaced, self.chunk_records))

    def has_word(self, word: str) -> bool:
        """Whether ``word`` is one of the words (a substring search of :attr:`spaced`)."""
        if not word or word != "".join(word.split()):
            return False  # words hold no whitespace
        return f" {word} " in self.padded

    def stop_word_count(self, words: frozenset[str]) -> int | None:
        """How many of ``words`` are among the words (each once), when the words are kept as
        a batch's arrays (counted there for the whole batch at once); else None."""
        found = self.__dict__.get("word_arrays")
        if found is None:
            return None
        arrays, d = found
        return arrays.stop_word_counts(words)[d]

    @lazy
    def padded(self) -> str:
        """:attr:`spaced` with a space at each end: ``" w "`` is in it iff ``w`` is a word."""
        return f" {self.spaced} "

    @lazy
    def word_set(self) -> set[str]:
        return set(self.words)

    @lazy
    def word_stats(self) -> tuple[int, int, int, int]:
        """(words, non-symbol words, letters in non-symbol words, words with a letter)."""
        if self._backend is not None:
            return per_chunk.words_stats(self.words)
        records = self.chunk_records if self._units is None else self.unit_records
        return per_chunk.word_stats(records, len(self.text))

    @property
    def n_words(self) -> int:
        """How many words (without building their list when it is not built yet)."""
        words = self.__dict__.get("words")
        return len(words) if words is not None else self.word_stats[0]

    @lazy
    def chunk_classes(self) -> tuple[str, ...]:
        """Each chunk's sentence classes (C4 counts a line's sentences from its chunks')."""
        return tuple(map(per_chunk.chunk_classes, self.chunk_records))

    def sentences(self, chunks: list[str]) -> int:
        """C4's sentence count of a line given as its (own) chunks, in this text's language."""
        records = per_chunk.table_facts(self.table).records(chunks)
        return per_chunk.sentences(list(map(per_chunk.chunk_classes, records)))

    @lazy
    def splitlines(self) -> tuple[str, ...]:
        """``str.splitlines``: Gopher quality's and C4's idea of a line. A text whose only line
        break is ``\n`` (most) has the lines of its ``\n`` split, already made for the other
        rules, without the empty one after a final ``\n``."""
        text = self.text
        if not text or any(map(text.__contains__, _OTHER_LINE_BREAKS)):
            return tuple(text.splitlines())
        lines = self._newline_split
        return lines[:-1] if lines[-1] == "" else lines

    @lazy
    def newline_lines(self) -> tuple[str, ...]:
        """Lines split on runs of ``\\n`` (Gopher repetition's idea of a line)."""
        lines = self._newline_split
        if len(lines) > 2 and "\n\n" in self.text:  # drop the empty lines between runs
            lines = [lines[0], *filter(None, lines[1:-1]), lines[-1]]
        return tuple(lines)

    @lazy
    def paragraphs(self) -> tuple[str, ...]:
        """Blocks split on two or more ``\\n`` after stripping (Gopher repetition's paragraph)."""
        text = self.text.strip()
        return tuple(_PARAGRAPH_SPLIT.split(text)) if "\n\n" in text else (text,)

    @lazy
    def nonblank_lines(self) -> tuple[str, ...]:
        """``\\n``-split lines that are not blank (FineWeb's idea of a line)."""
        return tuple(filter(str.strip, self._newline_split))

    @lazy
    def _newline_split(self) -> tuple[str, ...]:
        """``text.split("\\n")``, which both ideas of a ``\\n``-split line start from."""
        return tuple(self.text.split("\n"))


#: a batch's unit-split texts are split together when they hold at least this many characters:
#: the array operations cost ~170 us a call whatever the size, then less per character than
#: the units' lookups (Hindi, memos warm: even at ~12,000 characters, 40% less at 50,000)
BATCH_MIN_CHARS = 16_384


def split_units_together(batch: list[DocParts]) -> None:
    """Split the words of the documents of ``batch`` whose words come from units (IndicNLP's
    languages) in one set of array operations per language (:mod:`tamis.quality.indic_batch`),
    storing each one's words as the batch's arrays (``word_arrays``: the arrays and the
    document's index there, which :attr:`DocParts.spaced`, the n-grams and the stop words read)
    and its :attr:`DocParts.word_stats`: the same values as unit by unit, without a Python step
    per unit."""
    groups: dict[int, tuple[IndicWords, list[DocParts]]] = {}
    for parts in batch:
        units = parts._units
        if units is not None and "word_stats" not in parts.__dict__:
            groups.setdefault(id(units), (units, []))[1].append(parts)
    for units, members in groups.values():
        if sum(len(parts.text) for parts in members) < BATCH_MIN_CHARS:
            continue
        split = units.batch.split_arrays([parts.text for parts in members], _joined(members))
        for parts, (arrays, d, stats) in zip(members, split, strict=True):
            parts.__dict__["word_arrays"] = (arrays, d)
            parts.__dict__["word_stats"] = stats


def _joined(members: list[DocParts]):
    """The code points of the texts of ``members`` joined by one character, and where they
    start, when a batch's line facts hold them (the members one after another there)."""
    first = members[0].__dict__.get("line_facts")
    if first is None:
        return None
    facts, d = first
    for i, parts in enumerate(members):
        found = parts.__dict__.get("line_facts")
        if found is None or found[0] is not facts or found[1] != d + i:
            return None
    return facts.codes, int(facts.doc_start[d])


def lines_together(batch: list[DocParts]) -> None:
    """Count the lines and marks of the documents of ``batch`` in one pass over all their
    characters (:class:`tamis.quality.line_facts.LineFacts`), storing each one's facts and its
    index there as ``line_facts`` (None for a text whose lines another line break changes: its
    rules read its lines as strings). Documents that have them already are left alone."""
    todo = [parts for parts in batch if "line_facts" not in parts.__dict__]
    if sum(len(parts.text) for parts in todo) < LINE_BATCH_MIN_CHARS:
        return
    facts = LineFacts([parts.text for parts in todo])
    for d, (parts, ok) in enumerate(zip(todo, facts.ok, strict=True)):
        parts.__dict__["line_facts"] = (facts, d) if ok else None


_CACHE: OrderedDict[tuple[str, str], DocParts] = OrderedDict()
_CACHE_CHARS = 0
#: enough for one pipeline batch (256 documents of ~15 kB) to pass the four quality stages with
#: its parts built once; each cached character costs ~15 bytes of parts, so 64M characters meant
#: ~1.2 GB per worker (measured on IMDb) where 4M cost ~60 MB; a bigger batch only recomputes.
_CACHE_LIMIT_CHARS = 4_000_000


def parts_for(text: str, lang: str) -> DocParts:
    """The shared parts of ``text``; consecutive stages on the same text reuse them."""
    parts = _CACHE.get((lang, text))
    if parts is not None:
        return parts
    return _remember(DocParts(text, lang))


def parts_of_kept_lines(parts: DocParts, text: str, line_chunks: list[int], kept: list[bool]):
    """Remember the parts of ``text``, the kept lines of ``parts.text`` (each stripped) joined
    by ``\n``, from those of ``parts``: its chunks are the kept lines' chunks, a slice of the
    original's per line (``line_chunks``: how many chunks each line holds), so the stage after
    an edit does not split and look up the same chunks again."""
    if not parts.chunked:
        return
    chunks = parts.chunks
    records = parts.chunk_records
    new_chunks: list[str] = []
    new_records: list[ChunkRecord] = []
    end = 0
    for n, keep in zip(line_chunks, kept, strict=True):
        end += n
        if keep and n:
            new_chunks.extend(chunks[end - n : end])
            new_records.extend(records[end - n : end])
    derived = DocParts(text, parts.lang)
    if derived.table != parts.table or derived.pair != parts.pair:
        return  # the kept lines read as another script: their words are split otherwise
    derived.__dict__["chunks"] = tuple(new_chunks)
    derived.__dict__["chunk_records"] = tuple(new_records)
    _remember(derived)


def _remember(parts: DocParts) -> DocParts:
    global _CACHE_CHARS
    text = parts.text
    key = (parts.lang, text)
    if key in _CACHE:
        return _CACHE[key]
    _CACHE[key] = parts
    _CACHE_CHARS += len(text)
    while _CACHE_CHARS > _CACHE_LIMIT_CHARS and len(_CACHE) > 1:
        (_, old_text), _old = _CACHE.popitem(last=False)
        _CACHE_CHARS -= len(old_text)
    return parts
