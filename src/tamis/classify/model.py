"""fastText ``.bin`` models: checked from their header before any work, loaded once per process.

A configuration error must come before any work starts, and a DCLM-size model takes seconds
and gigabytes to load, so :func:`model_labels` reads only the file's header and dictionary
(fastText's own layout: magic, version, training arguments, then every word and label with its
count and type) to say whether the file is a fastText model and which labels it predicts.
:func:`load_model` then loads the model itself once per process, where predictions run.
"""

from __future__ import annotations

import mmap
import re
import struct
from functools import lru_cache
from pathlib import Path
from typing import Any

FASTTEXT_MAGIC = 793712314
_ARGS_BYTES = 12 * 4 + 8  # twelve int32 training arguments, then the sampling threshold (double)
_DICT_HEAD = struct.Struct("<iiiqq")  # size, nwords, nlabels, ntokens, pruneidx_size
# One dictionary entry: the word up to its NUL, its count (int64), its type (0 word, 1 label).
_ENTRY = re.compile(rb"([^\0]*)\0.{8}([\0\1])", re.DOTALL)
LABEL_PREFIX = "__label__"


class ModelError(ValueError):
    """The file is missing or is not a fastText model; the message says which and why."""


@lru_cache(maxsize=16)
def _labels_cached(path: str, size: int, mtime: float) -> tuple[str, ...]:
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
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            pos = 8 + _ARGS_BYTES
            if len(mm) < pos + _DICT_HEAD.size:
                raise ModelError(f"{path}: truncated fastText model (no dictionary)")
            size, nwords, nlabels, _, _ = _DICT_HEAD.unpack_from(mm, pos)
            pos += _DICT_HEAD.size
            if size < 0 or nlabels < 0 or size != nwords + nlabels:
                raise ModelError(f"{path}: corrupt fastText dictionary header")
            labels = []
            seen = 0
            for m in _ENTRY.finditer(mm, pos):
                if m.start() != pos:
                    raise ModelError(f"{path}: corrupt fastText dictionary at byte {pos}")
                pos = m.end()
                if m.group(2) == b"\1":
                    labels.append(m.group(1).decode("utf-8", "replace"))
                seen += 1
                if seen == size:
                    break
            if seen != size:
                raise ModelError(f"{path}: truncated fastText dictionary")
    return tuple(labels)


def model_labels(path: str | Path) -> tuple[str, ...]:
    """The labels a fastText model predicts, as written in it (``__label__hq``), in its order."""
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise ModelError(f"{p}: no such file (a fastText .bin model is expected)") from None
    except OSError as exc:
        raise ModelError(f"{p}: cannot read: {exc.strerror or exc}") from None
    if not p.is_file():
        raise ModelError(f"{p}: not a file (a fastText .bin model is expected)")
    return _labels_cached(str(p.resolve()), st.st_size, st.st_mtime)


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
