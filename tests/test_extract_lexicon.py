"""The word lexicon: which terms a block holds, its score as the fitted logistic model's
decision function (the same in every process), and the block model taking it as one signal."""

from __future__ import annotations

import math
import random
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.extract.blocks import FEATURES, norm
from tamis.extract.lexicon import Lexicon, block_terms
from tamis.extract.model import WORD_SCORE, BlockModel
from tests.helpers import require


def test_terms_are_letter_runs_and_adjacent_pairs():
    assert block_terms(norm("Add to cart: 2 for $10!")) == {
        "add",
        "to",
        "cart",
        "for",
        "add to",
        "to cart",
        "cart for",
    }
    # digits and underscores split words; accented and non-Latin letters stay words
    assert block_terms(norm("page_3 Café 東京")) == {
        "page",
        "café",
        "東京",
        "page café",
        "café 東京",
    }
    assert block_terms(norm("")) == set()


def test_score_is_intercept_plus_each_held_term_once():
    lexicon = Lexicon({"intercept": -0.5, "weights": {"sign": 1.0, "up": 0.25, "sign up": 2.0}})
    scores = lexicon.scores([norm("Sign up, sign up now"), norm("nothing known"), norm("")])
    np.testing.assert_allclose(scores, [-0.5 + 1.0 + 0.25 + 2.0, -0.5, -0.5])


_WORDS = st.sampled_from(["the", "cart", "news", "sign", "up", "page", "read", "more", "é"])


@settings(max_examples=60, deadline=None)
@given(
    weights=st.dictionaries(_WORDS, st.floats(-50, 50, allow_nan=False), min_size=1),
    blocks=st.lists(st.lists(_WORDS, max_size=12).map(" ".join), max_size=8),
    seed=st.integers(0, 2**16),
)
def test_score_does_not_depend_on_the_order_terms_are_summed_in(weights, blocks, seed):
    """Sets yield strings in an order that changes with the process's hash seed; a float sum in
    that order could differ in its last bit between runs and move a block across a tree split."""
    lexicon = Lexicon({"intercept": 0.1, "weights": weights})
    got = lexicon.scores([norm(b) for b in blocks])
    rng = random.Random(seed)
    for block, score in zip(blocks, got, strict=True):
        values = [0.1] + [weights.get(t, 0.0) for t in block_terms(norm(block))]
        rng.shuffle(values)
        assert score == math.fsum(values)


def _model_with_lexicon(lexicon: dict) -> BlockModel:
    # one tree splitting on the word score only: leaf +4 above 0, -4 at or below
    tree = {
        "feature": [len(FEATURES), 0, 0],
        "threshold": [0.0, 0, 0],
        "left": [1, 0, 0],
        "right": [2, 0, 0],
        "leaf": [False, True, True],
        "value": [0, -4.0, 4.0],
    }
    return BlockModel(
        {
            "features": [*FEATURES, WORD_SCORE],
            "uses_trafilatura": True,
            "threshold": 0.5,
            "kind": "trees",
            "trees": [tree],
            "depth": 1,
            "baseline": 0.0,
            "lexicon": lexicon,
        }
    )


def test_block_model_takes_the_word_score_as_its_last_signal():
    model = _model_with_lexicon({"intercept": -1.0, "weights": {"recipe": 3.0}})
    x = np.zeros((2, len(FEATURES)), dtype=np.float32)
    p = model.keep_probability(x, [norm("The recipe serves four"), norm("Sign in")])
    assert p[0] > 0.98 and p[1] < 0.02
    with pytest.raises(ValueError, match="pass their norms"):
        model.keep_probability(x)


def test_block_model_refuses_signals_it_was_not_trained_on():
    params = {"features": list(FEATURES), "lexicon": {"intercept": 0.0, "weights": {}}}
    with pytest.raises(ValueError, match="retrain"):
        BlockModel({**params, "threshold": 0.5, "uses_trafilatura": True})


def test_fitted_lexicon_scores_as_the_library_that_fitted_it():
    require("sklearn.linear_model")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from bench_extract import fit_lexicon
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    rng = random.Random(7)
    content = ["the river", "rises in", "the hills", "and flows", "to the sea", "past towns"]
    furniture = ["sign up", "read more", "share this", "add to cart", "cookie policy"]
    blocks, labels = [], []
    for _ in range(300):
        is_content = rng.random() < 0.5
        words = rng.sample(content if is_content else furniture, 3) + [rng.choice(content)]
        blocks.append(norm(" ".join(words)))
        labels.append(is_content)
    lexicon = Lexicon(fit_lexicon(blocks, labels))
    vectorizer = CountVectorizer(analyzer=lambda n: sorted(block_terms(n)), binary=True, min_df=5)
    x = vectorizer.fit_transform(blocks)
    expected = LogisticRegression(C=0.3, max_iter=3000).fit(x, labels).decision_function(x)
    np.testing.assert_allclose(lexicon.scores(blocks), expected, atol=2e-3)
    assert (lexicon.scores(blocks) > 0).tolist() == labels
