"""IndicNLP's trivial tokenizer as datatrove calls it, split into memoisable units.

``indicnlp.tokenize.indic_tokenize.trivial_tokenize`` (what datatrove's ``IndicNLPTokenizer``
runs for Hindi, Telugu, Bengali, Urdu... 61 language-script pairs) turns tabs into spaces, puts
a space around every punctuation mark (ASCII punctuation and the dandas; Urdu's Arabic marks),
squeezes the spaces and splits on them; datatrove then strips each token and drops the blank
ones. Only the space separates tokens (a line break does not: ``"शब्द\\nअगला"`` is one token),
so the tokens of a text are the tokens of its space-separated pieces, one after another, and a
piece always splits the same way: like the whitespace chunks of the spaCy languages, each piece
is split once and its words and the facts the rules total are remembered
(:class:`tamis.quality.chunks.ChunkFacts`).

One step crosses pieces: outside Urdu, a number written with separators (``12 , 345``,
``10:30``, ``1/2``) is glued back together: every run ``<token ending in a digit> <one of
, . : /> <token starting with a digit>`` becomes one token, except for a run that opens the text
with a token of digits alone (IndicNLP's loop skips a match at position 0). So pieces that such
a number may join (a digit or separator on each side of the spaces) stay together as one unit,
glued within; only a text that opens with such a number is split whole (:meth:`IndicWords.words`).
The tests hold both paths equal to IndicNLP's function on real and random text.
"""

from __future__ import annotations

import re

from tamis.quality.chunks import ChunkFacts
from tamis.quality.indic_batch import IndicBatch, indic_batch

_DIGITS = frozenset("0123456789")
_SEPARATORS = frozenset(",.:/")
#: a digit, one separator and a digit with only spaces or tabs between: a number to glue
_MAYBE_GLUED = re.compile(r"[0-9][ \t]*[,.:/][ \t]*[0-9]")
#: spaces between two characters a glued number may join: they stay inside one unit, written
#: as one _KEPT_SPACE so that splitting at the other spaces leaves them alone
_KEPT_SPACES = re.compile(r"([0-9,.:/]) +(?=[0-9,.:/])")
_KEPT_SPACE = "\x00"


def _has_digit(text: str) -> bool:
    """Whether ``text`` holds an ASCII digit: ten C-speed substring scans, several times cheaper
    than searching for a glued number in a text without digits (the common case)."""
    return any(map(text.__contains__, "0123456789"))


#: a text opening with a number written with a separator
_OPENS_WITH_NUMBER = re.compile(r"[ \t]*[0-9]+[ \t]*[,.:/]").match


class IndicWords:
    """The words of IndicNLP's trivial tokenizer for one language code, unit by unit."""

    def __init__(self, code: str) -> None:
        from indicnlp.tokenize import indic_tokenize

        urdu = code == "ur"
        pattern = (
            indic_tokenize.triv_tokenizer_urdu_pat
            if urdu
            else indic_tokenize.triv_tokenizer_indic_pat
        )
        self._split = pattern.split
        self._pattern = pattern
        self._glues_numbers = not urdu
        self._batch: IndicBatch | None = None
        #: no special cases (the interface :class:`ChunkFacts` reads)
        self.specials: dict[str, tuple[str, ...]] = {}
        #: each unit's memoised words and facts
        self.facts = ChunkFacts(self)

    @property
    def batch(self) -> IndicBatch:
        """The same words for many texts at once (:mod:`tamis.quality.indic_batch`); its
        table of character classes is built on first use."""
        if self._batch is None:
            self._batch = indic_batch(self._pattern, self._glues_numbers)
        return self._batch

    def is_special(self, unit: str) -> bool:
        return False

    def chunk_words(self, unit: str) -> tuple[str, ...]:
        """Words of one unit (a piece, or pieces a number may be glued across, joined by
        spaces): split at spaces and marks, numbers glued, stripped, blanks dropped."""
        split = self._split
        if self._glues_numbers and _KEPT_SPACE in unit:  # never in a text's own characters
            unit = unit.replace(_KEPT_SPACE, " ")
        tokens = [t for piece in unit.split(" ") for t in split(piece) if t]
        if self._glues_numbers and len(tokens) > 2:
            tokens = _glue_numbers(tokens, skip_opening=False)
        return tuple(s for s in map(str.strip, tokens) if s)

    def units(self, text: str) -> list[str]:
        """The space-separated pieces of ``text`` (a tab counts as a space), those a number
        may be glued across kept together with the spaces between: a text's words are its
        units' words, one unit after another."""
        if "\t" in text:
            text = text.replace("\t", " ")
        if self._glues_numbers and _has_digit(text) and _MAYBE_GLUED.search(text):
            text = _KEPT_SPACES.sub("\\1" + _KEPT_SPACE, text)
        pieces = text.split(" ")
        if "  " in text or pieces[0] == "" or pieces[-1] == "":
            return list(filter(None, pieces))  # empty pieces only come from these spaces
        return pieces

    def needs_whole_text(self, text: str) -> bool:
        """Whether the text opens with a number IndicNLP leaves apart (its loop skips a match
        at position 0), which only :meth:`words` on the whole text reproduces; or holds the
        character :meth:`units` marks kept spaces with."""
        return self._glues_numbers and (_OPENS_WITH_NUMBER(text) is not None or _KEPT_SPACE in text)

    def words(self, text: str) -> list[str]:
        """``strip_strings(trivial_tokenize(text, code))``, numbers glued as IndicNLP glues."""
        tokens = list(filter(None, " ".join(self._split(text.replace("\t", " "))).split(" ")))
        if self._glues_numbers:
            tokens = _glue_numbers(tokens, skip_opening=True)
        return [s for s in map(str.strip, tokens) if s]


def _glue_numbers(tokens: list[str], skip_opening: bool) -> list[str]:
    """IndicNLP's ``pat_num_seq`` step (``([0-9]+ [,.:/] )+[0-9]+`` matches, their spaces
    removed) over the tokens: each matching triple glues its three tokens into one, but for
    a chain opening the text (``skip_opening``: the tokens are the whole text's)."""
    n = len(tokens)
    first = 1  # the separator of the first triple that may glue
    if skip_opening and n > 2 and _DIGITS.issuperset(tokens[0]) and _triple(tokens, 1):
        # A match at position 0 is left as it is: skip its whole chain of digit tokens.
        first = 3
        while first + 1 < n and _DIGITS.issuperset(tokens[first - 1]) and _triple(tokens, first):
            first += 2
    glued = [i for i, token in enumerate(tokens) if token in _SEPARATORS]
    glued = [i for i in glued if first <= i < n - 1 and _triple(tokens, i)]
    out = list(tokens)
    for i in reversed(glued):  # from the end, so a chain's later triple is glued first
        out[i - 1 : i + 2] = ["".join(out[i - 1 : i + 2])]
    return out


def _triple(tokens: list[str], i: int) -> bool:
    """Whether token ``i`` is a separator between a token ending in a digit and one starting
    with a digit."""
    return tokens[i] in _SEPARATORS and tokens[i - 1][-1] in _DIGITS and tokens[i + 1][0] in _DIGITS
