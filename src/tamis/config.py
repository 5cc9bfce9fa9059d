"""Pipeline configuration: typed, validated before any work starts, with errors that say how to fix them.

A pipeline file is YAML. ``stages`` is an ordered list whose items are one-key mappings, stage
name to options (``- repair: {}``), so a new stage never needs a change here. Every error names
the key (``stages[2].gopher_quality.min_doc_words``) and what is allowed.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tamis.stages.base import StageOptions, stage_class


class ConfigError(Exception):
    """Bad configuration: the message names the key and what is allowed."""


class RunConfig(BaseModel):
    """Everything but the stages. Keys here are the pipeline file's top-level keys."""

    model_config = ConfigDict(extra="forbid")

    inputs: list[str] = Field(default_factory=list)
    output: str | None = None
    output_format: Literal["jsonl", "jsonl.gz", "jsonl.zst", "parquet"] = "jsonl.zst"
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    executor: Literal["local", "inprocess", "ray"] = "local"
    ray_address: str | None = None
    text_field: str = "text"
    id_field: str = "id"
    max_record_bytes: int = Field(default=50_000_000, ge=1)
    shard_size_mb: float = Field(default=64.0, gt=0)
    batch_size: int = Field(default=256, ge=1)
    report: bool = True  # write OUT/report.html at the end of the run
    # per-scheme fsspec options for URLs ({"s3": {"endpoint_url": ...}}); never written out
    storage_options: dict[str, dict[str, Any]] = Field(default_factory=dict)


class PipelineConfig:
    """A validated run configuration plus its ordered, validated stages."""

    def __init__(self, run: RunConfig, stages: list[tuple[str, StageOptions]]) -> None:
        self.run = run
        self.stages = stages

    def stage_dicts(self) -> list[dict[str, Any]]:
        return [{name: opts.model_dump(mode="json")} for name, opts in self.stages]

    def resolved(self) -> dict[str, Any]:
        """The full configuration with every default filled in (what the run really used)."""
        data = self.run.model_dump(mode="json")
        data["stages"] = self.stage_dicts()
        return data

    def fingerprint_dict(self) -> dict[str, Any]:
        """What determines the output: excludes workers and executor, which must not matter."""
        data = self.resolved()
        for key in ("workers", "executor", "ray_address", "inputs", "output", "report"):
            data.pop(key)
        data.pop("storage_options")  # where bytes live (and credentials) change no output
        return data

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.resolved(), sort_keys=False, allow_unicode=True)


def _loc(prefix: str, loc: tuple[Any, ...]) -> str:
    out = prefix
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _explain(exc: ValidationError, model: type[BaseModel], prefix: str) -> str:
    allowed = ", ".join(sorted(model.model_fields))
    lines = []
    for err in exc.errors():
        where = _loc(prefix, err["loc"])
        if err["type"] == "extra_forbidden":
            lines.append(f"{where}: unknown key; allowed: {allowed or '(no options)'}")
        else:
            got = err.get("input")
            got_s = "" if isinstance(got, dict) else f" (got {got!r})"
            lines.append(f"{where}: {err['msg']}{got_s}")
    return "\n".join(lines)


def parse_stage_item(item: Any, where: str) -> tuple[str, StageOptions]:
    if isinstance(item, str):
        name, options = item, {}
    elif isinstance(item, dict) and len(item) == 1:
        ((name, options),) = item.items()
        options = {} if options is None else options
    else:
        raise ConfigError(
            f"{where}: each stage must be a mapping of one stage name to its options "
            f"(for example '- repair: {{}}'), got {item!r}"
        )
    try:
        cls = stage_class(name)
    except KeyError as exc:
        raise ConfigError(f"{where}: {exc.args[0]}") from None
    if not isinstance(options, dict):
        raise ConfigError(f"{where}.{name}: options must be a mapping, got {options!r}")
    _check_keys(options, f"{where}.{name}.")
    try:
        return name, cls.Options(**options)
    except ValidationError as exc:
        raise ConfigError(_explain(exc, cls.Options, f"{where}.{name}")) from None


def _check_keys(mapping: dict[Any, Any], prefix: str) -> None:
    """Option names are text; YAML also allows numbers, booleans and null (``? x``) as keys."""
    for key in mapping:
        if not isinstance(key, str):
            raise ConfigError(
                f"{prefix}{key!r}: an option name must be text, not {type(key).__name__}"
            )


