"""The ``langid`` stage: the language of every document, as signals, and an optional filter.

Signals (``signals["langid"]``): ``lang`` (ISO 639-1, ``un`` when the text has no language),
``score`` (0..1), ``lang2``/``score2`` (the runner-up), ``by`` (which detector decided: ``cld2``,
``langid`` or ``lingua``, see :mod:`tamis.langid.identifier`; ``none`` for text without
letters), and with ``per_paragraph``
also ``paragraphs`` (a list of ``[paragraph index, lang, score]``) and ``shares`` (language ->
share of the judged text).

``mode: filter`` rejects a document whose language is not in ``languages``
(``language_not_allowed``) or whose score is below ``min_score`` (``low_language_score``);
``mode: annotate`` stores the signals and rejects nothing. ``min_score`` defaults to 0: the
score comes from different detectors depending on the text (a share of the text for CLD2, a
probability for the arbiters), so a cut-off is a corpus decision; text with no language at all
is already reported as ``un`` and is caught by ``languages``.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator

from tamis.document import Document
from tamis.io.kinds import JSON
from tamis.langid.sample import DEFAULT_SAMPLE_CHARS
from tamis.stages.base import Stage, StageOptions, register

_CODE = re.compile(r"^[a-z]{2,3}$")


class LangidOptions(StageOptions):
    languages: tuple[str, ...] = Field(
        default=(), description="allowed ISO 639-1 codes (empty: every language is allowed)"
    )
    min_score: float = Field(default=0.0, ge=0.0, le=1.0)
    mode: Literal["filter", "annotate"] = "filter"
    per_paragraph: bool = False
    sample_chars: int = Field(
        default=DEFAULT_SAMPLE_CHARS,
        ge=100,
        description="characters of each document (and paragraph) the detector reads",
    )
    model: str | None = Field(
        default=None,
        description="a local fastText language identifier (GlotLID, lid.176) to use instead "
        "of CLD2 + lingua: the whole text, line breaks as spaces, as datatrove's "
        "LanguageFilter; adds language and language_script (GlotLID's pairs) as FineWeb-2",
    )

    @field_validator("languages", mode="before")
    @classmethod
    def _codes(cls, value: object) -> object:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple):
            return value
        codes = tuple(str(code).strip().lower() for code in value)
        bad = [code for code in codes if not _CODE.match(code)]
        if bad:
            raise ValueError(f"not language codes: {bad}; use ISO 639-1 codes such as 'en', 'de'")
        return codes


@register
class LangidStage(Stage):
    name = "langid"
    Options = LangidOptions
    signals = {
        "lang": str,
        "score": float,
        "lang2": str,
        "score2": float,
        "by": str,
        # with a fastText model: the label's language and script (GlotLID: fra, Latn)
        "language": str,
        "language_script": str,
        # [paragraph index, lang, score] lists and lang -> share: no single type each
        "paragraphs": JSON,
        "shares": JSON,
    }

    @classmethod
    def check_options(cls, options: StageOptions, where: str) -> None:
        if options.model is None:
            return
        from tamis.classify.model import ModelError
        from tamis.langid.fasttext_lid import check_model

        try:
            check_model(options.model)
        except ModelError as exc:
            raise ValueError(f"{where}.model: {exc}") from None
        if options.per_paragraph:
            raise ValueError(f"{where}.per_paragraph: not offered with a fastText model")

    def process_batch(self, docs: list[Document]) -> None:
        from tamis.langid import identify_many
        from tamis.langid.paragraphs import detect_paragraphs

        opts = self.options
        allowed = frozenset(opts.languages)
        if opts.model is not None:
            from tamis.langid.fasttext_lid import FastTextIdentifier

            identifier = FastTextIdentifier(opts.model)
            detections = [identifier.identify(doc.text) for doc in docs]
        else:
            detections = identify_many([doc.text for doc in docs], opts.sample_chars)
        for doc, found in zip(docs, detections, strict=True):
            doc.signal(self.name, **found.as_signals())
            if opts.per_paragraph:
                per = detect_paragraphs(doc.text, opts.sample_chars)
                doc.signal(
                    self.name,
                    paragraphs=[list(p) for p in per.paragraphs],
                    shares=per.shares,
                )
            if opts.mode != "filter":
                continue
            if allowed and found.lang not in allowed:
                doc.reject(
                    self.name,
                    "language_not_allowed",
                    {
                        "lang": found.lang,
                        "score": round(found.score, 4),
                        "allowed": sorted(allowed),
                    },
                )
            elif found.score < opts.min_score:
                doc.reject(
                    self.name,
                    "low_language_score",
                    {
                        "lang": found.lang,
                        "score": round(found.score, 4),
                        "min_score": opts.min_score,
                    },
                )
