"""One unit of work: one phase of the pipeline over one shard, wherever it runs.

A task reads its shard (the input file's record range in the first phase, the previous phase's
spill after that), runs the phase in batches, and writes either the next spill and its global
state or the final output shards. Everything it writes goes to a temporary name first; its
marker file is written last, so a task either finished completely or is redone on resume.
Executors only call :func:`run_task`; they never see a stage.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import pickle
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from tamis.config import PipelineConfig, build_config
from tamis.document import KEPT_VERDICT, Document
from tamis.io import storage
from tamis.io.base import Quarantine, ReadOptions, Skipped, reader_for
from tamis.io.hashed import take_checksums
from tamis.io.output import ShardWriter, shard_name
from tamis.pipeline import Pipeline, Stats
from tamis.run.faults import RESUME, CorruptState, redo_hint
from tamis.run.lock import check_owner
from tamis.run.plan import Shard
from tamis.run.spill import SpillError, SpillWriter, read_spill

WORK = ".tamis"
PROVISIONAL_REL = f"{WORK}/provisional-fields.json"  # tamis.io.settle.PROVISIONAL_FILE
SETTLE_PHASE = -1  # a task that brings one shard's outputs into the run's settled schema


@dataclass(frozen=True)
class Task:
    out_dir: str
    config: dict[str, Any]  # the resolved configuration
    phase: int
    shard: dict[str, Any]
    owner: str = ""  # the token of the lock the run holds on OUT ("" when run without one)
    batch_size: int | None = None  # smaller than the configured one when retried after a crash

    def describe(self) -> str:
        s = self.shard
        where = f"records {s['start']}-{s['stop'] if s['stop'] is not None else 'end'} of "
        return f"shard {s['ordinal']:05d} ({where}{s['path']}), phase {self.phase}"


def work_dir(out_dir: str | Path) -> Path:
    return Path(out_dir) / WORK


def spill_path(out_dir: str | Path, phase: int, ordinal: int) -> Path:
    return work_dir(out_dir) / f"phase{phase}" / f"{ordinal:05d}.spill.zst"


def _nth(k: int) -> str:
    """The name part of the k-th global stage a phase observes (the first has none)."""
    return str(k) if k else ""


def state_path(out_dir: str | Path, phase: int, ordinal: int, k: int = 0) -> Path:
    """The shard state of the ``k``-th global stage ``phase`` observes."""
    return work_dir(out_dir) / f"phase{phase}" / f"{ordinal:05d}.state{_nth(k)}.pkl"


def marker_path(out_dir: str | Path, phase: int, ordinal: int) -> Path:
    return work_dir(out_dir) / f"phase{phase}" / f"{ordinal:05d}.done.json"


def decision_path(out_dir: str | Path, phase: int, k: int = 0) -> Path:
    """The merged decision of the ``k``-th global stage observed in ``phase``."""
    return work_dir(out_dir) / f"phase{phase}" / f"decision{_nth(k)}.pkl"


def merge_dir(out_dir: str | Path, phase: int, k: int = 0) -> Path:
    """The private folder of the ``k``-th merge of ``phase`` (arrays its decision names)."""
    return work_dir(out_dir) / f"phase{phase}" / f"merge{_nth(k)}"


def report_part_path(out_dir: str | Path, phase: int, ordinal: int) -> Path:
    """The report's summaries of a shard's outputs (:mod:`tamis.report.parts`)."""
    return work_dir(out_dir) / f"phase{phase}" / f"{ordinal:05d}.report.pkl"


def summary_path(out_dir: str | Path, phase: int, k: int = 0) -> Path:
    return work_dir(out_dir) / f"phase{phase}" / f"summary{_nth(k)}.json"


def atomic_write(path: Path, data: bytes, *, sync: bool = True) -> None:
    """Write ``data`` to a temporary name and rename it to ``path``: a process killed at any
    point leaves either the old file or the new one, whole, never a part.

    ``sync=False`` skips the fsync before the rename. A task's marker, states and report part
    are written so: the output files they stand for are not fsynced either (a run would wait on
    the disk for every shard), so syncing the marker alone would not make a machine crash safe,
    only slower (5-8 ms a task). What tamis promises is stated in the README (Architecture,
    "What survives a crash"): a killed process never leaves a marker over unfinished files;
    after a machine crash, ``tamis verify OUT`` finds a damaged shard by its checksum."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        if sync:
            fh.flush()
            os.fsync(fh.fileno())
    os.replace(tmp, path)


