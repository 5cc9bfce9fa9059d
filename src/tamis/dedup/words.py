"""Words, sentences and skeletons of a batch of texts, in numpy over bytes (no Python per word).

The per-word cost decides the speed of ``rewrite_dedup``, so, like the MinHash shingles, words
are found and hashed over the UTF-8 bytes of the whole batch at once:

- a word is a run of ASCII letters and digits and non-ASCII bytes, where an inner ``. , ' -``
  joins two parts (``U.S``, ``1,655.8``, ``9-13/16``, ``don't``); curly double quotes, guillemets and dashes
  separate words;
- its hash is a polynomial over its lower-cased bytes (ASCII case folded), read off a prefix sum;
- a sentence ends after a word directly followed by ``. ! ?`` when the next word starts with a
  capital or a digit and the word is no abbreviation (:data:`~tamis.dedup.skeleton.ABBREVIATIONS`,
  a single capital, a word with an inner period), and at a blank line;
- each word is a number (holds a digit), a function word, a name (capitalised, not first in its
  sentence) or a content word, as :func:`tamis.dedup.skeleton.skeleton` defines.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import xxhash

from tamis.dedup.hashing import _POWERS, mix64
from tamis.dedup.skeleton import (
    ABBREVIATIONS,
    FUNCTION_WORDS,
    PLACEHOLDER,
    SENTENCE_END,
    SENTENCE_START,
)

FUNCTION, NUMBER, NAME, CONTENT = range(4)
STEM = 5  # content words are compared by their first five letters (a crude stem)

_WORD = np.zeros(256, dtype=bool)
for _r in (range(48, 58), range(65, 91), range(97, 123), range(128, 256)):
    _WORD[list(_r)] = True
_JOINER = np.zeros(256, dtype=bool)
_JOINER[[ord(c) for c in ".,'-/"]] = True
_UPPER = np.zeros(256, dtype=bool)
_UPPER[65:91] = True
_DIGIT = np.zeros(256, dtype=bool)
_DIGIT[48:58] = True
_LOWER_PLUS_ONE = np.arange(1, 257, dtype=np.uint64)
_LOWER_PLUS_ONE[65:91] += np.uint64(32)
_END = np.zeros(256, dtype=bool)
_END[[ord(c) for c in ".!?"]] = True
# multi-byte punctuation that separates words: “ ” ‘ — – « »
_SEPARATORS = [
    b"\xe2\x80\x9c",
    b"\xe2\x80\x9d",
    b"\xe2\x80\x98",
    b"\xe2\x80\x94",
    b"\xe2\x80\x93",
    b"\xc2\xab",
    b"\xc2\xbb",
]
_KIND_SALT = np.array(
    [0x243F6A8885A308D3, 0x13198A2E03707344, 0xA4093822299F31D0, 0x082EFA98EC4E6C89],
    dtype=np.uint64,
)


@dataclass
class Words:
    """Every word of a batch, in order, with its sentence and its document."""

    kind: np.ndarray  # FUNCTION / NUMBER / NAME / CONTENT
    hash: np.ndarray  # uint64 of the lower-cased word
    stem: np.ndarray  # uint64 of its first STEM lower-cased bytes
    sentence: np.ndarray  # sentence number in the batch
    sentence_doc: np.ndarray  # per sentence: its document
    sentence_span: np.ndarray  # per sentence: (start, end) in characters of its document
    doc_words: np.ndarray  # per document: its word count


def _mark_separators(data: np.ndarray, word: np.ndarray) -> None:
    """Unmark the bytes of multi-byte punctuation (looked at only where a lead byte is)."""
    leads = np.flatnonzero((data == 0xE2) | (data == 0xC2))
    leads = leads[leads + 2 < len(data)]
    if len(leads) == 0:
        return
    for seq in _SEPARATORS:
        hit = leads[data[leads] == seq[0]]
        for k in range(1, len(seq)):
            hit = hit[data[hit + k] == seq[k]]
        for k in range(len(seq)):
            word[hit + k] = False


def _poly_hash(
    prefix: np.ndarray, inv: np.ndarray, start: np.ndarray, end: np.ndarray
) -> np.ndarray:
    h = (prefix[end] - prefix[start]) * inv[start]
    h += (end - start).astype(np.uint64) * np.uint64(0xC2B2AE3D27D4EB4F)
    return mix64(h)


def _hash_words(data: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(starts, ends, hash, stem hash) of the words in a byte array (ending in a separator)."""
    word = _WORD[data]
    if len(data) > 2:
        inner = _JOINER[data[1:-1]] & word[:-2] & word[2:]
        word[1:-1] |= inner
    _mark_separators(data, word)
    change = np.flatnonzero(word[1:] != word[:-1]) + 1
    if word[0]:
        change = np.concatenate([[0], change])
    starts, ends = change[0::2], change[1::2]  # the data ends in a separator: runs close
    fwd, inv = _POWERS.upto(len(data) + 1)
    prefix = np.zeros(len(data) + 1, dtype=np.uint64)
    values = _LOWER_PLUS_ONE[data]  # folded byte + 1, as uint64
    values *= fwd[: len(data)]
    np.cumsum(values, out=prefix[1:])
    h = _poly_hash(prefix, inv, starts, ends)
    stem = _poly_hash(prefix, inv, starts, np.minimum(ends, starts + STEM))
    return starts, ends, h, stem


