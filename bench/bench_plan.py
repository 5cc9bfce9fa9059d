"""Benchmark of planning: one input file smaller than ``shard_size_mb`` on 1 and 2 workers.

The input is the first N IMDb reviews of ``../shared/data/text/imdb-reviews.jsonl.zst`` (25,000
by default, 36 MB of JSON Lines), written once as plain ``.jsonl`` and as ``.jsonl.zst`` under
``bench/work/plan/`` (never into the repository). Each run is the default recipe without the
HTML report (``tamis clean FILE -o OUT --workers W --no-report``), interleaved over rounds
with the tamis of another source tree (``--baseline-src``) on the same file; the best round of
each is kept. The process tree of every run is sampled every 0.1 s: peak RSS (VmHWM) and CPU
seconds per process, so that the figures say what the machine's load does to the wall times.

    .venv/bin/python bench/bench_plan.py --baseline-src /tmp/plan-base/src

Prints the table and writes it as a section of ``bench/results/pipeline.md``.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import orjson
import zstandard
from machine import cpu_model, peak_rss_kb, process_tree

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work" / "plan"
SOURCE = ROOT.parent / "shared" / "data" / "text" / "imdb-reviews.jsonl.zst"
RESULTS = ROOT / "bench" / "results" / "pipeline.md"
BEGIN, END = "<!-- bench_plan: begin -->", "<!-- bench_plan: end -->"


def make_inputs(docs: int) -> list[Path]:
    """The first ``docs`` reviews, as plain JSON Lines and as zstd (written once)."""
    plain = WORK / f"imdb-{docs}.jsonl"
    packed = WORK / f"imdb-{docs}.jsonl.zst"
    if not (plain.exists() and packed.exists()):
        WORK.mkdir(parents=True, exist_ok=True)
        lines = []
        with open(SOURCE, "rb") as fh:
            reader = io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(fh))
            for line in reader:
                if len(lines) == docs:
                    break
                lines.append(line)
        data = b"".join(lines)
        plain.write_bytes(data)
        packed.write_bytes(zstandard.ZstdCompressor(level=3).compress(data))
    return [plain, packed]


def _cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_once(path: Path, out: Path, workers: int, src: str) -> dict:
    """Wall seconds, CPU seconds of the driver and of its busiest worker (0 when the driver
    runs the tasks itself), and the largest peak RSS of a worker (else of the driver)."""
    if out.exists():
        shutil.rmtree(out)
    cmd = [sys.executable, "-m", "tamis.cli", "clean", str(path), "-o", str(out)]
    cmd += ["--workers", str(workers), "--quiet", "--no-report"]
    env = dict(os.environ, PYTHONPATH=src)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env)
    cpu: dict[int, float] = {}
    rss: dict[int, int] = {}
    while proc.poll() is None:
        for pid in process_tree(proc.pid):
            c = _cpu_seconds(pid)
            if c is not None:
                cpu[pid] = c
                rss[pid] = max(rss.get(pid, 0), peak_rss_kb(pid))
        time.sleep(0.1)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"tamis failed with exit code {proc.returncode}: {' '.join(cmd)}")
    others = [p for p in cpu if p != proc.pid and cpu[p] > 0.5]  # workers, not the forkserver
    manifest = orjson.loads((out / "manifest.json").read_bytes())
    return {
        "wall": wall,
        "cpu": sum(cpu.values()),
        "driver_cpu": cpu.get(proc.pid, 0.0),
        "worker_cpu": max((cpu[p] for p in others), default=0.0),  # 0: the driver ran all
        "worker_rss": max((rss[p] for p in others), default=rss.get(proc.pid, 0)) / 1024,
        "shards": len(manifest["shards"]),
        "digest": digest(out),
    }


def digest(out: Path) -> str:
    """One hash of every file that must be identical whatever the worker count."""
    h = hashlib.sha256()
    for p in sorted(out.rglob("*")):
        rel = p.relative_to(out).as_posix()
        if p.is_file() and (
            rel.split("/")[0] in ("kept", "rejected", "quarantine")
            or rel in ("manifest.json", "stats.json")
        ):
            h.update(rel.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=25_000, help="the first N IMDb reviews")
    ap.add_argument("--rounds", type=int, default=1, help="interleaved repetitions (best kept)")
    ap.add_argument("--baseline-src", help="the src/ of an earlier tamis, run interleaved")
    ap.add_argument("--no-write", action="store_true", help="print only")
    args = ap.parse_args()
    inputs = make_inputs(args.docs)
    trees = [("this tree", str(ROOT / "src"))]
    if args.baseline_src:
        trees.insert(0, ("baseline", args.baseline_src))
    best: dict[tuple, dict] = {}
    loads = []
    for r in range(args.rounds):
        loads.append(os.getloadavg()[0])
        order = [(p, t, w) for p in inputs for t in trees for w in (1, 2)]
        if r % 2:
            order.reverse()  # neither side always runs first
        for path, (label, src), workers in order:
            got = run_once(path, WORK / "out", workers, src)
            print(f"round {r + 1}: {path.name} {label} --workers {workers}: {got['wall']:.1f} s")
            key = (path.name, label, workers)
            if key not in best or got["wall"] < best[key]["wall"]:
                best[key] = got
            elif best[key]["digest"] != got["digest"]:
                raise SystemExit(f"{key}: two rounds gave different outputs")
        loads.append(os.getloadavg()[0])
    shutil.rmtree(WORK / "out", ignore_errors=True)

    lines = [
        BEGIN,
        "## One file smaller than shard_size_mb on 1 and 2 workers (planning, issue 26)",
        "",
        f"- machine: {os.cpu_count()} cores, {cpu_model()}, Python {sys.version.split()[0]}; "
        f"load average (1 min) during the rounds: {min(loads):.1f}-{max(loads):.1f}",
        f"- command: `.venv/bin/python bench/bench_plan.py --docs {args.docs} --rounds "
        f"{args.rounds}"
        + (" --baseline-src BASE/src" if args.baseline_src else "")
        + "`"
        + (" (BASE: `git worktree add BASE 61cc5d3`)" if args.baseline_src else ""),
        f"- input: the first {args.docs:,} IMDb reviews of `text/imdb-reviews.jsonl.zst` "
        f"({inputs[0].stat().st_size / 1e6:.1f} MB of JSON Lines, "
        f"{inputs[1].stat().st_size / 1e6:.1f} MB as zstd), default recipe, `--no-report`; "
        "runs interleaved, best wall time of the rounds kept",
        "- CPU columns are summed over each run's processes (sampled from /proc every 0.1 s):"
        " `bound` = the 2-worker run's CPU / (its driver's CPU + its busiest worker's CPU):"
        " the speed-up its split of the work allows on two idle cores (phase barriers aside),"
        " taken within one run so that the load on the machine cancels out",
        "",
        "| input | tree | shards | 1 worker s | 2 workers s | speed-up (wall) | CPU s 1w / 2w"
        " | bound | peak RSS per worker 1w / 2w | 1w = 2w output |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for path in inputs:
        for label, _ in trees:
            one, two = best[(path.name, label, 1)], best[(path.name, label, 2)]
            # Amdahl within the 2-worker run: its CPU over what its slowest path needs
            bound = two["cpu"] / (two["driver_cpu"] + two["worker_cpu"])
            lines.append(
                f"| {path.name} | {label} | {one['shards']} | {one['wall']:.1f} | "
                f"{two['wall']:.1f} | {one['wall'] / two['wall']:.2f}x | "
                f"{one['cpu']:.1f} / {two['cpu']:.1f} | {bound:.2f}x | "
                f"{one['worker_rss']:.0f} / {two['worker_rss']:.0f} MB | "
                f"{'identical' if one['digest'] == two['digest'] else 'DIFFERENT'} |"
            )
    lines.append(END)
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        old = RESULTS.read_text() if RESULTS.exists() else ""
        if BEGIN in old and END in old:
            head, rest = old.split(BEGIN, 1)
            text = head + text + rest.split(END, 1)[1].lstrip("\n")
        else:
            text = old.rstrip("\n") + "\n\n" + text if old else text
        RESULTS.write_text(text)


if __name__ == "__main__":
    main()
