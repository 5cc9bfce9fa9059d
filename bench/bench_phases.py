"""Time outside the stages: the default recipe's reads, spills and writes, this tree vs a baseline.

Runs ``tamis clean INPUT -o OUT --workers 1 --quiet --no-report`` (the default recipe) with a
baseline source tree and with this one, interleaved over several rounds (the machine is
shared: the best round of each side is taken). For each run: wall seconds, the process's CPU
seconds, ``run.json`` seconds and the sum of its stage seconds (time outside the stages is the
difference: reading, phases' spills and re-reads, merges, writing), and peak RSS.

    mkdir -p /tmp/base && git archive 61cc5d3 src | tar -x -C /tmp/base
    .venv/bin/python bench/bench_phases.py --base /tmp/base/src \\
        ../shared/data/text/imdb-reviews.jsonl.zst --rounds 3

Results are printed as a Markdown table (bench/results/pipeline.md holds them).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from machine import cpu_model

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "work" / "phases"
CLI = "import sys; from tamis.cli import main; sys.exit(main())"


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _newest(folder: Path) -> str:
    try:
        files = [p for p in folder.rglob("*") if p.is_file()]
        return str(max(files, key=lambda p: p.stat().st_mtime).relative_to(folder))
    except (OSError, ValueError):
        return ""


def one_run(src: Path, inputs: list[str], out: Path, stages: str | None) -> dict[str, Any]:
    if out.exists():
        shutil.rmtree(out)
    env = {**os.environ, "PYTHONPATH": str(src)}
    cmd = [sys.executable, "-c", CLI, "clean", *inputs, "-o", str(out)]
    cmd += ["--workers", "1", "--quiet", "--no-report"]
    cmd += ["--stages", stages] if stages is not None else []
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env)
    peak, where = 0, ""
    while True:  # the peak's place: the newest file of the run's work state at that moment
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        rss = _rss_kb(proc.pid)
        if rss > peak:
            peak, where = rss, _newest(out / ".tamis")
        time.sleep(0.25)
    wall = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({status})")
    facts = json.loads((out / "run.json").read_text())
    stages = sum(v for k, v in facts["stage_seconds"].items() if k != "total")
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "run": facts["seconds"],
        "stages": stages,
        "outside": facts["seconds"] - stages,
        "rss_mb": usage.ru_maxrss / 1024,
        "peak_at": where,
        "docs": json.loads((out / "manifest.json").read_text())["counts"]["input"],
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("inputs", nargs="+")
    ap.add_argument("--base", type=Path, required=True, help="the baseline tree's src folder")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--stages", help="only these stages (default: the default recipe)")
    args = ap.parse_args()
    sides = {"baseline": args.base.resolve(), "this tree": ROOT / "src"}
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in sides}
    for r in range(args.rounds):
        order = list(sides) if r % 2 == 0 else list(reversed(sides))
        for name in order:
            res = one_run(sides[name], args.inputs, WORK / name.replace(" ", "-"), args.stages)
            runs[name].append(res)
            shown = {k: round(v, 1) if isinstance(v, float) else v for k, v in res.items()}
            print(f"round {r + 1} {name}: " + json.dumps(shown), flush=True)
    load = os.getloadavg()
    print(f"\nmachine: {os.cpu_count()} cores, {cpu_model()}; load average {load[0]:.1f}")
    print(f"inputs: {' '.join(args.inputs)}; {args.rounds} rounds interleaved, best of each")
    print(f"stages: {args.stages if args.stages is not None else 'the default recipe'}\n")
    print(
        "| tree | wall s | CPU s | run.json s | in stages s | outside stages s "
        "| docs/s (run.json) | peak RSS MB |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, rs in runs.items():
        best = {k: min(r[k] for r in rs) for k in rs[0] if k != "peak_at"}
        print(
            f"| {name} | {best['wall']:.1f} | {best['cpu']:.1f} | {best['run']:.1f} "
            f"| {best['stages']:.1f} | {best['outside']:.1f} "
            f"| {best['docs'] / best['run']:,.0f} | {best['rss_mb']:.0f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