@cache
def _word_set_hashes(words: frozenset[str]) -> np.ndarray:
    data = np.frombuffer((" ".join(sorted(words)) + " ").encode(), dtype=np.uint8)
    return np.unique(_hash_words(data)[2])


@cache
def _word_set_table(words: frozenset[str]) -> tuple[np.ndarray, int]:
    """A direct-mapped table of a word set's hashes: slot ``(hash >> shift) & (size - 1)``
    holds the hash that lives there, with a shift at which no two of the set's hashes share
    a slot, so that membership is one gather and one compare. An empty slot holds the
    first hash, whose own slot is another: no value that lands there equals it."""
    hashes = _word_set_hashes(words)
    if len(hashes) == 0:
        return np.zeros(0, dtype=np.uint64), 0
    size = 1 << max(12, (4 * len(hashes)).bit_length())
    while True:
        for shift in range(0, 64 - size.bit_length() + 2):
            slot = (hashes >> np.uint64(shift)) & np.uint64(size - 1)
            if len(np.unique(slot)) == len(hashes):
                table = np.full(size, hashes[0], dtype=np.uint64)
                table[slot.astype(np.int64)] = hashes
                return table, shift
        size *= 2


def _counts(flags: np.ndarray) -> np.ndarray:
    """How many flags are set before each position (one past the end included)."""
    out = np.zeros(len(flags) + 1, dtype=np.int32)
    np.cumsum(flags, dtype=np.int32, out=out[1:])
    return out


def _member(values: np.ndarray, words: frozenset[str]) -> np.ndarray:
    """Which word hashes are those of a word of ``words`` (:func:`_word_set_table`)."""
    table, shift = _word_set_table(words)
    if len(table) == 0:
        return np.zeros(len(values), dtype=bool)
    slot = (values >> np.uint64(shift)) & np.uint64(len(table) - 1)
    return table[slot.astype(np.intp)] == values


# capitals in two UTF-8 bytes: Latin-1 (À-Þ), Greek (Α-Ω), Cyrillic (А-Я)
_CAPITAL_PAIRS = ((0xC3, 0x80, 0x9E), (0xCE, 0x91, 0xA9), (0xD0, 0x90, 0xAF))


