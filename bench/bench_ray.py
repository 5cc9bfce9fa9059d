"""Throughput of the Ray executor on 1 and 2 local workers, beside the local executor.

Three ways to run the same pipeline over the same shards, interleaved round by round so that
the other load on a shared machine falls on all of them alike:

- ``local``: the default process pool (``--workers 1`` runs in-process);
- ``ray``: ``--executor ray`` starting its own private Ray instance (Ray's start-up included,
  as a user running one command pays it);
- ``ray-joined``: ``--executor ray --ray-address HOST:PORT`` joining a Ray head started
  beforehand with ``ray start --head --num-cpus N`` (the cluster case: start-up already paid).

On a shared Linux machine with autogroup scheduling (``/proc/sys/kernel/sched_autogroup_enabled``)
every session gets an equal share of the CPUs, so every command here runs in a new session of
its own: a local pool and a private Ray instance (whose processes, workers included, stay in
the session of the command that started them) then compete on the same footing. The head that
``ray-joined`` uses is started in a session of its own as well. The ``load`` column says how
much outside load there was; only figures taken at a low load compare executors fairly.

The corpus is the real Reuters-21578 set from ../shared/data, read in place (never copied):
``shard_size_mb`` cuts the one file into record-range shards so that every worker has work.
The stages are the default recipe, or, while it holds no global stage, every registered stage
in contract order (as the Ray tests do), so deduplication and its extra phases are included.

    .venv/bin/python bench/bench_ray.py --rounds 1

Ray comes from the ``ray`` extra (``pip install -e '.[ray]'`` or ``pip install 'ray>=2.9'``
into .venv); no peer venv is needed. Results go to bench/results/ray.md.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson
import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "text" / "reuters-21578.jsonl.zst"
RESULTS = ROOT / "bench" / "results" / "ray.md"
# A head started by this benchmark uses Ray's token authentication; its clients must too.
ENV = {**os.environ, "RAY_AUTH_MODE": "token"}


STAGE_LIST = """
import json
from tamis.config import build_config, recipe_data
from tamis.stages.base import CONTRACT_ORDER, stage_class, stage_names
default = build_config(recipe_data("default"))
if any(stage_class(name).is_global for name, _ in default.stages):
    print(json.dumps(default.stage_dicts()))
else:
    print(json.dumps([{n: {}} for n in CONTRACT_ORDER if n in stage_names()]))
