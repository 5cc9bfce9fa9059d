"""Where a `tamis clean` run spends its wall time: the driver's serial steps and every task of
every pool worker on one time axis, so that the time a worker sits idle can be seen and named.

The run is the ordinary CLI, in this process; the driver's steps (planning, preparing OUT, each
phase's tasks and merge, settling the schema, the manifest and stats, the report) and each
task's start and end (wall clock, per worker process) are recorded by wrapping those functions.
Workers are forked from a forkserver that imports this script first, so the wrapper of the task
function is theirs too. Nothing in tamis changes: the timings are the run's own.

    .venv/bin/python bench/timeline.py INPUT... --workers 2 [--no-report] [--bare] [--rounds 3]

Prints, for the best round (lowest wall): the driver's steps (wall and CPU), the forkserver's
warm-up, each worker's busy seconds and idle gaps, and a table by phase: each worker's busy wall
and CPU seconds and its idle seconds within the phase (mostly the tail: the other worker's last
task), and the driver's serial seconds between phases (merges), wall and CPU.
"""

from __future__ import annotations

import argparse
import functools
import os
import resource
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


def _append_span(row: dict) -> None:
    folder = os.environ.get(SPANS)
    if folder:
        with open(Path(folder) / f"{os.getpid()}.jsonl", "ab") as fh:
            fh.write(orjson.dumps(row) + b"\n")


def _timed_task(task: Any) -> dict:
    """The pool's task function, with the task's wall-clock span and CPU seconds appended to
    this process's file."""
    t0, r0 = time.time(), resource.getrusage(resource.RUSAGE_SELF)
    try:
        return _run_task(task)
    finally:
        phase = getattr(task, "phase", None)
        ordinal = getattr(task, "shard", {}).get("ordinal")
        row = {"pid": os.getpid(), "phase": phase, "ordinal": ordinal, "t0": t0}
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        row["t1"] = time.time()
        row["cpu"] = r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime
        row["sys"], row["faults"] = r1.ru_stime - r0.ru_stime, r1.ru_minflt - r0.ru_minflt
        _append_span(row)


_run_task = executors.run_task
executors.run_task = _timed_task


#: the driver's steps: (name, wall start, wall end, CPU seconds of the driver process)
_STEPS: list[tuple[str, float, float, float]] = []


def _step(name: str, fn: Callable) -> Callable:
    @functools.wraps(fn)
    def timed(*args: Any, **kwargs: Any) -> Any:
        t0, c0 = time.time(), time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            _STEPS.append((name, t0, time.time(), time.process_time() - c0))

    return timed


def _timed_runs(cls: type) -> None:
    """A phase's tasks, from the executor's first submission to its last result."""
    run = cls.run

    def timed(self: Any, tasks: Any) -> Any:
        t0, c0 = time.time(), time.process_time()
        try:
            yield from run(self, tasks)
        finally:
            _STEPS.append(("tasks", t0, time.time(), time.process_time() - c0))

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


