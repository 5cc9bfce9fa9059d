"""Where a worker's memory goes on S3, and whether it grows with the corpus.

Two measurements against a local S3 server (SeaweedFS on 127.0.0.1, as bench_storage.py):

- ``steps``: one Python process doing what an S3 worker does, one step at a time (import the
  worker's modules, import obstore, the first request, a streamed read of the 28 MB IMDb object,
  an upload of a 12 MB file), with its RSS, peak RSS (VmHWM), Pss and anonymous memory after
  each: what each part costs, and how much of it is the library's code (file pages, shared by
  every process that maps them) rather than memory of its own.
- ``growth``: the bare pipeline (read, write) over IMDb and over IMDb four times over (300,000
  documents, 152 MB zstd), from and to S3 and on local files, largest worker peak RSS and Pss:
  a streamed read and part-sized uploads hold the same memory whatever the corpus's size.

    .venv/bin/python bench/bench_storage_memory.py --rounds 2    # 2-4 minutes on 2 cores

Rounds are interleaved and the largest figure of each side kept. Results go to
bench/results/storage_memory.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_storage import run  # noqa: E402
from bench.machine import cpu_model  # noqa: E402
from tests.s3server import aws_env, env_with, start_seaweedfs  # noqa: E402

IMDB = ROOT.parent / "shared" / "data" / "text" / "imdb-reviews.jsonl.zst"
RESULTS = ROOT / "bench" / "results" / "storage_memory.md"
BUCKET = "tamis-memory"
COPIES = 4

#: one process, step by step; prints one JSON line per step
STEPS = r"""
import json, os, sys
from pathlib import Path

def figures(step):
    rollup = {}
    for line in open("/proc/self/smaps_rollup"):
        parts = line.split()
        if len(parts) == 3 and parts[2] == "kB":
            rollup[parts[0].rstrip(":")] = int(parts[1])
    status = dict(l.split(":", 1) for l in open("/proc/self/status"))
    print(json.dumps({"step": step, "rss": rollup["Rss"], "hwm": int(status["VmHWM"].split()[0]),
                      "pss": rollup["Pss"], "anon": rollup["Anonymous"],
                      "threads": int(status["Threads"])}), flush=True)

figures("python")
import tamis.run.worker  # what every pool worker imports
from tamis.io import storage
figures("worker's modules imported")
import obstore
figures("obstore imported")
url, upload, out = sys.argv[1:4]
storage.stat(url)
figures("first request (client, runtime threads)")
with storage.open_input(url) as fh:
    while fh.read(1 << 16):
        pass