"""


def stage_list(env: dict[str, str]) -> list[dict]:
    """The default recipe if it deduplicates, else every registered stage in contract order."""
    got = subprocess.run(
        [sys.executable, "-c", STAGE_LIST], env=env, check=True, capture_output=True, text=True
    )
    return orjson.loads(got.stdout)


def snapshot(dest: Path) -> str:
    """The committed source (HEAD) in ``dest``: stable while others edit the working tree."""
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "HEAD", "src"], check=True, capture_output=True
    ).stdout
    dest.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return commit


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RayHead:
    """A private Ray head (``ray start --head --block``) in its own process group."""

    def __init__(self, cpus: int, log: Path) -> None:
        self.port = free_port()
        ray_cli = Path(sys.executable).with_name("ray")
        self.proc = subprocess.Popen(
            [
                str(ray_cli),
                "start",
                "--head",
                "--num-cpus",
                str(cpus),
                "--port",
                str(self.port),
                "--include-dashboard=false",
                "--disable-usage-stats",
                "--block",
            ],
            env=ENV,
            stdout=open(log, "w"),  # noqa: SIM115 - closed with the process
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while "Ray runtime started" not in log.read_text():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"ray start failed; see {log}")
            time.sleep(0.2)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # whatever of this head is left
        except ProcessLookupError:
            pass


def run_once(pipeline: Path, out: Path, workers: int, extra: list[str]) -> dict:
    if out.exists():
        shutil.rmtree(out)
    cmd = [sys.executable, "-m", "tamis.cli", "run", str(pipeline), "--quiet"]
    cmd += ["--workers", str(workers), *extra]
    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    # its own session, hence its own scheduler autogroup, as each Ray worker process has
    subprocess.run(cmd, check=True, env=ENV, start_new_session=True)
    wall = time.perf_counter() - t0
    load = (load_before + os.getloadavg()[0]) / 2  # what else the shared machine was running
    run = orjson.loads((out / "run.json").read_bytes())
    manifest = orjson.loads((out / "manifest.json").read_bytes())
    stats = orjson.loads((out / "stats.json").read_bytes())
    digest = hashlib.sha256()
    for p in sorted(out.rglob("*")):
        if p.is_file() and p.relative_to(out).parts[0] in ("kept", "rejected", "quarantine"):
            digest.update(p.relative_to(out).as_posix().encode() + p.read_bytes())
    return {
        "wall": wall,
        "load": load,
        "seconds": run["seconds"],
        "docs": manifest["counts"]["input"],
        "chars": stats["input"]["chars"],
        "outputs": digest.hexdigest(),
        "manifest": (out / "manifest.json").read_bytes(),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--shard-mb", type=float, default=0.4, help="shard size (on-disk MB)")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument(
        "--snapshot",
        action="store_true",
        help="run the committed code (git HEAD), not the working tree",
    )
    args = ap.parse_args()
    if not DATA.exists():
        sys.exit(f"{DATA} is missing (the shared data folder must sit beside the checkout)")

    work = Path(tempfile.mkdtemp(prefix="tamis-bench-ray-"))
    args.code = "working tree"
    if args.snapshot:
        commit = snapshot(work / "code")
        ENV["PYTHONPATH"] = str(work / "code" / "src")  # before the editable install's path
        args.code = f"commit {commit} (--snapshot)"
    out = work / "out"
    pipeline = work / "pipeline.yaml"
    stages = stage_list(ENV)
    pipeline.write_text(
        yaml.safe_dump(
            {
                "inputs": [str(DATA)],
                "output": str(out),
                "shard_size_mb": args.shard_mb,
                "stages": stages,
            },
            sort_keys=False,
        )
    )
    workers_list = [int(w) for w in args.workers.split(",")]
    modes = ["local", "ray", "ray-joined"]
    results: dict[tuple[str, int], list[dict]] = {}
    try:
        for rnd in range(args.rounds):
            for workers in workers_list:
                for mode in modes:
                    head = None
                    extra = ["--executor", "local"]
                    if mode == "ray":
                        extra = ["--executor", "ray"]
                    elif mode == "ray-joined":
                        head = RayHead(workers, work / f"head-{rnd}-{workers}.log")
                        extra = ["--executor", "ray", "--ray-address", head.address]
                    try:
                        r = run_once(pipeline, out, workers, extra)
                    finally:
                        if head is not None:
                            head.stop()
                    results.setdefault((mode, workers), []).append(r)
                    print(
                        f"round {rnd} {mode:10s} workers={workers} run {r['seconds']:.1f}s "
                        f"wall {r['wall']:.1f}s {r['docs'] / r['seconds']:.1f} docs/s "
                        f"load {r['load']:.1f}",
                        flush=True,
                    )
    finally:
        shutil.rmtree(work, ignore_errors=True)

    outputs = {r["outputs"] for rs in results.values() for r in rs}
    manifests = {r["manifest"] for rs in results.values() for r in rs}
    write_results(results, stages, args, len(outputs) == 1 and len(manifests) == 1)


def write_results(results: dict, stages: list[dict], args: argparse.Namespace, same: bool) -> None:
    import ray

    def best(mode: str, workers: int) -> dict:
        return min(results[(mode, workers)], key=lambda r: r["seconds"])

    any_run = next(iter(results.values()))[0]
    docs, mb = any_run["docs"], any_run["chars"] / 1e6
    lines = [
        "## Ray executor: throughput on 1 and 2 local workers",
        "",
        f"- machine: {os.cpu_count()} cores ({cpu_model()}), shared with other jobs; "
        f"Python {platform.python_version()}, Ray {ray.__version__}",
        f"- command: `.venv/bin/python bench/bench_ray.py --rounds {args.rounds} "
        f"--shard-mb {args.shard_mb} --workers {args.workers}"
        f"{' --snapshot' if args.snapshot else ''}` (best of the interleaved rounds); "
        f"code: {args.code}",
        f"- corpus: Reuters-21578 from ../shared/data, {docs:,} records, {mb:.1f} MB of text, "
        f"cut into {args.shard_mb} MB record-range shards",
        f"- stages: {', '.join(next(iter(s)) for s in stages)}",
        f"- outputs (kept/rejected/quarantine and manifest.json) identical across all runs: "
        f"{'yes' if same else 'NO'}",
        "- `run s` is the driver's own clock (run.json; includes starting a private Ray "
        "instance for `ray`); `wall s` is the whole command, interpreter start included",
        "- `load` is the machine's 1-minute load average during that run (2 cores: anything "
        "above 2 means other jobs were competing for the CPUs)",
        "",
        "| executor | workers | run s | wall s | docs/s | MB/s (text) | vs local, same workers "
        "| vs itself on 1 worker | load |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for mode in ("local", "ray", "ray-joined"):
        for workers in sorted({w for m, w in results if m == mode}):
            r = best(mode, workers)
            base = best("local", workers)["seconds"]
            one = best(mode, min(w for m, w in results if m == mode))["seconds"]
            lines.append(
                f"| {mode} | {workers} | {r['seconds']:.1f} | {r['wall']:.1f} | "
                f"{docs / r['seconds']:,.0f} | {mb / r['seconds']:.3f} | "
                f"{base / r['seconds']:.2f}x | {one / r['seconds']:.2f}x | {r['load']:.1f} |"
            )
    lines.append("")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
