"""The driver: plans a run, runs its phases on an executor, merges global state, writes the manifest.

A run is identified by a fingerprint of its output-determining configuration and its inputs
(sizes and modification times). Starting a run on an output directory that holds an unfinished
run with the same fingerprint resumes it: tasks whose marker exists are skipped, the rest are
redone from their inputs. ``manifest.json`` and ``stats.json`` hold no timings and no worker
counts, so they too are byte-identical across worker counts and resumed runs; timings go to
``run.json``.
"""

from __future__ import annotations

import pickle
import queue
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import orjson

from tamis import __version__
from tamis.config import ConfigError, PipelineConfig
from tamis.io.output import file_checksum
from tamis.io.settle import SCHEMA_FILE, prepare_settle, write_provisional
from tamis.pipeline import Pipeline, Stats
from tamis.run.executors import InProcessExecutor, LocalExecutor, make_queue
from tamis.run.plan import Shard, input_fingerprint, plan_shards, resolve_inputs
from tamis.run.worker import (
    SETTLE_PHASE,
    Task,
    atomic_write,
    decision_path,
    marker_path,
    read_options,
    spill_path,
    state_path,
    work_dir,
)

DEDUP_STAGES = ("exact_dedup", "minhash_dedup", "line_dedup")
VERSIONED = ("orjson", "zstandard", "pyarrow", "xxhash", "pydantic", "numpy", "ftfy")


def dump_json(data: Any) -> bytes:
    return orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n"


def package_versions() -> dict[str, str]:
    out = {"python": sys.version.split()[0], "tamis": __version__}
    for name in VERSIONED:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "absent"
    return out


@dataclass
class RunResult:
    out_dir: Path
    stats: Stats
    manifest: dict[str, Any]
    seconds: float
    resumed_tasks: int = 0
    ignored: list[str] = field(default_factory=list)


def _same_run(out: Path, fingerprint: dict[str, Any]) -> bool:
    fp_file = work_dir(out) / "fingerprint.json"
    return fp_file.exists() and orjson.loads(fp_file.read_bytes()) == fingerprint


def prepare_output(out: Path, fingerprint: dict[str, Any], overwrite: bool) -> bool:
    """Make ``out`` ready; returns True when resuming a run with the same fingerprint."""
    fp_file = work_dir(out) / "fingerprint.json"
    if out.exists() and any(out.iterdir()):
        if _same_run(out, fingerprint) and not overwrite:
            return True
        looks_ours = fp_file.exists() or (out / "manifest.json").exists()
        if not overwrite:
            raise ConfigError(
                f"output {out} already holds "
                + ("a different run" if looks_ours else "other files")
                + "; pass --overwrite to replace it, or choose another directory"
            )
        if not looks_ours:
            raise ConfigError(
                f"output {out} is not empty and does not look like a tamis output; "
                "refusing to delete it even with --overwrite"
            )
        shutil.rmtree(out)
    work_dir(out).mkdir(parents=True, exist_ok=True)
    atomic_write(fp_file, orjson.dumps(fingerprint))
    return False


