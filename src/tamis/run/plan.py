"""Shard planning: which inputs a run reads, and how they are cut into units of work.

The plan depends only on the inputs and the configuration, never on the worker count, and
inputs are sorted by path, so the same corpus always gives the same shards in the same order
(whatever order the files were named in). A file bigger than ``shard_size_mb`` is split into
record ranges so that one big file still uses every worker; the last range of a file is open
ended, so whatever follows the counted records (a broken tail) is still read by someone.
"""

from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass

from tamis.io import storage
from tamis.io.base import known_suffixes, reader_for


class InputError(Exception):
    """An input that cannot be read at all: the run stops before any work, naming it."""


@dataclass(frozen=True, slots=True)
class Shard:
    ordinal: int
    path: str
    start: int
    stop: int | None
    size: int  # on-disk bytes this shard stands for (its share of the file)

    def to_dict(self) -> dict:
        return asdict(self)


def _check_readable(path: str) -> None:
    try:
        with storage.open_input(path) as fh:
            fh.read(1)
    except OSError as exc:
        raise InputError(f"input {path}: cannot be read ({exc.strerror or exc})") from None


def _resolve_url(given: str, files: set[str], ignored: list[str]) -> None:
    """A URL's objects: a folder walked recursively or a glob pattern, as for local paths."""
    storage.check_reachable(given)
    is_pattern = any(c in storage.strip(given) for c in "*?[")
    try:
        found = storage.walk_files(given)
    except FileNotFoundError:
        raise InputError(f"input {given}: no such object or folder") from None
    if found == [given] and not is_pattern:
        if reader_for(given) is None:
            raise InputError(
                f"input {given}: no reader for this file type; known suffixes: "
                f"{', '.join(known_suffixes())}"
            )
        files.add(given)
        return
    for url in found:
        if url.rsplit("/", 1)[-1].startswith("."):
            continue
        (files.add if reader_for(url) else ignored.append)(url)


def resolve_inputs(paths: list[str]) -> tuple[list[str], list[str]]:
    """Expand folders (recursively) into the files tamis reads; check every file.

    Returns ``(files, ignored)``: the input files sorted by path, and the files found in folders
    that no reader handles (listed in the manifest, never silently). A named file that no reader
    handles, or that is missing or unreadable, is an error.
    """
    if not paths:
        raise InputError("no inputs given")
    files: set[str] = set()
    ignored: list[str] = []
    for given in paths:
        if storage.is_url(given):
            _resolve_url(given, files, ignored)
            continue
        p = os.path.normpath(given)
        if os.path.isdir(p):
            for root, dirs, names in os.walk(p):
                dirs.sort()
                for name in sorted(names):
                    full = os.path.join(root, name)
                    if name.startswith("."):
                        continue
                    (files.add if reader_for(full) else ignored.append)(full)
        elif os.path.exists(p):
            if reader_for(p) is None:
                raise InputError(
                    f"input {p}: no reader for this file type; known suffixes: "
                    f"{', '.join(known_suffixes())}"
                )
            files.add(p)
        else:
            raise InputError(f"input {p}: no such file or directory")
    for f in files:
        _check_readable(f)
    if not files:
        raise InputError(f"no readable input files in {', '.join(paths)}")
    return sorted(files), sorted(ignored)


def plan_shards(files: list[str], shard_size_mb: float) -> list[Shard]:
    limit = int(shard_size_mb * 1024 * 1024)
    shards: list[Shard] = []
    for path in files:
        size = storage.size(path)
        reader = reader_for(path)
        parts = math.ceil(size / limit) if size > limit else 1
        if parts > 1 and reader is not None and reader.splittable:
            try:
                count = reader.count(path)
            except Exception as exc:
                raise InputError(f"input {path}: cannot be read ({exc})") from None
            per = max(1, math.ceil(count / parts))
            starts = list(range(0, max(count, 1), per))
            for i, start in enumerate(starts):
                last = i == len(starts) - 1
                shards.append(
                    Shard(
                        len(shards), path, start, None if last else start + per, size // len(starts)
                    )
                )
        else:
            shards.append(Shard(len(shards), path, 0, None, size))
    return shards


def input_fingerprint(files: list[str]) -> list[dict]:
    """Cheap identity of the inputs (size, and mtime or an object's ETag) for deciding whether a
    run may resume."""
    return [{"path": f, **storage.stat(f)} for f in files]
