"""A tokenize run: resolve inputs, plan shards, run one task a shard, write ``tokens.json``.

It reuses the pipeline's run machinery: input resolution and shard planning
(:mod:`tamis.run.plan`: inputs sorted by path, big files cut into record ranges, never by the
worker count), the output guard and run fingerprint (:func:`tamis.run.driver.prepare_output`),
atomic writes and the executors (in-process, process pool, Ray), which run a
:class:`~tamis.tokenize.task.TokenizeTask` like any other task. A run started again on the same
DIR with the same inputs, tokenizer and options resumes: shards with a marker are skipped, the
rest redone, and the files are byte-identical to an uninterrupted run's.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from tamis import __version__
from tamis.config import ConfigError
from tamis.run.driver import dump_json, prepare_output
from tamis.run.plan import Shard, input_fingerprint, plan_shards, resolve_inputs
from tamis.run.worker import atomic_write, work_dir
from tamis.tokenize.counts import tokens_document
from tamis.tokenize.formats import FORMATS
from tamis.tokenize.progress import TokenProgress
from tamis.tokenize.task import TokenizeTask, marker_path, tokenizer_for
from tamis.tokenize.tokenizer import file_sha256, open_tokenizer, resolve_framing, token_dtype

EXECUTORS = ("local", "inprocess", "ray")


@dataclass
class TokenizeOptions:
    inputs: list[str]
    output: str
    tokenizer: str
    format: str = "megatron"
    text_field: str = "text"
    eos: str | None = None  # None: the tokenizer's own end-of-text token; "": none
    bos: str | None = None
    shard_tokens: int | None = None
    workers: int | None = None
    executor: str = "local"
    ray_address: str | None = None
    shard_size_mb: float = 64.0
    overwrite: bool = False


@dataclass
class TokenizeResult:
    out_dir: Path
    tokens: dict[str, Any]
    seconds: float
    resumed_tasks: int


def clean_outputs_to_kept(paths: list[str]) -> list[str]:
    """An output folder of ``tamis clean`` stands for its ``kept/`` documents."""
    out = []
    for p in paths:
        if (
            os.path.isdir(p)
            and (Path(p) / "manifest.json").is_file()
            and (Path(p) / "kept").is_dir()
        ):
            out.append(str(Path(p) / "kept"))
        else:
            out.append(p)
    return out


def _check_options(opts: TokenizeOptions) -> None:
    if opts.format not in FORMATS:
        raise ConfigError(f"format: {opts.format!r} is not one of: {', '.join(FORMATS)}")
    if opts.executor not in EXECUTORS:
        raise ConfigError(f"executor: {opts.executor!r} is not one of: {', '.join(EXECUTORS)}")
    if opts.shard_tokens is not None and opts.shard_tokens < 1:
        raise ConfigError("shard_tokens: must be a positive number of tokens")
    if opts.workers is not None and opts.workers < 1:
        raise ConfigError("workers: must be at least 1")
    if opts.executor == "ray":
        from tamis.run.ray_executor import import_ray

        import_ray()  # says how to install it, before the output is touched


def _guard_output(out: Path, inputs: list[str]) -> None:
    """Output and inputs never overlap: a rerun would read the output (``tokens.json`` is
    JSON), and ``--overwrite`` would delete inputs."""
    root = out.resolve()
    for given in inputs:
        p = Path(given).resolve()
        if p == root or p in root.parents or root in p.parents:
            raise ConfigError(
                f"output {out} overlaps the input {given}; choose an output folder outside "
                "the inputs"
            )


def plan_run(opts: TokenizeOptions) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """(task settings, tokens.json header, input files): everything checked before any work."""
    _check_options(opts)
    inputs = clean_outputs_to_kept(opts.inputs)
    _guard_output(Path(opts.output), inputs)
    files, _ignored = resolve_inputs(inputs)
    path = os.path.abspath(opts.tokenizer)
    if not os.path.isfile(path):
        open_tokenizer(path)  # says what is missing
    sha = file_sha256(path)
    tok = tokenizer_for(path, sha)  # loaded once: an in-process run's tasks use it too
    framing = resolve_framing(tok, opts.eos, opts.bos)
    dtype = token_dtype(tok.vocab_size, opts.format)
    settings = {
        "tokenizer": path,
        "tokenizer_name": Path(path).name,
        "sha256": sha,
        "bos_id": framing.bos_id,
        "eos_id": framing.eos_id,
        "dtype": dtype,
        "format": opts.format,
        "text_field": opts.text_field,
        "id_field": "id",
        "max_record_bytes": 50_000_000,
        "shard_tokens": opts.shard_tokens,
    }
    header = {
        "tamis": __version__,
        "tokenizer": {
            "path": opts.tokenizer,
            "kind": tok.kind,
            "sha256": sha,
            "vocab_size": tok.vocab_size,
            **framing.to_dict(),
        },
        "format": opts.format,
        "dtype": dtype,
        "text_field": opts.text_field,
        "shard_tokens": opts.shard_tokens,
    }
    return settings, header, files


def _executor(opts: TokenizeOptions, workers: int, progress: TokenProgress) -> Any:
    from tamis.run.executors import InProcessExecutor, LocalExecutor, make_queue

    if opts.executor == "ray":
        from tamis.run.ray_executor import RayExecutor

        return RayExecutor(workers, opts.ray_address, progress.message)
    if opts.executor == "inprocess" or workers == 1:
        return InProcessExecutor(progress.message)
    q = make_queue()
    progress.listen(q)
    return LocalExecutor(workers, q)


def run_tokenize(opts: TokenizeOptions, show_progress: bool = False) -> TokenizeResult:
    t0 = time.perf_counter()
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    settings, header, files = plan_run(opts)
    out = Path(opts.output)
    fingerprint = {
        "job": "tokenize",
        "tamis": __version__,
        "settings": {k: v for k, v in settings.items() if k != "tokenizer"},
        "inputs": input_fingerprint(files),
    }
    plan_file = work_dir(out) / "tokenize-plan.json"
    resuming = prepare_output(out, fingerprint, opts.overwrite)
    if resuming and plan_file.exists():
        shards = [Shard(**s) for s in orjson.loads(plan_file.read_bytes())]
    else:
        shards = plan_shards(files, opts.shard_size_mb)
        atomic_write(plan_file, orjson.dumps([s.to_dict() for s in shards]))
    (out / "tokens.json").unlink(missing_ok=True)  # written again when every shard is done

    workers = min(opts.workers or os.cpu_count() or 1, max(1, len(shards)))
    todo = [s for s in shards if not marker_path(out, s.ordinal).exists()]
    progress = TokenProgress(show_progress)
    executor = _executor(opts, workers, progress)
    progress.start(len(shards), len(shards) - len(todo))
    try:
        for _ in executor.run(TokenizeTask(str(out), settings, s.to_dict()) for s in todo):
            progress.shard_done()
    finally:
        executor.close()
        progress.stop()

    markers = [orjson.loads(marker_path(out, s.ordinal).read_bytes()) for s in shards]
    for stale in out.glob("part-*.tmp"):
        stale.unlink()
    doc = tokens_document(header, files, shards, markers)
    atomic_write(out / "tokens.json", dump_json(doc))
    seconds = time.perf_counter() - t0
    tokens = doc["total"]["tokens"]
    atomic_write(
        out / "run.json",
        dump_json(
            {
                "started": started,
                "seconds": round(seconds, 3),
                "workers": workers,
                "executor": opts.executor,
                "resumed_tasks": len(shards) - len(todo),
                "tokens_per_second": round(tokens / seconds, 1) if seconds else None,
                "task_seconds": {f"{m['shard']:05d}": m["seconds"] for m in markers},
            }
        ),
    )
    return TokenizeResult(out, doc, seconds, len(shards) - len(todo))
