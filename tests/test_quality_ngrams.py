"""The batched n-gram measures against datatrove's loops written out directly.

:mod:`tamis.quality.ngrams` keys only the windows that may repeat (the top n-grams' larger sizes
among the windows that repeated at the size before, the duplicated n-grams among the windows
whose first characters start another word too); these tests hold it equal to the plain loops
for any word lists, whatever the prefix length and sort threshold those shortcuts use.
"""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tamis.quality.ngrams as ngrams

TOP = [2, 3, 4]
DUP = list(range(5, 11))


def top_duplicate(words: list[str], n: int) -> int | None:
    """datatrove's ``find_top_duplicate(get_n_grams(words, n))``."""
    grams = [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]
    if not grams:
        return None
    gram, count = Counter(grams).most_common(1)[0]
    return len(gram) * count


def all_duplicate(words: list[str], n: int) -> int:
    """datatrove's ``find_all_duplicate(words, n)``: n-grams keyed without a separator."""
    seen: set[str] = set()
    repeated = 0
    i = 0
    while i < len(words) - n + 1:
        gram = "".join(words[i : i + n])
        if gram in seen:
            repeated += len(gram)
            i += n
        else:
            seen.add(gram)
            i += 1
    return repeated


# Words that are prefixes of one another and join into the same strings ("ab"+"c", "a"+"bc"),
# so duplicated n-grams with different word boundaries occur often.
word = st.sampled_from(["a", "b", "ab", "ba", "c", "abc", "bca", "aab", "cab", "अ", "नम"])
documents = st.lists(st.lists(word, max_size=45), min_size=1, max_size=6)


@settings(max_examples=200, deadline=None)
@given(documents, st.sampled_from([1, 2, 3, 5, 12, 40]), st.sampled_from([0, 3, 2048]))
def test_batched_measures_equal_the_direct_loops(doc_words, prefix_chars, sort_at_most):
    docs = [(" ".join(words), len(words)) for words in doc_words]
    saved = ngrams.PREFIX_CHARS, ngrams._SORT_AT_MOST
    ngrams.PREFIX_CHARS, ngrams._SORT_AT_MOST = prefix_chars, sort_at_most
    try:
        got = ngrams.ngram_repetition_batch(docs, TOP, DUP)
    finally:
        ngrams.PREFIX_CHARS, ngrams._SORT_AT_MOST = saved
    want = [
        ({n: top_duplicate(w, n) for n in TOP}, {n: all_duplicate(w, n) for n in DUP})
        for w in doc_words
    ]
    assert got == want


@settings(max_examples=100, deadline=None)
@given(
    st.lists(word, max_size=60),
    st.lists(st.integers(2, 12), min_size=1, max_size=3, unique=True),
    st.lists(st.integers(2, 12), min_size=1, max_size=4, unique=True),
)
def test_any_sizes_in_any_order_equal_the_direct_loops(words, top_sizes, dup_sizes):
    """Top sizes need not be consecutive nor sorted; duplicated sizes may be small."""
    top, dup = ngrams.ngram_repetition(words, top_sizes, dup_sizes)
    assert top == {n: top_duplicate(words, n) for n in top_sizes}
    assert dup == {n: all_duplicate(words, n) for n in dup_sizes}


def test_real_sentences_equal_the_direct_loops(shared_data):
    """Hindi and English lingua sentences, repeated in part as scraped pages repeat."""
    folder = shared_data / "langid" / "lingua-sentences"
    docs = []
    for name in ("hi.txt", "en.txt"):
        path = folder / name
        if not path.exists():
            pytest.fail(f"{path} is missing from the shared data")
        lines = path.read_text(encoding="utf-8").splitlines()[:120]
        for i in range(0, 120, 10):
            words = " ".join(lines[i : i + 10] + lines[i : i + 3]).split()
            docs.append(words)
    got = ngrams.ngram_repetition_batch([(" ".join(w), len(w)) for w in docs], TOP, DUP)
    want = [
        ({n: top_duplicate(w, n) for n in TOP}, {n: all_duplicate(w, n) for n in DUP}) for w in docs
    ]
    assert got == want
    assert any(dup[5] for _, dup in got)  # the repeated sentences were found
