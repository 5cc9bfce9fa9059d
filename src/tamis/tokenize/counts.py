"""``tokens.json``: what a tokenize run wrote, counted from its shards' markers.

It holds documents and tokens per output file, per input shard, per source (the file a
document first came from: for a ``tamis clean`` output, the original input, not the kept
shard) and in total, with the tokenizer's hash and framing and every file's checksum. It holds
no timings and no worker count, so it is byte-identical across worker counts and resumed runs;
timings go to ``run.json``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tamis.io.output import file_checksum
from tamis.run.plan import Shard


def tokens_document(
    header: dict[str, Any], files: list[str], shards: list[Shard], markers: list[dict[str, Any]]
) -> dict[str, Any]:
    total = {"documents": 0, "tokens": 0, "unreadable": 0, "skipped": 0}
    sources: dict[str, dict[str, int]] = {}
    rows = []
    for shard, m in zip(shards, markers, strict=True):
        for key in total:
            total[key] += m[key]
        for src, c in m["sources"].items():
            acc = sources.setdefault(src, {"documents": 0, "tokens": 0})
            acc["documents"] += c["documents"]
            acc["tokens"] += c["tokens"]
        rows.append(
            {
                **shard.to_dict(),
                "documents": m["documents"],
                "tokens": m["tokens"],
                "unreadable": m["unreadable"],
                "skipped": m["skipped"],
                "files": m["files"],
            }
        )
    return {
        **header,
        "inputs": [
            {"path": f, "size": Path(f).stat().st_size, "checksum": file_checksum(f)} for f in files
        ],
        "shards": rows,
        "sources": dict(sorted(sources.items())),
        "total": total,
    }