def publish_task_file(path: Path, data: bytes) -> None:
    """A file a task publishes (marker, state, report part): renamed into place, not synced."""
    atomic_write(path, data, sync=False)


def _chars(docs: list[Document]) -> int:
    # (every document of a run: a comprehension's slot reads and len calls are specialised by
    # the interpreter, cheaper than maps of attrgetter calls)
    return sum([len(d.text) for d in docs])


# --- progress reporting (set by the executor's worker initializer) -------------------------

_PROGRESS: Any = None


def set_progress_queue(queue: Any) -> None:
    global _PROGRESS
    _PROGRESS = queue


def report_progress(message: tuple) -> None:
    """Send one progress message to the driver, when it listens."""
    if _PROGRESS is not None:
        _PROGRESS.put(message)


def _report(phase: int, docs: list[Document]) -> None:
    if _PROGRESS is not None and docs:
        _PROGRESS.put((phase, len(docs), _chars(docs)))


# --- the task ---------------------------------------------------------------------------

_PIPELINES: dict[str, Pipeline] = {}
_DECISIONS: dict[str, tuple[float, Any]] = {}


def pipeline_key(config: dict[str, Any]) -> str:
    """What tells one run's pipeline from another's: the configuration without its storage
    options, which build nothing (the forkserver's warm-up is given none: no credentials in a
    process's environment), so that the warmed pipeline is the one the tasks find."""
    return json.dumps({k: v for k, v in config.items() if k != "storage_options"}, sort_keys=True)


def pipeline_for(config: dict[str, Any]) -> Pipeline:
    key = pipeline_key(config)
    if key not in _PIPELINES:
        _PIPELINES.clear()
        _PIPELINES[key] = Pipeline(build_config(config))
    return _PIPELINES[key]


def load_decision(path: Path) -> Any:
    mtime = path.stat().st_mtime
    cached = _DECISIONS.get(str(path))
    if cached is None or cached[0] != mtime:
        with open(path, "rb") as fh:
            if len(_DECISIONS) >= 8:  # the decisions of one run's phase (a few) stay loaded
                _DECISIONS.clear()
            _DECISIONS[str(path)] = (mtime, pickle.load(fh))
    return _DECISIONS[str(path)][1]


def read_options(cfg: PipelineConfig) -> ReadOptions:
    run = cfg.run
    return ReadOptions(run.text_field, run.id_field, run.max_record_bytes)


def _source_batches(
    task: Task, pipeline: Pipeline, stats: Stats, size: int
) -> Iterator[tuple[list[Document | dict], list[Document]]]:
    """Batches of this shard's items for this phase, in order: (all items, the documents).

    Items are documents and quarantine records (as dicts, passed through to the output).
    """
    batch: list[Document | dict] = []
    docs: list[Document] = []
    shard = Shard(**task.shard)
    if task.phase == 0:
        reader = reader_for(shard.path)
        assert reader is not None, shard.path
        items = reader.read(shard.path, read_options(pipeline.config), shard.start, shard.stop)
    else:
        items = _spilled(
            spill_path(task.out_dir, task.phase - 1, shard.ordinal), task.phase - 1, shard.ordinal
        )
    ordinal = shard.ordinal
    first = task.phase == 0
    for item in items:
        if type(item) is Document:
            if first:
                item.order = (ordinal, item.source["index"])
                text = item.text
                if not text or text.isspace():
                    item.reject("read", "empty")
                    stats.stage("read").rejected += 1
                    stats.stage("read").reasons["empty"] += 1
            batch.append(item)
            docs.append(item)
            if len(docs) >= size:
                if first:
                    stats.input_records += len(docs)
                    stats.input_chars += _chars(docs)
                yield batch, docs
                batch, docs = [], []
        elif isinstance(item, Skipped):
            stats.skipped[item.reason] += 1
        elif isinstance(item, Quarantine):
            stats.input_records += 1
            batch.append(item.to_record())
        else:  # a quarantine record passed through a spill
            batch.append(item)
    if batch:
        if first:
            stats.input_records += len(docs)
            stats.input_chars += _chars(docs)
        yield batch, docs


