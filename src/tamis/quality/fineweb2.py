"""FineWeb-2's per-language thresholds, and the options a stage uses for one document's language.

FineWeb-2 (huggingface/fineweb-2) runs datatrove's Gopher repetition, FineWeb quality and Gopher
quality filters per language with one YAML file of thresholds each
(``configs/{iso3}_{Script}.yml``: ``dup_line_frac``, ``top_n_grams``, ``dup_n_grams``,
``line_punct_thr``, ``new_line_ratio``, ``min/max_avg_word_length``,
``max_non_alpha_words_ratio``, ``stopwords``, ``language_score``) and fixed settings in its
``fineweb-2-pipeline.py`` (:data:`FIXED`). The configs are published under the Open Data Commons
Attribution License (ODC-By), as FineWeb-2 itself; tamis ships the ones listed in
``data/fineweb2/thresholds.json`` (source, commit and licence recorded there; built by
``python -m tamis.quality.fineweb2_build CONFIGS_DIR``), and reads a user's own directory of
files in the same format for any other language (``thresholds: path/to/configs``).

:class:`OptionsByLanguage` gives the options a stage applies to a document: every option the
user set to a value other than its default stays as set; the others come from the language's FineWeb-2 config and FineWeb-2's fixed
settings when FineWeb-2 thresholds are asked for (``thresholds: fineweb2`` or a directory, or a
``language`` given as a FineWeb-2 code such as ``por_Latn``), else from the stage's defaults.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from tamis.quality.languages import DATA, is_pair, iso639_1

SHIPPED = DATA / "fineweb2" / "thresholds.json"

#: config key -> (stage, option) it sets.
CONFIG_KEYS: dict[str, tuple[str, str]] = {
    "dup_line_frac": ("gopher_repetition", "dup_line_frac"),
    "top_n_grams": ("gopher_repetition", "top_n_grams"),
    "dup_n_grams": ("gopher_repetition", "dup_n_grams"),
    "line_punct_thr": ("fineweb", "line_punct_thr"),
    "new_line_ratio": ("fineweb", "new_line_ratio"),
    "max_avg_word_length": ("gopher_quality", "max_avg_word_length"),
    "min_avg_word_length": ("gopher_quality", "min_avg_word_length"),
    "max_non_alpha_words_ratio": ("gopher_quality", "max_non_alpha_words_ratio"),
    "stopwords": ("gopher_quality", "stop_words"),
}

#: FineWeb-2's fixed settings (fineweb-2-pipeline.py), the same for every language.
FIXED: dict[str, dict[str, Any]] = {
    "gopher_repetition": {"dup_para_frac": 0, "dup_line_char_frac": 0, "dup_para_char_frac": 0},
    "fineweb": {"short_line_thr": 999, "char_duplicates_ratio": 0.1},
    "gopher_quality": {"min_stop_words": 2},
}


class ThresholdsError(ValueError):
    """A thresholds directory or file that cannot be used."""


@cache
def shipped() -> dict[str, Any]:
    """The shipped file: ``{"source": ..., "licence": ..., "configs": {pair: config}}``."""
    return json.loads(SHIPPED.read_text(encoding="utf-8"))


def shipped_pairs() -> list[str]:
    return sorted(shipped()["configs"])


def parse_config(text: str, where: str) -> dict[str, Any]:
    """One FineWeb-2 config file's values, checked (unknown keys are kept but unused)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ThresholdsError(f"{where}: not YAML ({exc.__class__.__name__})") from None
    if not isinstance(data, dict):
        raise ThresholdsError(f"{where}: expected a mapping of FineWeb-2 thresholds")
    for key in ("top_n_grams", "dup_n_grams"):
        if key in data and not all(
            isinstance(p, list | tuple) and len(p) == 2 for p in data[key] or ()
        ):
            raise ThresholdsError(f"{where}: {key} must be a list of [n, fraction] pairs")
    if "stopwords" in data and not isinstance(data["stopwords"], list):
        raise ThresholdsError(f"{where}: stopwords must be a list of words")
    return data


@cache
def user_configs(directory: str) -> dict[str, dict[str, Any]]:
    """Every ``{iso3}_{Script}.yml`` (or ``.yaml``) of a user's directory, parsed once."""
    root = Path(directory)
    if not root.is_dir():
        raise ThresholdsError(f"{directory}: not a directory of FineWeb-2 threshold files")
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(root.iterdir()):
        if path.suffix in (".yml", ".yaml") and is_pair(path.stem):
            out[path.stem] = parse_config(path.read_text(encoding="utf-8"), str(path))
    if not out:
        raise ThresholdsError(
            f"{directory}: no FineWeb-2 threshold files (named like por_Latn.yml) in it"
        )
    return out


def config_for(pair: str | None, source: str) -> dict[str, Any] | None:
    """The FineWeb-2 config of ``pair`` from ``source`` ("fineweb2": the shipped ones; else a
    directory, which wins over the shipped ones for the languages it holds)."""
    if not pair:
        return None
    if source != "fineweb2":
        found = user_configs(source).get(pair)
        if found is not None:
            return found
    found = shipped()["configs"].get(pair)
    if found is None:  # another ISO 639-3 code of the same language and script (fas/pes)
        code_1, script = iso639_1(pair), pair.rsplit("_", 1)[-1]
        for other, config in shipped()["configs"].items():
            if other.endswith("_" + script) and iso639_1(other) == code_1 != other[:3]:
                return config
    return found


def thresholds_source(options: Any) -> str | None:
    """Where a stage's FineWeb-2 thresholds come from, or None for datatrove's defaults."""
    if options.thresholds:
        return None if options.thresholds == "default" else options.thresholds
    if options.language and is_pair(options.language):
        return "fineweb2"
    return None


def overrides(stage: str, config: dict[str, Any]) -> dict[str, Any]:
    """The options of ``stage`` that FineWeb-2 sets: its fixed settings and the config's."""
    out = dict(FIXED.get(stage, {}))
    for key, (target, option) in CONFIG_KEYS.items():
        if target == stage and key in config:
            value = config[key]
            out[option] = [tuple(p) for p in value] if key.endswith("_grams") else value
    return out


class OptionsByLanguage:
    """The options of one stage for each document language (memoised per language)."""

    def __init__(self, stage: str, options: Any) -> None:
        self.stage = stage
        self.options = options
        self.source = thresholds_source(options)
        # "Set by the user" is "not at its default": a resolved configuration (a manifest,
        # `tamis recipe show`) names every option, and must still take FineWeb-2's values.
        defaults = type(options)()
        self._set = {
            name
            for name in type(options).model_fields
            if getattr(options, name) != getattr(defaults, name)
        }
        self._cache: dict[str | None, tuple[Any, str | None]] = {}

    def __call__(self, pair: str | None) -> tuple[Any, str | None]:
        """(options for a document in ``pair``, which thresholds: "fineweb2", "user", or None
        when the stage's own options apply)."""
        hit = self._cache.get(pair)
        if hit is None:
            hit = self._cache[pair] = self._resolve(pair)
        return hit

    def _resolve(self, pair: str | None) -> tuple[Any, str | None]:
        if self.source is None:
            return self.options, None
        config = config_for(pair, self.source)
        if config is None:
            return self.options, None
        update = {k: v for k, v in overrides(self.stage, config).items() if k not in self._set}
        if not update:
            return self.options, "fineweb2"
        merged = self.options.model_copy(update=update)
        shipped_config = shipped()["configs"].get(pair or "")
        used = "fineweb2" if self.source == "fineweb2" or config is shipped_config else "user"
        return merged, used
