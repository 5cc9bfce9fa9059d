"""LSH banding math: the S-curve formula, the derived layout, the verification cut."""

from __future__ import annotations

import numpy as np
import pytest

from tamis.dedup.lsh import (
    catch_probability,
    choose_bands,
    format_s_curve,
    s_curve,
    verification_cut,
)


@pytest.mark.parametrize(("bands", "rows"), [(14, 8), (28, 4), (9, 13)])
def test_catch_probability_matches_simulated_bands(bands: int, rows: int) -> None:
    rng = np.random.default_rng(0)
    for s in (0.3, 0.6, 0.8):
        # each signature slot agrees independently with probability s
        agree = rng.random((20000, bands, rows)) < s
        simulated = agree.all(axis=2).any(axis=1).mean()
        assert abs(simulated - catch_probability(s, bands, rows)) < 0.015


@pytest.mark.parametrize("threshold", [0.5, 0.7, 0.75, 0.8, 0.9])
@pytest.mark.parametrize("num_perm", [64, 112, 256])
def test_chosen_layout_fits_and_catches_pairs_at_the_cut(threshold: float, num_perm: int) -> None:
    bands, rows = choose_bands(threshold, num_perm)
    assert bands * rows <= num_perm
    cut = verification_cut(threshold, num_perm, 2.0)
    assert cut < threshold
    assert catch_probability(cut, bands, rows) >= 0.99


def test_higher_threshold_gives_fewer_false_candidates() -> None:
    low = choose_bands(0.6, 112)
    high = choose_bands(0.9, 112)
    assert catch_probability(0.4, *high) < catch_probability(0.4, *low)


def test_s_curve_is_monotone_and_printed() -> None:
    curve = s_curve(28, 4, steps=20)
    probs = [p for _, p in curve]
    assert probs[0] == 0.0 and probs[-1] == 1.0
    assert all(a <= b for a, b in zip(probs, probs[1:], strict=False))
    text = format_s_curve(28, 4, steps=4)
    assert "28 bands x 4 rows" in text and "0.50" in text


def test_bad_threshold_is_refused() -> None:
    with pytest.raises(ValueError):
        choose_bands(0.0, 112)
