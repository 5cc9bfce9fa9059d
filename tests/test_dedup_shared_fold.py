"""A batch's folded texts are computed once for the dedup stages that observe it side by side,
and the batch fingerprints are those of one text at a time."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.dedup.hashing import fingerprint128, fingerprints128
from tamis.dedup.normalize import Normalization, fold, fold_many, normalize, spaced

TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)) | st.sampled_from(" \n\t.,!ÉéßＡ"),
    max_size=60,
)
NORMS = st.builds(
    Normalization,
    unicode=st.booleans(),
    lowercase=st.booleans(),
    whitespace=st.booleans(),
    punctuation=st.booleans(),
    digits=st.booleans(),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXT, max_size=8), NORMS)
def test_fold_many_is_fold_of_each(texts: list[str], norm: Normalization) -> None:
    assert fold_many(texts, norm) == [fold(t, norm) for t in texts]
    assert fold_many(list(texts), norm) == [fold(t, norm) for t in texts]  # given again
    assert [spaced(f, norm) for f in fold_many(texts, norm)] == [normalize(t, norm) for t in texts]


def test_a_changed_text_or_normalization_is_folded_anew() -> None:
    norm = Normalization()
    texts = ["Hello, World!", "Ünïcode  text"]
    first = fold_many(texts, norm)
    assert fold_many(list(texts), norm) is first  # the same strings: the same folds
    edited = [texts[0], "".join(["Other", " text"])]
    assert fold_many(edited, norm) == ["hello  world ", "other text"]
    kept_case = Normalization(lowercase=False)
    assert fold_many(edited, kept_case) == [fold(t, kept_case) for t in edited]
    assert fold_many(edited[:1], norm) == ["hello  world "]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=8))
def test_fingerprints128_are_each_texts_fingerprint(texts: list[str]) -> None:
    rows = fingerprints128(texts)
    assert rows.shape == (len(texts), 2)
    assert [tuple(map(int, r)) for r in rows] == [fingerprint128(t) for t in texts]
