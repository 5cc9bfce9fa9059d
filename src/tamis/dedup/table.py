"""Compact per-document records: what a shard state holds, and their on-disk home in merge.

A shard state keeps, per document, only its 64-bit uid, its input order, the two numbers the
survivor policy ranks by, its id (to name survivors in reports) and its signature (plus its
shingle hashes when exact Jaccard verification is asked for). Never its text.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


@dataclass
class SketchState:
    """One shard's compact records (picklable; lists of arrays, concatenated lazily)."""

    width: int
    uid: list[np.ndarray] = field(default_factory=list)
    quality: list[np.ndarray] = field(default_factory=list)
    length: list[np.ndarray] = field(default_factory=list)
    order: list[np.ndarray] = field(default_factory=list)
    sig: list[np.ndarray] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    shingles: list[np.ndarray] | None = None

    def __len__(self) -> int:
        return len(self.ids)


_SCALARS = {
    "uid": np.uint64,
    "quality": np.float64,
    "length": np.int64,
    "order0": np.int64,
    "order1": np.int64,
    "external": np.bool_,
    "id_end": np.int64,
    "shingle_end": np.int64,
}


class DocTable:
    """Append-only columns in files under ``workdir``, memory-mapped once complete."""

    def __init__(self, workdir: Path, width: int, with_shingles: bool) -> None:
        self.dir = Path(workdir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.width = width
        self.with_shingles = with_shingles
        self.n = 0
        self._id_bytes = 0
        self._shingle_count = 0
        names = list(_SCALARS) + ["sig", "ids"] + (["shingles"] if with_shingles else [])
        self._fh = {name: open(self.dir / f"{name}.bin", "wb") for name in names}  # noqa: SIM115

    def append(
        self,
        uid: np.ndarray,
        quality: np.ndarray,
        length: np.ndarray,
        order: np.ndarray,
        sig: np.ndarray,
        ids: list[str],
        external: bool,
        shingles: list[np.ndarray] | None = None,
    ) -> None:
        n = len(ids)
        if n == 0:
            return
        encoded = [i.encode("utf-8", "surrogatepass") for i in ids]
        ends = self._id_bytes + np.cumsum([len(e) for e in encoded], dtype=np.int64)
        self._id_bytes = int(ends[-1])
        order = np.asarray(order, dtype=np.int64).reshape(n, 2)
        cols = {
            "uid": uid,
            "quality": quality,
            "length": length,
            "order0": order[:, 0],
            "order1": order[:, 1],
            "external": np.full(n, external),
            "id_end": ends,
        }
        if self.with_shingles:
            if shingles is None:
                raise ValueError("exact Jaccard verification needs shingle sets for every document")
            send = self._shingle_count + np.cumsum([len(s) for s in shingles], dtype=np.int64)
            self._shingle_count = int(send[-1])
            cols["shingle_end"] = send
            self._fh["shingles"].write(np.concatenate(shingles).astype(np.uint64).tobytes())
        else:
            cols["shingle_end"] = np.zeros(n, dtype=np.int64)
        for name, dtype in _SCALARS.items():
            self._fh[name].write(np.ascontiguousarray(cols[name], dtype=dtype).tobytes())
        self._fh["sig"].write(np.ascontiguousarray(sig, dtype=np.uint32).tobytes())
        self._fh["ids"].write(b"".join(encoded))
        self.n += n

    def finish(self) -> None:
        for fh in self._fh.values():
            fh.close()
        for name, dtype in _SCALARS.items():
            setattr(self, name, self._map(name, dtype))
        self._fd: int | None = None
        self._shingle_fd: int | None = None
        self._ids = self._map("ids", np.uint8)
        self._shingles = self._map("shingles", np.uint64) if self.with_shingles else None

    def _map(self, name: str, dtype: type) -> np.ndarray:
        path = self.dir / f"{name}.bin"
        if path.stat().st_size == 0:
            return np.empty(0, dtype=dtype)
        return np.memmap(path, dtype=dtype, mode="r")

    # Signatures are the bulk of the table (448 bytes a document at 112 hashes). They are read
    # with plain reads, sequentially in chunks or row by row for verification, never through a
    # memory map: mapped pages of a 4 GB file would count as resident memory (the kernel maps
    # neighbouring pages on every fault), and the budget is about resident memory.

    def sig_chunk(self, start: int, stop: int) -> np.ndarray:
        count = (stop - start) * self.width
        if count <= 0:
            return np.empty((0, self.width), dtype=np.uint32)
        flat = np.fromfile(
            self.dir / "sig.bin", dtype=np.uint32, count=count, offset=start * self.width * 4
        )
        return flat.reshape(stop - start, self.width)

    def sig_rows(self, rows: np.ndarray) -> np.ndarray:
        rows = np.asarray(rows, dtype=np.int64)
        uniq, inverse = np.unique(rows, return_inverse=True)
        out = np.empty((len(uniq), self.width), dtype=np.uint32)
        row_bytes = self.width * 4
        view = memoryview(out).cast("B")
        if self._fd is None:
            self._fd = os.open(self.dir / "sig.bin", os.O_RDONLY)
        for i, r in enumerate(uniq.tolist()):
            os.preadv(self._fd, [view[i * row_bytes : (i + 1) * row_bytes]], r * row_bytes)
        return out[inverse]

    def id_of(self, i: int) -> str:
        start = int(self.id_end[i - 1]) if i else 0
        return bytes(self._ids[start : int(self.id_end[i])]).decode("utf-8", "surrogatepass")

    def id_bytes(self, start: int, stop: int) -> np.ndarray:
        """Bytes ``start:stop`` of the ids column (UTF-8, surrogates passed through)."""
        return self._ids[start:stop]

    def shingles_of(self, i: int) -> np.ndarray:
        """One document's shingle set, read with a plain read (see the signatures' note)."""
        assert self._shingles is not None
        start = int(self.shingle_end[i - 1]) if i else 0
        return self.shingle_range(start, int(self.shingle_end[i]))

    def shingle_range(self, start: int, stop: int) -> np.ndarray:
        """Shingle values ``start:stop`` of the whole column."""
        out = np.empty(max(stop - start, 0), dtype=np.uint64)
        if len(out):
            if self._shingle_fd is None:
                self._shingle_fd = os.open(self.dir / "shingles.bin", os.O_RDONLY)
            os.preadv(self._shingle_fd, [memoryview(out).cast("B")], start * 8)
        return out