def _spilled(path: Path, phase: int, ordinal: int) -> Iterator[Document | dict]:
    try:
        yield from read_spill(path)
    except FileNotFoundError:
        raise CorruptState(
            f"{path} is missing though its shard is marked done; "
            + redo_hint(path.parent.parent.parent, phase, ordinal)
        ) from None
    except (SpillError, TypeError, ValueError, AttributeError) as exc:
        raise CorruptState(
            f"{path} is corrupt ({type(exc).__name__}: {str(exc)[:120]}); "
            + redo_hint(path.parent.parent.parent, phase, ordinal)
        ) from None


class _FinalSinks:
    """The kept / rejected / quarantine shards of one shard ordinal, opened on first use."""

    def __init__(self, out_dir: str, ordinal: int, fmt: str, signals: dict) -> None:
        self.out_dir, self.ordinal, self.fmt = out_dir, ordinal, fmt
        self.signals = signals
        from tamis.io.settle import provisional_schema, read_provisional

        self.fields = read_provisional(out_dir)
        sampled = self.fields.pop("kinds", None)
        # Parquet shards are written in the schema the run's sample gives, not staged
        self.provisional = None
        if fmt == "parquet" and sampled is not None:
            self.provisional = (provisional_schema(signals, sampled), sampled)
        self.writers: dict[str, ShardWriter] = {}

    def write(self, kind: str, records: list[dict[str, Any]]) -> None:
        if records:
            self._writer(kind).write_many(records)

    def write_kept(self, docs: list[Document]) -> None:
        """Kept documents, without a record made for each (:meth:`ShardWriter.write_documents`)."""
        if docs:
            self._writer("kept").write_documents(docs)

    def _writer(self, kind: str) -> ShardWriter:
        w = self.writers.get(kind)
        if w is None:
            path = Path(self.out_dir) / kind / shard_name(self.ordinal, self.fmt)
            w = self.writers[kind] = ShardWriter(
                path,
                self.fmt,
                kind=kind,
                signals=self.signals,
                fields=self.fields,
                provisional=self.provisional,
            )
        return w

    def close(self) -> dict[str, Any]:
        from tamis.io.settle import schema_digest

        out = {}
        for kind, w in sorted(self.writers.items()):
            w.close()
            out[kind] = {
                "file": f"{kind}/{w.path.name}",
                "records": w.count,
                # a staged shard is written, and checksummed, when the run's schema is settled
                "checksum": None if w.staged else w.checksum(),
                "profile": w.profile(),
            }
            if w.staged:
                out[kind]["staged"] = True
            elif w.provisional is not None:  # rewritten if the run's schema settles otherwise
                out[kind]["schema"] = schema_digest(w.provisional, kind)
        return out

    def abort(self) -> None:
        for w in self.writers.values():
            w.abort()