class _Progress:
    """A rich progress display fed by worker messages; silent when not on a terminal."""

    def __init__(self, enabled: bool, n_phases: int) -> None:
        self.enabled = enabled
        self.docs = 0
        self.chars = 0
        self.t0 = time.perf_counter()
        self._stop = threading.Event()
        self.queue: Any = None
        if not enabled:
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("shards"),
            TextColumn("{task.fields[docs]:>10,} docs"),
            TextColumn("{task.fields[rate]:>7.1f} MB/s"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            transient=False,
        )
        self.tasks: dict[int, Any] = {}
        self.n_phases = n_phases

    def start_phase(self, phase: int, total: int, done: int) -> None:
        if not self.enabled:
            return
        if not self.tasks:
            self.progress.start()
        label = f"phase {phase + 1}/{self.n_phases}" if self.n_phases > 1 else "cleaning"
        self.tasks[phase] = self.progress.add_task(
            label, total=total, completed=done, docs=0, rate=0.0
        )
        self._t_phase = time.perf_counter()
        self._chars_phase = 0
        self.docs = 0

    def message(self, msg: tuple) -> None:
        phase, docs, chars = msg
        if not self.enabled or phase not in self.tasks:
            return
        self.docs += docs
        self._chars_phase += chars
        elapsed = max(time.perf_counter() - self._t_phase, 1e-6)
        self.progress.update(
            self.tasks[phase], docs=self.docs, rate=self._chars_phase / elapsed / 1e6
        )

    def shard_done(self, phase: int) -> None:
        if self.enabled:
            self.progress.advance(self.tasks[phase])

    def listen(self, q: Any) -> None:
        """Drain a multiprocessing queue in a thread until stopped."""
        self.queue = q

        def loop() -> None:
            while not self._stop.is_set():
                try:
                    self.message(q.get(timeout=0.2))
                except queue.Empty:
                    continue
                except (EOFError, OSError):
                    return

        self._thread = threading.Thread(target=loop, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self.queue is not None:
            self._thread.join(timeout=2)
        if self.enabled and self.tasks:
            self.progress.stop()


def _merge_states(out: Path, phase: int, shards: list[Shard]) -> Iterator[Any]:
    for s in shards:
        with open(state_path(out, phase, s.ordinal), "rb") as fh:
            yield pickle.load(fh)


def run_pipeline(
    cfg: PipelineConfig, overwrite: bool = False, show_progress: bool = False
) -> RunResult:
    t0 = time.perf_counter()
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    if not cfg.run.output:
        raise ConfigError("output: no output directory given (-o OUT, or 'output:' in the file)")
    out = Path(cfg.run.output)
    files, ignored = resolve_inputs(cfg.run.inputs)
    pipeline = Pipeline(cfg)
    fingerprint = {
        "tamis": __version__,
        "config": cfg.fingerprint_dict(),
        "inputs": input_fingerprint(files),
    }
    # everything that can fail on bad input or configuration happens before OUT is touched
    plan_file = work_dir(out) / "plan.json"
    if not overwrite and _same_run(out, fingerprint) and plan_file.exists():
        shards = [Shard(**s) for s in orjson.loads(plan_file.read_bytes())]
    else:
        shards = plan_shards(files, cfg.run.shard_size_mb)
    resolved = cfg.resolved()
    workers = min(cfg.run.workers, max(1, len(shards)))
    progress = _Progress(show_progress, len(pipeline.phases))
    callback = progress.message if show_progress else None
    if cfg.run.executor == "ray":
        from tamis.run.ray_executor import RayExecutor

        executor: Any = RayExecutor(cfg.run.workers, cfg.run.ray_address, callback)
    elif cfg.run.executor == "inprocess" or workers == 1:
        executor = InProcessExecutor(callback)
    else:
        q = make_queue() if show_progress else None
        executor = LocalExecutor(workers, q)
        if q is not None:
            progress.listen(q)
    try:
        resuming = prepare_output(out, fingerprint, overwrite)
    except BaseException:
        executor.close()
        progress.stop()
        raise
    if not resuming or not plan_file.exists():
        atomic_write(plan_file, orjson.dumps([s.to_dict() for s in shards]))
    write_provisional(out, files, read_options(cfg))  # fields every record gets (io/settle.py)

    skipped_tasks = 0
    try:
        for phase in pipeline.phases:
            todo = [s for s in shards if not marker_path(out, phase.index, s.ordinal).exists()]
            skipped_tasks += len(shards) - len(todo)
            progress.start_phase(phase.index, len(shards), len(shards) - len(todo))
            tasks = (Task(str(out), resolved, phase.index, s.to_dict()) for s in todo)
            for _ in executor.run(tasks):
                progress.shard_done(phase.index)
            if phase.observe is not None and not decision_path(out, phase.index).exists():
                mdir = work_dir(out) / f"phase{phase.index}" / "merge"
                if mdir.exists():
                    shutil.rmtree(mdir)
                mdir.mkdir(parents=True)
                decision = phase.observe.merge(_merge_states(out, phase.index, shards), mdir)
                summary = phase.observe.summary(decision)
                atomic_write(
                    work_dir(out) / f"phase{phase.index}" / "summary.json", orjson.dumps(summary)
                )
                atomic_write(decision_path(out, phase.index), pickle.dumps(decision, protocol=5))
        # the record schema is settled once every shard is written (tamis.io.settle)
        unsettled = prepare_settle(
            out, pipeline.phases[-1].index, pipeline.signal_kinds(), shards, cfg.run.output_format
        )
        settle = (Task(str(out), resolved, SETTLE_PHASE, s.to_dict()) for s in unsettled)
        for _ in executor.run(settle):
            pass
    finally:
        executor.close()
        progress.stop()

    return _finalize(
        out, cfg, pipeline, shards, files, ignored, t0, started, workers, skipped_tasks
    )


def _finalize(
    out: Path,
    cfg: PipelineConfig,
    pipeline: Pipeline,
    shards: list[Shard],
    files: list[str],
    ignored: list[str],
    t0: float,
    started: str,
    workers: int,
    skipped_tasks: int,
) -> RunResult:
    stats = Stats()
    shard_rows = []
    final = pipeline.phases[-1].index
    for s in shards:
        first = orjson.loads(marker_path(out, 0, s.ordinal).read_bytes())
        last = (
            first if final == 0 else orjson.loads(marker_path(out, final, s.ordinal).read_bytes())
        )
        for p in range(len(pipeline.phases)):
            m = first if p == 0 else (last if p == final else None)
            if m is None:
                m = orjson.loads(marker_path(out, p, s.ordinal).read_bytes())
            stats.merge_dict(m["stats"], m["seconds"])
        fs, ls = first["stats"], last["stats"]
        shard_rows.append(
            {
                **s.to_dict(),
                "status": "done",
                "counts": {
                    "input": fs["input"]["records"],
                    "skipped": sum(fs["input"]["skipped"].values()),
                    "kept": ls["kept"]["records"],
                    "rejected": ls["rejected"]["records"],
                    "quarantined": ls["quarantined"]["records"],
                },
                "outputs": {
                    kind: {k: info[k] for k in ("file", "records", "checksum")}
                    for kind, info in last["outputs"].items()
                },
            }
        )
    global_summaries = {}
    for phase in pipeline.phases:
        if phase.observe is not None:
            summary_file = work_dir(out) / f"phase{phase.index}" / "summary.json"
            global_summaries[phase.observe.name] = orjson.loads(summary_file.read_bytes())

    counts = {
        "input": stats.input_records,
        "kept": stats.kept_records,
        "rejected": stats.rejected_records,
        "quarantined": sum(stats.quarantined.values()),
        "skipped": sum(stats.skipped.values()),
    }
    config = cfg.resolved()
    for key in ("workers", "executor", "ray_address", "output", "inputs", "report"):
        config.pop(key)  # how and where it ran, and the order inputs were named, change nothing
    manifest = {
        "tamis": __version__,
        "versions": package_versions(),
        "config": config,
        "inputs": [
            {"path": f, "size": Path(f).stat().st_size, "checksum": file_checksum(f)} for f in files
        ],
        "ignored": ignored,
        "shards": shard_rows,
        "counts": counts,
        "accounting_holds": counts["input"]
        == counts["kept"] + counts["rejected"] + counts["quarantined"],
    }
    stats_doc = stats.to_dict()
    stats_doc["global"] = global_summaries
    schema = orjson.loads((out / SCHEMA_FILE).read_bytes())
    stats_doc["schema"] = {"version": schema["version"], "conflicts": schema["conflicts"]}
    stats_doc["dedup"] = {
        name: {"documents_removed": stats.stages[name].rejected, **summary}
        for name, summary in global_summaries.items()
        if name in DEDUP_STAGES and name in stats.stages
    }
    for phase in pipeline.phases:
        # a deduplication index is kept beside the output, for later incremental runs
        if phase.observe is not None and phase.observe.name in DEDUP_STAGES:
            src = work_dir(out) / f"phase{phase.index}" / "merge" / "index"
            if src.is_dir():
                dst = out / "dedup-index" / phase.observe.name
                if dst.exists():
                    shutil.rmtree(dst)
                shutil.copytree(src, dst)
    atomic_write(out / "manifest.json", dump_json(manifest))
    atomic_write(out / "stats.json", dump_json(stats_doc))

    seconds = time.perf_counter() - t0
    run_facts = {
        "started": started,
        "seconds": round(seconds, 3),
        "workers": workers,
        "executor": cfg.run.executor,
        "resumed_tasks": skipped_tasks,
        "docs_per_second": round(stats.input_records / seconds, 1) if seconds else None,
        "input_mb_per_second": round(stats.input_chars / seconds / 1e6, 3) if seconds else None,
        "stage_seconds": {k: round(v, 3) for k, v in sorted(stats.seconds.items())},
    }
    atomic_write(out / "run.json", dump_json(run_facts))
    for p in range(len(pipeline.phases)):
        for s in shards:
            spill_path(out, p, s.ordinal).unlink(missing_ok=True)
            state_path(out, p, s.ordinal).unlink(missing_ok=True)
    if cfg.run.report:
        _write_report(out)
    return RunResult(out, stats, manifest, seconds, skipped_tasks, ignored)


def _write_report(out: Path) -> None:
    """The HTML report, when the report module is installed with this version."""
    try:
        from tamis.report.html import write_report
    except ImportError:
        return
    write_report(out)
