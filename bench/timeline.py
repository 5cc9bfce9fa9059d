"""Where a `tamis clean` run spends its wall time: the driver's serial steps and every task of
every pool worker on one time axis, so that the time a worker sits idle can be seen and named.

The run is the ordinary CLI, in this process; the driver's steps (planning, preparing OUT, each
phase's tasks and merge, settling the schema, the manifest and stats, the report) and each
task's start and end (wall clock, per worker process) are recorded by wrapping those functions.
Workers are forked from a forkserver that imports this script first, so the wrapper of the task
function is theirs too. Nothing in tamis changes: the timings are the run's own.

    .venv/bin/python bench/timeline.py INPUT... --workers 2 [--no-report] [--bare] [--rounds 3]

Prints, for the best round (lowest wall): the driver's steps, each worker's busy seconds and
idle gaps, and the seconds during which fewer than all workers were busy, by cause.
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

import tamis.run.driver as driver
import tamis.run.executors as executors

SPANS = "TAMIS_TIMELINE_DIR"  # where each worker process appends the spans of its tasks


def _timed_task(task: Any) -> dict:
    """The pool's task function, with the task's wall-clock span appended to this process's file."""
    t0 = time.time()
    try:
        return _run_task(task)
    finally:
        folder = os.environ.get(SPANS)
        if folder:
            phase = getattr(task, "phase", None)
            ordinal = getattr(task, "shard", {}).get("ordinal")
            row = {"pid": os.getpid(), "phase": phase, "ordinal": ordinal, "t0": t0}
            row["t1"] = time.time()
            with open(Path(folder) / f"{os.getpid()}.jsonl", "ab") as fh:
                fh.write(orjson.dumps(row) + b"\n")


_run_task = executors.run_task
executors.run_task = _timed_task

_STEPS: list[tuple[str, float, float]] = []


def _step(name: str, fn: Callable) -> Callable:
    @functools.wraps(fn)
    def timed(*args: Any, **kwargs: Any) -> Any:
        t0 = time.time()
        try:
            return fn(*args, **kwargs)
        finally:
            _STEPS.append((name, t0, time.time()))

    return timed


def _timed_runs(cls: type) -> None:
    """A phase's tasks, from the executor's first submission to its last result."""
    run = cls.run

    def timed(self: Any, tasks: Any) -> Any:
        t0 = time.time()
        try:
            yield from run(self, tasks)
        finally:
            _STEPS.append(("tasks", t0, time.time()))

    cls.run = timed


for _name in (
    "resolve_inputs",
    "plan_shards",
    "prepare_output",
    "write_provisional",
    "check_inputs_unchanged",
    "_merge_phase",
    "prepare_settle",
    "_finalize",
    "_write_report",
):
    setattr(driver, _name, _step(_name, getattr(driver, _name)))
driver.Pipeline = _step("Pipeline", driver.Pipeline)
driver.LocalExecutor = _step("LocalExecutor", driver.LocalExecutor)
_timed_runs(executors.LocalExecutor)
_timed_runs(executors.InProcessExecutor)


def one_run(inputs: list[str], workers: int, report: bool, spans: Path, extra: list[str]) -> dict:
    from tamis.cli import main

    out = Path(tempfile.mkdtemp(prefix="timeline-"))
    shutil.rmtree(spans, ignore_errors=True)
    spans.mkdir(parents=True)
    os.environ[SPANS] = str(spans)
    _STEPS.clear()
    argv = ["clean", *inputs, "-o", str(out), "--workers", str(workers), "--overwrite", *extra]
    if not report:
        argv.append("--no-report")
    t0 = time.time()
    code = main(argv)
    t1 = time.time()
    if code:
        raise SystemExit(f"tamis clean failed ({code})")
    tasks = [orjson.loads(line) for f in spans.glob("*.jsonl") for line in f.read_bytes().split()]
    shutil.rmtree(out, ignore_errors=True)
    return {"t0": t0, "t1": t1, "steps": list(_STEPS), "tasks": tasks, "workers": workers}


def describe(run: dict) -> list[str]:
    t0, wall, workers = run["t0"], run["t1"] - run["t0"], run["workers"]
    lines = [f"wall {wall:.2f} s, {workers} worker(s), {len(run['tasks'])} tasks"]
    lines.append("driver steps (start-end s from the command's start, seconds):")
    for name, a, b in sorted(run["steps"], key=lambda s: s[1]):
        if b - a >= 0.005:
            lines.append(f"  {name:24s} {a - t0:7.2f}-{b - t0:7.2f}  {b - a:6.2f}")
    lanes: dict[int, list[dict]] = {}
    for t in run["tasks"]:
        lanes.setdefault(t["pid"], []).append(t)
    lines.append("workers (busy s; gaps between tasks above 50 ms, at s from start):")
    for pid, tasks in sorted(lanes.items()):
        tasks.sort(key=lambda t: t["t0"])
        busy = sum(t["t1"] - t["t0"] for t in tasks)
        gaps = [
            f"{b['t0'] - a['t1']:.2f}@{a['t1'] - t0:.1f}"
            for a, b in zip(tasks, tasks[1:], strict=False)
            if b["t0"] - a["t1"] > 0.05
        ]
        first, last = tasks[0]["t0"] - t0, tasks[-1]["t1"] - t0
        lines.append(
            f"  pid {pid}: {len(tasks)} tasks, busy {busy:.2f} s, first start {first:.2f}, "
            f"last end {last:.2f}; gaps {' '.join(gaps) or '-'}"
        )
    # seconds with fewer than `workers` tasks running, split into before the first task, the
    # driver's steps between phases, the phases' tails (one worker still on its last task) and
    # after the last task
    edges = sorted([(t["t0"], 1) for t in run["tasks"]] + [(t["t1"], -1) for t in run["tasks"]])
    short = 0.0
    running, at = 0, t0
    for when, delta in edges:
        if running < workers:
            short += (workers - running) / workers * (when - at)
        running += delta
        at = when
    first = min(t["t0"] for t in run["tasks"])
    last = max(t["t1"] for t in run["tasks"])
    lines.append(
        f"before the first task {first - t0:.2f} s; after the last task {run['t1'] - last:.2f} "
        f"s; worker-seconds idle between them / workers {short - (first - t0):.2f} s"
    )
    busy = sum(t["t1"] - t["t0"] for t in run["tasks"])
    lines.append(
        f"busy worker-seconds {busy:.2f}: the whole run at that pace {busy / workers:.2f} s"
    )
    return lines


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("inputs", nargs="+")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--no-report", action="store_true")
    ap.add_argument("--bare", action="store_true", help="no stage (--stages '')")
    args = ap.parse_args()
    extra = ["--stages", "", "--quiet"] if args.bare else []
    spans = Path(tempfile.gettempdir()) / f"timeline-spans-{os.getpid()}"
    runs = [
        one_run(args.inputs, args.workers, not args.no_report, spans, extra)
        for _ in range(args.rounds)
    ]
    for r in runs:
        print(f"round: wall {r['t1'] - r['t0']:.2f} s")
    best = min(runs, key=lambda r: r["t1"] - r["t0"])
    print("\n".join(describe(best)))
    print(f"load average {os.getloadavg()[0]:.1f}", file=sys.stderr)


if __name__ == "__main__":
    main()
