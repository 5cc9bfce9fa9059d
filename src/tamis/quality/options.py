"""Options of the four quality stages: datatrove 0.10.x's parameter names and defaults.

The names are datatrove's own (``min_doc_words``, ``dup_line_frac``, ``line_punct_thr``...), so a
datatrove recipe translates key for key, and the defaults are the values its filters ship with
(the published Gopher / C4 / FineWeb settings, quirks included). As in datatrove, a Gopher
quality threshold set to ``null`` or ``0`` switches its rule off, and C4's ``-1`` disables a
count rule.

Options fall in two kinds. *Thresholds* only compare a stored signal with a number, so
``tamis.quality.rethreshold`` can change them on a finished output without recomputing
anything. *Measurement* options change what is measured (which lines C4 keeps, how short a
FineWeb "short line" is, which n-gram sizes are counted); changing one needs a rerun, and
``rethreshold`` says so instead of guessing. :data:`MEASUREMENT_OPTIONS` lists them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from pydantic import Field, field_validator

from tamis.stages.base import StageOptions

Mode = Literal["filter", "annotate"]


class QualityOptions(StageOptions):
    mode: Mode = Field(
        "filter",
        description="filter: reject documents that fail a rule; annotate: only store signals",
    )
    language: str | None = Field(
        None,
        description="language to assume: a FineWeb-2 code (por_Latn), which also brings that "
        "language's FineWeb-2 thresholds, or ISO 639-1/639-3 (pt, por; the script is read from "
        "the text); default: the langid stage's, else English",
    )
    thresholds: str | None = Field(
        None,
        description="thresholds for the options not set here: fineweb2 (FineWeb-2's for the "
        "document's language, shipped with tamis), a directory of FineWeb-2-format files "
        "({iso3}_{Script}.yml), or default (datatrove's); unset: fineweb2 when language is a "
        "FineWeb-2 code, else default",
    )

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str | None) -> str | None:
        if value is None:
            return value
        from tamis.quality.languages import check_language

        return check_language(value)

    @field_validator("thresholds")
    @classmethod
    def _thresholds_source(cls, value: str | None) -> str | None:
        if value is None or value in ("fineweb2", "default"):
            return value
        from tamis.quality.fineweb2 import user_configs

        user_configs(value)  # raises, naming the problem, when the directory is unusable
        return value


class GopherQualityOptions(QualityOptions):
    min_doc_words: int | None = 50
    max_doc_words: int | None = 100000
    min_avg_word_length: float | None = 3
    max_avg_word_length: float | None = 10
    max_symbol_word_ratio: float | None = 0.1
    max_bullet_lines_ratio: float | None = 0.9
    max_ellipsis_lines_ratio: float | None = 0.3
    max_non_alpha_words_ratio: float | None = 0.8
    min_stop_words: int | None = 2
    stop_words_count: Literal["distinct", "occurrences"] = Field(
        "distinct",
        description="distinct: how many different stop words occur (datatrove >= 0.5.0); "
        "occurrences: how many words are stop words (datatrove before 0.5.0)",
    )
    stop_words: list[str] | None = Field(
        None,
        description="stop words for every language (default: the shipped list of the "
        "document's language; English is Gopher's: the be to of and that have with)",
    )


class GopherRepetitionOptions(QualityOptions):
    dup_line_frac: float | None = 0.3
    dup_para_frac: float | None = 0.3
    dup_line_char_frac: float | None = 0.2
    dup_para_char_frac: float | None = 0.2
    top_n_grams: list[tuple[int, float]] = [(2, 0.2), (3, 0.18), (4, 0.16)]
    dup_n_grams: list[tuple[int, float]] = [
        (5, 0.15),
        (6, 0.14),
        (7, 0.13),
        (8, 0.12),
        (9, 0.11),
        (10, 0.10),
    ]


class C4Options(QualityOptions):
    split_paragraph: Literal[True] = Field(
        True,
        description="C4 judges lines (split on line breaks); sentence mode is not offered",
    )
    remove_citations: bool = True
    filter_no_terminal_punct: bool = True
    min_num_sentences: int = 5
    min_words_per_line: int = 3
    max_word_length: int = 1000
    filter_lorem_ipsum: bool = True
    filter_javascript: bool = True
    filter_curly_bracket: bool = True
    filter_policy: bool = True
    edit_lines: bool = Field(
        True,
        description="in filter mode, remove the lines C4 drops from kept documents, as "
        "recorded edits (datatrove rewrites the text the same way, without a record)",
    )


class FineWebOptions(QualityOptions):
    line_punct_thr: float = 0.12
    line_punct_exclude_zero: bool = False
    stop_chars: list[str] | None = Field(
        None, description="line-ending marks (default: datatrove's TERMINAL_PUNCTUATION)"
    )
    short_line_thr: float = 0.67
    short_line_length: int = 30
    char_duplicates_ratio: float = 0.01
    new_line_ratio: float = 0.3


OPTIONS: dict[str, type[QualityOptions]] = {
    "gopher_quality": GopherQualityOptions,
    "gopher_repetition": GopherRepetitionOptions,
    "c4": C4Options,
    "fineweb": FineWebOptions,
}

#: Options that change what a stage measures: changing them needs recomputation.
MEASUREMENT_OPTIONS: dict[str, frozenset[str]] = {
    "gopher_quality": frozenset({"stop_words", "language", "thresholds", "stop_words_count"}),
    "gopher_repetition": frozenset({"language"}),
    "c4": frozenset(
        {
            "language",
            "split_paragraph",
            "remove_citations",
            "filter_no_terminal_punct",
            "min_words_per_line",
            "max_word_length",
            "filter_javascript",
            "filter_policy",
            "edit_lines",
        }
    ),
    "fineweb": frozenset({"language", "stop_chars", "short_line_length"}),
}


def options_for(stage: str, options: QualityOptions | dict | None) -> QualityOptions:
    """Validated options of ``stage`` from a model, a (partial) dict or None (defaults)."""
    model = OPTIONS[stage]
    if options is None:
        return model()
    if isinstance(options, model):
        return options
    if isinstance(options, QualityOptions):
        options = options.model_dump()
    return model.model_validate(options)


def once_per_options(
    cache: dict[tuple[int, Any], tuple[Any, Any]],
    opts: Any,
    key: Any,
    build: Callable[..., Any],
    *args: Any,
) -> Any:
    """``build(opts, *args)``, made once per options object and ``key``: a stage asks with the
    same few options objects for every document, so what it derives from them (the rules they
    switch on, a list option made a set) is read once, then looked up. ``cache`` holds the
    options too, which keeps their id from being reused; options built per call (rethreshold
    from dicts) fill it, and it starts over past 256 entries."""
    hit = cache.get((id(opts), key))
    if hit is not None and hit[0] is opts:
        return hit[1]
    value = build(opts, *args)
    if len(cache) > 256:
        cache.clear()
    cache[(id(opts), key)] = (opts, value)
    return value
