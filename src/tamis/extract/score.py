"""The scorers of the public extraction benchmarks, reproduced exactly so that figures compare.

``word_f1`` is WCXB's (its README): bag of lowercase ``\\w+`` words, multiset overlap.
``aeb_scores`` is the Scrapinghub article-extraction-benchmark's (its ``evaluate.py``): per
page, counts of 4-token shingles of ``\\w+`` tokens give tp/fp/fn normalised to sum 1 (so long
pages weigh no more than short ones); precision and recall are averaged over pages, and F1 is
their harmonic mean.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import NamedTuple

_WORD = re.compile(r"\w+")


class PRF(NamedTuple):
    precision: float
    recall: float
    f1: float


def _prf(pred: Counter, ref: Counter) -> PRF:
    if not ref:
        return PRF(1.0, 1.0, 1.0) if not pred else PRF(0.0, 0.0, 0.0)
    if not pred:
        return PRF(0.0, 0.0, 0.0)
    overlap = sum((pred & ref).values())
    p = overlap / sum(pred.values())
    r = overlap / sum(ref.values())
    return PRF(p, r, 2 * p * r / (p + r) if (p + r) > 0 else 0.0)


def word_prf(predicted: str, reference: str) -> PRF:
    """WCXB's word-level precision, recall and F1."""
    return _prf(
        Counter(_WORD.findall(predicted.lower())), Counter(_WORD.findall(reference.lower()))
    )


def word_f1(predicted: str, reference: str) -> float:
    return word_prf(predicted, reference).f1


def _shingles(text: str, n: int = 4) -> Counter:
    tokens = _WORD.findall(text or "")
    out: Counter = Counter()
    for i in range(0, max(1, len(tokens) - n + 1)):
        shingle = " ".join(tokens[i : i + n])
        if shingle:
            out[shingle] += 1
    return out


def aeb_tp_fp_fn(reference: str, predicted: str) -> tuple[float, float, float]:
    """One page's normalised (tp, fp, fn) over 4-token shingles, as AEB computes them."""
    true, pred = _shingles(reference), _shingles(predicted)
    tp = fp = fn = 0.0
    for key in set(true) | set(pred):
        t, p = true.get(key, 0), pred.get(key, 0)
        tp += min(t, p)
        fp += max(0, p - t)
        fn += max(0, t - p)
    total = tp + fp + fn
    if total > 0:
        tp, fp, fn = tp / total, fp / total, fn / total
    return tp, fp, fn


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def aeb_scores(pages: list[tuple[float, float, float]]) -> PRF:
    """AEB's corpus figures from per-page (tp, fp, fn): mean precision, mean recall, their F1."""
    precisions = [_precision(*x) for x in pages if x[0] + x[1] > 0]
    recalls = [_recall(*x) for x in pages if x[0] + x[2] > 0]
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    return PRF(p, r, 2 * p * r / (p + r) if p + r > 0 else 0.0)
