"""Word splitters for the languages spaCy's rule tokenizer does not split: datatrove's choices.

datatrove 0.10.1 (``utils/word_tokenizers.py``) splits Chinese with spaCy's jieba segmenter,
Japanese with SudachiPy (through its own spaCy tokenizer, in 40,000-byte pieces), Vietnamese with
spaCy's pyvi tokenizer (run here without spaCy, :mod:`tamis.quality.segment_vi`), Thai with
pythainlp (``newmm-safe``), Korean with kiwipiepy, Khmer with khmer-nltk, Lao with laonlp,
Burmese with pyidaungsu and the Indic languages with IndicNLP's trivial tokenizer; every list
then loses its blank tokens and the others are stripped
(``strip_strings``). Each backend ships its model inside its pip package, so they are an optional
extra (``pip install 'tamis[multilingual]'``), imported on first use and never downloading.

Stanza (about 100 language-script pairs of datatrove's table) and botok (Tibetan) load models
that are downloaded apart from their packages; tamis does not download at run time, so those
languages are a configuration error when named, and "unsupported" (word rules skipped, the
reason stored) when langid finds them (:data:`NEEDS_DOWNLOAD`).

The spaCy languages with a rule tokenizer are not here: :mod:`tamis.quality.words` runs spaCy's
algorithm over the language's shipped tables, chunk by chunk, without spaCy.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from importlib.util import find_spec

from tamis.quality.languages import Splitter

Words = Callable[[str], list[str]]

#: spaCy languages whose blank pipeline segments with its own backend.
SPACY_SEGMENTERS = {"zh": "jieba", "ja": "sudachipy", "vi": "pyvi"}

#: tokenizer class -> (module to import, pip package that provides it)
PACKAGES = {
    "ThaiTokenizer": ("pythainlp", "pythainlp"),
    "IndicNLPTokenizer": ("indicnlp", "indic-nlp-library"),
    "KiwiTokenizer": ("kiwipiepy", "kiwipiepy"),
    "KhmerTokenizer": ("khmernltk", "khmer-nltk"),
    "LaoTokenizer": ("laonlp", "laonlp"),
    "BurmeseTokenizer": ("pyidaungsu", "pyidaungsu-numpy2"),
}
_SPACY_PACKAGES = {
    "zh": [("spacy", "spacy"), ("jieba", "jieba")],
    "ja": [
        ("spacy", "spacy"),
        ("sudachipy", "sudachipy"),
        ("sudachidict_core", "sudachidict-core"),
    ],
    # spaCy's pyvi tokenizer, run without spaCy or scikit-learn (tamis.quality.segment_vi)
    "vi": [("pyvi", "pyvi"), ("pycrfsuite", "python-crfsuite")],
}

#: tokenizer class -> what it would need (models downloaded apart from their pip packages).
NEEDS_DOWNLOAD = {
    "StanzaTokenizer": "Stanza's {code!r} tokenize model, which is downloaded apart from its pip "
    "package; tamis never downloads at run time and does not run Stanza: set `language` to a "
    "language it splits, or filter these documents out before this stage",
    "TibetanTokenizer": "botok's dictionary, which botok downloads on first use; tamis never "
    "downloads at run time and does not run botok: set `language` to a language it splits, or "
    "filter these documents out before this stage",
}


def is_rule_tokenizer(splitter: Splitter) -> bool:
    """Split by spaCy's rule tokenizer over shipped tables (no backend needed)."""
    return splitter.kind == "WhitespaceTokenizer" or (
        splitter.kind == "SpaCyTokenizer" and splitter.code not in SPACY_SEGMENTERS
    )


def table_code(splitter: Splitter) -> str:
    """Which spaCy tables a rule-tokenized language uses (the whitespace fallback is "xx")."""
    return "xx" if splitter.kind == "WhitespaceTokenizer" else splitter.code


def missing(splitter: Splitter) -> str | None:
    """What must be installed or provided to split with ``splitter``; None when ready."""
    if is_rule_tokenizer(splitter):
        return None
    if splitter.kind in NEEDS_DOWNLOAD:
        return NEEDS_DOWNLOAD[splitter.kind].format(code=splitter.code)
    if splitter.kind == "SpaCyTokenizer":
        needed = _SPACY_PACKAGES[splitter.code]
    elif splitter.kind in PACKAGES:
        needed = [PACKAGES[splitter.kind]]
    else:
        return f"a word tokenizer tamis does not know ({splitter.kind})"
    absent = [pip for module, pip in needed if find_spec(module) is None]
    if absent:
        return f"{', '.join(absent)} (pip install 'tamis[multilingual]')"
    return None


def _strip(tokens) -> list[str]:
    """datatrove's ``strip_strings``: drop blank tokens, strip the others."""
    return [s for s in map(str.strip, tokens) if s]


