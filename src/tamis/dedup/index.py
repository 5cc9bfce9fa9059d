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
_SHINGLE_CHUNK = 1 << 12


def _spans(end: np.ndarray, lo: int, hi: int) -> tuple[int, np.ndarray]:
    """Where rows ``lo:hi`` of a column kept end to end (``end`` = each row's cumulative end)
    begin, and each row's size."""
    first = int(end[lo - 1]) if lo else 0
    return first, np.diff(np.asarray(end[lo:hi], dtype=np.int64), prepend=first)


def write_index(path: Path, table: DocTable, keep_rows: np.ndarray, params: dict[str, Any]) -> None:
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    keep_rows = np.sort(keep_rows)
    np.save(path / "uid.npy", np.asarray(table.uid[keep_rows], dtype=np.uint64))
    id_ends: list[np.ndarray] = []
    shingle_ends: list[np.ndarray] = []
    written_ids = written_shingles = 0
    with (
        open(path / "sig.bin", "wb") as sig_fh,
        open(path / "ids.bin", "wb") as ids_fh,
        open(path / "shingles.bin", "wb") as sh_fh,
    ):
        for start in range(0, table.n, _CHUNK):
            stop = min(start + _CHUNK, table.n)
            lo, hi = np.searchsorted(keep_rows, [start, stop])
            rows = keep_rows[lo:hi]
            if len(rows) == 0:
                continue
            sig_fh.write(table.sig_chunk(start, stop)[rows - start].tobytes())
            # the kept rows' id bytes as the table holds them: one slice, masked
            first, sizes = _spans(table.id_end, start, stop)
            kept = np.zeros(stop - start, dtype=bool)
            kept[rows - start] = True
            blob = np.asarray(table.id_bytes(first, first + int(sizes.sum())))
            ids_fh.write(blob[np.repeat(kept, sizes)].tobytes())
            id_ends.append(written_ids + np.cumsum(sizes[kept], dtype=np.int64))
            written_ids = int(id_ends[-1][-1])
            if table.with_shingles:
                # a few thousand documents' sets at a time: contiguous in the table, one
                # read each, masked to the kept rows
                for sub in range(start, stop, _SHINGLE_CHUNK):
                    sub_stop = min(sub + _SHINGLE_CHUNK, stop)
                    first, sizes = _spans(table.shingle_end, sub, sub_stop)
                    kept = np.zeros(sub_stop - sub, dtype=bool)
                    in_sub = rows[(rows >= sub) & (rows < sub_stop)]
                    kept[in_sub - sub] = True
                    blob = table.shingle_range(first, first + int(sizes.sum()))
                    sh_fh.write(blob[np.repeat(kept, sizes)].tobytes())
                    if kept.any():
                        shingle_ends.append(
                            written_shingles + np.cumsum(sizes[kept], dtype=np.int64)
                        )
                        written_shingles = int(shingle_ends[-1][-1])
    np.save(path / "id_end.npy", np.concatenate(id_ends) if id_ends else np.empty(0, np.int64))
    if table.with_shingles:
        np.save(
            path / "shingle_end.npy",
            np.concatenate(shingle_ends) if shingle_ends else np.empty(0, np.int64),
        )
    else:
        (path / "shingles.bin").unlink()
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


def _raw(path: Path, dtype: type) -> np.ndarray:
    if path.stat().st_size == 0:
        return np.empty(0, dtype=dtype)
    return np.memmap(path, dtype=dtype, mode="r")


def load_index(path: Path, table: DocTable) -> int:
    """Append the index's documents to ``table`` as external rows; returns how many."""
    path = Path(path)
    uid = np.load(path / "uid.npy", mmap_mode="r")
    width = table.width
    sig_path = path / "sig.bin"
    id_end = np.load(path / "id_end.npy")
    ids_blob = _raw(path / "ids.bin", np.uint8)
    with_shingles = (path / "shingle_end.npy").exists()
    if table.with_shingles and not with_shingles:
        raise ValueError(f"dedup index {path} has no shingle sets, which exact Jaccard needs")
    if with_shingles:
        shingle_end = np.load(path / "shingle_end.npy")
        shingle_blob = _raw(path / "shingles.bin", np.uint64)
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
            sig=np.fromfile(
                sig_path, dtype=np.uint32, count=n * width, offset=start * width * 4
            ).reshape(n, width),
            ids=ids,
            external=True,
            shingles=shingles,
        )
    return len(uid)
