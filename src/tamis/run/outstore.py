"""OUT as a run writes it: a local folder, or a local mirror of a URL published object by object.

The pipeline, its writers and its markers work on local files (streamed, compressed, renamed
into place). When OUT is a URL, each task works in a scratch mirror of OUT on the node that
runs it: it fetches the few work files it reads (the previous phase's spill, a merged
decision), writes its files locally as on disk, then publishes them to OUT, each output object
first and its completion marker last. Object stores have no rename, so the marker is what makes
a task done: a rerun trusts only what a marker covers, and an object left by a task killed
before its marker is overwritten when the task is redone. ``OUT/.tamis/`` (markers, shard
states, decisions, spills, the lock) lives with OUT, so nodes share no folder.

For a local OUT every method here is a no-op and ``local`` is OUT itself: one code path.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import xxhash

from tamis.io import storage


def scratch_root() -> Path:
    """Where mirrors of URL outputs are kept while a run works (``TAMIS_SCRATCH`` to move it)."""
    return Path(os.environ.get("TAMIS_SCRATCH") or tempfile.gettempdir()) / "tamis-scratch"


class OutStore:
    """One OUT: ``local`` is where files are written; ``push``/``pull`` move them to and from
    the URL (when OUT is one)."""

    def __init__(self, out: str | Path, token: str = "", role: str = "driver") -> None:
        self.target = str(out)
        self.remote = storage.is_url(out)
        if self.remote:
            key = xxhash.xxh3_64_hexdigest(self.target.rstrip("/").encode())
            self.local = scratch_root() / key / (token or "untokened") / role
        else:
            self.local = Path(out)

    def url(self, rel: str) -> str:
        return str(storage.join(self.target, rel))

    def reset(self) -> None:
        """Start the mirror empty: nothing a former run left there is trusted."""
        if self.remote:
            shutil.rmtree(self.local, ignore_errors=True)
            self.local.mkdir(parents=True, exist_ok=True)

    def discard(self) -> None:
        """Remove this run's scratch folders on this node: the driver's and its workers'
        (workers on other nodes keep the run's merged decisions in theirs until deleted)."""
        if self.remote:
            shutil.rmtree(self.local.parent, ignore_errors=True)

    def pull(self, rel: str) -> bool:
        """Fetch ``rel`` into the mirror; whether it exists (in OUT)."""
        if not self.remote:
            return (self.local / rel).exists()
        try:
            storage.get_file(self.url(rel), self.local / rel)
        except FileNotFoundError:
            return False
        return True

    def pull_many(self, rels: list[str]) -> list[bool]:
        """Fetch each of ``rels`` into the mirror, many at a time; whether each exists."""
        if not self.remote:
            return [(self.local / rel).exists() for rel in rels]
        return storage.get_files([(self.url(rel), self.local / rel) for rel in rels])

    def pull_tree(self, rel: str) -> None:
        """Fetch every object under the folder ``rel`` (those already in the mirror kept)."""
        if not self.remote:
            return
        try:
            urls = storage.walk_files(self.url(rel))
        except FileNotFoundError:
            return
        base = self.url(rel).rstrip("/") + "/"
        rels = [f"{rel}/{url[len(base) :]}" for url in urls]
        self.pull_many([r for r in rels if not (self.local / r).exists()])

    def push(self, rel: str) -> None:
        """Publish the mirror's file ``rel`` to OUT."""
        if self.remote:
            storage.put_file(self.local / rel, self.url(rel))

    def push_many(self, rels: list[str]) -> None:
        """Publish the mirror's files ``rels`` to OUT, many at a time (in no given order)."""
        if self.remote:
            storage.put_files([(self.local / rel, self.url(rel)) for rel in rels])

    def push_tree(self, rel: str, skip: tuple[str, ...] = (), also: tuple[str, ...] = ()) -> None:
        """Publish every file under the folder ``rel``, but those under a folder in ``skip``
        (and the files ``also``, in the same batch)."""
        if not self.remote:
            return
        root = self.local / rel
        self.push_many(
            [
                str(path.relative_to(self.local))
                for path in sorted(p for p in root.rglob("*") if p.is_file())
                if not skip or not set(path.relative_to(root).parts[:-1]) & set(skip)
            ]
            + list(also)
        )

    def remove(self, rel: str, tree: bool = False) -> None:
        """Delete ``rel`` from OUT (the mirror's copy too)."""
        path = self.local / rel
        if tree:
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        if self.remote:
            storage.remove(self.url(rel), recursive=tree)

    def remove_many(self, rels: list[str]) -> None:
        """Delete the files ``rels`` from OUT (and the mirror's copies); missing ones are fine."""
        for rel in rels:
            (self.local / rel).unlink(missing_ok=True)
        if self.remote:
            storage.remove_many([self.url(rel) for rel in rels])

    def names(self, rel: str = "") -> list[str]:
        """The names directly under the folder ``rel`` of OUT."""
        if not self.remote:
            folder = self.local / rel
            return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
        return storage.list_names(self.url(rel))


def local_output(out: str | Path) -> Path:
    """A finished OUT as a local folder: OUT itself, or a copy of a URL's outputs and summaries
    (its work state left out), fetched to the scratch folder, streamed to disk. ``report``,
    ``inspect`` and ``rethreshold`` read it there."""
    if not storage.is_url(out):
        return Path(out)
    target = str(out)
    key = xxhash.xxh3_64_hexdigest(target.rstrip("/").encode())
    local = scratch_root() / key / "copy"
    shutil.rmtree(local, ignore_errors=True)
    local.mkdir(parents=True)
    for name in storage.list_names(target):
        url = str(storage.join(target, name))
        if name == ".tamis":
            continue
        if storage.isdir(url):
            storage.fetch_tree(url, local / name)
        else:
            storage.get_file(url, local / name)
    return local
