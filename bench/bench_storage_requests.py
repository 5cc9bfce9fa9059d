"""How many requests a run from and to a local S3 server makes: a figure that no load moves.

Wall time on a shared machine moves with the other jobs by more than a change in how tamis
talks to a store; the number of requests does not. The same two runs as ``bench_storage.py``'s
s3 side (the bare pipeline over IMDb, the default recipe over Reuters, ``--workers 2``) go
through a counting HTTP proxy in front of SeaweedFS; with ``--baseline-src`` the same runs of
another tree (its ``src`` put first on ``PYTHONPATH``) are counted too. Printed only:

    .venv/bin/python bench/bench_storage_requests.py --baseline-src BASE/src
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

from bench.bench_storage import BUCKET, PIPELINES  # noqa: E402
from tests.s3server import ForwardingProxy, aws_env, start_seaweedfs  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline-src", type=Path, help="also count this src folder's runs")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tamis-bench-requests-"))
    server, endpoint = start_seaweedfs(work / "seaweedfs")
    proxy = ForwardingProxy(endpoint).__enter__()
    os.environ.update(aws_env(endpoint))
    import s3fs
    import yaml

    from tamis.config import recipe_data

    fs = s3fs.S3FileSystem()
    fs.mkdir(BUCKET)
    trees = {"this tree": None}
    if args.baseline_src:
        trees = {"before": str(args.baseline_src.resolve()), **trees}
    try:
        for name, (data, shard_mb) in PIPELINES.items():
            fs.put_file(str(data), f"{BUCKET}/in/{data.name}")
            recipe = {"stages": []} if name == "bare" else recipe_data("default")
            cfg = work / f"{name}.yaml"
            cfg.write_text(yaml.safe_dump({**recipe, "shard_size_mb": shard_mb}))
            for tree, src in trees.items():
                env = {**os.environ, **aws_env(proxy.url), "TAMIS_SCRATCH": str(work / "scratch")}
                if src:
                    env["PYTHONPATH"] = src
                out = f"s3://{BUCKET}/{name}-{tree.replace(' ', '-')}"
                cmd = [sys.executable, "-m", "tamis.cli", "clean", f"s3://{BUCKET}/in/{data.name}",
                       "-o", out, "--config", str(cfg), "--workers", "2", "--no-report"]  # fmt: skip
                proxy.take()
                done = subprocess.run(cmd, env=env, capture_output=True)
                if done.returncode:
                    raise SystemExit(done.stderr.decode()[-2000:])
                counts = proxy.take()
                shards = len(json.loads(fs.cat_file(f"{out[5:]}/manifest.json"))["shards"])
                print(f"| {name} | {tree} | {shards} | {sum(counts.values())} | "
                      f"{', '.join(f'{k} {v}' for k, v in sorted(counts.items()))} |")  # fmt: skip
    finally:
        proxy.server.shutdown()
        server.kill()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
