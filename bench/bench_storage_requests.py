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
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_storage import BUCKET, PIPELINES  # noqa: E402
from tests.s3server import aws_env, free_port, start_seaweedfs  # noqa: E402


class CountingProxy:
    """Forwards every request to ``upstream`` unchanged (a HEAD keeps its Content-Length) and
    counts them by method."""

    def __init__(self, upstream: str) -> None:
        host, port = upstream.rsplit("//", 1)[1].split(":")
        target = (host, int(port))
        self.counts: Counter = Counter()
        lock = threading.Lock()
        counts = self.counts

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with lock:
                    counts[self.command] += 1
                conn = http.client.HTTPConnection(*target, timeout=120)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                self.send_response(resp.status)
                head = self.command == "HEAD"
                for k, v in resp.getheaders():
                    skip = ("transfer-encoding", "connection") + (
                        () if head else ("content-length",)
                    )
                    if k.lower() not in skip:
                        self.send_header(k, v)
                if not head:
                    self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if not head:
                    self.wfile.write(data)
                conn.close()

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _any

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def take(self) -> dict[str, int]:
        out = dict(self.counts)
        self.counts.clear()
        return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline-src", type=Path, help="also count this src folder's runs")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tamis-bench-requests-"))
    server, endpoint = start_seaweedfs(work / "seaweedfs")
    proxy = CountingProxy(endpoint)
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
