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
from tamis.classify.options import ClassifierOptions, failures, reason, unit_passes
from tamis.classify.predict import open_model
from tamis.classify.units import SPLITTERS, Unit, sentencizer_available
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

    def __init__(self, options: ClassifierOptions | None = None) -> None:
        super().__init__(options)
        self._names: dict[str, str] = {}  # fastText label -> bare label

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

    def _predict(self, texts: list[str]) -> list[dict[str, float]]:
        fast = open_model(self.options.model) if self.options.batch else None
        if fast is not None:  # fastText's prediction in numpy: the binding's scores, bit for bit
            keys = [bare(label) for label in fast.labels]
            scores, scored = fast.predict(texts)
            # float64 before any comparison, as datatrove compares fastText's float32 scores
            return [
                dict(zip(keys, row, strict=True)) if ok else {}
                for row, ok in zip(scores.astype(np.float64).tolist(), scored.tolist(), strict=True)
            ]
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
        # float64 before any comparison: fastText's float32 scores are compared with the
        # thresholds as Python floats, as datatrove compares them.
        names = self._names
        out = []
        for labels, probs in zip(all_labels, all_probs, strict=True):
            try:
                keys = [names[label] for label in labels]
            except KeyError:
                keys = [names.setdefault(label, bare(label)) for label in labels]
            out.append(dict(zip(keys, np.asarray(probs, dtype=np.float64).tolist(), strict=True)))
        return out

    def signal_types(self) -> dict[str, Any]:
        """A score per label of the model, named as stored (``__label__`` dropped)."""
        if not self.options.model:
            return {}
        return {bare(label): float for label in model_labels(self.options.model)}

    def process_batch(self, docs: list[Document]) -> None:
        opts = self.options
        split = SPLITTERS[opts.unit]
        units: list[list[Unit]] = [split(doc.text) for doc in docs]
        texts = [u[2].strip().replace("\n", opts.newline) for du in units for u in du]
        scores = self._predict(texts)
        at = 0
        for doc, doc_units in zip(docs, units, strict=True):
            unit_scores = scores[at : at + len(doc_units)]
            at += len(doc_units)
            self._judge(doc, doc_units, unit_scores)

    def _judge(self, doc: Document, units: list[Unit], unit_scores: list[dict[str, float]]) -> None:
        opts = self.options
        sig = _mean_scores(unit_scores)
        doc.signal(self.name, **sig)
        if opts.mode != "filter":
            return
        if opts.unit == "document":
            fails = failures(sig, opts) if unit_scores else [{"rule": "empty"}]
            if fails:
                doc.reject(self.name, reason(opts), fails)
            elif not doc.text.strip():
                doc.reject(self.name, "empty", {"note": "nothing but whitespace to keep"})
            return
        cuts = []
        kept_text = []
        for (start, end, _), s in zip(units, unit_scores, strict=True):
            if unit_passes(s, opts):
                kept_text.append(doc.text[start:end])
            else:
                cuts.append(Replacement(start, end, "", reason(opts), _cut_reason(s, opts)))
        if not "".join(kept_text).strip():
            doc.reject(
                self.name, reason(opts), {"unit": opts.unit, "units": len(units), "units_kept": 0}
            )
        elif cuts:
            doc.apply(self.name, cuts)


def _mean_scores(unit_scores: list[dict[str, float]]) -> dict[str, Any]:
    """Per label, the unit's score (one unit) or the mean over units, as datatrove stores it."""
    if len(unit_scores) == 1:
        return dict(unit_scores[0])
    per_label: dict[str, list[float]] = {}
    for s in unit_scores:
        for label, v in s.items():
            per_label.setdefault(label, []).append(v)
    return {label: float(np.mean(vs)) for label, vs in per_label.items()}


def _cut_reason(scores: dict[str, float], opts: ClassifierOptions) -> str:
    rules = opts.keep or opts.remove or {}
    shown = ", ".join(f"{label} {scores.get(label, float('nan')):.4g}" for label in rules)
    return f"{'keep' if opts.keep else 'remove'} thresholds {rules}: {shown}"
