"""Token shard writers (and readers) for the formats training stacks read, byte for byte.

Every writer takes documents as one flat array of ids and their lengths, streams the ids to
disk as they come (memory holds one batch and the per-document index of one shard), writes
every file under a temporary name, and renames them into place on ``close``, index last.

``megatron`` (Megatron-LM, NeMo, GPT-NeoX): what Megatron-core's ``IndexedDatasetBuilder``
writes with one sequence per document. ``NAME.bin`` holds the ids back to back in the dtype;
``NAME.idx`` holds, little-endian::

    b"MMIDIDX\\x00\\x00"           9-byte magic
    version                      <Q, always 1
    dtype code                   <B: 1 uint8, 2 int8, 3 int16, 4 int32, 5 int64, 6 float64,
                                 7 float32, 8 uint16
    sequence count N             <Q
    document count N + 1         <Q (the document indices, closing sentinel included)
    sequence lengths             N x int32 (tokens)
    sequence pointers            N x int64 (byte offset of each sequence in .bin)
    document indices             (N + 1) x int64: 0, 1, ..., N

``datatrove`` (nanotron): what datatrove's ``DocumentTokenizer`` writes with shuffling off.
``NAME.ds`` holds the ids as little-endian uint16 (uint32 past 65,536 ids); ``NAME.ds.index``
each document's end, in tokens from the start of the file, as little-endian uint64;
``NAME.ds.metadata`` three text lines: ``<tokenizer>|<bytes per token>``, the token count, and
the count with an SI prefix (``1.23 MT``).

``npy`` (dolma, OLMo): ``NAME.npy`` is a raw memory map of the ids, with no NumPy header (read
it with ``numpy.memmap(path, dtype)``), uint16 or uint32; ``NAME.csv.gz`` one CSV row a
document, ``start,end,id,src,loc``: the token range ``[start, end)``, the document's id, the
file it came from and its record index there (gzip without name or timestamp).
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import os
import struct
from collections.abc import Iterator
from pathlib import Path

import numpy as np

FORMATS = ("megatron", "datatrove", "npy")

MEGATRON_MAGIC = b"MMIDIDX\x00\x00"
MEGATRON_DTYPE_CODES = {
    "uint8": 1,
    "int8": 2,
    "int16": 3,
    "int32": 4,
    "int64": 5,
    "float64": 6,
    "float32": 7,
    "uint16": 8,
}

SUFFIXES = {
    "megatron": (".bin", ".idx"),
    "datatrove": (".ds", ".ds.index", ".ds.metadata"),
    "npy": (".npy", ".csv.gz"),
}


def _tmp(path: Path) -> Path:
    return path.with_name(path.name + ".tmp")


def _write_file(path: Path, data: bytes) -> None:
    with open(_tmp(path), "wb") as fh:
        fh.write(data)


def _publish(paths: list[Path]) -> None:
    """Rename finished files into place, in order (the data before the index that names it)."""
    for p in paths:
        with open(_tmp(p), "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(_tmp(p), p)


def si_metric(count: int) -> str:
    """``humanize.metric(count, unit="T")`` as datatrove writes it, for counts of tokens."""
    if count == 0:
        return "0.00 T"
    exponent = math.floor(math.log10(count))
    old = exponent // 3 * 3
    value = count / 10**old
    digits = max(0, 3 - exponent % 3 - 1)
    if exponent < 30 and round(value, digits) >= 10 ** (exponent % 3 + 1):
        exponent += 1
        new = exponent // 3 * 3
        value /= 10 ** (new - old)
        digits = max(0, 3 - exponent % 3 - 1)
    prefix = "kMGTPEZYRQ"[exponent // 3 - 1] if exponent >= 3 else ""
    return f"{value:.{digits}f} {prefix}T"


class ShardFiles:
    """One output file set (``base`` + the format's suffixes) being written."""

    def __init__(self, base: Path, fmt: str, dtype: str, tokenizer_name: str) -> None:
        self.base, self.fmt, self.dtype = base, fmt, np.dtype(dtype).newbyteorder("<")
        self.tokenizer_name = tokenizer_name
        self.paths = [base.with_name(base.name + s) for s in SUFFIXES[fmt]]
        base.parent.mkdir(parents=True, exist_ok=True)
        self._data = open(_tmp(self.paths[0]), "wb")  # noqa: SIM115 - closed in close/abort
        self._lengths: list[np.ndarray] = []
        self._rows = io.StringIO() if fmt == "npy" else None
        self._csv = csv.writer(self._rows) if self._rows is not None else None
        self.documents = 0
        self.tokens = 0

    def add(self, flat: np.ndarray, lengths: np.ndarray, rows: list[tuple] | None = None) -> None:
        """Documents' ids back to back (``flat``), their ``lengths``; for npy their
        ``(id, src, loc)``."""
        self._data.write(flat.astype(self.dtype, copy=False).tobytes())
        if self._csv is not None:
            ends = self.tokens + np.cumsum(lengths)
            starts = ends - lengths
            self._csv.writerows(
                (int(s), int(e), *row) for s, e, row in zip(starts, ends, rows or (), strict=True)
            )
        self._lengths.append(lengths)
        self.documents += len(lengths)
        self.tokens += int(lengths.sum())

    def close(self) -> list[Path]:
        self._data.close()
        lengths = (
            np.concatenate(self._lengths).astype(np.int64) if self._lengths else np.zeros(0, "i8")
        )
        if self.fmt == "megatron":
            _write_file(self.paths[1], megatron_index(lengths, self.dtype))
        elif self.fmt == "datatrove":
            _write_file(self.paths[1], np.cumsum(lengths).astype("<u8").tobytes())
            meta = f"{self.tokenizer_name}|{self.dtype.itemsize}\n{self.tokens}\n"
            _write_file(self.paths[2], (meta + si_metric(self.tokens)).encode())
        else:
            assert self._rows is not None
            body = self._rows.getvalue().encode("utf-8")
            _write_file(self.paths[1], gzip.compress(body, compresslevel=6, mtime=0))
        _publish(self.paths)
        return self.paths

    def abort(self) -> None:
        self._data.close()
        for p in self.paths:
            _tmp(p).unlink(missing_ok=True)


def megatron_index(lengths: np.ndarray, dtype: np.dtype) -> bytes:
    """The ``.idx`` of one sequence per document, as Megatron-core's ``_IndexWriter`` writes it."""
    n = len(lengths)
    pointers = np.zeros(n, dtype="<i8")
    if n:
        np.cumsum(lengths[:-1] * dtype.itemsize, out=pointers[1:])
    return b"".join(
        [
            MEGATRON_MAGIC,
            struct.pack("<Q", 1),
            struct.pack("<B", MEGATRON_DTYPE_CODES[dtype.name]),
            struct.pack("<Q", n),
            struct.pack("<Q", n + 1),
            lengths.astype("<i4").tobytes(),
            pointers.tobytes(),
            np.arange(n + 1, dtype="<i8").tobytes(),
        ]
    )


# --- reading back (verify, and anyone who wants the sequences of a shard) ----------------------


def read_sequences(base: Path, fmt: str, dtype: str) -> Iterator[np.ndarray]:
    """The documents' id arrays of one file set, in order, from the files alone."""
    if fmt == "megatron":
        code, lengths, pointers = read_megatron_index(base.with_name(base.name + ".idx"))
        dt = np.dtype({v: k for k, v in MEGATRON_DTYPE_CODES.items()}[code]).newbyteorder("<")
        bin_path = base.with_name(base.name + ".bin")
        size = bin_path.stat().st_size
        data = np.memmap(bin_path, dtype=np.uint8, mode="r") if size else np.zeros(0, np.uint8)
        if pointers.size and int(pointers[-1]) + int(lengths[-1]) * dt.itemsize != size:
            raise ValueError(f"{bin_path}: {size} bytes, its index says otherwise")
        for length, ptr in zip(lengths.tolist(), pointers.tolist(), strict=True):
            yield np.frombuffer(data, dtype=dt, count=length, offset=ptr)
        return
    dt = np.dtype(dtype).newbyteorder("<")
    if fmt == "datatrove":
        ends = np.fromfile(base.with_name(base.name + ".ds.index"), dtype="<u8").tolist()
        data_path = base.with_name(base.name + ".ds")
    else:
        with gzip.open(base.with_name(base.name + ".csv.gz"), "rt", newline="") as fh:
            ends = [int(row[1]) for row in csv.reader(fh)]
        data_path = base.with_name(base.name + ".npy")
    ids = np.fromfile(data_path, dtype=dt)
    start = 0
    for end in ends:
        yield ids[start:end]
        start = end
    if start != len(ids):
        raise ValueError(f"{data_path}: {len(ids) - start} ids after the last document's end")


def read_megatron_index(path: Path) -> tuple[int, np.ndarray, np.ndarray]:
    """(dtype code, sequence lengths, sequence pointers) of a one-sequence-per-document index."""
    raw = path.read_bytes()
    if raw[:9] != MEGATRON_MAGIC:
        raise ValueError(f"{path}: not a Megatron index (bad magic)")
    (version,) = struct.unpack_from("<Q", raw, 9)
    code, n, docs = struct.unpack_from("<BQQ", raw, 17)
    if version != 1 or code not in MEGATRON_DTYPE_CODES.values():
        raise ValueError(f"{path}: unknown version {version} or dtype code {code}")
    off = 34
    lengths = np.frombuffer(raw, "<i4", n, off)
    pointers = np.frombuffer(raw, "<i8", n, off + 4 * n)
    doc_idx = np.frombuffer(raw, "<i8", docs, off + 12 * n)
    if docs != n + 1 or not np.array_equal(doc_idx, np.arange(n + 1)):
        raise ValueError(f"{path}: not one sequence per document")
    return code, lengths, pointers
