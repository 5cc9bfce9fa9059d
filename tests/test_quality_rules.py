"""decide(): thresholds meet stored signals; every failing rule listed, datatrove's first."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.quality.rules import decide, decide_batch


def _gq(**over):
    sig = {
        "n_words": 300,
        "n_non_symbol_words": 250,
        "avg_word_length": 4.5,
        "hash_ratio": 0.0,
        "ellipsis_ratio": 0.0,
        "bullet_lines_ratio": 0.0,
        "end_ellipsis_lines_ratio": 0.0,
        "alpha_words_ratio": 0.9,
        "stop_words": 5,
    }
    sig.update(over)
    return sig


def test_passing_signals_give_no_failure():
    assert decide("gopher_quality", _gq()) == []


def test_all_failures_listed_in_datatrove_order():
    failures = decide(
        "gopher_quality", _gq(n_non_symbol_words=10, alpha_words_ratio=0.5, stop_words=0)
    )
    assert [f["rule"] for f in failures] == [
        "gopher_short_doc",
        "gopher_below_alpha_threshold",
        "gopher_enough_stop_words",
    ]
    assert failures[0] == {"rule": "gopher_short_doc", "value": 10, "threshold": 50}


def test_threshold_boundaries_are_strict_like_datatrove():
    assert decide("gopher_quality", _gq(n_non_symbol_words=50)) == []
    assert decide("gopher_quality", _gq(hash_ratio=0.1)) == []
    assert decide("gopher_quality", _gq(hash_ratio=0.10001))[0]["rule"] == "gopher_too_many_hashes"


def test_zero_or_null_threshold_switches_gopher_rule_off():
    sig = _gq(n_non_symbol_words=10)
    assert decide("gopher_quality", sig, {"min_doc_words": None}) == []
    assert decide("gopher_quality", sig, {"min_doc_words": 0}) == []
    assert decide("gopher_quality", sig, {"min_doc_words": 11})[0]["threshold"] == 11


def test_unmeasured_signal_neither_passes_nor_fails():
    assert decide("gopher_quality", _gq(stop_words=None)) == []


def test_repetition_n_gram_rules_and_missing_sizes():
    sig = {
        "chars": 100,
        "dup_para_frac": 0.0,
        "dup_para_char_frac": 0.0,
        "dup_line_frac": 0.5,
        "dup_line_char_frac": 0.0,
        **{f"top_{n}_gram": 0.0 for n in (2, 3, 4)},
        **{f"duplicated_{n}_n_grams": 0.0 for n in range(5, 11)},
    }
    sig["top_3_gram"] = 0.19
    assert [f["rule"] for f in decide("gopher_repetition", sig)] == ["dup_line_frac", "top_3_gram"]
    with pytest.raises(KeyError, match="top_7_gram"):
        decide("gopher_repetition", sig, {"top_n_grams": [(7, 0.1)]})
    assert decide("gopher_repetition", {"chars": 0})[0]["rule"] == "empty"


def test_c4_first_reason_is_the_earliest_line():
    sig = {"sentences": 2, "lorem_ipsum_line": 7, "curly_bracket_line": 3}
    assert [f["rule"] for f in decide("c4", sig)] == [
        "curly_bracket",
        "lorem_ipsum",
        "too_few_sentences",
    ]
    sig = {"sentences": 9, "lorem_ipsum_line": 3, "curly_bracket_line": 3}
    assert [f["rule"] for f in decide("c4", sig)] == ["lorem_ipsum", "curly_bracket"]
    assert decide("c4", sig, {"filter_lorem_ipsum": False, "filter_curly_bracket": False}) == []
    assert (
        decide(
            "c4",
            {"sentences": 0, "lorem_ipsum_line": -1, "curly_bracket_line": -1},
            {"min_num_sentences": -1},
        )
        == []
    )


def test_fineweb_exclude_zero_quirk():
    sig = {
        "lines": 4,
        "line_punct_ratio": 0.0,
        "short_line_ratio": 0.1,
        "char_dup_ratio": 0.0,
        "list_ratio": 0.1,
    }
    assert decide("fineweb", sig)[0]["rule"] == "line_punct_ratio"
    assert decide("fineweb", sig, {"line_punct_exclude_zero": True}) == []
    assert decide("fineweb", {"lines": 0})[0]["rule"] == "empty"


def test_unknown_stage_and_option_are_refused():
    with pytest.raises(KeyError):
        decide("nope", {})
    with pytest.raises(ValueError):
        decide("fineweb", {"lines": 1}, {"no_such_option": 1})


_RATIOS = st.one_of(st.none(), st.sampled_from([0, 0.0, 0.05, 0.1, 0.2, 0.5, 0.9, 1.0]))
_REPETITION_KEYS = (
    "dup_para_frac",
    "dup_para_char_frac",
    "dup_line_frac",
    "dup_line_char_frac",
    *(f"top_{n}_gram" for n in (2, 3, 4)),
    *(f"duplicated_{n}_n_grams" for n in range(5, 11)),
)
_SIGNALS = {
    "gopher_quality": st.fixed_dictionaries(
        {
            "n_non_symbol_words": st.one_of(st.none(), st.integers(0, 200_000)),
            "avg_word_length": st.one_of(st.none(), st.floats(0, 20)),
            "hash_ratio": _RATIOS,
            "ellipsis_ratio": _RATIOS,
            "bullet_lines_ratio": _RATIOS,
            "end_ellipsis_lines_ratio": _RATIOS,
            "alpha_words_ratio": _RATIOS,
            "stop_words": st.one_of(st.none(), st.integers(0, 5)),
        }
    ),
    "gopher_repetition": st.fixed_dictionaries(
        {"chars": st.sampled_from([0, 1, 500]), **dict.fromkeys(_REPETITION_KEYS, _RATIOS)}
    ),
    "fineweb": st.fixed_dictionaries(
        {
            "lines": st.one_of(st.none(), st.integers(0, 3)),
            "line_punct_ratio": _RATIOS,
            "short_line_ratio": _RATIOS,
            "char_dup_ratio": _RATIOS,
            "list_ratio": _RATIOS,
        }
    ),
}


@pytest.mark.parametrize("stage", sorted(_SIGNALS))
@pytest.mark.parametrize("options", [None, {"line_punct_exclude_zero": True}])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_a_batch_is_decided_as_each_document_alone(stage, options, data):
    from tamis.quality.options import options_for

    if options and stage != "fineweb":
        options = None
    opts = options_for(stage, options)
    sigs = data.draw(st.lists(_SIGNALS[stage], max_size=8))
    alone = [decide(stage, dict(sig), opts) for sig in sigs]
    assert decide_batch(stage, sigs, opts) == alone
