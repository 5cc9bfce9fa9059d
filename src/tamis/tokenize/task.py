"""One unit of work: tokenize one input shard into its token files, then write its marker.

The task reads its shard with tamis's own readers (so any input ``clean`` reads works, and a
``tamis clean`` output's kept records keep their original source), encodes documents in
batches, frames them (BOS, EOS), and streams them into the format's files. Output files are
named after the shard (``part-NNNNN``, or ``part-NNNNN-MMMMM`` when ``--shard-tokens`` cuts a
shard's tokens into files), so nothing depends on which worker ran it. Files go to temporary
names and are renamed when complete; the marker is written last, so a killed task is simply
redone on resume. Memory holds one batch and the per-document index of the shard.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from tamis.io.base import Document, Quarantine, ReadOptions, Skipped, reader_for
from tamis.io.output import file_checksum
from tamis.run import worker
from tamis.run.worker import atomic_write
from tamis.tokenize.formats import ShardFiles
from tamis.tokenize.tokenizer import open_tokenizer

BATCH_DOCS = 512
BATCH_CHARS = 4 << 20
WORK = Path(".tamis") / "tokenize"


def marker_path(out_dir: str | Path, ordinal: int) -> Path:
    return Path(out_dir) / WORK / f"{ordinal:05d}.done.json"


def file_base(ordinal: int, part: int | None) -> str:
    return f"part-{ordinal:05d}" if part is None else f"part-{ordinal:05d}-{part:05d}"


def document_source(doc: Document) -> tuple[str, int]:
    """Where a document first came from: a tamis output's record names its original input."""
    src = doc.meta.get("source")
    if isinstance(src, str) and src.startswith("{"):  # a Parquet shard keeps it as JSON text
        src = orjson.loads(src)
    if isinstance(src, dict) and isinstance(src.get("path"), str):
        return src["path"], int(src.get("index", doc.source["index"]))
    return doc.source["path"], doc.source["index"]


_TOKENIZERS: dict[tuple[str, str], Any] = {}


def tokenizer_for(path: str, sha256: str) -> Any:
    key = (path, sha256)
    if key not in _TOKENIZERS:
        _TOKENIZERS.clear()
        _TOKENIZERS[key] = open_tokenizer(path)
    return _TOKENIZERS[key]


@dataclass(frozen=True)
class TokenizeTask:
    """Everything a worker needs, picklable; executors call :meth:`run` through ``run_task``."""

    out_dir: str
    settings: dict[str, Any]  # tokenizer, sha256, bos_id, eos_id, dtype, format, fields...
    shard: dict[str, Any]

    phase = 0  # the only one: executors name tasks by phase and shard

    def run(self) -> dict[str, Any]:
        return tokenize_shard(self)


class _Files:
    """The file sets of one shard: one, or a new one each ``shard_tokens`` tokens."""

    def __init__(self, task: TokenizeTask) -> None:
        s = task.settings
        self.out, self.ordinal, self.cap = (
            Path(task.out_dir),
            task.shard["ordinal"],
            s["shard_tokens"],
        )
        self.fmt, self.dtype, self.name = s["format"], s["dtype"], s["tokenizer_name"]
        self.done: list[ShardFiles] = []
        self.current = self._open()

    def _open(self) -> ShardFiles:
        part = None if self.cap is None else len(self.done)
        return ShardFiles(self.out / file_base(self.ordinal, part), self.fmt, self.dtype, self.name)

    def add(self, flat: np.ndarray, lengths: np.ndarray, rows: list[tuple] | None) -> None:
        if self.cap is None:
            self.current.add(flat, lengths, rows)
            return
        i, offset = 0, 0
        while i < len(lengths):
            # as many whole documents as fit; a document longer than the cap gets a file alone
            room = self.cap - self.current.tokens
            fit = np.searchsorted(np.cumsum(lengths[i:]), room, side="right")
            if fit == 0 and self.current.documents == 0:
                fit = 1
            if fit == 0:
                self.done.append(self.current)
                self.current = self._open()
                continue
            n = int(lengths[i : i + fit].sum())
            self.current.add(
                flat[offset : offset + n], lengths[i : i + fit], rows[i : i + fit] if rows else None
            )
            i, offset = i + fit, offset + n

    def close(self) -> list[dict[str, Any]]:
        out = []
        for f in [*self.done, self.current]:
            paths = f.close()
            out.append(
                {
                    "name": f.base.name,
                    "documents": f.documents,
                    "tokens": f.tokens,
                    "checksums": {p.name: file_checksum(p) for p in paths},
                }
            )
        return out

    def abort(self) -> None:
        for f in [*self.done, self.current]:
            f.abort()


