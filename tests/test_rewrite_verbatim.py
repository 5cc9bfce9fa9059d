"""Copying by pasting: ``rewrite_dedup``'s ``verbatim_report`` reports a document that pastes a
few sentences of another word for word, however few of its other sentences align."""

from __future__ import annotations

import csv

from tamis.dedup.rewrite import (
    MIN_VERBATIM_SENTENCES,
    VERBATIM_SIMILARITY,
    Alignment,
    align,
    verbatim_share,
)
from tests.test_rewrite_dedup import _clough_run, _records

TUNED_TASKS = "abc"


def test_verbatim_share_counts_pasted_sentences_and_needs_two():
    pasted = VERBATIM_SIMILARITY
    below = VERBATIM_SIMILARITY - 0.01
    al = Alignment(3 / 13, 3, 13, 0.9, [(0, 0, 1.0), (4, 2, pasted), (7, 5, below)])
    assert verbatim_share(al) == 2 / 13
    one = Alignment(2 / 13, 2, 13, 0.9, [(0, 0, 1.0), (7, 5, below)])
    assert MIN_VERBATIM_SENTENCES == 2 and verbatim_share(one) == 0.0
    assert verbatim_share(Alignment(0.0, 0, 0, 0.0, [])) == 0.0


def test_a_pasted_sentence_aligns_above_the_verbatim_cut_and_a_rewritten_one_below():
    source = (
        "The Bank of England said it had provided the money market with 250 mln stg of "
        "assistance this afternoon. Dealers said the shortage was larger than expected."
    )
    pasted, spun = _records(
        source,
        "The Bank of England aforementioned it had supplied the money marketplace with 250 mln "
        "stg of aid this good afternoon. Traders said the deficit was bigger than anticipated.",
    )
    (original,) = _records(source)
    assert all(s >= VERBATIM_SIMILARITY for _, _, s in align(pasted, original, 0.3).pairs)
    assert all(s < VERBATIM_SIMILARITY for _, _, s in align(spun, original, 0.3).pairs)


def _tuned(shared_data) -> dict[str, str]:
    root = shared_data / "paraphrase" / "clough-stevenson"
    rows = csv.DictReader(open(root / "file_information.csv", encoding="utf-8"))
    return {r["File"]: r["Category"] for r in rows if r["Task"] in TUNED_TASKS}


def test_an_answer_pasting_three_of_its_thirteen_sentences_is_reported(shared_data, tmp_path):
    """Clough-Stevenson task b (tuned): g1pD_taskb pastes 3 of its 13 sentences from the
    source, too few aligned sentences (0.23) for a partial-copy report; with the verbatim
    report it is reported against its source, and no non-plagiarised answer of the tuned
    tasks is named a copy of anything. Off, it is not reported."""
    category = _tuned(shared_data)
    removed, reported = _clough_run(shared_data, tmp_path / "on")
    assert reported.get("g1pD_taskb.txt") == "orig_taskb.txt"
    named = {**removed, **reported}
    assert not [a for a, c in category.items() if c == "non" and a in named]
    assert not [a for a, of in named.items() if category.get(of) == "non"]
    removed_off, reported_off = _clough_run(shared_data, tmp_path / "off", verbatim_report=0.0)
    assert "g1pD_taskb.txt" not in {**removed_off, **reported_off}
    # the verbatim report adds reports, never removals
    assert removed == removed_off
