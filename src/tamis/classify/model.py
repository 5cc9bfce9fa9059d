"""fastText ``.bin`` models: checked from their header before any work, loaded once per process.

A configuration error must come before any work starts, and a DCLM-size model takes seconds
and gigabytes to load, so :func:`read_header` reads only the file's header and dictionary
(fastText's own layout: magic, version, training arguments, then every word and label with its
count and type), in place from a memory map, to say whether the file is a fastText model and
which labels it predicts (:func:`model_labels`). The same header serves the numpy prediction
(:mod:`tamis.classify.predict`); :func:`load_model` loads a model into the binding, for the
models that prediction does not cover.
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

FASTTEXT_MAGIC = 793712314
ARGS = struct.Struct("<12id")  # dim ws epoch minCount neg wordNgrams loss model bucket minn maxn
# lrUpdateRate, then the sampling threshold t
_DICT_HEAD = struct.Struct("<iiiqq")  # size, nwords, nlabels, ntokens, pruneidx_size
LABEL_PREFIX = "__label__"


class ModelError(ValueError):
    """The file is missing or is not a fastText model; the message says which and why."""


@dataclass(frozen=True)
class Header:
    """A fastText model file's training arguments and dictionary, read in place (memory-mapped).

    Entry k of the dictionary is ``words[starts[k]:ends[k]]``; entries ``nwords`` and after
    are the labels. ``end`` is where the dictionary ends in the file (the matrices follow).
    """

    mm: mmap.mmap
    version: int
    args: tuple
    nwords: int
    nlabels: int
    prune: int
    words: Any  # numpy uint8 array: the dictionary's bytes
    starts: Any
    ends: Any
    end: int

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(
            self.words[s:e].tobytes().decode("utf-8", "replace")
            for s, e in zip(
                self.starts[self.nwords :].tolist(), self.ends[self.nwords :].tolist(), strict=True
            )
        )


@lru_cache(maxsize=4)
def _header_cached(path: str, size: int, mtime: float) -> Header:
    with open(path, "rb") as fh:
        head = fh.read(8)
        if len(head) < 8:
            raise ModelError(f"{path}: not a fastText model (the file is {len(head)} bytes)")
        magic, version = struct.unpack("<ii", head)
        if magic != FASTTEXT_MAGIC:
            raise ModelError(
                f"{path}: not a fastText model (no fastText magic number at the start; "
                "a .bin or .ftz written by fastText's save_model is expected)"
            )
        if version > 12:
            raise ModelError(f"{path}: fastText format version {version} is newer than 12")
        mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    pos = 8 + ARGS.size
    if len(mm) < pos + _DICT_HEAD.size:
        raise ModelError(f"{path}: truncated fastText model (no dictionary)")
    args = ARGS.unpack_from(mm, 8)
    size, nwords, nlabels, _, prune = _DICT_HEAD.unpack_from(mm, pos)
    pos += _DICT_HEAD.size
    if size < 0 or nlabels < 0 or size != nwords + nlabels:
        raise ModelError(f"{path}: corrupt fastText dictionary header")
    words, starts, ends = _entries(mm, pos, size)
    if len(starts) != size:
        raise ModelError(f"{path}: truncated fastText dictionary")
    types = words[ends + 9] if size else ends
    if size and (types[:nwords].any() or (types[nwords:] != 1).any()):
        raise ModelError(f"{path}: corrupt fastText dictionary (entry types)")
    end = pos + (int(ends[-1]) + 10 if size else 0) + 8 * max(prune, 0)  # pruned-word pairs
    return Header(mm, version, args, nwords, nlabels, prune, words, starts, ends, end)


def _entries(mm: mmap.mmap, pos: int, size: int) -> tuple[Any, Any, Any]:
    """The dictionary's bytes and where each entry's word starts and ends in them (fewer than
    ``size`` entries when the file ends first).

    An entry is the word (never empty), a NUL, its count (int64, often holding NUL bytes) and
    its type (int8: 0 word, 1 label), so entry k+1 starts 10 bytes after the NUL that ends word
    k, and its own NUL is the first one after a non-NUL byte from there. The chain is followed
    from the first word, in a window of the file that grows until it holds every entry."""
    import numpy as np

    window = max(1 << 16, 32 * size)
    while True:
        data = np.frombuffer(mm, dtype=np.uint8, count=min(window, len(mm) - pos), offset=pos)
        zero = data == 0
        ends = np.flatnonzero(zero[1:] & ~zero[:-1]) + 1  # NULs after a non-NUL byte
        following = np.searchsorted(ends, ends + 11).tolist()  # the end of the next word
        whole = int(np.searchsorted(ends, len(data) - 10, side="right"))  # type byte inside
        chain = []
        i = 0
        for _ in range(size):
            if i >= whole:
                break
            chain.append(i)
            i = following[i]
        if len(chain) == size or window >= len(mm) - pos:
            break
        window *= 4
    ends = ends[np.asarray(chain, dtype=np.int64)]
    starts = np.concatenate([[0], ends[:-1] + 10]).astype(np.int64)[: len(ends)]
    return data, starts, ends


def read_header(path: str | Path) -> Header:
    """The header of the fastText model at ``path``, read once per process (again if the file
    changes); :class:`ModelError` when it is missing or not a fastText model."""
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise ModelError(f"{p}: no such file (a fastText .bin model is expected)") from None
    except OSError as exc:
        raise ModelError(f"{p}: cannot read: {exc.strerror or exc}") from None
    if not p.is_file():
        raise ModelError(f"{p}: not a file (a fastText .bin model is expected)")
    return _header_cached(str(p.resolve()), st.st_size, st.st_mtime)


def model_labels(path: str | Path) -> tuple[str, ...]:
    """The labels a fastText model predicts, as written in it (``__label__hq``), in its order."""
    return read_header(path).labels


def bare(label: str) -> str:
    """A label as users write it in a configuration: without fastText's ``__label__`` prefix."""
    return label.removeprefix(LABEL_PREFIX)


@lru_cache(maxsize=4)
def _load(path: str, size: int, mtime: float) -> Any:
    from fasttext.FastText import _FastText  # the binding's class, without load_model's warning

    return _FastText(model_path=path)


def load_model(path: str | Path) -> Any:
    """The fastText model at ``path``, loaded once per process (and again if the file changes)."""
    p = Path(path).resolve()
    st = p.stat()
    return _load(str(p), st.st_size, st.st_mtime)