def build_config(data: dict[str, Any]) -> PipelineConfig:
    if not isinstance(data, dict):
        raise ConfigError(
            f"a pipeline file must be a mapping at the top, got {type(data).__name__}"
        )
    _check_keys(data, "")
    data = dict(data)
    stages_raw = data.pop("stages", [])
    if not isinstance(stages_raw, list):
        raise ConfigError("stages: must be a list of '- name: {options}' items")
    try:
        run = RunConfig(**data)
    except ValidationError as exc:
        raise ConfigError(_explain(exc, RunConfig, "")) from None
    stages = [parse_stage_item(item, f"stages[{i}]") for i, item in enumerate(stages_raw)]
    for i, (name, opts) in enumerate(stages):
        try:
            stage_class(name).check_options(opts, f"stages[{i}].{name}")
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
    names = [n for n, _ in stages]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ConfigError(f"stages: {', '.join(dup)} listed more than once")
    return PipelineConfig(run, stages)


def load_yaml(path: str | Path) -> dict[str, Any]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read configuration {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8"
        ) from None
    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        # a YAML error spans several lines; a bad date (2024-13-01) is a ValueError
        raise ConfigError(f"{path}: not valid YAML: {' '.join(str(exc).split())}") from None
    return {} if data is None else data


RECIPES = ("default", "fineweb2")


def recipe_data(name: str) -> dict[str, Any]:
    if name not in RECIPES:
        raise ConfigError(f"unknown recipe {name!r}; allowed: {', '.join(RECIPES)}")
    text = resources.files("tamis.recipes").joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def load_config(
    path: str | Path | None = None,
    stages_csv: str | None = None,
    overrides: dict[str, Any] | None = None,
    dedup_index: str | Path | None = None,
) -> PipelineConfig:
    """The configuration of a run: a file (or the default recipe), ``--stages``, then CLI flags.

    ``--stages a,b`` keeps only the named stages, in that order, with their default options.
    """
    data = load_yaml(path) if path else recipe_data("default")
    if not isinstance(data, dict):
        raise ConfigError(
            f"{path}: a pipeline file must be a mapping at the top, got {type(data).__name__}"
        )
    if stages_csv is not None:
        names = [s.strip() for s in stages_csv.split(",") if s.strip()]
        data["stages"] = [{n: {}} for n in names]
        for i, n in enumerate(names):
            parse_stage_item({n: {}}, f"--stages[{i}]")
    for key, value in (overrides or {}).items():
        if value is not None:
            data[key] = value
    cfg = build_config(data)
    if dedup_index is not None:
        cfg = with_dedup_index(cfg, _local_index(str(dedup_index), cfg))
    return cfg


def _local_index(given: str, cfg: PipelineConfig) -> Path:
    """``--dedup-index`` as a local folder: a URL's indexes are fetched to a cache folder named
    after the URL (the merge reads them with memory maps, which need local files)."""
    from tamis.io import storage

    if not storage.is_url(given):
        return Path(given)
    import xxhash

    from tamis.run.outstore import scratch_root

    storage.set_options(cfg.run.storage_options)
    storage.check_reachable(given)
    local = scratch_root() / "dedup-index" / xxhash.xxh3_64_hexdigest(given.encode())
    for name in INDEXED_STAGES:
        for sub in (f"dedup-index/{name}", name):
            url = str(storage.join(given, sub))
            if storage.isdir(url):
                storage.fetch_tree(url, local / "dedup-index" / name)
                break
    return local


INDEXED_STAGES = ("exact_dedup", "minhash_dedup", "rewrite_dedup")


def with_dedup_index(cfg: PipelineConfig, path: Path) -> PipelineConfig:
    """Point the deduplication stages at a previous run's index (``--dedup-index``).

    ``path`` is a previous output directory, or its ``dedup-index`` folder; each stage takes
    the index written under its own name.
    """
    stages = []
    found = []
    for name, opts in cfg.stages:
        if name in INDEXED_STAGES:
            for cand in (path / "dedup-index" / name, path / name):
                if cand.is_dir():
                    opts = opts.model_copy(update={"index": cand})
                    found.append(name)
                    break
        stages.append((name, opts))
    if not found:
        wanted = [n for n, _ in cfg.stages if n in INDEXED_STAGES]
        raise ConfigError(
            f"--dedup-index {path}: no index for "
            + (
                ", ".join(wanted)
                if wanted
                else "any stage (the pipeline has none of " + ", ".join(INDEXED_STAGES) + ")"
            )
            + f"; expected {path}/dedup-index/<stage>/ as written by an earlier run"
        )
    return PipelineConfig(cfg.run, stages)
