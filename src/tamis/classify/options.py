"""The ``classifier`` stage's options and its decision, shared by the stage and ``rethreshold``.

The decision is datatrove's ``FastTextClassifierFilter.filter`` for one unit: with ``keep``,
a unit is kept when *any* listed label scores at least its threshold; with ``remove``, it is
dropped when any listed label does; with neither, every unit is kept (the stage only scores).
A label the model did not score counts as -9e9, as in datatrove.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from tamis.stages.base import StageOptions

MISSING_SCORE = -9e9


class ClassifierOptions(StageOptions):
    model: str | None = Field(
        None, description="path of a fastText .bin (or .ftz) model; required, read locally"
    )
    keep: dict[str, float] | None = Field(
        None, description="keep when any of these labels (without __label__) scores >= its value"
    )
    remove: dict[str, float] | None = Field(
        None, description="reject when any of these labels scores >= its value"
    )
    newline: str = Field(
        "", description="what a line break becomes before predicting (datatrove's default: '')"
    )
    unit: Literal["document", "paragraph", "sentence"] = Field(
        "document",
        description="score the document, or each paragraph / sentence and drop those that fail",
    )
    mode: Literal["filter", "annotate"] = Field(
        "filter", description="filter: reject (or cut) what fails; annotate: only store scores"
    )
    batch: bool = Field(
        True, description="predict a whole batch in one call (same scores, less overhead)"
    )

    @field_validator("newline")
    @classmethod
    def _one_line(cls, v: str) -> str:
        if "\n" in v:
            raise ValueError("must not contain a line break (fastText predicts one line)")
        return v

    @model_validator(mode="after")
    def _one_rule(self) -> ClassifierOptions:
        if self.keep and self.remove:
            raise ValueError("give keep or remove, not both (use two classifier stages)")
        return self


#: Options that change what is measured: ``rethreshold`` refuses to change them.
MEASUREMENT_OPTIONS = frozenset({"model", "newline", "unit"})


def unit_passes(scores: dict[str, float], opts: ClassifierOptions) -> bool:
    """datatrove's ``check_label_scores``: ``scores`` maps bare label names to probabilities."""
    if opts.keep:
        return any(scores.get(label, MISSING_SCORE) >= t for label, t in opts.keep.items())
    return not opts.remove or not any(
        scores.get(label, MISSING_SCORE) >= t for label, t in opts.remove.items()
    )


def failures(scores: dict[str, Any], opts: ClassifierOptions) -> list[dict[str, Any]]:
    """Why a document (scored as one unit) fails: ``{"rule", "value", "threshold"}`` per label.

    With ``keep`` every listed label missed its threshold, and all are listed; with ``remove``
    the labels that reached theirs. Empty means keep. The reason is ``keep_threshold`` or
    ``remove_threshold`` (:func:`reason`).
    """
    if opts.mode != "filter" or unit_passes(scores, opts):
        return []
    if opts.keep:
        return [
            {"rule": label, "value": scores.get(label), "threshold": t}
            for label, t in opts.keep.items()
        ]
    return [
        {"rule": label, "value": scores.get(label), "threshold": t}
        for label, t in (opts.remove or {}).items()
        if scores.get(label, MISSING_SCORE) >= t
    ]


def reason(opts: ClassifierOptions) -> str:
    return "keep_threshold" if opts.keep else "remove_threshold"
