"""``classifier``: score documents with a fastText model, keep or reject by label thresholds.

The model is the format DCLM, FineWeb-Edu's fastText classifiers, dolma and datatrove users
already have (a fastText ``.bin``, read from a local path). Decisions are datatrove's
``FastTextClassifierFilter``'s for the same model and settings: each unit (the document, or each
paragraph or sentence) is stripped, its line breaks replaced by ``newline``, and predicted with
every label; a unit is kept when any ``keep`` label scores at least its threshold (or when no
``remove`` label reaches its threshold). In ``document`` mode a failing document is rejected;
in ``paragraph`` and ``sentence`` mode failing units are cut out (one recorded edit each) and a
document with nothing left is rejected.

A batch of documents is predicted at once by :mod:`tamis.classify.predict`, fastText's own
computation in numpy over the memory-mapped model (the binding's scores bit for bit, without
loading the model into memory); models it does not cover (quantised, hierarchical softmax,
character n-grams) are predicted by the binding, a batch in one call. ``batch: false``
predicts one text at a time with the binding, as datatrove does.

Several classifiers run in one pipeline under instance names: ``classifier@edu``,
``classifier@dclm``; each stores its own signals and verdicts under its full name.

Signals (``signals[<stage name>]``), stored for kept and rejected documents alike, in annotate
mode too:

* ``<label>`` (float): the label's probability, label without fastText's ``__label__`` prefix,
  one signal per label of the model; in ``paragraph`` / ``sentence`` mode the mean over units
  (as datatrove's metadata).

Verdict: reason ``keep_threshold`` (no ``keep`` label reached its threshold) or
``remove_threshold`` (a ``remove`` label did); details list ``{"rule": label, "value": score,
"threshold": t}``. ``tamis rethreshold`` re-decides ``document`` mode from the stored scores.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from tamis.classify.model import ModelError, bare, load_model, model_labels
from tamis.classify.options import MISSING_SCORE, ClassifierOptions, failures, reason
from tamis.classify.predict import open_model
from tamis.classify.units import SPLITTERS, Parts, sentencizer_available
from tamis.document import Document, Replacement
from tamis.stages.base import Stage, register


@register
class Classifier(Stage):
    name = "classifier"
    Options = ClassifierOptions
    named_instances: ClassVar[bool] = True
    #: one float a label of the model (its mean over units): see ``signal_types``
    signals: ClassVar[dict[str, Any]] = {}
    options: ClassifierOptions

    @classmethod
    def check_options(cls, opts: ClassifierOptions, where: str) -> None:
        """Before any work: the model exists, is fastText, and has every label named."""
        if opts.model is None:
            raise ValueError(f"{where}.model: required: the path of a fastText .bin model")
        try:
            labels = [bare(label) for label in model_labels(opts.model)]
        except ModelError as exc:
            raise ValueError(f"{where}.model: {exc}") from None
        for key in ("keep", "remove"):
            for label in getattr(opts, key) or {}:
                if label not in labels:
                    raise ValueError(
                        f"{where}.{key}.{label}: the model {opts.model} has no label {label!r}; "
                        f"its labels: {', '.join(labels)}"
                    )
        if opts.unit == "sentence" and not sentencizer_available():
            raise ValueError(
                f"{where}.unit: 'sentence' splits with spaCy's sentencizer, as datatrove does; "
                "install spacy (pip install spacy) or use document or paragraph"
            )

    def _scores(self, texts: list[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
        """(labels, scores, scored): the model's labels (bare), every text's score per label
        (float64, as datatrove compares fastText's float32 scores with the thresholds; -9e9
        for a text fastText does not score), and which texts it scores (one without any word
        gets no prediction)."""
        fast = open_model(self.options.model) if self.options.batch else None
        if fast is not None:  # fastText's prediction in numpy: the binding's scores, bit for bit
            scores, scored = fast.predict(texts)
            scores = scores.astype(np.float64)
            scores[~scored] = MISSING_SCORE
            return [bare(label) for label in fast.labels], scores, scored
        model = load_model(self.options.model)
        if self.options.batch:
            # The binding's own batch call, without its per-text check: the texts hold no line
            # break (replaced above), and the one fastText wants at the end is added here.
            all_labels, all_probs = model.f.multilinePredict(
                [t + "\n" for t in texts], -1, 0.0, "strict"
            )
        else:
            pairs = [model.predict(t, k=-1) for t in texts]
            all_labels = [p[0] for p in pairs]
            all_probs = [p[1] for p in pairs]
        names = list(model.labels)
        column = {label: k for k, label in enumerate(names)}
        scores = np.full((len(texts), len(names)), MISSING_SCORE)
        scored = np.zeros(len(texts), dtype=bool)
        for i, (labels, probs) in enumerate(zip(all_labels, all_probs, strict=True)):
            if len(labels):
                scored[i] = True
                scores[i, [column[label] for label in labels]] = np.asarray(probs, np.float64)
        return [bare(label) for label in names], scores, scored

    def signal_types(self) -> dict[str, Any]:
        """A score per label of the model, named as stored (``__label__`` dropped)."""
        if not self.options.model:
            return {}
        return {bare(label): float for label in model_labels(self.options.model)}

    def process_batch(self, docs: list[Document]) -> None:
        """All units of the batch predicted at once; the signals and the decisions computed as
        arrays over the units, Python objects made per document and per cut unit only."""
        opts = self.options
        parts = SPLITTERS[opts.unit]([doc.text for doc in docs])
        newline = opts.newline
        texts = [t.strip().replace("\n", newline) for _, ts in parts for t in ts]
        labels, scores, scored = self._scores(texts)
        counts = np.fromiter((len(ts) for _, ts in parts), dtype=np.int64, count=len(docs))
        unit_doc = np.repeat(np.arange(len(docs)), counts)
        signals = _mean_scores(labels, scores, scored, unit_doc, len(docs))
        for doc, sig in zip(docs, signals, strict=True):
            doc.signal(self.name, **sig)
        if opts.mode != "filter":
            return
        if opts.unit == "document":  # one unit a document: the units' verdicts are theirs
            passes = _passes(labels, scores, opts).tolist()
            for doc, sig, ok in zip(docs, signals, passes, strict=True):
                if not ok:
                    doc.reject(self.name, reason(opts), failures(sig, opts))
                elif not doc.text or doc.text.isspace():
                    doc.reject(self.name, "empty", {"note": "nothing but whitespace to keep"})
            return
        self._cut(docs, parts, texts, counts, unit_doc, labels, scores, scored)

    def _cut(
        self,
        docs: list[Document],
        parts: list[Parts],
        texts: list[str],
        counts: np.ndarray,
        unit_doc: np.ndarray,
        labels: list[str],
        scores: np.ndarray,
        scored: np.ndarray,
    ) -> None:
        """Cut the failing units out of each document (one edit each); reject a document
        with nothing but whitespace left. ``texts``: the units' scored texts; ``unit_doc``:
        each unit's document."""
        opts, rule = self.options, reason(self.options)
        passes = _passes(labels, scores, opts)
        nonblank = np.fromiter(map(bool, texts), dtype=bool, count=len(texts))
        keeps_text = np.bincount(unit_doc, weights=passes & nonblank, minlength=len(docs)) > 0
        failing = np.flatnonzero(~passes)
        per_doc = np.bincount(unit_doc[failing], minlength=len(docs)).tolist()
        why = _cut_reasons(labels, scores, scored, failing, opts)
        first_unit = (np.cumsum(counts) - counts).tolist()
        failing = failing.tolist()
        at = 0
        for d, (doc, k) in enumerate(zip(docs, per_doc, strict=True)):
            if not keeps_text[d]:
                details = {"unit": opts.unit, "units": int(counts[d]), "units_kept": 0}
                doc.reject(self.name, rule, details)
            elif k:
                bounds, first = parts[d][0], first_unit[d]
                doc.apply(
                    self.name,
                    [
                        Replacement(bounds[u - first], bounds[u - first + 1], "", rule, why[j])
                        for j, u in enumerate(failing[at : at + k], start=at)
                    ],
                )
            at += k


