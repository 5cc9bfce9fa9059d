"""Cutting a document into the units a classifier scores, as datatrove's ``split_into_parts`` does.

A batch of texts is cut at once (:data:`SPLITTERS`); each text's units are its bounds (unit i
covers ``text[bounds[i]:bounds[i + 1]]``: units tile the document, so removing a unit is
removing that span) and the string datatrove would score for each unit. The two differ only in
``paragraph`` mode, where datatrove rebuilds a paragraph from ``str.splitlines`` and joins its
lines with ``\\n`` (so ``\\r\\n`` becomes ``\\n`` and the document's last line break is
dropped); scoring that same string keeps the scores, and so the decisions, equal to
datatrove's.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import accumulate
from typing import Any

import numpy as np

Unit = tuple[int, int, str]
#: a document cut into units: the bounds (unit i is ``text[bounds[i]:bounds[i + 1]]``) and the
#: string scored for each unit
Parts = tuple[list[int], list[str]]


def paragraph_parts(text: str) -> Parts:
    """Lines grouped into paragraphs: a blank line belongs to the paragraph before it; each
    paragraph's lines joined with ``\\n``, with a ``\\n`` after each paragraph but the last."""
    lines = text.splitlines(keepends=True)
    n = len(lines)
    if not n:
        return [0], []
    contents = text.splitlines()
    firsts = [0] + [i for i in range(1, n) if contents[i].strip()]
    offsets = list(accumulate(map(len, lines), initial=0))
    bounds = [offsets[i] for i in firsts]
    bounds.append(len(text))
    join = "\n".join
    texts = [join(contents[a:b]) + "\n" for a, b in zip(firsts, firsts[1:], strict=False)]
    texts.append(join(contents[firsts[-1] :]))
    return bounds, texts


def as_units(parts: Parts) -> list[Unit]:
    """``(start, end, scored text)`` per unit."""
    bounds, texts = parts
    return [(bounds[i], bounds[i + 1], t) for i, t in enumerate(texts)]


def paragraph_units(text: str) -> list[Unit]:
    return as_units(paragraph_parts(text))


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
    previous sentence to the end of its own, the last to the end of the text. (The reference
    that :func:`split_sentences` computes faster.)"""
    nlp = _sentencizer()
    nlp.max_length = len(text) + 10
    with nlp.memory_zone():
        ends = [sent.end_char for sent in nlp(text).sents]
    return as_units(_sentence_parts(text, ends))


def _sentence_parts(text: str, ends: list[int]) -> Parts:
    bounds = [0, *ends[:-1], len(text)]
    return bounds, [text[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


class _Sentences:
    """spaCy's sentencizer rule over the tokens of spaCy's tokenizer, as arrays.

    The sentencizer (a Python loop making a token object per token) starts a sentence at the
    first token that is neither punctuation nor one of its sentence-ending characters after
    one of those characters; here that is found with numpy over the tokens' attributes. The
    tokenizer keeps what it learnt of earlier words (spaCy's lexemes and cache: most of its
    time goes to words it has not seen), and starts afresh past ``RESET`` lexemes so memory
    stays bounded; what it learns never changes the tokens.
    """

    RESET = 300_000

    def __init__(self) -> None:
        import spacy
        from spacy.attrs import IDX, IS_PUNCT, LENGTH, ORTH
        from spacy.pipeline import Sentencizer

        self.nlp = spacy.blank("en")
        self.attrs = [IDX, LENGTH, IS_PUNCT, ORTH]
        strings = self.nlp.vocab.strings
        self.enders = np.array(
            sorted(strings.add(c) for c in Sentencizer.default_punct_chars), dtype=np.uint64
        )

    def ends(self, text: str) -> list[int]:
        """Where each sentence of ``text`` ends (``Span.end_char`` of ``doc.sents``)."""
        doc = self.nlp.tokenizer(text)
        n = len(doc)
        if not n:
            return []
        table = doc.to_array(self.attrs)
        idx, length, punct = table[:, :3].T.astype(np.int64)
        ender = np.isin(table[:, 3], self.enders)
        plain = np.flatnonzero((punct == 0) & ~ender)
        seen = np.cumsum(ender)[plain]  # enders up to each plain token
        before = np.concatenate([[0], seen[:-1]])  # ... and up to the plain token before it
        last = np.append(plain[seen > before] - 1, n - 1)  # each sentence's last token
        return (idx[last] + length[last]).tolist()


@lru_cache(maxsize=1)
def _sentences() -> _Sentences:
    return _Sentences()


def split_sentences(texts: list[str]) -> list[Parts]:
    sentences = _sentences()
    if len(sentences.nlp.vocab) > _Sentences.RESET:
        _sentences.cache_clear()
        sentences = _sentences()
    return [_sentence_parts(t, sentences.ends(t)) for t in texts]


def split_documents(texts: list[str]) -> list[Parts]:
    return [([0, len(t)], [t]) for t in texts]


def split_paragraphs(texts: list[str]) -> list[Parts]:
    return [paragraph_parts(t) for t in texts]


#: unit name -> how a batch of texts is cut into units
SPLITTERS = {
    "document": split_documents,
    "paragraph": split_paragraphs,
    "sentence": split_sentences,
}
