"""Benchmark of the bare pipeline (read -> no stage -> write) against the floor any pipeline pays.

The floor is a minimal loop over the same files: decompress zstd, split lines, parse each with
orjson, serialise it again, compress with zstd, write. The bare pipeline is `tamis clean
--stages ""` on 1 and 2 workers. The corpus is generated here (demo-corpus documents with many
seeds), so no data is copied; its size is given in GB of uncompressed JSONL.

    .venv/bin/python bench/bench_pipeline.py --gb 1.0

Results are written to bench/results/pipeline.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import orjson
import zstandard
from machine import cpu_model, peak_rss_kb, process_tree

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work" / "pipeline"
DATA = ROOT.parent / "shared" / "data"
#: times the held-out corpus repeats its documents (each copy under its own ids): the real text
#: at hand is 25 MB, too little to show more than a run's start-up
HELD_OUT_COPIES = 4


def make_corpus(dest: Path, gb: float, files: int = 8) -> tuple[list[Path], int, int]:
    from tamis.demo import make_documents

    dest.mkdir(parents=True, exist_ok=True)
    target = int(gb * 1e9)
    per_file = target // files
    paths, total, ndocs = [], 0, 0
    cctx = zstandard.ZstdCompressor(level=3)
    seed = 0
    for k in range(files):
        p = dest / f"corpus-{k:02d}.jsonl.zst"
        size = 0
        with open(p, "wb") as fh, cctx.stream_writer(fh) as zw:
            while size < per_file:
                seed += 1
                for d in make_documents(2000, seed):
                    d["id"] = f"{seed}-{d['id']}"
                    line = orjson.dumps(d) + b"\n"
                    zw.write(line)
                    size += len(line)
                    ndocs += 1
        total += size
        paths.append(p)
    return paths, total, ndocs


def _web_records():
    """Main text of real web pages: WCXB dev's ground truth (with its url, title, author and
    date, some of them null) and the AEB article bodies (with a url)."""
    import json

    for path in sorted((DATA / "extraction" / "wcxb-dev" / "ground-truth").glob("*.json")):
        page = json.loads(path.read_text(encoding="utf-8"))
        truth = page["ground_truth"]
        if (truth.get("main_content") or "").strip():
            yield {
                "id": f"wcxb-{path.stem}",
                "text": truth["main_content"],
                "url": page.get("url"),
                "title": truth.get("title"),
                "author": truth.get("author"),
                "publish_date": truth.get("publish_date"),
            }
    aeb = json.loads((DATA / "extraction" / "scrapinghub-aeb" / "ground-truth.json").read_text())
    for key in sorted(aeb):
        if (aeb[key].get("articleBody") or "").strip():
            yield {"id": f"aeb-{key[:16]}", "text": aeb[key]["articleBody"], "url": aeb[key]["url"]}


def _sentence_records():
    """Leipzig sentences of 75 languages (lingua's test set): many short records with a
    language and a line number."""
    folder = DATA / "langid" / "lingua-sentences"
    for path in sorted(folder.glob("*.txt")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            if line.strip():
                yield {"id": f"{path.stem}-{n}", "text": line, "lang": path.stem, "line": n}


def make_held_out(dest: Path) -> tuple[list[Path], int, int]:
    """A corpus no profile of the writers has read: the web pages' main text and the sentences,
    one file each, every document repeated HELD_OUT_COPIES times under new ids."""
    dest.mkdir(parents=True, exist_ok=True)
    paths, total, ndocs = [], 0, 0
    for name, records in (("web", _web_records), ("sentences", _sentence_records)):
        p = dest / f"{name}.jsonl.zst"
        with open(p, "wb") as fh, zstandard.ZstdCompressor(level=3).stream_writer(fh) as zw:
            for copy in range(HELD_OUT_COPIES):
                for rec in records():
                    line = orjson.dumps({**rec, "id": f"{rec['id']}-{copy}"}) + b"\n"
                    zw.write(line)
                    total += len(line)
                    ndocs += 1
        paths.append(p)
    return paths, total, ndocs


def floor_loop(paths: list[Path], out: Path) -> float:
    """The minimal per-record loop that any JSONL.zst -> JSONL.zst pipeline pays."""
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    dctx = zstandard.ZstdDecompressor()
    cctx = zstandard.ZstdCompressor(level=3)
    for p in paths:
        with open(p, "rb") as fin, open(out / p.name, "wb") as fout, cctx.stream_writer(fout) as zw:
            reader = dctx.stream_reader(fin)
            rest = b""
            while chunk := reader.read(1 << 20):
                lines = (rest + chunk).split(b"\n")
                rest = lines.pop()
                zw.write(
                    b"".join(orjson.dumps(orjson.loads(line)) + b"\n" for line in lines if line)
                )
    return time.perf_counter() - t0


def floor_parallel(paths: list[Path], out: Path, procs: int) -> float:
    """The floor loop in ``procs`` processes at once over a share of the files each: the floor a
    worker meets when the machine's cores are all busy, as they are for tamis's workers."""
    import multiprocessing

    shares = [paths[i::procs] for i in range(procs)]
    t0 = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(procs) as pool:
        pool.starmap(floor_loop, [(share, out / f"p{i}") for i, share in enumerate(shares)])
    return time.perf_counter() - t0


def run_tamis(
    paths: list[Path], out: Path, workers: int, fmt: str = "jsonl.zst", src: str | None = None
) -> tuple[float, float, float | None]:
    """Wall seconds, the peak RSS (MB) of the largest process of the run and, with one worker,
    the CPU seconds (user + sys) of the run; ``src``: run the tamis of another source tree (an
    earlier version, for a before/after comparison). CPU time is what other jobs on a shared
    machine disturb least."""
    if out.exists():
        shutil.rmtree(out)
    cmd = [sys.executable, "-m", "tamis.cli", "clean", *map(str, paths), "-o", str(out)]
    cmd += ["--stages", "", "--workers", str(workers), "--quiet", "--no-report"]
    cmd += ["--output-format", fmt]
    env = dict(os.environ, PYTHONPATH=src) if src else None
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env)
    peak = 0
    while True:  # wait4 rather than poll: the run's rusage counts the workers it waited for
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        peak = max(peak, tree_peak_rss_kb(proc.pid))
        time.sleep(0.2)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"tamis failed with exit code {proc.returncode}")
    # a pool's workers are not children the run waits for, so only one worker (in the run's
    # own process) is counted whole
    cpu = usage.ru_utime + usage.ru_stime if workers == 1 else None
    return seconds, peak / 1024, cpu


def tree_peak_rss_kb(root: int) -> int:
    """The largest peak RSS (VmHWM) of any process in the tree under ``root``."""
    return max((peak_rss_kb(pid) for pid in process_tree(root)), default=0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gb", type=float, default=1.0, help="corpus size, GB of uncompressed JSONL")
    ap.add_argument("--keep", action="store_true", help="keep the generated corpus")
    ap.add_argument("--rounds", type=int, default=2, help="interleaved repetitions (best kept)")
    ap.add_argument("--output-format", default="jsonl.zst", help="the format tamis writes")
    ap.add_argument(
        "--baseline-src",
        help="the src/ folder of an earlier tamis (for example from `git archive`): its runs are"
        " interleaved with this one's on the same corpus, as a before/after comparison",
    )
    ap.add_argument("--results", default="pipeline", help="bench/results/NAME.md")
    ap.add_argument(
        "--inputs",
        nargs="+",
        type=Path,
        help="JSONL.zst files to run on instead of the generated corpus (real data that no"
        " profile has read, to check that a speed-up found on the generated corpus carries over)",
    )
    ap.add_argument(
        "--held-out",
        action="store_true",
        help="run on real text kept apart from every profile of the writers: WCXB and AEB main"
        f" text and lingua's sentences, each repeated {HELD_OUT_COPIES} times",
    )
    args = ap.parse_args()

    corpus = WORK / ("held-out" if args.held_out else f"corpus-{args.gb:g}gb")
    marker = corpus / "SIZE"
    if args.inputs:
        paths, total, ndocs = args.inputs, 0, 0
        for path in paths:
            with open(path, "rb") as fh:
                for chunk in zstandard.ZstdDecompressor().read_to_iter(fh):
                    total += len(chunk)
                    ndocs += chunk.count(b"\n")
    elif marker.exists():
        paths = sorted(corpus.glob("*.jsonl.zst"))
        total, ndocs = map(int, marker.read_text().split())
    else:
        if corpus.exists():
            shutil.rmtree(corpus)
        make = make_held_out if args.held_out else lambda dest: make_corpus(dest, args.gb)
        paths, total, ndocs = make(corpus)
        marker.write_text(f"{total} {ndocs}")
    on_disk = sum(p.stat().st_size for p in paths)
    mb = total / 1e6

    # rounds interleave the runs, and the best of each is kept, so that load from other
    # processes on the machine biases no run against another
    best: dict[str, float] = {}
    peaks: dict[str, float] = {}
    cpus: dict[str, float] = {}
    for _ in range(args.rounds):
        t = floor_loop(paths, WORK / "floor-out")
        best["floor"] = min(best.get("floor", t), t)
        t = floor_parallel(paths, WORK / "floor-out", 2)
        best["floor2"] = min(best.get("floor2", t), t)
        for workers in (1, 2):
            for label, src in (("", None), ("base", args.baseline_src)):
                if label and not src:
                    continue
                t, peak, cpu = run_tamis(
                    paths, WORK / f"out-{workers}", workers, args.output_format, src
                )
                key = f"{label}w{workers}"
                best[key] = min(best.get(key, t), t)
                peaks[key] = max(peaks.get(key, 0), peak)
                if cpu is not None:
                    cpus[key] = min(cpus.get(key, cpu), cpu)
    rows = [
        ("floor loop (1 process)", 1, best["floor"], None, None),
        ("floor loop (2 processes at once)", 2, best["floor2"], None, None),
    ]
    for workers in (1, 2):
        for label in ("base", ""):
            key = f"{label}w{workers}"
            if key not in best:
                continue
            name = "baseline tamis" if label else "tamis"
            rows.append(
                (
                    f"{name} bare pipeline, --workers {workers}, {args.output_format}",
                    workers,
                    best[key],
                    peaks[key],
                    cpus.get(key),
                )
            )
    # per worker, against the floor of as many processes running at once
    floor_per_proc = {1: mb / best["floor"], 2: mb / best["floor2"] / 2}

    what = (
        "documents of the files given"
        if args.inputs
        else f"held-out documents (WCXB + AEB main text, lingua sentences; x{HELD_OUT_COPIES})"
        if args.held_out
        else "generated news-like documents"
    )
    lines = [
        "## Bare pipeline vs floor (read -> no stage -> write)",
        "",
        f"- machine: {os.cpu_count()} cores, {cpu_model()}, Python {platform.python_version()}",
        "- command: `.venv/bin/python bench/bench_pipeline.py "
        + (
            f"--inputs {' '.join(map(str, args.inputs))}"
            if args.inputs
            else "--held-out"
            if args.held_out
            else f"--gb {args.gb:g}"
        )
        + f" --rounds {args.rounds}"
        + (f" --output-format {args.output_format}" if args.output_format != "jsonl.zst" else "")
        + (" --baseline-src BASE/src" if args.baseline_src else "")
        + (f" --results {args.results}" if args.results != "pipeline" else "")
        + "` (best of the interleaved rounds)",
        f"- corpus: {ndocs:,} {what}, {mb:,.0f} MB of JSONL "
        f"({on_disk / 1e6:,.0f} MB zstd on disk, {len(paths)} files)",
        "",
        "| run | processes | seconds | MB/s | MB/s per process | share of the floor per process"
        " (same process count) | share of the 1-process floor | peak RSS per process |"
        " CPU seconds (user + sys; 1 worker) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, workers, s, peak, cpu in rows:
        rate = mb / s
        lines.append(
            f"| {name} | {workers} | {s:.1f} | {rate:.1f} | {rate / workers:.1f} | "
            f"{100 * rate / workers / floor_per_proc[workers]:.0f}% | "
            f"{100 * rate / workers / floor_per_proc[1]:.0f}% | "
            f"{f'{peak:.0f} MB' if peak else '-'} | {f'{cpu:.2f}' if cpu else '-'} |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    (ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)
    results = ROOT / "bench" / "results" / f"{args.results}.md"
    old = results.read_text() if results.exists() else ""
    if "<!-- bench_plan: begin -->" in old:  # bench_plan.py's section stays
        text += "\n<!-- bench_plan: begin -->" + old.split("<!-- bench_plan: begin -->", 1)[1]
    results.write_text(text)
    for d in ("floor-out", "out-1", "out-2"):
        shutil.rmtree(WORK / d, ignore_errors=True)
    if not args.keep and not args.inputs:
        shutil.rmtree(corpus, ignore_errors=True)


if __name__ == "__main__":
    main()
