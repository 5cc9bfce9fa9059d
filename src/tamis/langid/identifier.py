"""The detection policy: CLD2 for everything, a second opinion only where CLD2 is known to err.

Measured on the 74,150 lingua sentences (75 languages, bench/bench_langid.py), CLD2 alone is
right on 95.1% at about 80,000 sentences per second, lingua (high accuracy, all languages) on
96.0% at a few hundred per second and 1.3 GB. Two kinds of CLD2 error make up most of the gap
and both can be recognised from CLD2's own answer:

1. CLD2 says English (or unknown) on thin evidence: a short text with a normalised score below
   :data:`WEAK_SCORE`. Below that score, most of its "English" answers on the bench are other
   languages (short Spanish, Catalan, Yoruba, Latin sentences with English names in them).
   Such texts go to the naive Bayes arbiter.
2. CLD2 names a language of a group whose members it confuses (Serbian for Macedonian
   Cyrillic, Croatian for Bosnian...). Those texts go to lingua restricted to that group.

Everything else keeps CLD2's answer. The groups are listed in :data:`LINGUA_GROUPS`; groups
where CLD2 is already better than lingua (Norwegian Bokmål/Nynorsk/Danish, Indonesian/Malay)
are deliberately absent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tamis.langid.arbiters import lingua_arbiter, naive_bayes_arbiter
from tamis.langid.codes import UNKNOWN
from tamis.langid.fast import FastGuess, cld2_guess
from tamis.langid.sample import DEFAULT_SAMPLE_CHARS, bounded_sample

#: CLD2 normalised score under which an "English" answer counts as thin evidence.
WEAK_SCORE = 1000.0
#: Only texts where CLD2 scored fewer letter bytes than this get the English second opinion:
#: on longer texts CLD2's English is right, and English web text must stay at CLD2's speed.
SHORT_BYTES = 512
#: The naive Bayes arbiter overrides CLD2 only when this sure. On English tables of figures
#: (Reuters earnings reports) its answers are near-uniform guesses such as Volapük at 0.1.
MIN_ARBITER_PROBABILITY = 0.5
#: Groups of languages CLD2 confuses with each other and lingua separates better.
LINGUA_GROUPS: tuple[frozenset[str], ...] = (frozenset({"bs", "hr", "sr", "mk"}),)
#: How much a result CLD2 itself flags as unreliable is discounted in ``score``.
UNRELIABLE_FACTOR = 0.5

#: Cyrillic letters absent from the Serbian and Macedonian alphabets.
_FOREIGN_CYRILLIC = re.compile("[яющъьыэёйєіїўЯЮЩЪЬЫЭЁЙЄІЇЎ]")

_GROUP_OF = {code: group for group in LINGUA_GROUPS for code in group}


@dataclass(frozen=True, slots=True)
class Detection:
    """The best language and the runner-up, each with a score in 0..1, and who decided.

    ``score`` means the share of the text CLD2 attributes to the language when CLD2 decided
    (halved when CLD2 flags its answer unreliable), and the arbiter's probability when an
    arbiter decided.
    """

    lang: str
    score: float
    lang2: str
    score2: float
    by: str

    def as_signals(self) -> dict[str, object]:
        return {
            "lang": self.lang,
            "score": round(self.score, 4),
            "lang2": self.lang2,
            "score2": round(self.score2, 4),
            "by": self.by,
        }


UNDETERMINED = Detection(UNKNOWN, 0.0, UNKNOWN, 0.0, "none")


def _from_ranking(ranked: list[tuple[str, float]], by: str) -> Detection:
    lang, score = ranked[0]
    lang2, score2 = ranked[1] if len(ranked) > 1 else (UNKNOWN, 0.0)
    return Detection(lang, score, lang2, score2, by)


def _from_cld2(guess: FastGuess) -> Detection:
    factor = 1.0 if guess.reliable else UNRELIABLE_FACTOR
    lang2, share2 = guess.langs[1] if len(guess.langs) > 1 else (UNKNOWN, 0.0)
    return Detection(guess.lang, guess.share * factor, lang2, share2 * factor, "cld2")


def _english_is_doubtful(guess: FastGuess) -> bool:
    if guess.lang not in ("en", UNKNOWN) or not 0 < guess.text_bytes < SHORT_BYTES:
        return False
    return guess.lang == UNKNOWN or not guess.reliable or guess.score < WEAK_SCORE


def identify(text: str, sample_chars: int = DEFAULT_SAMPLE_CHARS) -> Detection:
    """Detect the language of ``text`` from its first ``sample_chars`` characters."""
    sample = bounded_sample(text, sample_chars)
    guess = cld2_guess(sample)
    if guess.text_bytes == 0 and not guess.langs:
        return UNDETERMINED
    found = _from_cld2(guess)
    if _english_is_doubtful(guess):
        ranked = naive_bayes_arbiter().rank(sample)
        if ranked and ranked[0][1] >= MIN_ARBITER_PROBABILITY:
            found = _from_ranking(ranked, "langid")
    group = _GROUP_OF.get(found.lang)
    if group is not None:
        if _FOREIGN_CYRILLIC.search(sample) is not None:
            # Not Serbian or Macedonian whatever CLD2 says: the text uses Cyrillic letters
            # neither alphabet has (Russian, Bulgarian, Ukrainian, Belarusian ones).
            found = _from_ranking(naive_bayes_arbiter().rank(sample), "langid")
        else:
            found = _from_ranking(lingua_arbiter(group).rank(sample), "lingua")
    return found


def preload() -> None:
    """Load every model now rather than at the first text that needs it.

    Loading takes seconds (lingua decompresses its models); a benchmark, or a worker that
    wants its first batch to be as fast as the rest, calls this first.
    """
    naive_bayes_arbiter()
    for group in LINGUA_GROUPS:
        lingua_arbiter(group).preload()


def identify_many(texts: list[str], sample_chars: int = DEFAULT_SAMPLE_CHARS) -> list[Detection]:
    return [identify(text, sample_chars) for text in texts]
