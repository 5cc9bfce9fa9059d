"""A finished run's dedup index, so that a later run dedups new data against what was kept.

The index holds, for every document the run kept, its uid, id and signature (and shingle
hashes when exact Jaccard was used), plus the parameters the signatures depend on. A later run
loads it as extra documents that always win and are never removed; a parameter mismatch is an
error before any work, since signatures made differently cannot be compared.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from tamis.dedup.table import DocTable

_CHUNK = 1 << 16


def write_index(path: Path, table: DocTable, keep_rows: np.ndarray, params: dict[str, Any]) -> None:
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    keep_rows = np.sort(keep_rows)
    np.save(path / "uid.npy", np.asarray(table.uid[keep_rows], dtype=np.uint64))
    sig = np.lib.format.open_memmap(
        path / "sig.npy", mode="w+", dtype=np.uint32, shape=(len(keep_rows), table.width)
    )
    ids: list[bytes] = []
    shingles: list[np.ndarray] = []
    for start in range(0, len(keep_rows), _CHUNK):
        rows = keep_rows[start : start + _CHUNK]
        sig[start : start + len(rows)] = table.sig[rows]
        ids += [table.id_of(int(r)).encode("utf-8", "surrogatepass") for r in rows]
        if table.with_shingles:
            shingles += [table.shingles_of(int(r)) for r in rows]
    sig.flush()
    del sig
    np.save(path / "id_end.npy", np.cumsum([len(i) for i in ids], dtype=np.int64))
    np.save(path / "ids.npy", np.frombuffer(b"".join(ids), dtype=np.uint8))
    if table.with_shingles:
        np.save(path / "shingle_end.npy", np.cumsum([len(s) for s in shingles], dtype=np.int64))
        np.save(
            path / "shingles.npy", np.concatenate(shingles) if shingles else np.empty(0, np.uint64)
        )
    (path / "params.json").write_text(json.dumps(params, sort_keys=True, indent=1))


def check_index(path: Path, params: dict[str, Any]) -> None:
    path = Path(path)
    meta = path / "params.json"
    if not meta.exists():
        raise ValueError(f"{path} is not a dedup index (no params.json)")
    found = json.loads(meta.read_text())
    if found != json.loads(json.dumps(params, sort_keys=True)):
        diff = sorted(k for k in set(found) | set(params) if found.get(k) != params.get(k))
        raise ValueError(
            f"dedup index {path} was made with other settings: {', '.join(diff)} differ"
        )


def load_index(path: Path, table: DocTable) -> int:
    """Append the index's documents to ``table`` as external rows; returns how many."""
    path = Path(path)
    uid = np.load(path / "uid.npy", mmap_mode="r")
    sig = np.load(path / "sig.npy", mmap_mode="r")
    id_end = np.load(path / "id_end.npy")
    ids_blob = np.load(path / "ids.npy", mmap_mode="r")
    with_shingles = (path / "shingles.npy").exists()
    if table.with_shingles and not with_shingles:
        raise ValueError(f"dedup index {path} has no shingle sets, which exact Jaccard needs")
    if with_shingles:
        shingle_end = np.load(path / "shingle_end.npy")
        shingle_blob = np.load(path / "shingles.npy", mmap_mode="r")
    for start in range(0, len(uid), _CHUNK):
        stop = min(start + _CHUNK, len(uid))
        bounds = np.concatenate([[id_end[start - 1] if start else 0], id_end[start:stop]])
        blob = bytes(ids_blob[bounds[0] : bounds[-1]])
        rel = bounds - bounds[0]
        ids = [
            blob[rel[i] : rel[i + 1]].decode("utf-8", "surrogatepass") for i in range(stop - start)
        ]
        shingles = None
        if table.with_shingles:
            sb = np.concatenate([[shingle_end[start - 1] if start else 0], shingle_end[start:stop]])
            shingles = [np.asarray(shingle_blob[sb[i] : sb[i + 1]]) for i in range(stop - start)]
        n = stop - start
        table.append(
            uid=np.asarray(uid[start:stop]),
            quality=np.zeros(n),
            length=np.zeros(n, dtype=np.int64),
            order=np.stack([np.full(n, -1), np.arange(start, stop)], axis=1),
            sig=np.asarray(sig[start:stop]),
            ids=ids,
            external=True,
            shingles=shingles,
        )
    return len(uid)
