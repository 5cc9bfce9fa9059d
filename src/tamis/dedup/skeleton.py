"""What a spinner cannot change: a sentence's skeleton of names, numbers and function words.

An article spinner swaps content words for thesaurus synonyms, one word for one word or for a
short phrase. It leaves alone what a thesaurus has no synonym for: names, numbers, and the
closed-class words (articles, pronouns, auxiliaries, the commonest prepositions and
conjunctions) that hold the sentence together. A sentence's *skeleton* keeps exactly those, in
order, and folds every run of other words into one placeholder ``X``, so that "the news
conference on Monday" and "the word conference on Monday" both read ``the X on Cmonday``
(``C`` marks a name, ``#`` a number). Two rewrites of one sentence share their skeleton; two
different sentences about the same subject share names and function words but rarely their
order and their numbers.

The word lists are closed-class English, written here (nothing downloaded). Words a thesaurus
offers real synonyms for (about, after, also, more, can, may, will...) are deliberately not
function words: spinners replace them, so they are folded into ``X`` like content words.
"""

from __future__ import annotations

#: Closed-class words no thesaurus spinner replaces. Kept literally in the skeleton.
FUNCTION_WORDS = frozenset(
    """a an the this that these those every either neither both no not nor and or but if
    then than so because although though whether as of to in on at by for with from into onto
    upon between among during without against toward towards beyond via per vs i me my mine we
    us our ours you your yours he him his she her hers it its they them their theirs who whom
    whose which what where when how there here be am is are was were been being have has had
    having do does did doing would shall should could must such own same other""".split()
)

PLACEHOLDER = "X"
SENTENCE_START = "^"
SENTENCE_END = "$"

#: words whose period does not end a sentence ("Mr. Kabul", "Sedio Inc. said"); a single
#: capital ("J. Smith") and a word with an inner period ("U.S.") are abbreviations too
ABBREVIATIONS = frozenset(
    """mr mrs ms dr st inc corp co ltd jr sr vs no gen gov sen rep jan feb mar apr jun jul aug
    sep sept oct nov dec""".split()
)


def skeleton(words: list[str]) -> list[str]:
    """The skeleton of one sentence given as its words: the readable definition of what
    :func:`tamis.dedup.words.tokenize` computes in bulk (see the module docstring).

    A capitalised word is a name only inside the sentence: the first word is capitalised
    anyway, and spinners replace it like any other.
    """
    out = [SENTENCE_START]
    for i, word in enumerate(words):
        lower = word.lower()
        if any(ch.isdigit() for ch in word):
            tok = "#" + lower
        elif lower in FUNCTION_WORDS:
            tok = lower
        elif i > 0 and word[:1].isupper():
            tok = "C" + lower
        else:
            tok = PLACEHOLDER
        if tok == PLACEHOLDER and out[-1] == PLACEHOLDER:
            continue
        out.append(tok)
    out.append(SENTENCE_END)
    return out
