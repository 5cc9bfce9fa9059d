"""Words weighted by their rarity in the run (``rewrite_dedup``'s ``revision_weights``)."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.dedup import rewrite
from tamis.dedup.rarity import SLOTS, Rarity, record_words
from tamis.dedup.rewrite import sketch_batch, unpack
from tests.test_rewrite_dedup import _clough, _clough_run, _records

_TEXTS = [
    "The widget factory in Ohio doubled its output of widgets this year. Widget sales rose "
    "sharply, the company said in a statement on Monday.",
    "Zebras crossed the river at dawn while the widget makers slept. The herd of zebras "
    "numbered 400 animals, rangers in Kenya said.",
    "Our widget plant closed for the holiday. Widget workers will return on Tuesday to a "
    "new contract, the union said.",
]


def _laid_end_to_end(records: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    return np.concatenate(records), np.cumsum([len(r) for r in records])


def test_a_records_words_are_its_distinct_stems_names_and_numbers():
    records = sketch_batch(_TEXTS, 1).packed
    words, rec = record_words(*_laid_end_to_end(records))
    for i, record in enumerate(records):
        s = unpack(record)
        expected = {int(f) for f in s.features if f & 3 != 0}  # trigrams left out
        got = words[rec == i].tolist()
        assert sorted(got) == sorted(expected) and len(got) == len(set(got))
    assert len(words) > 0


def test_a_word_every_document_holds_weighs_less_than_one_document_s_own():
    records = sketch_batch(_TEXTS, 1).packed
    rarity = Rarity(np.zeros(SLOTS, np.uint32), len(records))
    rarity.count(*_laid_end_to_end(records))
    first, second = unpack(records[0]), unpack(records[1])
    # "widget" (its stem "widge") is in every document, "zebra" in the second alone
    common = np.intersect1d(
        np.intersect1d(first.features, second.features), unpack(records[2]).features
    )
    common = common[(common & 3) == 3]  # stems
    own = np.setdiff1d(second.features, np.union1d(first.features, unpack(records[2]).features))
    own = own[(own & 3) == 3]
    assert len(common) and len(own)
    assert rarity.weights(common).max() < rarity.weights(own).min()
    assert rarity.weights(common).min() == pytest.approx(np.log(4 / 3))
    trigrams = first.features[(first.features & 3) == 0]
    assert (rarity.weights(trigrams) == 0).all()


_weight = lambda f: 1.0 + (np.asarray(f, np.int64) % 7)  # noqa: E731


@settings(deadline=None, max_examples=60)
@given(
    st.lists(
        st.tuples(
            st.lists(st.integers(0, 80), max_size=40), st.lists(st.integers(0, 80), max_size=40)
        ),
        min_size=1,
        max_size=6,
    )
)
def test_weighted_containment_is_the_shared_stems_weight_over_the_lighter_sets(pairs):
    first = [np.array(a, dtype=np.uint32) for a, _ in pairs]
    second = [np.array(b, dtype=np.uint32) for _, b in pairs]
    got = rewrite.stems_contained(first, second, _weight)
    plain = rewrite.stems_contained(first, second)
    evenly = rewrite.stems_contained(first, second, lambda f: np.full(len(f), 3.0))
    assert np.allclose(evenly, plain)
    for (a, b), share in zip(pairs, got.tolist(), strict=True):
        a, b = set(a), set(b)
        lighter = min(sum(_weight(x) for x in a), sum(_weight(x) for x in b))
        expected = sum(_weight(x) for x in a & b) / lighter if lighter else 0.0
        assert share == pytest.approx(expected)


def test_words_weighed_evenly_align_a_revision_as_words_counted(shared_data):
    """Clough-Stevenson task a (tuned): a revision's sentence similarities with every word
    weighing the same are the unweighted ones, whether the shared weights are counted with
    the shared features or apart."""
    copy, original = _records(
        _clough(shared_data, "g4pD_taska.txt"), _clough(shared_data, "orig_taska.txt")
    )
    even = lambda f: np.where((np.asarray(f) & 3) == 0, 0.0, 2.0)  # noqa: E731
    plain = rewrite.sentence_similarity(copy, original, True)
    both = rewrite.shared_features(copy, original, even)
    assert np.allclose(plain, rewrite.sentence_similarity(copy, original, True, None, both, even))
    copy2, original2 = _records(
        _clough(shared_data, "g4pD_taska.txt"), _clough(shared_data, "orig_taska.txt")
    )
    assert np.allclose(plain, rewrite.sentence_similarity(copy2, original2, True, weigh=even))
    # the spun comparison reads the counts alone, weights or not
    assert np.array_equal(
        rewrite.sentence_similarity(copy, original),
        rewrite.sentence_similarity(copy, original, False, None, both),
    )


def test_weighted_revisions_on_the_tuned_tasks_name_no_answer_of_its_own(shared_data, tmp_path):
    """Clough-Stevenson tasks a-c (tuned), at the weighted variant's cuts: more heavy
    revisions are removed or reported than without weights, and no non-plagiarised answer is
    named a copy of anything (the held-out tasks d and e do not hold to this:
    bench/results/rewrite.md)."""
    weighted = {"revision_weights": True, "revision_containment": 0.35, "revision_similarity": 0.2}
    info = shared_data / "paraphrase" / "clough-stevenson" / "file_information.csv"
    rows = list(csv.DictReader(open(info, encoding="utf-8")))
    tuned = {r["File"]: r["Category"] for r in rows if r["Task"] in "abc"}

    def named(**options) -> dict[str, str]:
        removed, reported = _clough_run(shared_data, tmp_path / str(len(options)), **options)
        return {k: v for k, v in {**removed, **reported}.items() if k in tuned}

    plain, weighed = named(), named(**weighted)
    heavy = lambda got: sum(tuned[k] == "heavy" for k in got)  # noqa: E731
    assert heavy(weighed) > heavy(plain)
    assert not [k for k in weighed if tuned[k] == "non"]
