"""Shard planning: which inputs a run reads, and how they are cut into units of work.

The plan depends only on the inputs and the configuration, never on the worker count, and
inputs are sorted by path, so the same corpus always gives the same shards in the same order
(whatever order the files were named in), and so the same output files. A file bigger than
``shard_size_mb`` is split into record ranges so that one big file still uses every worker; a
corpus smaller than :data:`SPREAD` such shards is cut finer, by its total size alone, so that
one 30 MB file still keeps many workers busy. The last range of a file is open ended, so
whatever follows the counted records (a broken tail) is still read by someone.

Ranges of a compressed file cannot be seeked to: a JSON Lines reader reaches its range by
decompressing and splitting the lines before it (not parsing them), and a worker that reads the
ranges of one file in order goes on from where its last range stopped (:mod:`tamis.io.jsonl`),
so a file costs each worker about one decompression however finely it is cut. Parquet is cut
finer only at row groups, which are read whole; other formats keep their cut by shard_size_mb
(where their reader can split a file at all).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from dataclasses import dataclass

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
        # every task carries its shard as a dict, several times: not ``asdict``'s deep copy
        return {
            "ordinal": self.ordinal,
            "path": self.path,
            "start": self.start,
            "stop": self.stop,
            "size": self.size,
        }


def _check_readable(path: str) -> None:
    """Refuse an input that cannot be read, by name, before any work. An object's details are
    asked for (a store answers them only to whoever may read it) rather than its bytes: a
    GET's reply starts streaming the whole object, bytes the planning reads again anyway."""
    try:
        if storage.is_url(path):
            storage.stat(path)
            return
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


def folder_files(folder: str) -> Iterator[str]:
    """A folder's files, its subfolders' included, in the order of their sorted paths, found
    lazily (a caller that wants the first few never lists a whole tree): a folder's entries
    sorted by name, a subfolder's name read with its ``/``. Hidden files are left out; hidden
    subfolders are walked, and links to folders are not (as ``os.walk`` does); a folder that
    cannot be read has no files."""
    try:
        entries = sorted(
            (e.name + "/" * e.is_dir(), e.path, e.is_symlink()) for e in os.scandir(folder)
        )
    except OSError:
        return
    for key, path, link in entries:
        if key.endswith("/"):
            if not link:
                yield from folder_files(path)
        elif not key.startswith("."):
            yield path


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
            for full in folder_files(p):
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


#: A corpus is cut into about this many shards when its files allow it, so that up to this many
#: workers have work even when the corpus is one file smaller than ``shard_size_mb``. The cut
#: depends on the inputs alone, never on the worker count, so the output does not either.
SPREAD = 32
#: ...and into fewer, larger shards when OUT or an input is on an object store: there every task
#: costs requests (its outputs and marker, two checks of the lock, a spill and a state a phase,
#: its inputs' first bytes), a few milliseconds each on a local server and more on a remote
#: one, so a small corpus is cut for this many workers instead.
REMOTE_SPREAD = 8
#: ...but no shard is cut smaller than this on disk (each task costs a fixed overhead: a
#: marker, a spill and a state a phase), so a small corpus keeps few shards.
MIN_SHARD_BYTES = 1 << 20


def spread_for(output: str | os.PathLike, inputs: list[str]) -> int:
    """How many shards a small corpus is cut into: :data:`SPREAD`, or :data:`REMOTE_SPREAD`
    when OUT or any input is a URL. Where bytes live decides it, never the worker count, so
    the output is the same for any number of workers."""
    remote = storage.is_url(output) or any(storage.is_url(p) for p in inputs)
    return REMOTE_SPREAD if remote else SPREAD


def shard_bytes(total: int, shard_size_mb: float, spread: int = SPREAD) -> int:
    """The on-disk size a shard aims at, for an input of ``total`` bytes: ``shard_size_mb`` at
    most, and smaller when the input is less than ``spread`` such shards, down to
    :data:`MIN_SHARD_BYTES`."""
    limit = max(1, int(shard_size_mb * 1024 * 1024))
    return min(limit, max(MIN_SHARD_BYTES, math.ceil(total / max(1, spread))))


def _cuts(count: int, parts: int, starts: list[int] | None) -> list[int]:
    """Where the ``parts`` ranges of a file of ``count`` records begin: evenly by records, or
    at the nearest of the reader's cheap ``starts`` (a Parquet file's row groups)."""
    per = max(1, math.ceil(count / parts))
    even = list(range(0, max(count, 1), per))
    if starts is None:
        return even
    chosen = {0}
    for want in even[1:]:
        nearest = min(starts, key=lambda s: (abs(s - want), s))
        if 0 < nearest < count:
            chosen.add(nearest)
    return sorted(chosen)


def plan_shards(files: list[str], shard_size_mb: float, spread: int = 1) -> list[Shard]:
    """Cut ``files`` into shards, each a record range of one file, in path and record order.

    A file bigger than ``shard_size_mb`` is cut into ranges of about that size, at any record
    (a file that cannot be counted is refused by name: one unreadable shard of it would hold
    everything). With ``spread`` > 1, a corpus smaller than ``spread`` such shards is cut
    finer (:func:`shard_bytes`), so that it still keeps every worker busy; such a cut is sized
    by the bytes the readers decode (a compressed file's decoded size, estimated from its start,
    as its records' count is: :meth:`Reader.extent`), since decoding is what a worker's time
    follows, and begins only where the reader starts cheaply; a file that cannot be counted
    stays one shard (its reader quarantines what it cannot read, as for any small file).
    """
    limit = max(1, int(shard_size_mb * 1024 * 1024))
    sizes = {path: storage.size(path) for path in files}
    extents: dict[str, tuple[int, int] | None] = {}
    target, weights = limit, sizes
    if spread > 1 and sum(sizes.values()) < spread * limit:  # a small corpus, cut finer
        extents = {path: _extent(path, sizes[path]) for path in files}
        weights = {p: e[1] if e else sizes[p] for p, e in extents.items()}
        target = shard_bytes(sum(weights.values()), shard_size_mb, spread)
    shards: list[Shard] = []
    for path in files:
        size = sizes[path]
        reader = reader_for(path)
        parts = math.ceil(weights[path] / target) if weights[path] > target else 1
        starts: list[int] | None = None
        if parts > 1 and reader is not None and reader.splittable:
            try:
                count = (extents.get(path) or reader.extent(path, size))[0]
                if size <= limit:  # cut finer than shard_size_mb: only where it is cheap
                    starts = reader.range_starts(path)
            except Exception as exc:
                if size <= limit:
                    parts = 1
                else:
                    raise InputError(f"input {path}: cannot be read ({exc})") from None
        if parts > 1 and reader is not None and reader.splittable:
            cuts = _cuts(count, parts, starts)
            for i, start in enumerate(cuts):
                stop = cuts[i + 1] if i + 1 < len(cuts) else None
                shards.append(Shard(len(shards), path, start, stop, size // len(cuts)))
        else:
            shards.append(Shard(len(shards), path, 0, None, size))
    return shards


def _extent(path: str, size: int) -> tuple[int, int] | None:
    """A splittable file's (record count, decoded bytes), None when it has none to give."""
    reader = reader_for(path)
    if reader is None or not reader.splittable:
        return None
    try:
        return reader.extent(path, size)
    except Exception:  # noqa: BLE001 - planned as one shard, or refused by name, below
        return None


def input_fingerprint(files: list[str]) -> list[dict]:
    """Cheap identity of the inputs (size, and mtime or an object's ETag) for deciding whether a
    run may resume."""
    return [{"path": f, **storage.stat(f)} for f in files]
