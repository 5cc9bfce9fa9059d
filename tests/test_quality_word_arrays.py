"""A batch's words kept as arrays give what the words themselves give: the spaced text, the
stop-word counts, and the n-gram measures (random Indic batches, IndicNLP's words as truth)."""

from __future__ import annotations

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tamis.quality import ngrams
from tamis.quality.backends import indic_words
from tamis.quality.word_arrays import WordArrays

#: letters, marks, digits, separators, blanks, and a letter above the Basic Multilingual Plane
ALPHABET = "कखगनमािीुे्ंఅకగ0123,.:/!?-। \t\n\u00a0\U0001d400"
#: short words made of those letters, so that stop words and n-grams repeat
WORDS = ["क", "का", "की", "के", "कि", "ख", "खा", "ग", "गा", "नम", "మా", "అక", "12", "।"]

texts = st.lists(
    st.lists(st.sampled_from([*WORDS, " ", "  ", "\n", ",", "1 , 2"]), max_size=40).map("".join)
    | st.text(alphabet=ALPHABET, max_size=40),
    min_size=1,
    max_size=6,
)


def _split(batch: list[str]) -> tuple[list[str], list[tuple[WordArrays, int]], list[list[str]]]:
    units = indic_words("hi")
    batch = [text for text in batch if not units.needs_whole_text(text)]
    found = [(arrays, d) for arrays, d, _ in units.batch.split_arrays(batch)]
    return batch, found, [units.words(text) for text in batch]


@settings(max_examples=300, deadline=None)
@example(batch=["के की के", "का\nके क", ""], stops=["के", "का", "क", "का\nके", ""])
@example(batch=["कखग कखग", "कखगक"], stops=["कखग", "खगक", "कखगक", "\U0001d400"])
@example(batch=["कखगक कखगख", "कखगख", "कखगकक"], stops=["कखगक", "कखगन", "कखगकख"])
@given(
    batch=texts,
    stops=st.lists(st.sampled_from(WORDS) | st.text(alphabet=ALPHABET, max_size=5), max_size=20),
)
def test_stop_words_counted_in_arrays_equal_the_word_sets(batch, stops):
    batch, found, words = _split(batch)
    stop_set = frozenset(stops)
    for (arrays, d), doc_words in zip(found, words, strict=True):
        present = set(doc_words)
        assert arrays.stop_word_counts(stop_set)[d] == sum(1 for w in stop_set if w in present)
        assert arrays.spaced(d) == " ".join(doc_words)


def test_stop_words_sharing_a_key_are_each_compared(monkeypatch):
    """Two stop words of one length whose keys collide still count apart (the keys only pick
    which stop word to compare)."""
    from tamis.quality import word_arrays

    monkeypatch.setattr(word_arrays, "_HEAD", 1)  # keys from the first character alone
    _, found, _ = _split(["कखग कगख ककक", "कगख", "खगक"])
    counts = [arrays.stop_word_counts(frozenset({"कखग", "कगख"}))[d] for arrays, d in found]
    assert counts == [2, 1, 0]


def test_stop_words_longer_than_their_key_are_compared_whole(monkeypatch):
    """Words that share a stop word's key (here its first character and length) but not all
    its characters are not counted."""
    from tamis.quality import word_arrays

    monkeypatch.setattr(word_arrays, "_HEAD", 1)
    _, found, _ = _split(["कखग कगख", "कगग खगक", "खखख"])
    counts = [arrays.stop_word_counts(frozenset({"कखग", "खगक"}))[d] for arrays, d in found]
    assert counts == [1, 1, 0]


@settings(max_examples=200, deadline=None)
@given(batch=texts, pick=st.lists(st.booleans(), min_size=6, max_size=6))
def test_ngrams_read_from_arrays_equal_the_spaced_text(batch, pick):
    batch, found, words = _split(batch)
    top, dup = [2, 3, 4], [2, 3, 5, 7]
    chosen = [d for d in range(len(batch)) if pick[d]] or list(range(len(batch)))
    if not found:
        return
    arrays = found[0][0]
    if any(a is not arrays for a, _ in found):
        return  # split over groups: each group is read on its own
    got = ngrams.ngram_repetition_words(*arrays.select(chosen), top, dup)
    want = ngrams.ngram_repetition_batch(
        [(" ".join(words[d]), len(words[d])) for d in chosen], top, dup
    )
    assert got == want


def test_ngrams_from_arrays_split_into_groups_of_words(monkeypatch):
    """Documents beyond a group's words go to the next group; each measured alone."""
    monkeypatch.setattr(ngrams, "GROUP_WORDS", 5)
    batch = ["क ख क ख क ख", "", "ग ग ग", "क ख ग क ख ग क ख ग"]
    batch, found, words = _split(batch)
    arrays = found[0][0]
    got = ngrams.ngram_repetition_words(*arrays.select(list(range(len(batch)))), [2, 3], [2, 3])
    want = ngrams.ngram_repetition_batch([(" ".join(w), len(w)) for w in words], [2, 3], [2, 3])
    assert got == want


def test_stop_words_found_by_binary_search_when_no_table_keeps_them_apart(monkeypatch):
    from tamis.quality import word_arrays

    monkeypatch.setattr(word_arrays, "_BUCKET_MIX", np.uint64(0))  # every key in bucket 0
    batch, found, words = _split(["के की का", "का नम", "ख"])
    stops = frozenset({"के", "का", "नम", "खा"})
    counts = [arrays.stop_word_counts(stops)[d] for arrays, d in found]
    assert counts == [sum(w in set(doc) for w in stops) for doc in words] == [2, 2, 0]


@settings(max_examples=100, deadline=None)
@given(batch=texts, field=st.sampled_from([2, 3, 21]))
def test_word_counts_summed_in_fields_or_apart_are_the_same(batch, field):
    """The three per-document word counts, packed in fields of any width (the sums fit or the
    counts are summed one by one), equal those of IndicNLP's words."""
    from tamis.quality import indic_batch
    from tamis.quality.chunks import words_stats

    saved = indic_batch._FIELD
    indic_batch._FIELD = field
    try:
        batch, found, words = _split(batch)
        stats = [s for _, _, s in indic_words("hi").batch.split_arrays(batch)]
    finally:
        indic_batch._FIELD = saved
    assert stats == [words_stats(w) for w in words]
