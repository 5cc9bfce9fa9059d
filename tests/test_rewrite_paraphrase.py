"""Paraphrases: ``rewrite_dedup``'s ``paraphrase_report`` reports a document whose sentences
each reword one of another's in turn (many sentences matched at a modest similarity, in the
other's order), on weaker evidence than the revision path's, and never removes it."""

from __future__ import annotations

import csv

from tamis.dedup.rewrite import (
    MIN_PARAPHRASED_SENTENCES,
    PARAPHRASE_SIMILARITY,
    Alignment,
    align,
    paraphrase_share,
)
from tests.test_rewrite_dedup import _clough_run, _records

TUNED_TASKS = "abc"
#: the cut the bench measures (bench/rewrite_paraphrase.py)
CUT = 0.4

SOURCE = (
    "Inheritance lets a programmer define a new class from an existing class in the program. "
    "The new class keeps the fields and the methods of its parent class unchanged. "
    "A subclass may override a method to change how the inherited behaviour works. "
    "Hierarchies of classes group related types under a common ancestor class. "
    "Reusing tested code this way saves programmers much of their development time."
)
#: each source sentence reworded in turn, keeping a few of its content words
PARAPHRASE = (
    "With inheritance a programmer builds a fresh class out of a class already existing. "
    "Such a class receives every field and method its parent class has. "
    "Any subclass can override an inherited method, altering the behaviour it gets. "
    "Related types then form hierarchies of classes below one shared ancestor. "
    "Programmers thereby save development time, reusing code already tested."
)


def test_paraphrase_share_needs_three_sentences_in_order_and_the_lead():
    pairs = [(0, 0, 0.3), (1, 2, 0.25), (3, 4, 0.21)]
    al = Alignment(3 / 5, 3, 5, 0.25, pairs, matched=3, lead_matched=True)
    assert paraphrase_share(al) == 3 / 5
    two = Alignment(2 / 5, 2, 5, 0.25, pairs[:2], matched=2, lead_matched=True)
    assert MIN_PARAPHRASED_SENTENCES == 3 and paraphrase_share(two) == 0.0
    no_lead = Alignment(3 / 5, 3, 5, 0.25, pairs, matched=3, lead_matched=False)
    assert paraphrase_share(no_lead) == 0.0
    figures = Alignment(3 / 5, 3, 5, 0.25, pairs, matched=3, lead_matched=True)
    figures.figures_differ = True
    assert paraphrase_share(figures) == 0.0


def test_a_sentence_by_sentence_paraphrase_aligns_in_order_and_a_shuffle_does_not():
    """The chain counts only matches that keep one order: the same reworded sentences in
    reverse order keep one of them."""
    sentences = PARAPHRASE.split(". ")
    shuffled = ". ".join(s.rstrip(".") for s in reversed(sentences)) + "."
    paraphrase, reordered, source = _records(PARAPHRASE, shuffled, SOURCE)
    al = align(paraphrase, source, PARAPHRASE_SIMILARITY, revision=True)
    assert paraphrase_share(al) >= CUT
    assert [(i, j) for i, j, _ in al.pairs] == [(k, k) for k in range(al.aligned)]
    back = align(reordered, source, PARAPHRASE_SIMILARITY, revision=True)
    assert back.matched >= MIN_PARAPHRASED_SENTENCES and back.aligned < MIN_PARAPHRASED_SENTENCES
    assert paraphrase_share(back) == 0.0


def _tuned(shared_data) -> dict[str, str]:
    root = shared_data / "paraphrase" / "clough-stevenson"
    rows = csv.DictReader(open(root / "file_information.csv", encoding="utf-8"))
    return {r["File"]: r["Category"] for r in rows if r["Task"] in TUNED_TASKS}


def test_heavy_revisions_are_reported_and_nothing_else_moves(shared_data, tmp_path):
    """Clough-Stevenson tasks a-c (tuned): g4pE_taska and g2pA_taskb reword their source
    sentence by sentence (0.58 and 0.49 of their stems in it, under the revision path's
    0.6) and are reported against it; no tuned non-plagiarised answer is named a copy of
    anything, or named as one's original; the removals are those of the stage without the
    report, and every answer reported without it names the same document with it (a
    paraphrase report never displaces stronger evidence)."""
    category = _tuned(shared_data)
    removed_off, reported_off = _clough_run(shared_data, tmp_path / "off")
    removed, reported = _clough_run(shared_data, tmp_path / "on", paraphrase_report=CUT)
    for answer in ("g4pE_taska.txt", "g2pA_taskb.txt"):
        assert answer not in {**removed_off, **reported_off}
        assert reported.get(answer) == f"orig_task{answer[-5]}.txt"
    named = {**removed, **reported}
    assert not [a for a, c in category.items() if c == "non" and a in named]
    assert not [a for a, of in named.items() if category.get(of) == "non"]
    assert removed == removed_off
    assert {a: reported[a] for a in reported_off} == reported_off


def test_off_by_default():
    from tamis.stages.base import stage_class

    assert stage_class("rewrite_dedup").Options().paraphrase_report == 0.0
