"""MinHash signatures: agreement estimates Jaccard, hashing is stable, normalisation is sane."""

from __future__ import annotations

import numpy as np
import pytest

from tamis.dedup.hashing import shingles_batch, word_hashes
from tamis.dedup.minhash import MinHasher, agreement, jaccard
from tamis.dedup.normalize import Normalization, normalize

VOCAB = [f"w{i}" for i in range(5000)]


def _text(rng: np.random.Generator, n: int) -> list[str]:
    return [VOCAB[i] for i in rng.integers(0, len(VOCAB), n)]


def test_word_hashes_are_per_word_and_positionless() -> None:
    h, lengths = word_hashes(["alpha beta", "beta  gamma\nalpha", "", "alpha"])
    assert lengths.tolist() == [2, 3, 0, 1]
    assert h[0] == h[4] == h[5]  # "alpha" wherever it is
    assert h[1] == h[2]
    assert len(set(h.tolist())) == 3


def test_shingles_depend_on_word_order() -> None:
    h, lengths = word_hashes(["a b c", "c b a"])
    sh, doc_of = shingles_batch(h, lengths, 3)
    assert doc_of.tolist() == [0, 1]
    assert sh[0] != sh[1]


def test_short_documents_get_one_shingle_and_empty_ones_none() -> None:
    h, lengths = word_hashes(["one two", "", "one two three four five six"])
    sh, doc_of = shingles_batch(h, lengths, 5)
    assert sorted(doc_of.tolist()) == [0, 2, 2]


@pytest.mark.parametrize("edit_rate", [0.02, 0.08, 0.2])
def test_agreement_is_an_unbiased_estimate_of_jaccard(edit_rate: float) -> None:
    rng = np.random.default_rng(7)
    m = MinHasher(num_perm=128)
    errors = []
    for _ in range(150):
        words = _text(rng, int(rng.integers(60, 400)))
        edited = list(words)
        for i in np.flatnonzero(rng.random(len(words)) < edit_rate):
            edited[i] = VOCAB[int(rng.integers(0, len(VOCAB)))]
        a, b = " ".join(words), " ".join(edited)
        sa, sb = m.shingle_sets([a, b])
        sig = m.signatures([a, b])
        errors.append(float(agreement(sig[0], sig[1])) - jaccard(sa, sb))
    errors = np.array(errors)
    assert abs(errors.mean()) < 0.015
    assert errors.std() < 0.06  # classic MinHash: sqrt(J(1-J)/128) <= 0.044


def test_signatures_are_stable_and_batch_independent() -> None:
    texts = ["the quick brown fox jumps over the lazy dog " * 3, "tiny", "", "Another text here."]
    m1, m2 = MinHasher(), MinHasher()
    together = m1.signatures(texts)
    alone = np.stack([m2.signatures([t])[0] for t in texts])
    assert np.array_equal(together, alone)
    assert np.array_equal(m1.signatures(texts[::-1])[::-1], together)
    assert not np.array_equal(MinHasher(seed=2).signatures(texts[:1]), together[:1])


def test_identical_after_normalisation_gives_identical_signature() -> None:
    m = MinHasher()
    sig = m.signatures(["Hello, World!  This is   it.", "hello world this is it"])
    assert agreement(sig[0], sig[1]) == 1.0


def test_digits_are_not_folded_by_default() -> None:
    norm = Normalization()
    assert normalize("Profit 12.5 mln", norm) != normalize("Profit 13.7 mln", norm)
    folded = Normalization(digits=True)
    assert normalize("Profit 12.5 mln", folded) == normalize("Profit 13.7 mln", folded)


def test_normalisation_flags() -> None:
    text = "Ｆｕｌｌ  width,\tCASE!"
    assert normalize(text, Normalization()) == "full width case"
    keep = Normalization(unicode=False, lowercase=False, punctuation=False, whitespace=False)
    assert normalize(text, keep) == text