def _mean_scores(
    labels: list[str], scores: np.ndarray, scored: np.ndarray, unit_doc: np.ndarray, n: int
) -> list[dict[str, float]]:
    """Per document, each label's score (one scored unit) or its mean over the scored units
    (``np.mean``, as datatrove stores it); nothing for a document with no unit scored."""
    rows = scores[scored]
    per_doc = np.bincount(unit_doc[scored], minlength=n).tolist()
    by_label = np.ascontiguousarray(rows.T)  # each label's scores in a contiguous row
    values = rows.tolist()
    out: list[dict[str, float]] = []
    at = 0
    for k in per_doc:
        if k == 1:
            out.append(dict(zip(labels, values[at], strict=True)))
        elif k:
            mean = np.mean(by_label[:, at : at + k], axis=1).tolist()
            out.append(dict(zip(labels, mean, strict=True)))
        else:
            out.append({})
        at += k
    return out


def _passes(labels: list[str], scores: np.ndarray, opts: ClassifierOptions) -> np.ndarray:
    """:func:`unit_passes` for every unit at once (an unscored unit's scores are -9e9)."""
    column = {label: k for k, label in enumerate(labels)}
    if opts.keep:
        out = np.zeros(len(scores), dtype=bool)
        for label, t in opts.keep.items():
            out |= scores[:, column[label]] >= t
        return out
    out = np.ones(len(scores), dtype=bool)
    for label, t in (opts.remove or {}).items():
        out &= ~(scores[:, column[label]] >= t)
    return out


def _cut_reasons(
    labels: list[str],
    scores: np.ndarray,
    scored: np.ndarray,
    units: np.ndarray,
    opts: ClassifierOptions,
) -> list[str]:
    """The reason recorded for each of ``units`` cut: the thresholds and the unit's scores of
    their labels (nan for a unit fastText did not score)."""
    rules = opts.keep or opts.remove or {}
    template = _literal(f"{'keep' if opts.keep else 'remove'} thresholds {rules}: ")
    template += ", ".join(_literal(label) + " {:.4g}" for label in rules)
    column = {label: k for k, label in enumerate(labels)}
    shown = scores[np.ix_(units, [column[label] for label in rules])]
    shown[~scored[units]] = np.nan
    return [template.format(*row) for row in shown.tolist()]


def _literal(text: str) -> str:
    """``text`` as a literal part of a ``str.format`` template."""
    return text.replace("{", "{{").replace("}", "}}")