def _batches(task: TokenizeTask, counts: Counter) -> Any:
    """Lists of documents of this shard, bounded in count and characters."""
    s = task.settings
    shard = task.shard
    reader = reader_for(shard["path"])
    assert reader is not None, shard["path"]
    opts = ReadOptions(s["text_field"], s["id_field"], s["max_record_bytes"])
    batch: list[Document] = []
    chars = 0
    for item in reader.read(shard["path"], opts, shard["start"], shard["stop"]):
        if type(item) is Document:
            batch.append(item)
            chars += len(item.text)
            if len(batch) >= BATCH_DOCS or chars >= BATCH_CHARS:
                yield batch
                batch, chars = [], 0
        elif isinstance(item, Quarantine):
            counts["unreadable"] += 1
        elif isinstance(item, Skipped):
            counts["skipped"] += 1
    if batch:
        yield batch


def frame(ids: list[list[int]], bos: int | None, eos: int | None) -> tuple[np.ndarray, np.ndarray]:
    """All documents' ids back to back, each between ``bos`` and ``eos``; and their lengths."""
    lengths = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
    flat = np.fromiter(chain.from_iterable(ids), dtype=np.int64, count=int(lengths.sum()))
    ends = np.cumsum(lengths)
    if eos is not None:
        flat = np.insert(flat, ends, eos)
    if bos is not None:
        starts = ends - lengths + (np.arange(len(ids)) if eos is not None else 0)
        flat = np.insert(flat, starts, bos)
    return flat, lengths + (bos is not None) + (eos is not None)


def tokenize_shard(task: TokenizeTask) -> dict[str, Any]:
    # one worker is one core: the tokenizer's own thread pool would compete with the other
    # workers (a user may still ask for it by setting the variable)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    t0 = time.perf_counter()
    s = task.settings
    tok = tokenizer_for(s["tokenizer"], s["sha256"])
    bos, eos, npy = s["bos_id"], s["eos_id"], s["format"] == "npy"
    counts: Counter = Counter()
    sources: dict[str, list[int]] = {}
    files = _Files(task)
    try:
        for docs in _batches(task, counts):
            flat, lengths = frame(tok.encode_batch([d.text for d in docs]), bos, eos)
            origins = [document_source(d) for d in docs]
            rows = (
                [(d.id, src, loc) for d, (src, loc) in zip(docs, origins, strict=True)]
                if npy
                else None
            )
            files.add(flat, lengths, rows)
            for (src, _), n in zip(origins, lengths.tolist(), strict=True):
                c = sources.setdefault(src, [0, 0])
                c[0] += 1
                c[1] += n
            n_tokens = int(lengths.sum())
            counts["documents"] += len(docs)
            counts["tokens"] += n_tokens
            worker.report_progress((0, len(docs), n_tokens))
        outputs = files.close()
    except BaseException:
        files.abort()
        raise
    marker = {
        "shard": task.shard["ordinal"],
        "documents": counts["documents"],
        "tokens": counts["tokens"],
        "unreadable": counts["unreadable"],
        "skipped": counts["skipped"],
        "files": outputs,
        "sources": {k: {"documents": v[0], "tokens": v[1]} for k, v in sorted(sources.items())},
        "seconds": round(time.perf_counter() - t0, 3),
    }
    atomic_write(marker_path(task.out_dir, task.shard["ordinal"]), orjson.dumps(marker))
    return marker
