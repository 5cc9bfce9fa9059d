"""Group records by a 64-bit key within a memory budget: in memory, or hash partitions on disk.

Why partitions and not DuckDB or sorted runs: every consumer here only needs the records of one
key *together* (an LSH bucket, a repeated line), never a global order. Writing each record to
one of 256 files by the top byte of its (well-mixed) key gives partitions of ~1/256 of the data,
each sorted on its own in memory. That is one sequential write and one sequential read of the
spilled bytes, with no merge phase and no extra dependency; DuckDB would add a 50 MB dependency
to do the same group-by, and k-way merging of sorted runs needs the whole key range open at once.
Partitions are visited in key order, so the output is sorted by key whatever the input order.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

PARTITION_BITS = 8


class KeyedSpill:
    """Collects structured records (first field ``key``, uint64) and yields them key-sorted.

    ``ties`` names the fields that order records sharing a key; the iteration is therefore the
    same whatever order the records were added in.
    """

    def __init__(
        self, workdir: Path, dtype: np.dtype, budget_bytes: int, ties: tuple[str, ...]
    ) -> None:
        self.dtype = np.dtype(dtype)
        if self.dtype.names is None or self.dtype.names[0] != "key":
            raise ValueError("the first field of a spill record must be 'key'")
        self.workdir = Path(workdir)
        self.budget = max(int(budget_bytes), self.dtype.itemsize)
        self.ties = ties
        self._buffer: list[np.ndarray] = []
        self._buffered = 0
        self.spilled_bytes = 0
        self.records = 0
        self._files: list[Path] | None = None

    def add(self, records: np.ndarray) -> None:
        if len(records) == 0:
            return
        self._buffer.append(np.asarray(records, dtype=self.dtype))
        self._buffered += records.nbytes
        self.records += len(records)
        if self._buffered > self.budget:
            self._flush()

    def _flush(self) -> None:
        if not self._buffer:
            return
        if self._files is None:
            self.workdir.mkdir(parents=True, exist_ok=True)
            self._files = [self.workdir / f"part-{p:03d}.bin" for p in range(1 << PARTITION_BITS)]
            for f in self._files:
                f.write_bytes(b"")
        buffers, self._buffer, self._buffered = self._buffer, [], 0
        handles = [open(f, "ab") for f in self._files]  # noqa: SIM115
        try:
            for data in buffers:  # one added array at a time: no copy of the whole buffer
                part = (data["key"] >> np.uint64(64 - PARTITION_BITS)).astype(np.int64)
                order = np.argsort(part, kind="stable")
                data, part = data[order], part[order]
                bounds = np.searchsorted(part, np.arange((1 << PARTITION_BITS) + 1))
                for p in np.flatnonzero(np.diff(bounds)):
                    handles[p].write(data[bounds[p] : bounds[p + 1]].tobytes())
                self.spilled_bytes += data.nbytes
        finally:
            for h in handles:
                h.close()

    def sorted_chunks(self) -> Iterator[np.ndarray]:
        """Key-sorted arrays; every key's records lie in exactly one of them."""
        if self._files is None:
            # sorted a sixteenth of the key range at a time, so sorting adds ~1/6 on top
            buffers, self._buffer, self._buffered = self._buffer, [], 0
            for p in range(16):
                pieces = [b[(b["key"] >> np.uint64(60)) == p] for b in buffers]
                part = np.concatenate(pieces) if pieces else np.empty(0, self.dtype)
                if len(part):
                    yield self._sort(part)
            return
        self._flush()
        for f in self._files:
            data = np.fromfile(f, dtype=self.dtype)
            f.unlink()
            if len(data):
                yield self._sort(data)

    def _sort(self, data: np.ndarray) -> np.ndarray:
        """Sort by key (fast unstable sort), then fix the order inside multi-record keys."""
        data = data[np.argsort(data["key"])]
        if len(data) < 2 or not self.ties:
            return data
        same = data["key"][1:] == data["key"][:-1]
        if not same.any():
            return data
        in_group = np.zeros(len(data), dtype=bool)
        in_group[1:] |= same
        in_group[:-1] |= same
        idx = np.flatnonzero(in_group)
        sub = data[idx]
        keys = [sub[name] for name in reversed(self.ties)] + [sub["key"]]
        data[idx] = sub[np.lexsort(keys)]
        return data


def group_bounds(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and stop offsets of the runs of equal keys in a sorted array."""
    if len(keys) == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    change = np.flatnonzero(keys[1:] != keys[:-1]) + 1
    starts = np.concatenate([[0], change])
    stops = np.concatenate([change, [len(keys)]])
    return starts, stops
