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
import shutil
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import orjson

from tamis import __version__
from tamis.config import ConfigError, PipelineConfig
from tamis.io import storage
from tamis.io.settle import SCHEMA_FILE, prepare_settle, write_provisional
from tamis.io.streams import release_compressors
from tamis.pipeline import Phase, Pipeline, Stats
from tamis.run.checksums import InputChecksums
from tamis.run.executors import (
    InProcessExecutor,
    LocalExecutor,
    drain_in_thread,
    make_queue,
)
from tamis.run.faults import CorruptState, InputChanged, redo_hint
from tamis.run.lock import LOCK_NAME, has_entries
from tamis.run.object_lock import lock_for
from tamis.run.outstore import OutStore
from tamis.run.plan import Shard, input_fingerprint, plan_shards, resolve_inputs, spread_for
from tamis.run.remote import pull_decision
from tamis.run.warm import warm_run, warm_workers
from tamis.run.worker import (
    PROVISIONAL_REL,
    SETTLE_PHASE,
    WORK,
    Task,
    atomic_write,
    decision_path,
    load_decision,
    marker_path,
    merge_dir,
    read_options,
    report_part_path,
    spill_path,
    state_path,
    summary_path,
    work_dir,
)

DEDUP_STAGES = ("exact_dedup", "minhash_dedup", "rewrite_dedup", "line_dedup")
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
    out_dir: Path | str  # a URL when OUT is one
    stats: Stats
    manifest: dict[str, Any]
    seconds: float
    resumed_tasks: int = 0
    ignored: list[str] = field(default_factory=list)


def _same_run(out: Path, fingerprint: dict[str, Any]) -> bool:
    fp_file = work_dir(out) / "fingerprint.json"
    if not fp_file.exists():
        return False
    try:
        return orjson.loads(fp_file.read_bytes()) == fingerprint
    except orjson.JSONDecodeError:
        raise CorruptState(
            f"{fp_file} is corrupt, so whether OUT holds this run cannot be told; run again "
            "with --overwrite to start over"
        ) from None


