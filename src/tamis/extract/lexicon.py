"""A block's own words as one signal: a linear score over the words and word pairs it holds.

The structural signals of :mod:`tamis.extract.blocks` cannot tell "Sign up for our newsletter"
from a sentence of the article, nor "Add to cart" from a product's description; the words can,
and the same furniture words recur across sites. A logistic model over which words and adjacent
word pairs a block holds (fitted with the trees, out of fold, so that the trees learn how far
to trust it) gives one number per block that the trees take as one more signal. On WCXB dev
pages the model did not see it added 0.004 word-F1 (each half fitted on the other: 0.846 ->
0.850; held-out half B 0.853 -> 0.859; ``bench/results/extract.md``).
"""

from __future__ import annotations

import math
import re

import numpy as np

#: runs of letters: digits and underscores split words, so "2024" or "page_3" add nothing
#: site-specific
_LETTERS = re.compile(r"[^\W\d_]+")


def block_terms(norm: str) -> set[str]:
    """The words of a block's ``norm`` (see :func:`tamis.extract.blocks.norm`) and each pair of
    adjacent words, joined by a space."""
    words = _LETTERS.findall(norm)
    return {*words, *(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))}


class Lexicon:
    """Term weights and an intercept; a block's score is the intercept plus the weights of the
    terms it holds (each counted once), as the fitted logistic model's decision function.
    The sum is exact (``math.fsum``), so it does not depend on the order a set yields terms in,
    which changes from process to process."""

    def __init__(self, params: dict) -> None:
        self.intercept = float(params["intercept"])
        self.weights: dict[str, float] = params["weights"]

    def scores(self, norms: list[str]) -> np.ndarray:
        get = self.weights.get
        return np.fromiter(
            (math.fsum([self.intercept, *(get(t, 0.0) for t in block_terms(n))]) for n in norms),
            dtype=np.float64,
            count=len(norms),
        )