figures("28 MB object read, streamed")
storage.put_file(Path(upload), out)
figures("12 MB file uploaded (3 parts)")
"""


def steps(work: Path, env: dict[str, str], url: str) -> list[dict]:
    upload = work / "upload-12mb"
    with open(IMDB, "rb") as fh:
        upload.write_bytes(fh.read(12 << 20))
    cmd = [sys.executable, "-c", STEPS, url, str(upload), f"s3://{BUCKET}/steps/upload"]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"the step-by-step process failed: {done.stderr[-2000:]}")
    return [json.loads(line) for line in done.stdout.splitlines()]


def repeated(work: Path) -> Path:
    """IMDb's documents :data:`COPIES` times over, as one zstd JSON Lines file."""
    import zstandard

    out = work / f"imdb-x{COPIES}.jsonl.zst"
    data = zstandard.ZstdDecompressor().decompress(IMDB.read_bytes(), max_output_size=1 << 30)
    with open(out, "wb") as fh, zstandard.ZstdCompressor(level=3).stream_writer(fh) as z:
        for _ in range(COPIES):
            z.write(data)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    if not IMDB.exists():
        raise SystemExit(f"{IMDB} is missing: this benchmark reads ../shared/data")
    work = Path(tempfile.mkdtemp(prefix="tamis-bench-memory-"))
    corpora = {"1x": IMDB, f"{COPIES}x": repeated(work)}
    sizes = {name: path.stat().st_size for name, path in corpora.items()}
    proc, endpoint = start_seaweedfs(work / "seaweedfs")
    os.environ.update(aws_env(endpoint))
    env = env_with(endpoint)
    from tamis.io import storage

    try:
        for name, path in corpora.items():
            storage.put_file(path, f"s3://{BUCKET}/in/{name}.jsonl.zst")
        cfg = work / "bare.yaml"
        cfg.write_text("stages: []\nshard_size_mb: 8.0\n")
        first = steps(work, env, f"s3://{BUCKET}/in/1x.jsonl.zst")
        loads, peaks = [], {}
        for r in range(args.rounds):
            for corpus in corpora if r % 2 == 0 else list(corpora)[::-1]:
                for side in ("local", "s3") if r % 2 == 0 else ("s3", "local"):
                    src = (
                        corpora[corpus]
                        if side == "local"
                        else f"s3://{BUCKET}/in/{corpus}.jsonl.zst"
                    )
                    out = (
                        str(work / f"out-{corpus}-{r}")
                        if side == "local"
                        else f"s3://{BUCKET}/out-{corpus}-{r}"
                    )
                    cmd = [sys.executable, "-m", "tamis.cli", "clean", src, "-o", out, "--config",
                           str(cfg), "--workers", str(args.workers), "--no-report"]  # fmt: skip
                    loads.append(os.getloadavg()[0])
                    seconds, driver, worker, share, _ = run(cmd, env, proc.pid)
                    print(f"{corpus} {side} round {r}: {seconds:.1f} s, worker {worker // 1024} MB "
                          f"(Pss {share // 1024} MB), load {loads[-1]:.1f}")  # fmt: skip
                    old = peaks.get((corpus, side), (0, 0, 0))
                    peaks[(corpus, side)] = (
                        max(old[0], worker),
                        max(old[1], share),
                        max(old[2], driver),
                    )
    finally:
        proc.kill()
        proc.wait()
        shutil.rmtree(work, ignore_errors=True)
    write_results(args, first, peaks, sizes, loads)


def write_results(args, first, peaks, sizes, loads) -> None:  # noqa: ANN001
    mb = lambda kb: f"{kb / 1024:.1f}"  # noqa: E731
    lines = [
        "# Object storage: where an S3 worker's memory goes, and whether it grows with the corpus",
        "",
        f"- machine: {os.cpu_count()} cores, {cpu_model()}, Python {sys.version.split()[0]}; "
        f"1-minute load {min(loads):.1f} to {max(loads):.1f} as each command started",
        f"- command: `.venv/bin/python bench/bench_storage_memory.py --rounds {args.rounds}` "
        f"(`--workers {args.workers}`); SeaweedFS on 127.0.0.1",
        "- data: ../shared/data/text/imdb-reviews.jsonl.zst (real public data, 75,000 reviews; "
        f"read here, never tuned on) and the same documents {COPIES} times over in one zstd file",
        "",
        "## One process, step by step (MB after each step)",
        "",
        "| step | RSS | peak RSS | Pss | anonymous | threads |",
        "|---|---|---|---|---|---|",
    ]
    for s in first:
        lines.append(f"| {s['step']} | {mb(s['rss'])} | {mb(s['hwm'])} | {mb(s['pss'])} | "
                     f"{mb(s['anon'])} | {s['threads']} |")  # fmt: skip
    lines += [
        "",
        "RSS minus anonymous is file pages: the code of the libraries, shared by every process "
        "that maps them (the page cache holds one copy for the machine).",
        "",
        "## The bare pipeline, 1x and 4x the corpus (largest of all rounds, MB)",
        "",
        "| corpus | zstd MB | side | largest worker peak RSS | largest worker Pss | driver peak RSS |",
        "|---|---|---|---|---|---|",
    ]
    for (corpus, side), (worker, share, driver) in sorted(peaks.items()):
        lines.append(f"| {corpus} | {sizes[corpus] / 1e6:.1f} | {side} | {mb(worker)} | "
                     f"{mb(share)} | {mb(driver)} |")  # fmt: skip
    RESULTS.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