def _capital(data: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Whether the word starting at each position starts with a capital letter."""
    out = _UPPER[data[pos]]
    second = data[np.minimum(pos + 1, len(data) - 1)]
    for lead, lo, hi in _CAPITAL_PAIRS:
        out |= (data[pos] == lead) & (second >= lo) & (second <= hi)
    return out


def tokenize(texts: list[str]) -> Words:
    encoded = [t.encode("utf-8", "surrogatepass") for t in texts]
    sep = b"\n\n "
    data = np.frombuffer(sep.join(encoded) + sep, dtype=np.uint8)
    doc_start = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(e) + len(sep) for e in encoded], out=doc_start[1:])
    starts, ends, h, stem = _hash_words(data)
    n = len(starts)
    doc = np.searchsorted(doc_start, starts, side="right") - 1
    doc_words = np.bincount(doc, minlength=len(texts)) if n else np.zeros(len(texts), np.int64)

    # sentence ends
    # periods inside each word's run [start, end) and line breaks in the gap after it
    # [end, next start), read off running counts
    dots = _counts(data == ord("."))
    newlines = _counts(data == ord("\n"))
    inner_dots = dots[ends] - dots[starts]
    gap_newlines = newlines[np.append(starts[1:], len(data))] - newlines[ends]
    first_upper = _capital(data, starts)
    abbreviation = (
        _member(h, ABBREVIATIONS) | ((ends - starts == 1) & first_upper) | (inner_dots > 0)
    )
    boundary = np.zeros(n, dtype=bool)  # a sentence ends after word i
    if n > 1:
        nxt = starts[1:]
        opens = first_upper[1:] | _DIGIT[data[nxt]]
        boundary[:-1] = (_END[data[ends[:-1]]] & opens & ~abbreviation[:-1]) | (
            gap_newlines[:-1] >= 2
        )
        boundary[:-1] |= doc[1:] != doc[:-1]
    sentence = np.zeros(n, dtype=np.int64)
    if n > 1:
        sentence[1:] = np.cumsum(boundary[:-1])
    n_sent = int(sentence[-1]) + 1 if n else 0
    first = np.ones(n, dtype=bool)
    first[1:] = sentence[1:] != sentence[:-1]
    first_word = np.flatnonzero(first)
    last_word = np.append(first_word[1:] - 1, n - 1) if n else first_word

    # digits are word bytes: a word holds one when the running count rises over its run
    digits = _counts(_DIGIT[data])
    has_digit = digits[ends] > digits[starts]
    kind = np.full(n, CONTENT, dtype=np.int8)
    is_function = _member(h, FUNCTION_WORDS)
    kind[first_upper & ~first] = NAME
    kind[is_function] = FUNCTION
    kind[has_digit] = NUMBER

    # sentence spans in characters of their document
    ascii_only = not (data >= 0x80).any()
    continuation = None if ascii_only else _counts((data & 0xC0) == 0x80)
    span_start = starts[first_word]
    span_end = ends[last_word] + _END[data[ends[last_word]]]
    sent_doc = doc[first_word]
    if continuation is None:  # byte offsets are character offsets
        base = doc_start[sent_doc]
        spans = np.stack([span_start - base, span_end - base], axis=1)
    else:
        base = doc_start[sent_doc] - continuation[doc_start[sent_doc]]
        spans = np.stack(
            [
                span_start - continuation[span_start] - base,
                span_end - continuation[span_end] - base,
            ],
            axis=1,
        )
    return Words(kind, h, stem, sentence, sent_doc, spans.reshape(n_sent, 2), doc_words)


@cache
def _special(token: str) -> np.uint64:
    """The hash of a mark (sentence start, end, placeholder): never a word's."""
    return np.uint64(xxhash.xxh3_64_intdigest(("\x00" + token).encode()))


def skeleton_sequences(w: Words) -> tuple[np.ndarray, np.ndarray]:
    """Every sentence's skeleton as token hashes between start and end marks, concatenated,
    and the length of each (runs of content words folded into one placeholder)."""
    n = len(w.kind)
    content = w.kind == CONTENT
    token = mix64(w.hash ^ _KIND_SALT[w.kind.astype(np.int64)]) if n else np.empty(0, np.uint64)
    token[content] = _special(PLACEHOLDER)
    keep = np.ones(n, dtype=bool)
    if n > 1:
        keep[1:] = ~(content[1:] & content[:-1] & (w.sentence[1:] == w.sentence[:-1]))
    kept_sent = w.sentence[keep]
    n_sent = len(w.sentence_doc)
    counts = np.bincount(kept_sent, minlength=n_sent)
    lengths = counts + 2
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    out = np.empty(int(offsets[-1]), dtype=np.uint64)
    out[offsets[:-1]] = _special(SENTENCE_START)
    out[offsets[1:] - 1] = _special(SENTENCE_END)
    first_kept = np.concatenate([[0], np.cumsum(counts)])[:-1]
    rank = np.arange(len(kept_sent)) - first_kept[kept_sent]
    out[offsets[kept_sent] + 1 + rank] = token[keep]
    return out, lengths
