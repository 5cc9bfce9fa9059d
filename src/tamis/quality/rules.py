"""Keep or reject from stored signals: the one place where thresholds meet measurements.

:func:`decide` is pure (signals and options in, failures out), so the stages and
``rethreshold`` share it and a changed threshold never needs the text. A failure is
``{"rule", "value", "threshold"}`` (the threshold a number, or null for a rule that has none,
such as "a line says lorem ipsum"); rules are listed in the order datatrove checks them, so the
first failure is the reason datatrove would give, and the list holds *every* failing rule.
A rule whose signal is ``None`` (undefined for the document, or unsupported for its language)
neither passes nor fails: it is skipped.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tamis.quality.options import OPTIONS, QualityOptions, once_per_options, options_for


@dataclass(frozen=True, slots=True)
class Rule:
    name: str  # the reason, worded as datatrove words it
    signal: str  # key in signals[stage]
    option: str | None  # threshold option; None when the rule has no threshold
    fails: Callable[[Any, Any], bool]  # (value, threshold) -> rejected?
    off_when_falsy: bool = False  # datatrove's `if self.threshold and ...`


_LT = operator.lt
_GT = operator.gt

GOPHER_QUALITY_RULES = (
    Rule("gopher_short_doc", "n_non_symbol_words", "min_doc_words", _LT, True),
    Rule("gopher_long_doc", "n_non_symbol_words", "max_doc_words", _GT, True),
    Rule("gopher_below_avg_threshold", "avg_word_length", "min_avg_word_length", _LT, True),
    Rule("gopher_above_avg_threshold", "avg_word_length", "max_avg_word_length", _GT, True),
    Rule("gopher_too_many_hashes", "hash_ratio", "max_symbol_word_ratio", _GT, True),
    Rule("gopher_too_many_ellipsis", "ellipsis_ratio", "max_symbol_word_ratio", _GT, True),
    Rule("gopher_too_many_bullets", "bullet_lines_ratio", "max_bullet_lines_ratio", _GT, True),
    Rule(
        "gopher_too_many_end_ellipsis",
        "end_ellipsis_lines_ratio",
        "max_ellipsis_lines_ratio",
        _GT,
        True,
    ),
    Rule(
        "gopher_below_alpha_threshold",
        "alpha_words_ratio",
        "max_non_alpha_words_ratio",
        _LT,
        True,
    ),
    Rule("gopher_enough_stop_words", "stop_words", "min_stop_words", _LT, True),
)

_REPETITION_HEAD = (
    Rule("dup_para_frac", "dup_para_frac", "dup_para_frac", _GT, True),
    Rule("dup_para_char_frac", "dup_para_char_frac", "dup_para_char_frac", _GT, True),
    Rule("dup_line_frac", "dup_line_frac", "dup_line_frac", _GT, True),
    Rule("dup_line_char_frac", "dup_line_char_frac", "dup_line_char_frac", _GT, True),
)

FINEWEB_RULES = (
    Rule("line_punct_ratio", "line_punct_ratio", "line_punct_thr", _LT),
    Rule("short_line_ratio", "short_line_ratio", "short_line_thr", _GT),
    Rule("char_dup_ratio", "char_dup_ratio", "char_duplicates_ratio", _GT),
    Rule("list_ratio", "list_ratio", "new_line_ratio", _GT),
)


def _failure(rule: str, value: Any, threshold: Any) -> dict[str, Any]:
    return {"rule": rule, "value": value, "threshold": threshold}


#: (options, rules) -> the rules those options switch on, with their thresholds
_ACTIVE: dict[tuple[int, Any], tuple[Any, Any]] = {}


def _active(rules: tuple[Rule, ...], opts: QualityOptions) -> list[tuple[str, Any, Any, str]]:
    """The rules ``opts`` switch on, as (signal, test, threshold, name): read once per
    options, then looped over per document without attribute lookups."""
    return once_per_options(_ACTIVE, opts, id(rules), _switched_on, rules)


def _switched_on(opts: QualityOptions, rules: tuple[Rule, ...]) -> list[tuple[str, Any, Any, str]]:
    active = []
    for rule in rules:
        threshold = getattr(opts, rule.option)
        if not (rule.off_when_falsy and not threshold):
            active.append((rule.signal, rule.fails, threshold, rule.name))
    return active


def _missing(stage: str, key: str) -> KeyError:
    return KeyError(
        f"{stage}: signal {key!r} was not measured in this output; "
        "rerun the stage with these options instead of re-thresholding"
    )


#: options -> their n-gram rules as (signal, threshold), like :data:`_ACTIVE`
_NGRAM_RULES: dict[int, tuple[Any, list[tuple[str, Any]]]] = {}


def _ngram_rules(opts: QualityOptions) -> list[tuple[str, Any]]:
    """The top n-gram rules then the duplicated n-gram rules, each named by its signal."""
    hit = _NGRAM_RULES.get(id(opts))
    if hit is not None and hit[0] is opts:
        return hit[1]
    rules = [(f"top_{n}_gram", frac) for n, frac in opts.top_n_grams]
    rules += [(f"duplicated_{n}_n_grams", frac) for n, frac in opts.dup_n_grams]
    if len(_NGRAM_RULES) > 256:
        _NGRAM_RULES.clear()
    _NGRAM_RULES[id(opts)] = (opts, rules)  # holding opts keeps its id from being reused
    return rules


def _c4(sig: dict[str, Any], opts: QualityOptions) -> list[dict]:
    doc_rules = []
    lorem, curly = sig.get("lorem_ipsum_line", -1), sig.get("curly_bracket_line", -1)
    if opts.filter_lorem_ipsum and lorem >= 0:
        doc_rules.append((lorem, 0, _failure("lorem_ipsum", lorem, None)))
    if opts.filter_curly_bracket and curly >= 0:
        doc_rules.append((curly, 1, _failure("curly_bracket", curly, None)))
    out = [f for _, _, f in sorted(doc_rules, key=lambda r: r[:2])]
    sentences = sig.get("sentences")
    if (
        opts.min_num_sentences != -1
        and sentences is not None
        and sentences < opts.min_num_sentences
    ):
        out.append(_failure("too_few_sentences", sentences, opts.min_num_sentences))
    return out


def _one(stage_name: str) -> Callable[[dict[str, Any], QualityOptions], list[dict]]:
    """The decider of one document of a stage whose rules :func:`decide_batch` checks: the same
    rules in the same order (``rethreshold`` decides one stored document at a time)."""

    def decide_one(sig: dict[str, Any], opts: QualityOptions) -> list[dict]:
        return decide_batch(stage_name, [sig], opts)[0]

    return decide_one


def _is_empty(stage_name: str, sig: dict[str, Any]) -> bool:
    """An empty document fails Gopher repetition and FineWeb alone."""
    if stage_name == "gopher_repetition":
        return sig.get("chars") == 0
    return not sig.get("lines")


_DECIDERS: dict[str, Callable[[dict[str, Any], QualityOptions], list[dict]]] = {
    "gopher_quality": _one("gopher_quality"),
    "gopher_repetition": _one("gopher_repetition"),
    "c4": _c4,
    "fineweb": _one("fineweb"),
}

QUALITY_STAGES = tuple(_DECIDERS)


def decide(
    stage_name: str, signals: dict[str, Any], options: QualityOptions | dict | None = None
) -> list[dict[str, Any]]:
    """Every rule of ``stage_name`` that ``signals`` (that stage's own) fail under ``options``.

    The first entry is the reason datatrove would give; an empty list means keep.
    """
    decider = decider_of(stage_name)
    if type(options) is not OPTIONS[stage_name]:  # the stages pass their own validated model
        options = options_for(stage_name, options)
    return decider(signals, options)


def decide_batch(
    stage_name: str, sigs: list[dict[str, Any]], options: QualityOptions
) -> list[list[dict[str, Any]]]:
    """:func:`decide` for the signals of several documents under the stage's own validated
    options. The rules that compare a signal with a threshold (all of Gopher quality's,
    Gopher repetition's and FineWeb's) are checked rule by rule over all the documents, in
    :func:`decide`'s order; most documents pass every rule: their list is then shared and
    empty, never to be changed."""
    rules = _batch_rules(stage_name, options)
    if rules is None:
        decider = decider_of(stage_name)
        return [decider(sig, options) for sig in sigs]
    none: list[dict[str, Any]] = []
    out = [none] * len(sigs)
    live = list(range(len(sigs)))
    if stage_name != "gopher_quality":  # an empty document fails alone
        live = []
        for i, sig in enumerate(sigs):
            if _is_empty(stage_name, sig):
                out[i] = [_failure("empty", 0, None)]
            else:
                live.append(i)
    if stage_name == "gopher_repetition":
        for key, _ in _ngram_rules(options):
            if any(key not in sigs[i] for i in live):
                raise _missing("gopher_repetition", key)
    for signal, fails, threshold, name in rules:
        for i in live:
            value = sigs[i].get(signal)
            if value is not None and fails(value, threshold):
                if out[i] is none:
                    out[i] = []
                out[i].append(_failure(name, value, threshold))
    return out


def _fails_unless_zero(value: Any, threshold: Any) -> bool:
    """FineWeb's line-end rule with ``line_punct_exclude_zero``: a ratio of 0 never fails."""
    return value < threshold and value != 0


def _batch_rules(stage_name: str, opts: QualityOptions) -> list[tuple[str, Any, Any, str]] | None:
    """The rules of a stage as (signal, test, threshold, name) in :func:`decide`'s order, for
    the stages whose rules are all of that kind (None for C4); read once per options."""
    return once_per_options(_ACTIVE, opts, stage_name, _rules_of, stage_name)


def _rules_of(opts: QualityOptions, stage_name: str) -> list[tuple[str, Any, Any, str]] | None:
    if stage_name == "gopher_quality":
        return _active(GOPHER_QUALITY_RULES, opts)
    if stage_name == "gopher_repetition":
        head = _active(_REPETITION_HEAD, opts)
        return head + [(key, _GT, frac, key) for key, frac in _ngram_rules(opts)]
    if stage_name == "fineweb":
        return [
            (
                rule.signal,
                _fails_unless_zero
                if rule.name == "line_punct_ratio" and opts.line_punct_exclude_zero
                else rule.fails,
                getattr(opts, rule.option),
                rule.name,
            )
            for rule in FINEWEB_RULES
        ]
    return None


def decider_of(stage_name: str) -> Callable[[dict[str, Any], QualityOptions], list[dict]]:
    """:func:`decide` for one stage, taking that stage's own validated options: a stage looks
    it up once, not once per document."""
    decider = _DECIDERS.get(stage_name)
    if decider is None:
        raise KeyError(f"no quality rules for stage {stage_name!r}; known: {', '.join(_DECIDERS)}")
    return decider
