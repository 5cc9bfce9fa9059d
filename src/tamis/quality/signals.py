"""Every signal of the four rule sets, computed as datatrove 0.10.x computes it.

Each function measures *all* of its stage's signals for a document, whatever the thresholds, so
the output says by how much a document passed or failed each rule and ``rethreshold`` can
re-decide later. Signals are plain numbers (``None`` when a rule's measure is undefined for the
document, for example a ratio over zero words, or unsupported for its language).

Where datatrove's code departs from the papers, tamis follows the code:

* Gopher quality (``gopher_quality_filter.py``) counts words with spaCy's tokenizer, so
  punctuation tokens are words for the hash/ellipsis/alpha ratios, while the word-count and
  mean-length rules only count "non-symbol" words; the paper's alpha rule ("80% of words
  contain a letter") uses all tokens; stop words are matched case-sensitively ("The" is not
  "the"); lines are ``str.splitlines()`` lines and bullets are only "•" and "-".
* Gopher repetition (``gopher_repetition_filter.py``): paragraphs are split on ``\\n{2,}``
  after ``strip()``, lines on ``\\n+`` without stripping (so a trailing newline makes an empty
  line that can repeat); every fraction divides by ``len(text)`` including whitespace; duplicate
  n-grams are keyed on the words joined without spaces (see :mod:`tamis.quality.ngrams`).
* C4 (``c4_filters.py``, ``C4QualityFilter``): lines are ``str.splitlines()`` lines, stripped;
  a line ending in "..." is dropped even though it ends in "."; words for the per-line count
  are whitespace-separated; sentences are counted per kept line with spaCy's sentencizer rule;
  the badwords list of the paper is a separate filter in datatrove and is not part of ``c4``.
* FineWeb (``fineweb_quality_filter.py``): lines are ``\\n``-split non-blank lines, *not*
  stripped (a line ending "end. " does not end in punctuation); the duplicate-line measure
  divides by the text length without newlines; the list ratio is newlines over spaCy words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from operator import methodcaller
from typing import Any

from tamis.quality.chunks import sentences as line_sentences
from tamis.quality.line_facts import LineFacts
from tamis.quality.ngrams import ngram_repetition_batch, ngram_repetition_words
from tamis.quality.options import (
    C4Options,
    FineWebOptions,
    GopherQualityOptions,
    GopherRepetitionOptions,
    once_per_options,
)
from tamis.quality.parts import (
    TERMINAL_PUNCTUATION,
    DocParts,
    lines_together,
    split_units_together,
    stop_words,
)
from tamis.quality.word_arrays import WordArrays

# --------------------------------------------------------------------------- Gopher quality

#: (options, option name) -> the value built from that option
_BUILT: dict[tuple[int, Any], tuple[Any, Any]] = {}


def _option_value(opts: Any, name: str, build) -> Any:
    """``build(opts.<name>)``, or None when the option is unset; built once per options."""
    return once_per_options(_BUILT, opts, name, _built, name, build)


def _built(opts: Any, name: str, build) -> Any:
    raw = getattr(opts, name)
    return None if raw is None else build(raw)


#: Gopher quality rules that need words (unsupported for languages without spaces).
GOPHER_WORD_SIGNALS = (
    "n_words",
    "n_non_symbol_words",
    "avg_word_length",
    "hash_ratio",
    "ellipsis_ratio",
    "alpha_words_ratio",
    "stop_words",
)


_IS_BULLET = methodcaller("startswith", ("•", "-"))
_ENDS_ELLIPSIS = methodcaller("endswith", ("...", "…"))


@cache
def _padded_words(words: frozenset[str]) -> tuple[str, ...]:
    """Each word with a space on both sides, as searched for in ``DocParts.padded``."""
    return tuple(f" {w} " for w in words if w and w == "".join(w.split()))


def gopher_quality(parts: DocParts, opts: GopherQualityOptions) -> dict[str, Any]:
    text = parts.text
    facts = parts.__dict__.get("line_facts")
    # A line can only open with a bullet or end in an ellipsis the text holds: most texts hold
    # neither, and need no pass over their lines.
    if facts is not None:  # counted for the whole batch (tamis.quality.line_facts)
        lf, d = facts
        n_lines = lf.splitlines[d]
        bullets = lf.bullets[d]
        dots = lf.dots[d]
        hashes = lf.hashes[d]
    else:
        n_lines = len(parts.splitlines)
        lines = parts.splitlines
        bullets = sum(map(_IS_BULLET, map(str.lstrip, lines))) if "-" in text or "•" in text else 0
        # The ellipses counted once: the line rule and the per-word ratio both need them.
        dots = text.count("...") + text.count("…")
        hashes = None
    ellipses = sum(map(_ENDS_ELLIPSIS, map(str.rstrip, parts.splitlines))) if dots else 0
    sig: dict[str, Any] = {
        "bullet_lines_ratio": bullets / n_lines if n_lines else None,
        "end_ellipsis_lines_ratio": ellipses / n_lines if n_lines else None,
    }
    if parts.no_words:
        sig.update(dict.fromkeys(GOPHER_WORD_SIGNALS))
        sig["unsupported"] = parts.unsupported
        return sig
    n_words, n_non_symbol, non_symbol_chars, n_alpha = parts.word_stats
    sig["n_words"] = n_words
    sig["n_non_symbol_words"] = n_non_symbol
    sig["avg_word_length"] = non_symbol_chars / n_non_symbol if n_non_symbol else None
    if hashes is None:
        hashes = text.count("#")
    sig["hash_ratio"] = hashes / n_words if n_words else None
    sig["ellipsis_ratio"] = dots / n_words if n_words else None
    sig["alpha_words_ratio"] = n_alpha / n_words if n_words else None
    words = _option_value(opts, "stop_words", frozenset)
    if words is None:
        words = stop_words(parts.lang)
    if words is None:
        sig["stop_words"] = None
        sig["unsupported"] = f"stop words: no list for language {parts.lang!r}"
    elif opts.stop_words_count == "occurrences":  # datatrove before 0.5.0
        sig["stop_words"] = sum(map(words.__contains__, parts.words))
    elif (counted := parts.stop_word_count(words)) is not None:  # a batch's words, in arrays
        sig["stop_words"] = counted
    elif len(words) <= 16:  # a few substring searches cost less than building the word set
        sig["stop_words"] = sum(map(parts.padded.__contains__, _padded_words(words)))
    else:
        present = parts.word_set
        sig["stop_words"] = sum(1 for w in words if w in present)
    return sig


# ------------------------------------------------------------------------ Gopher repetition


def find_duplicates(items: list[str]) -> tuple[int, int]:
    """datatrove ``find_duplicates``: (repeated items, characters in repeated items).

    Every occurrence after an item's first is a repeat, so both counts are the totals minus
    those of the distinct items (computed without a Python loop).
    """
    if len(items) == 1:  # one paragraph, or one line: nothing repeats
        return 0, 0
    distinct = set(items)
    if len(distinct) == len(items):  # nothing repeats (most documents): no lengths to sum
        return 0, 0
    return (
        len(items) - len(distinct),
        sum(map(len, items)) - sum(map(len, distinct)),
    )


def gopher_repetition(parts: DocParts, opts: GopherRepetitionOptions) -> dict[str, Any]:
    return gopher_repetition_batch([parts], opts)[0]


def gopher_repetition_batch(
    batch: list[DocParts], opts: GopherRepetitionOptions
) -> list[dict[str, Any]]:
    """Gopher repetition signals of several documents, with their n-grams counted together
    (see :func:`tamis.quality.ngrams.ngram_repetition_batch` for why)."""
    top_ns = [n for n, _ in opts.top_n_grams]
    dup_ns = [n for n, _ in opts.dup_n_grams]
    lines_together(batch)  # first: the words' split reads the code points it made
    split_units_together(batch)
    out = []
    counted = []  # (signals, parts) of the documents whose n-grams are measured
    for parts in batch:
        text = parts.text
        n_chars = len(text)
        sig: dict[str, Any] = {"chars": n_chars}
        out.append(sig)
        if not n_chars:
            for key in (
                "dup_para_frac",
                "dup_para_char_frac",
                "dup_line_frac",
                "dup_line_char_frac",
            ):
                sig[key] = None
            sig.update({f"top_{n}_gram": None for n in top_ns})
            sig.update({f"duplicated_{n}_n_grams": None for n in dup_ns})
            continue
        facts = parts.__dict__.get("line_facts")
        if facts is not None and not facts[0].has_double_newline[facts[1]]:
            # one paragraph, and the lines are the \n split (tamis.quality.line_facts)
            lf, d = facts
            sig["dup_para_frac"] = sig["dup_para_char_frac"] = 0.0
            dup, dup_chars = find_duplicates(parts.newline_lines) if lf.may_repeat()[d] else (0, 0)
            sig["dup_line_frac"] = dup / (lf.newlines[d] + 1)
            sig["dup_line_char_frac"] = dup_chars / n_chars
        else:
            paragraphs = parts.paragraphs
            dup, dup_chars = find_duplicates(paragraphs)
            sig["dup_para_frac"] = dup / len(paragraphs)
            sig["dup_para_char_frac"] = dup_chars / n_chars
            lines = parts.newline_lines
            dup, dup_chars = find_duplicates(lines)
            sig["dup_line_frac"] = dup / len(lines)
            sig["dup_line_char_frac"] = dup_chars / n_chars
        if parts.no_words:
            sig.update({f"top_{n}_gram": None for n in top_ns})
            sig.update({f"duplicated_{n}_n_grams": None for n in dup_ns})
            sig["unsupported"] = parts.unsupported
            continue
        counted.append((sig, parts))
    measures = _ngram_measures([parts for _, parts in counted], top_ns, dup_ns)
    top_names = [(n, f"top_{n}_gram") for n in top_ns]
    dup_names = [(n, f"duplicated_{n}_n_grams") for n in dup_ns]
    for (sig, parts), (top_chars, dup_chars) in zip(counted, measures, strict=True):
        n_chars = len(parts.text)
        for n, name in top_names:
            chars = top_chars[n]
            sig[name] = None if chars is None else chars / n_chars
        for n, name in dup_names:
            sig[name] = dup_chars[n] / n_chars
    return out


def _ngram_measures(batch: list[DocParts], top_ns: list[int], dup_ns: list[int]) -> list:
    """The n-gram measures of ``batch``: those whose words a batch keeps as arrays read them
    there (:class:`tamis.quality.word_arrays.WordArrays`), the others from their spaced text."""
    out: list = [None] * len(batch)
    texts: list[int] = []
    by_arrays: dict[int, tuple[WordArrays, list[int], list[int]]] = {}
    for i, parts in enumerate(batch):
        found = parts.__dict__.get("word_arrays")
        if found is None:
            texts.append(i)
        else:
            entry = by_arrays.setdefault(id(found[0]), (found[0], [], []))
            entry[1].append(found[1])
            entry[2].append(i)
    if texts:
        measures = ngram_repetition_batch(
            [(batch[i].spaced, batch[i].n_words) for i in texts], top_ns, dup_ns
        )
        for i, m in zip(texts, measures, strict=True):
            out[i] = m
    for arrays, docs, where in by_arrays.values():
        measures = ngram_repetition_words(*arrays.select(docs), top_ns, dup_ns)
        for i, m in zip(where, measures, strict=True):
            out[i] = m
    return out


# ------------------------------------------------------------------------------------- C4

CITATION = re.compile(r"\[\d*]|\[edit]|\[citation needed]")
END_PUNCTUATION = (".", "?", "!", '"', "'")
ELLIPSIS = "..."
POLICY_SUBSTRINGS = (
    "terms of use",
    "privacy policy",
    "cookie policy",
    "uses cookies",
    "use of cookies",
    "use cookies",
)

POLICY = re.compile("|".join(map(re.escape, POLICY_SUBSTRINGS)))

#: Line-level outcomes of C4 (also the rule names of the edits that remove those lines).
C4_LINE_REASONS = (
    "too_long_word",
    "no_terminal_punct",
    "too_few_words",
    "javascript",
    "policy",
)


@dataclass(slots=True)
class C4Line:
    """One ``splitlines`` line: where it is, and what C4 makes of it."""

    start: int
    end: int  # end of the line's content (its terminator follows)
    next_start: int  # start of the following line
    dropped: str = ""  # a C4_LINE_REASONS entry, or "" when kept
    kept_text: str = ""  # the kept line after strip and citation removal


@dataclass(slots=True)
class C4Result:
    """C4's signals, and each line's fate (built on demand: only a kept document that C4 edits
    needs them, and most documents are dropped or edited by no one)."""

    signals: dict[str, Any]
    built: list[C4Line] | None = None
    #: (text, reason, stripped line and chunks per line) when the lines were judged in bulk
    plain: tuple[str, list[str], list[str], list[int]] | None = None

    @property
    def lines(self) -> list[C4Line]:
        if self.built is None:
            text, reasons, stripped, _ = self.plain
            self.built = [
                C4Line(start, end, next_start, reason, "" if reason else line)
                for (start, end, next_start), reason, line in zip(
                    _line_spans(text), reasons, stripped, strict=True
                )
            ]
        return self.built


_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def _line_spans(text: str) -> list[tuple[int, int, int]]:
    """(start, end of content, start of next line) of each ``str.splitlines`` line."""
    spans = []
    pos = 0
    breaks = _LINE_BREAKS
    for line in text.splitlines(keepends=True):
        n = len(line)
        if line.endswith("\r\n"):
            cut = 2
        elif line[-1] in breaks:
            cut = 1
        else:
            cut = 0
        spans.append((pos, pos + n - cut, pos + n))
        pos += n
    return spans


def c4(parts: DocParts, opts: C4Options) -> C4Result:
    text = parts.text
    counts = dict.fromkeys(C4_LINE_REASONS, 0)
    lorem_line = curly_line = -1
    sentences = 0
    n_kept = 0
    lines: list[C4Line] = []
    max_len = opts.max_word_length
    count_sentences = opts.min_num_sentences != -1 and parts.chunked
    # Every line break is whitespace to str.split, so the document's chunks are its lines'
    # chunks in order: a kept line's sentence classes are a slice of the document's.
    classes = parts.chunk_classes if count_sentences else None
    # Substrings a kept line is searched for, looked for once in the whole text: an ASCII
    # phrase is in some line's lowercase form iff it is in the text's (line breaks lowercase to
    # themselves), unless removing a citation joins it ("java[1]script"), so then per line.
    if "[" in text and opts.remove_citations:
        maybe_lorem = maybe_js = maybe_policy = True
    else:
        text_l = text.lower()
        maybe_lorem = "lorem ipsum" in text_l
        maybe_js = opts.filter_javascript and "javascript" in text_l
        maybe_policy = opts.filter_policy and POLICY.search(text_l) is not None
    maybe_curly = "{" in text
    maybe_cited = opts.remove_citations and "[" in text
    check_punct = opts.filter_no_terminal_punct
    min_words = opts.min_words_per_line
    maybe_phrase = maybe_lorem or maybe_js or maybe_policy
    if not (maybe_phrase or maybe_curly) and (
        max_len == -1 or len(text) <= max_len or max(map(len, parts.chunks), default=0) <= max_len
    ):
        return _c4_plain(parts, opts, count_sentences)
    pos = 0  # index of the line's first chunk in the document's chunks
    for i, (start, end, next_start) in enumerate(_line_spans(text)):
        entry = C4Line(start, end, next_start)
        lines.append(entry)
        line = text[start:end].strip()
        chunks = line.split()
        first = pos
        pos += len(chunks)
        cited = False  # citations removed: the line's chunks changed
        if max_len != -1 and len(line) > max_len and max(map(len, chunks)) > max_len:
            entry.dropped = "too_long_word"
        else:
            n_words = len(chunks)  # counted before citations go, as datatrove does
            if maybe_cited and "[" in line:
                cleaned = CITATION.sub("", line)
                if cleaned != line:
                    line, cited = cleaned, True
            if check_punct and (not line.endswith(END_PUNCTUATION) or line.endswith(ELLIPSIS)):
                entry.dropped = "no_terminal_punct"
            elif n_words < min_words:
                entry.dropped = "too_few_words"
            elif maybe_phrase or maybe_curly:
                line_l = line.lower() if maybe_phrase else ""
                if maybe_lorem and lorem_line < 0 and "lorem ipsum" in line_l:
                    lorem_line = i
                if maybe_js and "javascript" in line_l:
                    entry.dropped = "javascript"
                else:
                    if maybe_curly and curly_line < 0 and "{" in line:
                        curly_line = i
                    if maybe_policy and POLICY.search(line_l):
                        entry.dropped = "policy"
        if entry.dropped:
            counts[entry.dropped] += 1
            continue
        entry.kept_text = line
        n_kept += 1
        if count_sentences:
            if cited:
                sentences += parts.sentences(line.split())
            else:
                sentences += line_sentences(classes[first:pos])
    return C4Result(
        _c4_signals(parts, len(lines), n_kept, sentences, lorem_line, curly_line, counts), lines
    )


def _c4_signals(parts, n_lines, n_kept, sentences, lorem_line, curly_line, counts) -> dict:
    sig: dict[str, Any] = {
        "lines": n_lines,
        "lines_kept": n_kept,
        "sentences": sentences,
        "lorem_ipsum_line": lorem_line,
        "curly_bracket_line": curly_line,
    }
    sig.update({f"lines_{k}": v for k, v in counts.items()})
    if not parts.chunked:
        sig["sentences"] = None
        sig["unsupported"] = parts.unsupported or (
            f"sentences: C4's sentence count is not implemented for {parts.pair}"
        )
    return sig


def _c4_plain(parts: DocParts, opts: C4Options, count_sentences: bool) -> C4Result:
    """:func:`c4` for a text where no line can be dropped for a long word, a phrase (lorem
    ipsum, javascript, a policy) or a brace, and no citation can be removed (the usual case):
    only the end-of-line and word-count rules remain, judged for all lines at once."""
    text = parts.text
    stripped = list(map(str.strip, text.splitlines()))
    n_chunks = list(map(len, map(str.split, stripped)))
    min_words = opts.min_words_per_line
    if opts.filter_no_terminal_punct:
        reasons = [
            "no_terminal_punct"
            if not line.endswith(END_PUNCTUATION) or line.endswith(ELLIPSIS)
            else ("too_few_words" if n < min_words else "")
            for line, n in zip(stripped, n_chunks, strict=True)
        ]
    else:
        reasons = ["too_few_words" if n < min_words else "" for n in n_chunks]
    counts = dict.fromkeys(C4_LINE_REASONS, 0)
    counts["no_terminal_punct"] = reasons.count("no_terminal_punct")
    counts["too_few_words"] = reasons.count("too_few_words")
    n_kept = len(reasons) - counts["no_terminal_punct"] - counts["too_few_words"]
    sentences = 0
    if count_sentences and n_kept:
        # Every line break is whitespace to str.split: a line's chunks are a slice of the
        # document's, so its sentence classes are a slice of the document's too.
        classes = parts.chunk_classes
        ends = list(accumulate(n_chunks))
        sentences = sum(
            line_sentences(classes[end - n : end])
            for reason, n, end in zip(reasons, n_chunks, ends, strict=True)
            if not reason
        )
    sig = _c4_signals(parts, len(reasons), n_kept, sentences, -1, -1, counts)
    return C4Result(sig, plain=(text, reasons, stripped, n_chunks))


# -------------------------------------------------------------------------------- FineWeb


@cache
def _ends_with(marks: tuple[str, ...]) -> methodcaller:
    """``str.endswith(marks)`` as a callable, built once per set of marks."""
    return methodcaller("endswith", marks)


def _line_marks(opts: FineWebOptions) -> tuple[str, ...]:
    """The marks a FineWeb line may end in: the option's, else datatrove's."""
    marks = _option_value(opts, "stop_chars", tuple)
    return TERMINAL_PUNCTUATION if marks is None else marks


#: FineWeb's ratios of a document without a non-blank line: none measured
_FINEWEB_NO_LINES = dict.fromkeys(
    ("line_punct_ratio", "short_line_ratio", "char_dup_ratio", "list_ratio")
)


def fineweb(parts: DocParts, opts: FineWebOptions) -> dict[str, Any]:
    facts = parts.__dict__.get("line_facts")
    if facts is not None:
        return _fineweb_counted(parts, opts, *facts)
    lines = parts.nonblank_lines
    n = len(lines)
    sig: dict[str, Any] = {"lines": n}
    if not n:
        return {**sig, **_FINEWEB_NO_LINES}
    sig["line_punct_ratio"] = sum(map(_ends_with(_line_marks(opts)), lines)) / n
    sig["short_line_ratio"] = sum(map(opts.short_line_length.__ge__, map(len, lines))) / n
    text = parts.text
    newlines = len(parts._newline_split) - 1  # the lines were split on them
    sig["char_dup_ratio"] = find_duplicates(lines)[1] / (len(text) - newlines)
    return _list_ratio(parts, sig, newlines)


def _fineweb_counted(parts: DocParts, opts: FineWebOptions, lf: LineFacts, d: int) -> dict:
    """:func:`fineweb` from a batch's line facts: no line read as a string unless two of the
    document's lines may be equal."""
    n = lf.nonblank_lines()[d]
    sig: dict[str, Any] = {"lines": n}
    if not n:
        return {**sig, **_FINEWEB_NO_LINES}
    marks = _line_marks(opts)
    ending = lf.nonblank_ending(marks)
    if ending is None:  # a mark of several characters
        sig["line_punct_ratio"] = sum(map(_ends_with(marks), parts.nonblank_lines)) / n
    else:
        sig["line_punct_ratio"] = ending[d] / n
    sig["short_line_ratio"] = lf.nonblank_short(opts.short_line_length)[d] / n
    newlines = lf.newlines[d]
    dup_chars = find_duplicates(parts.nonblank_lines)[1] if lf.may_repeat()[d] else 0
    sig["char_dup_ratio"] = dup_chars / (lf.length[d] - newlines)
    return _list_ratio(parts, sig, newlines)


def _list_ratio(parts: DocParts, sig: dict[str, Any], newlines: int) -> dict[str, Any]:
    if parts.no_words:
        sig["list_ratio"] = None
        sig["unsupported"] = parts.unsupported
    else:
        n_words = parts.n_words
        sig["list_ratio"] = newlines / n_words if n_words else None
    return sig