def _how_it_differs(fp_file: Path, fingerprint: dict[str, Any]) -> str:
    """What makes the run in OUT another run: changed inputs are named (the commonest case)."""
    try:
        was = orjson.loads(fp_file.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return "a different run"
    if not isinstance(was, dict) or (was.get("config"), was.get("tamis")) != (
        fingerprint["config"],
        fingerprint["tamis"],
    ):
        return "a different run (another configuration or tamis version)"
    before = {i["path"]: i for i in was.get("inputs", [])}
    now = {i["path"]: i for i in fingerprint["inputs"]}
    changed = sorted(p for p in before.keys() & now.keys() if before[p] != now[p])
    gone, new = sorted(before.keys() - now.keys()), sorted(now.keys() - before.keys())
    parts = []
    for label, paths in (("changed since", changed), ("gone since", gone), ("new since", new)):
        if paths:
            more = f" and {len(paths) - 3} more" if len(paths) > 3 else ""
            parts.append(f"{', '.join(paths[:3])}{more} {label} that run started")
    if not parts:
        return "a different run"
    return "a different run, over other inputs (" + "; ".join(parts) + ")"


def read_plan(plan_file: Path) -> list[Shard] | None:
    """The stored plan, or None when it is unreadable (planning again gives the same shards)."""
    try:
        return [Shard(**s) for s in orjson.loads(plan_file.read_bytes())]
    except (orjson.JSONDecodeError, TypeError):
        return None


def task_done(
    out: Path, phase: int, ordinal: int, store: OutStore | None = None, listed: set | None = None
) -> bool:
    """Whether a task's marker is there and whole; a damaged marker is removed (task redone).

    With OUT on a URL, ``listed`` holds the names in the phase's folder (one listing a phase).
    """
    path = marker_path(out, phase, ordinal)
    rel = str(path.relative_to(out)) if store is not None else ""
    if store is not None and store.remote:
        if listed is not None and path.name not in listed:
            return False
        if not store.pull(rel):
            return False
    try:
        marker = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        return False
    except orjson.JSONDecodeError:
        (store.remove(rel) if store is not None else path.unlink())
        return False
    if not isinstance(marker, dict) or "stats" not in marker:
        (store.remove(rel) if store is not None else path.unlink())
        return False
    return True


def _clear_output(out: Path, store: OutStore) -> None:
    """Delete a previous run's files from ``out``, all but the lock this run holds."""
    if store.remote:
        for name in store.names():
            if name == WORK:
                for inner in store.names(WORK):
                    if inner != LOCK_NAME:
                        store.remove(f"{WORK}/{inner}", tree=True)
            else:
                store.remove(name, tree=True)
        return
    for entry in out.iterdir():
        if entry.name == WORK:
            for inner in entry.iterdir():
                if inner.name != LOCK_NAME:
                    shutil.rmtree(inner) if inner.is_dir() else inner.unlink()
        elif entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def _remote_has_entries(store: OutStore) -> bool:
    names = store.names()
    return any(n != WORK for n in names) or any(n != LOCK_NAME for n in store.names(WORK))


def prepare_output(
    out: Path, fingerprint: dict[str, Any], overwrite: bool, store: OutStore | None = None
) -> bool:
    """Make ``out`` ready; returns True when resuming a run with the same fingerprint.

    The caller holds the lock on ``out``; the lock file itself does not make ``out`` non-empty.
    """
    store = store or OutStore(out)
    fp_file = work_dir(out) / "fingerprint.json"
    if store.remote:
        store.pull(f"{WORK}/fingerprint.json")
        store.pull("manifest.json")
        occupied = _remote_has_entries(store)
    else:
        occupied = out.exists() and has_entries(out)
    if occupied:
        if not overwrite and _same_run(out, fingerprint):
            return True
        looks_ours = fp_file.exists() or (out / "manifest.json").exists()
        if not overwrite:
            raise ConfigError(
                f"output {store.target} already holds "
                + (_how_it_differs(fp_file, fingerprint) if looks_ours else "other files")
                + "; pass --overwrite to replace it, or choose another directory"
            )
        if not looks_ours:
            raise ConfigError(
                f"output {store.target} is not empty and does not look like a tamis output; "
                "refusing to delete it even with --overwrite"
            )
        _clear_output(out, store)
        (out / "manifest.json").unlink(missing_ok=True)
    work_dir(out).mkdir(parents=True, exist_ok=True)
    atomic_write(fp_file, orjson.dumps(fingerprint))
    store.push(f"{WORK}/fingerprint.json")
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
        self._thread = drain_in_thread(q, self.message, self._stop)

    def stop(self) -> None:
        self._stop.set()
        if self.queue is not None:
            self._thread.join(timeout=2)
        if self.enabled and self.tasks:
            self.progress.stop()


def _merge_states(
    out: Path, phase: int, shards: list[Shard], store: OutStore, k: int = 0
) -> Iterator[Any]:
    if store.remote:  # small files: fetched at once, many at a time
        store.pull_many(
            [str(state_path(out, phase, s.ordinal, k).relative_to(out)) for s in shards]
        )
    for s in shards:
        path = state_path(out, phase, s.ordinal, k)
        try:
            with open(path, "rb") as fh:
                state = pickle.load(fh)
        except FileNotFoundError:
            raise CorruptState(
                f"{path} is missing though its shard is marked done; "
                + redo_hint(out, phase, s.ordinal)
            ) from None
        except (pickle.UnpicklingError, EOFError, ValueError, AttributeError) as exc:
            raise CorruptState(
                f"{path} is corrupt ({type(exc).__name__}); " + redo_hint(out, phase, s.ordinal)
            ) from None
        yield state


def _merge_phase(out: Path, phase: Phase, shards: list[Shard], store: OutStore) -> None:
    """Merge the shard states of each global stage ``phase`` observed into its decision.

    The stages are merged in order, each without the documents the earlier ones reject (what
    it would have observed in a phase of its own, after their apply). A decision already
    written (a resumed run) is read back instead, for the documents it rejects.
    """
    if not phase.observe:
        return
    import numpy as np  # here: a run without global stages never loads it (time and memory)

    rejected = np.zeros(0, dtype=np.uint64)
    for k, stage in enumerate(phase.observe):
        decision_rel = str(decision_path(out, phase.index, k).relative_to(out))
        later = k + 1 < len(phase.observe)
        # a later stage needs the arrays of this decision too (a remote OUT's, fetched)
        done = pull_decision(store, phase.index, k) if later and store.remote else None
        if done or (done is None and store.pull(decision_rel)):
            if later:
                decision = load_decision(decision_path(out, phase.index, k))
                rejected = np.union1d(rejected, stage.rejected_uids(decision))
            continue
        mdir = merge_dir(out, phase.index, k)
        if mdir.exists():
            shutil.rmtree(mdir)
        mdir.mkdir(parents=True)
        states = _merge_states(out, phase.index, shards, store, k)
        if k:
            states = (stage.without(state, rejected) for state in states)
        decision = stage.merge(states, mdir)
        if later:
            rejected = np.union1d(rejected, stage.rejected_uids(decision))
        summary = summary_path(out, phase.index, k)
        atomic_write(summary, orjson.dumps(stage.summary(decision)))
        atomic_write(decision_path(out, phase.index, k), pickle.dumps(decision, protocol=5))
        # arrays and summary first, the decision (which says the merge is done) last
        # the merge's own working table is the driver's alone
        summary_rel = str(summary.relative_to(out))
        store.push_tree(str(mdir.relative_to(out)), skip=("table",), also=(summary_rel,))
        store.push(decision_rel)


def run_pipeline(
    cfg: PipelineConfig, overwrite: bool = False, show_progress: bool = False
) -> RunResult:
    """Run ``cfg`` into its output, holding the lock on it for the whole run."""
    if not cfg.run.output:
        raise ConfigError("output: no output directory given (-o OUT, or 'output:' in the file)")
    storage.set_options(cfg.run.storage_options)
    if storage.is_url(cfg.run.output):
        storage.check_reachable(cfg.run.output, writing=True)
    # the lock first, so that a second run refuses at once, before walking inputs or loading
    # models; a failure below releases it and leaves OUT as it was
    with lock_for(cfg.run.output, "clean") as lock, ExitStack() as stack:
        if cfg.run.executor == "local" and cfg.run.workers > 1:
            # its imports overlap the plan and the pipeline's set-up; started only once OUT is
            # known to be ours, so that a run refused at the door starts no process at all
            # and the pipeline the tasks will run, built and run once: forked with it ready
            handoff = warm_workers([cfg.run.output, *cfg.run.inputs], warm_run(cfg))
        else:
            handoff = None
        if handoff is not None:
            stack.enter_context(handoff)
        store = OutStore(cfg.run.output, lock.token)
        store.reset()
        files, ignored = resolve_inputs(cfg.run.inputs)
        pipeline = Pipeline(cfg)
        if handoff is not None:  # the URL inputs' sample for the warm-up, read while listed
            handoff.send(files, pipeline, read_options(cfg))
        result = _run_locked(cfg, store, files, ignored, pipeline, overwrite, show_progress, lock)
        lock.keep()
        store.discard()
        return result


def check_inputs_unchanged(fingerprint: dict[str, Any]) -> None:
    """Stop a run whose inputs changed (or vanished) under it: its records would not match them."""
    for was in fingerprint["inputs"]:
        path = was["path"]
        try:
            now = {"path": path, **storage.stat(path)}
        except FileNotFoundError:
            raise InputChanged(
                f"input {path} disappeared during the run; restore it and run the same "
                "command again to resume (or --overwrite to start over without it)"
            ) from None
        if now != was:
            raise InputChanged(
                f"input {path} changed during the run (size {was['size']:,} -> {now['size']:,} "
                "bytes); the records read from it so far cannot be trusted: run again with "
                "--overwrite once it is complete"
            )


def _run_locked(
    cfg: PipelineConfig,
    store: OutStore,
    files: list[str],
    ignored: list[str],
    pipeline: Pipeline,
    overwrite: bool,
    show_progress: bool,
    lock: Any,
) -> RunResult:
    out = store.local
    t0 = time.perf_counter()
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    fingerprint = {
        "tamis": __version__,
        "config": cfg.fingerprint_dict(),
        "inputs": input_fingerprint(files),
    }
    # everything that can fail on bad input or configuration happens before OUT is touched
    plan_file = work_dir(out) / "plan.json"
    shards = None
    if store.remote:
        store.pull(f"{WORK}/fingerprint.json")
        store.pull(f"{WORK}/plan.json")
    if not overwrite and _same_run(out, fingerprint) and plan_file.exists():
        shards = read_plan(plan_file)
    if shards is None:
        # a small corpus is cut finer than shard_size_mb, by its size and where it lives alone
        spread = spread_for(cfg.run.output, files)
        shards = plan_shards(files, cfg.run.shard_size_mb, spread)
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
        executor = LocalExecutor(workers, q, str(out))
        if q is not None:
            progress.listen(q)
    try:
        resuming = prepare_output(out, fingerprint, overwrite, store)
    except BaseException:
        executor.close()
        progress.stop()
        raise
    if not resuming or not plan_file.exists():
        atomic_write(plan_file, orjson.dumps([s.to_dict() for s in shards]))
        store.push(f"{WORK}/plan.json")
    stage_meta = tuple(f for stage in pipeline.stages for f in stage.meta_fields)
    # fields every record gets, and the kinds Parquet shards are written in (io/settle.py)
    parquet = cfg.run.output_format == "parquet"
    write_provisional(out, files, read_options(cfg), stage_meta, sampled_kinds=parquet)
    store.push(PROVISIONAL_REL)
    transient: Counter = Counter()
    seen: dict[str, Any] = {}  # the objects the tasks read to their end: (version, checksum)
    checksums: InputChecksums | None = None

    skipped_tasks = 0
    finished = False
    fold = _report_fold(out, cfg, store, shards, pipeline.phases[-1].index)
    try:
        for phase in pipeline.phases:
            listed = set(store.names(f"{WORK}/phase{phase.index}")) if store.remote else None
            todo = [s for s in shards if not task_done(out, phase.index, s.ordinal, store, listed)]
            skipped_tasks += len(shards) - len(todo)
            progress.start_phase(phase.index, len(shards), len(shards) - len(todo))
            tasks = (
                Task(store.target, resolved, phase.index, s.to_dict(), lock.token) for s in todo
            )
            for marker in executor.run(tasks):
                transient.update(marker.get("storage") or {})
                seen.update(marker.get("input_checksums") or {})
                progress.shard_done(phase.index)
                if phase.final:
                    _offer_part(fold, marker)
            check_inputs_unchanged(fingerprint)
            if checksums is None:  # the inputs are read: those no task read whole, read now
                again = {s.ordinal for s in todo}
                done = [s for s in shards if s.ordinal not in again]
                checksums = _input_checksums(out, files, fingerprint, seen, done)
            _merge_phase(out, phase, shards, store)
        release_compressors()  # the shards this process wrote are written
        # the record schema is settled once every shard is written (tamis.io.settle)
        final = pipeline.phases[-1].index
        if store.remote:  # every marker the workers published, in one batch
            store.pull_many(
                [
                    str(marker_path(out, p.index, s.ordinal).relative_to(out))
                    for p in pipeline.phases
                    for s in shards
                ]
            )
        unsettled = prepare_settle(
            out, pipeline.phases[-1].index, pipeline.signal_kinds(), shards, cfg.run.output_format
        )
        store.push_many([SCHEMA_FILE, "README.md"])
        settle = (
            Task(store.target, resolved, SETTLE_PHASE, s.to_dict(), lock.token) for s in unsettled
        )
        for marker in executor.run(settle):
            transient.update(marker.get("storage") or {})
            _offer_part(fold, marker)
        if store.remote and unsettled:  # settling published these shards' final markers again
            store.pull_many(
                [str(marker_path(out, final, s.ordinal).relative_to(out)) for s in unsettled]
            )
        finished = True
    except Exception:
        if fold is not None:
            fold.close()
        if checksums is not None:
            checksums.cancel()
        check_inputs_unchanged(fingerprint)  # a vanished or changed input is the cause to name
        raise
    finally:
        # every task done: the workers exit while the driver writes the manifest and report
        later = getattr(executor, "close_later", None) if finished else None
        (later or executor.close)()
        progress.stop()

    try:
        assert checksums is not None  # set once the first phase is done, and there always is one
        sums = checksums.result()  # before the counts: its retries are the run's too
        transient.update(storage.take_counts())
        return _finalize(
            store, cfg, pipeline, shards, files, ignored, t0, started, workers, skipped_tasks,
            transient, sums, fold,
        )  # fmt: skip
    finally:
        if later is not None:
            executor.close()  # no worker outlives the run


def _input_checksums(
    out: Path, files: list[str], fingerprint: dict, seen: dict[str, Any], done: list[Shard]
) -> InputChecksums:
    """The manifest's input checksums: those the first phase's tasks took while reading an
    object whole (at the version the run started with; a resumed run's earlier tasks left
    theirs in their markers), and the rest read in a thread while the later phases work."""
    from tamis.io.hashed import take_checksums

    for s in done:
        marker = orjson.loads(marker_path(out, 0, s.ordinal).read_bytes())
        seen.update(marker.get("input_checksums") or {})
    seen.update(take_checksums())  # read by this process (tasks run in it, or its plan)
    versions = {i["path"]: i.get("version") for i in fingerprint["inputs"]}
    known = {
        path: checksum
        for path, (version, checksum) in seen.items()
        if version is not None and versions.get(path) == version
    }
    return InputChecksums([f for f in files if f not in known], known)


def _finalize(
    store: OutStore,
    cfg: PipelineConfig,
    pipeline: Pipeline,
    shards: list[Shard],
    files: list[str],
    ignored: list[str],
    t0: float,
    started: str,
    workers: int,
    skipped_tasks: int,
    transient: Counter,
    sums: dict[str, str],
    fold: Any = None,
) -> RunResult:
    out = store.local
    stats = Stats()
    shard_rows = []
    final = pipeline.phases[-1].index
    if store.remote:  # the summaries and merged indexes (the markers are in the mirror)
        summaries = [
            str(summary_path(out, phase.index, k).relative_to(out))
            for phase in pipeline.phases
            for k in range(len(phase.observe))
        ]
        store.pull_many([*summaries, SCHEMA_FILE])
        for phase in pipeline.phases:
            for k, stage in enumerate(phase.observe):
                if stage.name in DEDUP_STAGES:
                    store.pull_tree(
                        str((merge_dir(out, phase.index, k) / "index").relative_to(out))
                    )
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
        for k, stage in enumerate(phase.observe):
            summary_file = summary_path(out, phase.index, k)
            global_summaries[stage.name] = orjson.loads(summary_file.read_bytes())

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
    config.pop("storage_options")  # where bytes live, and credentials: never written
    manifest = {
        "tamis": __version__,
        "versions": package_versions(),
        "config": config,
        "inputs": [{"path": f, "size": storage.size(f), "checksum": sums[f]} for f in files],
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
        for k, stage in enumerate(phase.observe):
            src = merge_dir(out, phase.index, k) / "index"
            if stage.name in DEDUP_STAGES and src.is_dir():
                dst = out / "dedup-index" / stage.name
                if dst.exists():
                    shutil.rmtree(dst)
                shutil.copytree(src, dst)
                store.push_tree(f"dedup-index/{stage.name}")
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
    if store.remote or any(storage.is_url(f) for f in files):
        run_facts["storage"] = {"transient_errors": dict(transient)}
    atomic_write(out / "run.json", dump_json(run_facts))
    atomic_write(out / "manifest.json", dump_json(manifest))
    # the manifest last: a finished run in OUT is one whose manifest is there
    store.push_many(["stats.json", "run.json"])
    store.push("manifest.json")
    work_files = [
        str(path.relative_to(out))
        for phase in pipeline.phases
        for s in shards
        for path in [
            spill_path(out, phase.index, s.ordinal),
            *(state_path(out, phase.index, s.ordinal, k) for k in range(len(phase.observe))),
        ]
    ]
    # a local OUT's work files are deleted while the report is written (the one waits on the
    # disk, the other on the CPU)
    cleanup = _Background(store.remove_many, work_files) if not store.remote else None
    if cleanup is None:
        store.remove_many(work_files)
    try:
        if cfg.run.report:
            if store.remote:  # the report reads every output shard: from a local copy
                for kind in ("kept", "rejected", "quarantine"):
                    store.pull_tree(kind)
            _write_report(out, [s.ordinal for s in shards], final, fold)
            if (out / "report.html").exists():
                store.push("report.html")
    finally:
        if cleanup is not None:
            cleanup.join()
    where = out if not store.remote else store.target
    return RunResult(where, stats, manifest, seconds, skipped_tasks, ignored)


class _Background:
    """``fn(*args)`` in a thread; :meth:`join` waits for it and raises what it raised."""

    def __init__(self, fn: Any, *args: Any) -> None:
        self._error: BaseException | None = None

        def run() -> None:
            try:
                fn(*args)
            except BaseException as exc:  # noqa: BLE001 (raised again by join)
                self._error = exc

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()

    def join(self) -> None:
        self._thread.join()
        if self._error is not None:
            raise self._error


def _write_report(out: Path, ordinals: list[int], final: int, fold: Any = None) -> None:
    """The HTML report, when the report module is installed with this version, from the
    summaries each final task left of its shard (:mod:`tamis.report.parts`), which then go;
    ``fold``: those summaries already merged as far as the tasks allowed."""
    try:
        from tamis.report.html import write_report
        from tamis.report.parts import merge_shards
    except ImportError:
        return
    parts = [report_part_path(out, final, o) for o in ordinals]
    write_report(out, fold.finish() if fold is not None else merge_shards(out, ordinals, parts))
    for path in parts:
        path.unlink(missing_ok=True)


def _report_fold(
    out: Path, cfg: PipelineConfig, store: OutStore, shards: list[Shard], final: int
) -> Any:
    """The report's merge, started now and fed each final task's part as the task ends
    (:class:`tamis.report.parts.PartFold`); None without a report, or with OUT on a URL
    (whose parts the report reads from the local copy at the end)."""
    if not cfg.run.report or store.remote:
        return None
    try:
        from tamis.report.parts import PartFold
    except ImportError:
        return None
    ordinals = [s.ordinal for s in shards]
    return PartFold(out, ordinals, [report_part_path(out, final, o) for o in ordinals])


def _offer_part(fold: Any, marker: dict[str, Any]) -> None:
    """Hand the report's merge the part a final (or settle) task stored; a shard whose
    outputs wait to be settled has none yet."""
    outputs = marker.get("outputs") or {}
    if fold is not None and not any(o.get("staged") for o in outputs.values()):
        fold.offer(marker["shard"])
