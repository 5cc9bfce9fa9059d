"""The report's summaries of one shard, computed where the shard is written, merged at the end.

Reading every output record after the run was the last serial step of a run (a few seconds on
a 32 MB file while every other worker waits). Each final task instead summarises the output
files of its own shard (:func:`~tamis.report.collect.collect_file`, the same pass ``tamis
report`` makes over the outputs) and leaves the result beside its marker; the driver merges
those parts in shard order. The report is then the same for any worker count, on resume, and
when rebuilt from the outputs alone.
"""

from __future__ import annotations

import pickle
import queue
import threading
from collections.abc import Iterable
from pathlib import Path

from tamis.io.output import KINDS
from tamis.report.collect import Collected, collect_file, merge_parts
from tamis.report.scan import shard_path

ShardPart = dict[str, Collected]  # output kind -> the summaries of that kind's shard file


def shard_part(out: Path, ordinal: int) -> ShardPart:
    """The summaries of each output file of shard ``ordinal``."""
    part: ShardPart = {}
    for kind in KINDS:
        path = shard_path(out, kind, ordinal)
        if path is not None:
            part[kind] = collect_file(kind, path)
    return part


def load_part(path: Path) -> ShardPart | None:
    """A stored part, or None when it is missing or unreadable (it is then computed again)."""
    try:
        with open(path, "rb") as fh:
            part = pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, AttributeError, TypeError):
        return None
    return part if isinstance(part, dict) else None


def merge_shards(out: Path, ordinals: Iterable[int], stored: Iterable[Path]) -> Collected:
    """The whole output's summaries from the stored part of each shard (``stored[i]`` for
    ``ordinals[i]``), each part missing or unreadable computed from the shard's files."""
    parts = [
        load_part(path) or shard_part(out, ordinal)
        for ordinal, path in zip(ordinals, stored, strict=True)
    ]
    return merge_parts(part[kind] for kind in KINDS for part in parts if kind in part)


class PartFold:
    """:func:`merge_shards`, advanced while the last phase still runs.

    The merge folds parts in one fixed order (each kind, then shard by shard); a thread folds
    each stored part as soon as its task is done and every part before it in that order is
    there, so that after the last task only the parts still out of order are left to fold.
    The folds are the same, in the same order, as :func:`merge_shards` makes: the same
    report whatever order the tasks finish in, and on resume (a part stored by an earlier
    run is read at the end, in its place)."""

    def __init__(self, out: Path, ordinals: Iterable[int], stored: Iterable[Path]) -> None:
        self.out = out
        self.stored = dict(zip(ordinals, stored, strict=True))
        self._order = [(kind, o) for kind in KINDS for o in self.stored]
        self._next = 0
        self._parts: dict[int, ShardPart] = {}
        self._whole = Collected()
        self._done: queue.SimpleQueue[int | None] = queue.SimpleQueue()
        self._failed = False
        self._thread = threading.Thread(target=self._fold_as_offered, daemon=True)
        self._thread.start()

    def offer(self, ordinal: int) -> None:
        """The task of shard ``ordinal`` stored its part (read and folded in the thread)."""
        self._done.put(ordinal)

    def _fold_as_offered(self) -> None:
        try:
            # the page's own modules too, imported here rather than after the last task
            import tamis.report.html  # noqa: F401

            while (ordinal := self._done.get()) is not None:
                part = load_part(self.stored[ordinal])
                if part is not None:  # unreadable: computed from the shard's files at the end
                    self._parts[ordinal] = part
                    self._advance()
        except Exception:  # noqa: BLE001 (a fold left half done is redone whole, at the end)
            self._failed = True

    def _advance(self) -> None:
        while self._next < len(self._order):
            kind, ordinal = self._order[self._next]
            part = self._parts.get(ordinal)
            if part is None:
                return
            if kind in part:
                self._whole.merge(part[kind])
            self._next += 1

    def finish(self) -> Collected:
        """The whole output's summaries: every part not offered (or unreadable) read or
        computed now, in its place in the order."""
        self.close()
        if self._failed:
            return merge_shards(self.out, list(self.stored), list(self.stored.values()))
        for ordinal, path in self.stored.items():
            if ordinal not in self._parts:
                self._parts[ordinal] = load_part(path) or shard_part(self.out, ordinal)
        self._advance()
        return self._whole

    def close(self) -> None:
        """Stop the thread (a run that fails leaves it no work)."""
        if self._thread.is_alive():
            self._done.put(None)
            self._thread.join()