def _forkserver() -> dict | None:
    """The pool's forkserver: when it started (epoch seconds) and its CPU seconds so far (its
    imports and the run's warm-up, :mod:`tamis.run.prewarm`, then only forking). It outlives
    the run, and serves one run per process: the first round's figures are its warm-up's."""
    from multiprocessing import forkserver

    pid = getattr(forkserver._forkserver, "_forkserver_pid", None)
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        boot = next(
            float(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime")
        )
    except (OSError, StopIteration):
        return None
    tick = os.sysconf("SC_CLK_TCK")
    return {
        "start": boot + int(fields[19]) / tick,
        "cpu": (int(fields[11]) + int(fields[12])) / tick,
    }


def one_run(
    inputs: list[str], workers: int, report: bool, spans: Path, extra: list[str], out_url: str
) -> dict:
    from tamis.cli import main

    out = out_url or Path(tempfile.mkdtemp(prefix="timeline-"))
    shutil.rmtree(spans, ignore_errors=True)
    spans.mkdir(parents=True)
    os.environ[SPANS] = str(spans)
    _STEPS.clear()
    argv = ["clean", *inputs, "-o", str(out), "--workers", str(workers), "--overwrite", *extra]
    if not report:
        argv.append("--no-report")
    t0, c0 = time.time(), time.process_time()
    code = main(argv)
    t1, cpu = time.time(), time.process_time() - c0
    if code:
        raise SystemExit(f"tamis clean failed ({code})")
    rows = [orjson.loads(line) for f in spans.glob("*.jsonl") for line in f.read_bytes().split()]
    if not out_url:
        shutil.rmtree(out, ignore_errors=True)
    return {
        "t0": t0,
        "t1": t1,
        "cpu": cpu,
        "steps": list(_STEPS),
        "tasks": rows,
        "forkserver": _forkserver(),
        "driver_pid": os.getpid(),
        "workers": workers,
    }


def describe(run: dict) -> list[str]:
    t0, wall, workers = run["t0"], run["t1"] - run["t0"], run["workers"]
    lines = [f"wall {wall:.2f} s, {workers} worker(s), {len(run['tasks'])} tasks"]
    lines.append("driver steps (start-end s from the command's start, seconds):")
    for name, a, b, cpu in sorted(run["steps"], key=lambda s: s[1]):
        if b - a >= 0.005:
            lines.append(f"  {name:24s} {a - t0:7.2f}-{b - t0:7.2f}  {b - a:6.2f}  cpu {cpu:5.2f}")
    lines.append(f"driver process CPU, whole command: {run['cpu']:.2f} s")
    server = run.get("forkserver")
    if server:
        first = min(t["t0"] for t in run["tasks"])
        lines.append(
            f"forkserver: started at {server['start'] - t0:.2f} s, first task {first - t0:.2f} s "
            f"(its imports and warm-up between); its CPU {server['cpu']:.2f} s"
        )
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
    cpu = sum(t.get("cpu", 0.0) for t in run["tasks"])
    sys_s = sum(t.get("sys", 0.0) for t in run["tasks"])
    faults = sum(t.get("faults", 0) for t in run["tasks"])
    lines.append(
        f"busy worker-seconds {busy:.2f} (CPU {cpu:.2f}, of it system {sys_s:.2f}; "
        f"{faults:,} minor page faults): the whole run at that pace {busy / workers:.2f} s"
    )
    lines += by_phase(run)
    return lines


def by_phase(run: dict) -> list[str]:
    """Each phase's window (first task start to last task end), each pool worker's busy wall
    and CPU seconds and idle seconds in it, the tasks the driver ran itself while the pool
    started (:mod:`tamis.run.head_start`), and the driver's serial time before the phase
    (since the previous phase's last task ended: its merge, and the dispatch of the first
    tasks)."""
    t0, me = run["t0"], run.get("driver_pid")
    phases = sorted({t["phase"] for t in run["tasks"]}, key=lambda p: (p < 0, p))
    pids = sorted({t["pid"] for t in run["tasks"]} - {me})
    merges = [s for s in run["steps"] if s[0] == "_merge_phase"]
    head = "phase | window s | before it: serial wall s (driver CPU s) | "
    head += " | ".join(f"worker {i}: busy / CPU / idle s" for i in range(len(pids)))
    head += " | driver's own tasks: n, busy / CPU s"
    lines = [head]
    prev_end = t0
    idle_total = 0.0
    for p in phases:
        tasks = [t for t in run["tasks"] if t["phase"] == p]
        a, b = min(t["t0"] for t in tasks), max(t["t1"] for t in tasks)
        between = [s for s in merges if prev_end - 0.01 <= s[1] <= a]
        merge_cpu = sum(s[3] for s in between)
        cells = []
        for pid in pids:
            mine = [t for t in tasks if t["pid"] == pid]
            busy = sum(t["t1"] - t["t0"] for t in mine)
            cpu = sum(t.get("cpu", 0.0) for t in mine)
            # a worker forked after the phase began (its warm-up) is idle until then too
            idle_total += (b - a) - busy
            cells.append(f"{busy:6.2f} / {cpu:6.2f} / {(b - a) - busy:5.2f}")
        own = [t for t in tasks if t["pid"] == me]
        busy = sum(t["t1"] - t["t0"] for t in own)
        cells.append(f"{len(own)}, {busy:.2f} / {sum(t.get('cpu', 0.0) for t in own):.2f}")
        label = "settle" if p < 0 else str(p)
        lines.append(
            f"{label:>5} | {b - a:8.2f} | {a - prev_end:6.2f} ({merge_cpu:.2f})      | "
            + " | ".join(cells)
        )
        prev_end = b
    first = min((t["t0"] for t in run["tasks"] if t["pid"] != me), default=t0)
    lines.append(
        f"after the last task {run['t1'] - prev_end:.2f} s; idle pool-worker-seconds within "
        f"phases {idle_total:.2f} (of them before the pool's first task {len(pids)} x "
        f"{max(0.0, first - min(t['t0'] for t in run['tasks'])):.2f})"
    )
    return lines


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("inputs", nargs="+")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--no-report", action="store_true")
    ap.add_argument("--bare", action="store_true", help="no stage (--stages '')")
    ap.add_argument("--dump", type=Path, help="write the best round's spans here (JSON)")
    ap.add_argument("--out", default="", help="OUT (a URL too; overwritten each round)")
    ap.add_argument("--config", help="a pipeline file (shard size, stages)")
    args = ap.parse_args()
    extra = ["--stages", "", "--quiet"] if args.bare else []
    if args.config:
        extra += ["--config", args.config]
    spans = Path(tempfile.gettempdir()) / f"timeline-spans-{os.getpid()}"
    runs = [
        one_run(args.inputs, args.workers, not args.no_report, spans, extra, args.out)
        for _ in range(args.rounds)
    ]
    for r in runs:
        print(f"round: wall {r['t1'] - r['t0']:.2f} s")
    best = min(runs, key=lambda r: r["t1"] - r["t0"])
    print("\n".join(describe(best)))
    if args.dump:
        args.dump.write_bytes(orjson.dumps(best))
    print(f"load average {os.getloadavg()[0]:.1f}", file=sys.stderr)


if __name__ == "__main__":
    main()
