"""CPU time of the bare pipeline (read -> no stage -> write) of several source trees, with 1 and 2
workers, in interleaved rounds: what a shared, loaded machine disturbs least.

CPU is the task clock of the whole process tree (`perf stat`, which follows forks: the driver,
the pool's forkserver and its workers), so the 2-worker runs are counted whole, unlike the
rusage of the run's own process. Each round runs every tree once per worker count, in turn.

    .venv/bin/python bench/bench_tree_cpu.py --trees this=src base=/tmp/base/src \\
        --inputs FILE... --rounds 5
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(
    src: str, inputs: list[str], workers: int, out: Path, fmt: str = "jsonl.zst"
) -> tuple[float, float]:
    """(CPU seconds of the whole process tree, wall seconds) of one run."""
    shutil.rmtree(out, ignore_errors=True)
    with tempfile.NamedTemporaryFile("r", suffix=".perf") as stat:
        cmd = ["perf", "stat", "-x,", "-e", "task-clock", "-o", stat.name]
        cmd += [sys.executable, "-m", "tamis.cli", "clean", *inputs, "-o", str(out)]
        cmd += ["--stages", "", "--workers", str(workers), "--quiet", "--no-report"]
        cmd += ["--output-format", fmt]
        t0 = time.perf_counter()
        subprocess.run(cmd, env=dict(os.environ, PYTHONPATH=src), check=True)
        wall = time.perf_counter() - t0
        msec = next(float(x.split(",")[0]) for x in stat.read().splitlines() if "task-clock" in x)
    shutil.rmtree(out, ignore_errors=True)
    return msec / 1000, wall


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trees", nargs="+", required=True, help="NAME=SRC_FOLDER, in run order")
    ap.add_argument("--inputs", nargs="+", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--workers", nargs="+", type=int, default=[1, 2])
    ap.add_argument("--output-format", default="jsonl.zst", help="the format tamis writes")
    args = ap.parse_args()
    trees = [t.split("=", 1) for t in args.trees]
    cpu: dict[tuple[str, int], list[float]] = {}
    wall: dict[tuple[str, int], list[float]] = {}
    out = Path(tempfile.mkdtemp(prefix="tree-cpu-"))
    loads = [os.getloadavg()[0]]
    for _ in range(args.rounds):
        for workers in args.workers:
            for name, src in trees:
                c, w = run(src, args.inputs, workers, out / name, args.output_format)
                cpu.setdefault((name, workers), []).append(c)
                wall.setdefault((name, workers), []).append(w)
        loads.append(os.getloadavg()[0])
    print(f"load average (1 min) over the rounds: {min(loads):.1f}-{max(loads):.1f}")
    print("| tree | workers | CPU s, best | CPU s, median | CPU s, each round | wall s, best |")
    print("|---|---|---|---|---|---|")
    for workers in args.workers:
        for name, _ in trees:
            c, w = cpu[(name, workers)], wall[(name, workers)]
            rounds = " ".join(f"{x:.2f}" for x in c)
            print(
                f"| {name} | {workers} | {min(c):.2f} | {statistics.median(c):.2f} | {rounds} |"
                f" {min(w):.1f} |"
            )


if __name__ == "__main__":
    main()