@cache
def backend(splitter: Splitter) -> Words:
    """The function that splits a whole text into words as datatrove's tokenizer does."""
    kind, code = splitter.kind, splitter.code
    if kind == "SpaCyTokenizer" and code == "zh":
        return _jieba()
    if kind == "SpaCyTokenizer" and code == "ja":
        return _sudachi()
    if kind == "SpaCyTokenizer" and code == "vi":
        from tamis.quality.segment_vi import vietnamese_words

        return vietnamese_words().words
    if kind == "ThaiTokenizer":
        # pythainlp's newmm-safe (datatrove's call), run once per distinct phrase; the memo
        # reaches into newmm's own functions, so a pythainlp without them gets the plain call
        from tamis.quality.segment_th import thai_words

        try:
            return thai_words().words
        except (ImportError, AttributeError):
            from pythainlp.tokenize import word_tokenize

            return lambda text: _strip(
                word_tokenize(text, keep_whitespace=False, engine="newmm-safe")
            )
    if kind == "IndicNLPTokenizer":
        return indic_words(code).words
    if kind == "KiwiTokenizer":
        return _kiwi()
    if kind == "KhmerTokenizer":
        from khmernltk import word_tokenize as km_tokenize

        return lambda text: _strip(km_tokenize(text, return_tokens=True))
    if kind == "LaoTokenizer":
        from laonlp.tokenize import word_tokenize as lo_tokenize

        return lambda text: _strip(lo_tokenize(text))
    if kind == "BurmeseTokenizer":
        import pyidaungsu

        return lambda text: _strip(pyidaungsu.tokenize(text, form="word"))
    raise ValueError(f"no backend for {kind}({code})")


@cache
def indic_words(code: str):
    """IndicNLP's trivial tokenizer for ``code``, split unit by unit and memoised
    (:mod:`tamis.quality.segment_indic`)."""
    from tamis.quality.segment_indic import IndicWords

    return IndicWords(code)


def _jieba() -> Words:
    """spaCy's ChineseTokenizer with the jieba segmenter: jieba's accurate mode, whose tokens
    spaCy aligns to the text (whitespace tokens then dropped by ``strip_strings``); the Han
    runs cut by rjieba when it is installed (:mod:`tamis.quality.segment_zh`)."""
    from tamis.quality.segment_zh import jieba_words

    return jieba_words()


def _sudachi() -> Words:
    """datatrove's Japanese tokenizer: SudachiPy (split mode A, the core dictionary) on pieces
    of at most 40,000 UTF-8 bytes, each token's surface form."""
    from sudachipy import dictionary, tokenizer

    tokenize = dictionary.Dictionary().create(mode=tokenizer.Tokenizer.SplitMode.A).tokenize

    def words(text: str) -> list[str]:
        out: list[str] = []
        for piece in utf8_pieces(text, 40_000):
            out.extend(m.surface() for m in tokenize(piece))
        return _strip(out)

    return words


_LONG_NUMBER = re.compile("[0-9,]{20,}")


def _kiwi() -> Words:
    """datatrove's Korean tokenizer: long digit runs removed first (kiwipiepy trips on them),
    then each token's span of that text."""
    from kiwipiepy import Kiwi

    tokenize = Kiwi(model_type="sbg").tokenize

    def words(text: str) -> list[str]:
        text = _LONG_NUMBER.sub("", text)
        return _strip(text[t.start : t.end] for t in tokenize(text))

    return words


def utf8_pieces(text: str, max_bytes: int) -> list[str]:
    """``text`` cut into consecutive pieces as datatrove's ``chunk_text_on_bytes`` cuts it.

    Start from a guess of ``max_bytes`` scaled by the text's characters per byte, shrink the
    guess (by at most 10 characters at a time) while the piece is too big, then grow the piece
    10 characters at a time while it fits, stepping back once if the last step overflowed.
    """

    def nbytes(s: str) -> int:
        return len(s.encode("utf-8"))

    total = nbytes(text)
    factor = len(text) / total if total > 0 else 1
    step = int(max(min(max_bytes * 0.1, 10), 1))
    guess = int(max(max_bytes * factor - 10, 1))
    pieces: list[str] = []
    rest = text
    while len(rest):
        piece = rest[:guess]
        if nbytes(piece) > max_bytes:
            guess = int(max(guess - min(max_bytes * 0.001, 10), 1))
            continue
        cut = guess
        while nbytes(piece) < max_bytes and piece != rest:
            cut = min(len(rest), cut + step)
            piece = rest[:cut]
        if nbytes(piece) > max_bytes:
            cut -= step
        pieces.append(rest[:cut])
        rest = rest[cut:]
    return pieces