def run_task(task: Task) -> dict[str, Any]:
    """Run one phase over one shard; returns (and persists) its marker.

    A task of another job (``tamis tokenize``) carries its own body as ``task.run()``, so that
    every executor runs it unchanged.
    """
    if not isinstance(task, Task):
        return task.run()
    storage.set_options(task.config.get("storage_options"))
    if storage.is_url(task.out_dir):
        from tamis.run.remote import run_remote_task

        return run_remote_task(task)
    if task.phase == SETTLE_PHASE:
        return settle_task(task)
    t0 = time.perf_counter()
    announce(task)
    pipeline = pipeline_for(task.config)
    phase = pipeline.phases[task.phase]
    ordinal = task.shard["ordinal"]
    decisions = [_decision(task, k) for k in range(len(phase.apply))]
    states = [stage.new_state() for stage in phase.observe]
    stats = Stats()
    batch_size = task.batch_size or pipeline.config.run.batch_size

    sinks = None
    spill = None
    if phase.final:
        sinks = _FinalSinks(
            task.out_dir, ordinal, pipeline.config.run.output_format, pipeline.signal_kinds()
        )
    else:
        sp = spill_path(task.out_dir, task.phase, ordinal)
        sp.parent.mkdir(parents=True, exist_ok=True)
        spill_tmp = sp.with_name(sp.name + ".tmp")
        spill_fh = open(spill_tmp, "wb")  # noqa: SIM115 (closed once the task is done)
        spill = SpillWriter(spill_fh)
    collections = _space_young_collections()
    try:
        for batch, docs in _source_batches(task, pipeline, stats, batch_size):
            pipeline.run_batch(phase, docs, stats, decisions, states)
            if sinks is not None:
                kept = [d.verdict for d in docs].count(KEPT_VERDICT)
                if len(docs) == len(batch) == kept:
                    # the common case: every item a kept document
                    stats.kept_records += len(docs)
                    stats.kept_chars += _chars(docs)
                    sinks.write_kept(docs)
                    _report(task.phase, docs)
                    continue
                # a batch with rejections: its kept documents still take the documents' path
                # (same bytes, no record made for each), the others become records
                kept_docs: list[Document] = []
                out: dict[str, list[dict[str, Any]]] = {"rejected": [], "quarantine": []}
                for it in batch:
                    if type(it) is dict:
                        stats.quarantined[it["verdict"]["reason"]] += 1
                        out["quarantine"].append(it)
                    elif it.kept:
                        kept_docs.append(it)
                    else:
                        rec = it.to_record()
                        stats.rejected_chars += len(rec["text"])
                        out["rejected"].append(rec)
                stats.kept_records += len(kept_docs)
                stats.kept_chars += _chars(kept_docs)
                stats.rejected_records += len(out["rejected"])
                sinks.write_kept(kept_docs)
                for kind, records in out.items():
                    sinks.write(kind, records)
            else:
                spill.write(batch)
            _report(task.phase, docs)
    except BaseException:
        if sinks is not None:
            sinks.abort()
        else:
            spill_fh.close()
            spill_tmp.unlink(missing_ok=True)
        raise
    finally:
        gc.set_threshold(*collections)

    marker: dict[str, Any] = {"phase": task.phase, "shard": ordinal, "stats": stats.to_dict()}
    # a worker left from a dead run publishes nothing: checked once, before the first rename
    # (outputs, states and spill, then the marker follow within milliseconds)
    check_owner(task.out_dir, task.owner)
    if sinks is not None:
        marker["outputs"] = sinks.close()
        _report_part(task, pipeline, marker["outputs"])
    else:
        spill_fh.close()
        for k, state in enumerate(states):
            publish_task_file(
                state_path(task.out_dir, task.phase, ordinal, k), pickle.dumps(state, protocol=5)
            )
        os.replace(spill_tmp, spill_path(task.out_dir, task.phase, ordinal))
    stats.seconds["total"] = time.perf_counter() - t0
    marker["seconds"] = dict(stats.seconds)
    counts = storage.take_counts()  # transient storage errors retried (inputs on a URL)
    if counts:
        marker["storage"] = counts
    seen = take_checksums()  # objects this task read to their end: the manifest's checksums
    if seen:
        marker["input_checksums"] = seen
    publish_task_file(marker_path(task.out_dir, task.phase, ordinal), orjson.dumps(marker))
    return marker


