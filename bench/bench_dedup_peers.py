"""Peer MinHash deduplicators, run as one subprocess per measurement (for bench_dedup.py).

Runs in the peers' environment, not tamis's (datatrove's MinHash needs xxhash<4):

    python3.11 -m venv .venv-peers
    .venv-peers/bin/pip install "datatrove==0.10.1" "xxhash<4" spacy regex tokenizers datasketch

Usage: bench_dedup_peers.py TOOL INPUT.jsonl OUT.json THRESHOLD
Reads records {"id", "text"} and writes {"clusters": [[row, ...], ...], "seconds", "peak_rss_kb",
"baseline_rss_kb"} (peak resident memory, and what it was after imports, before any work):
clusters are groups of input rows (by position) that the tool put together.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import sys
import tempfile
import time
from pathlib import Path

from machine import peak_rss_kb


def read_texts(path: Path):
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)["text"]


def run_datatrove(path: Path, threshold: float) -> list[list[int]]:
    """datatrove 0.10.1 MinHash stages 1-4 with its defaults (5-grams, 14 buckets x 8 hashes).

    datatrove fixes its band layout rather than deriving it from a threshold; 14 x 8 is the
    layout of FineWeb and the issue, and its S-curve passes 0.5 near 0.7.
    """
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup.minhash import (
        MinhashConfig,
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupFilter,
        MinhashDedupSignature,
    )
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from datatrove.utils.hashing import HashConfig

    config = MinhashConfig(
        hash_config=HashConfig(precision=64), n_grams=5, num_buckets=14, hashes_per_bucket=8
    )
    work = Path(tempfile.mkdtemp(prefix="dt-minhash-"))
    data = work / "input"
    data.mkdir()
    shutil.copy(path, data / "data.jsonl")
    logs = str(work / "logs")
    steps = [
        LocalPipelineExecutor(
            pipeline=[
                JsonlReader(str(data)),
                MinhashDedupSignature(output_folder=str(work / "sigs"), config=config),
            ],
            tasks=1,
            logging_dir=logs + "/1",
        ),
        LocalPipelineExecutor(
            pipeline=[
                MinhashDedupBuckets(
                    input_folder=str(work / "sigs"),
                    output_folder=str(work / "buckets"),
                    config=config,
                )
            ],
            tasks=config.num_buckets,
            logging_dir=logs + "/2",
        ),
        LocalPipelineExecutor(
            pipeline=[
                MinhashDedupCluster(
                    input_folder=str(work / "buckets"),
                    output_folder=str(work / "remove"),
                    config=config,
                    save_cluster_id=True,
                )
            ],
            tasks=1,
            logging_dir=logs + "/3",
        ),
        LocalPipelineExecutor(
            pipeline=[
                JsonlReader(str(data)),
                MinhashDedupFilter(input_folder=str(work / "remove")),
                JsonlWriter(str(work / "out")),
            ],
            tasks=1,
            logging_dir=logs + "/4",
        ),
    ]
    for step in steps:
        step.run()
    clusters: dict[int, list[int]] = {}
    cluster_file = work / "remove" / "000000.clusters"
    if cluster_file.exists():
        raw = cluster_file.read_bytes()
        for doc, cid in struct.iter_unpack("<II", raw):
            clusters.setdefault(cid, []).append(doc)
    shutil.rmtree(work, ignore_errors=True)
    return [sorted(c) for c in clusters.values() if len(c) > 1]


_PUNCT = re.compile(r"[^\w\s]+")


def run_datasketch(path: Path, threshold: float) -> list[list[int]]:
    """datasketch MinHash + MinHashLSH at the same shingles (lower-cased word 5-grams, digits
    kept) and threshold; every pair the LSH returns is a duplicate (no verification)."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=112)
    sketches = []
    for i, text in enumerate(read_texts(path)):
        words = _PUNCT.sub(" ", text.lower()).split()
        grams = {" ".join(words[j : j + 5]) for j in range(max(1, len(words) - 4))}
        m = MinHash(num_perm=112, seed=1)
        m.update_batch([g.encode("utf-8") for g in grams])
        lsh.insert(i, m)
        sketches.append(m)
    parent = list(range(len(sketches)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, m in enumerate(sketches):
        for j in lsh.query(m):
            a, b = find(i), find(j)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for i in range(len(sketches)):
        groups.setdefault(find(i), []).append(i)
    return [g for g in groups.values() if len(g) > 1]


def main() -> None:
    tool, inp, out, threshold = (
        sys.argv[1],
        Path(sys.argv[2]),
        Path(sys.argv[3]),
        float(sys.argv[4]),
    )
    if tool == "datatrove":
        import datatrove.pipeline.dedup.minhash  # noqa: F401  (imports are not the work measured)
    else:
        import datasketch  # noqa: F401
    baseline = peak_rss_kb()
    start = time.perf_counter()
    clusters = {"datatrove": run_datatrove, "datasketch": run_datasketch}[tool](inp, threshold)
    seconds = time.perf_counter() - start
    peak = peak_rss_kb()
    out.write_text(
        json.dumps(
            {
                "clusters": clusters,
                "seconds": seconds,
                "peak_rss_kb": peak,
                "baseline_rss_kb": baseline,
            }
        )
    )


if __name__ == "__main__":
    main()