def _report_part(task: Task, pipeline: Pipeline, outputs: dict[str, Any]) -> None:
    """Summarise this shard's output files for the report, here, while other workers are busy,
    rather than in the driver once all are idle. Before the marker: a task marked done has its
    part. A staged shard is summarised once settled (:func:`settle_task`)."""
    if not pipeline.config.run.report or any(o.get("staged") for o in outputs.values()):
        return
    try:
        from tamis.report.parts import shard_part
    except ImportError:  # the report is not installed with this version
        return
    out, ordinal = Path(task.out_dir), task.shard["ordinal"]
    path = report_part_path(out, pipeline.phases[-1].index, ordinal)
    publish_task_file(path, pickle.dumps(shard_part(out, ordinal), protocol=5))


#: How many container objects a task allocates, net, between two collections of the youngest
#: generation (Python's default is 700).
YOUNG_COLLECTION_EVERY = 10_000


def _space_young_collections() -> tuple[int, int, int]:
    """Collect the youngest generation less often while a task runs; returns the thresholds to
    restore after it.

    A batch's documents and records are thousands of containers that live for that batch and
    are freed by their reference counts, holding no cycles. At the default threshold the cyclic
    collector runs every few records, scans the batch's live documents again each time and
    promotes them into older generations scanned again later: about 5% of a bare run's time,
    for nothing it frees. Cyclic garbage still is collected, a little later."""
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], YOUNG_COLLECTION_EVERY), old[1], old[2])
    return old


def _decision(task: Task, k: int) -> Any:
    path = decision_path(task.out_dir, task.phase - 1, k)
    try:
        return load_decision(path)
    except (pickle.UnpicklingError, EOFError, ValueError, AttributeError) as exc:
        raise CorruptState(
            f"{path} is corrupt ({type(exc).__name__}); delete it (it is merged again from the "
            f"shards' states) and {RESUME}"
        ) from None


# --- which task each pool worker runs (so that a crash can be pinned on its shard) -------

_RUNNING: Path | None = None


def set_running_dir(folder: str | None) -> None:
    global _RUNNING
    _RUNNING = Path(folder) if folder else None


def running_file(folder: str | Path, pid: int) -> Path:
    return Path(folder) / f"{pid}.json"


def announce(task: Task) -> None:
    """Record (in a pool worker) which task this process is about to run."""
    if _RUNNING is None:
        return
    data = {"phase": task.phase, "ordinal": task.shard["ordinal"]}
    with contextlib.suppress(OSError):
        _RUNNING.mkdir(parents=True, exist_ok=True)
        running_file(_RUNNING, os.getpid()).write_bytes(orjson.dumps(data))


def settle_task(task: Task) -> dict[str, Any]:
    """Bring one shard's final outputs into the run's settled schema (``OUT/schema.json``);
    its final marker is updated last, so an interrupted settle is redone."""
    from tamis.io.schema import RunSchema
    from tamis.io.settle import SCHEMA_FILE, drop_staging, settle_shard

    pipeline = pipeline_for(task.config)
    ordinal = task.shard["ordinal"]
    path = marker_path(task.out_dir, pipeline.phases[-1].index, ordinal)
    marker = orjson.loads(path.read_bytes())
    schema = RunSchema.from_dict(orjson.loads((Path(task.out_dir) / SCHEMA_FILE).read_bytes()))
    marker["outputs"] = settle_shard(
        Path(task.out_dir), marker["outputs"], schema, pipeline.config.run.output_format
    )
    _report_part(task, pipeline, marker["outputs"])
    check_owner(task.out_dir, task.owner)  # a worker left from a dead run publishes nothing
    publish_task_file(path, orjson.dumps(marker))
    drop_staging(Path(task.out_dir), marker["outputs"])
    return marker
