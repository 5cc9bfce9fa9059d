"""Which task a pool worker is given next: the next range of the file it has just read.

A compressed input cannot be seeked to: a worker reaches a record range by decoding the file up
to it, and goes on from where its last range stopped when the next range it reads is further in
the same file (:mod:`tamis.io.jsonl` parks the stream). Handed out in plan order, the ranges of
one file alternate between workers, and every worker decodes every file; handed out by
:class:`TaskOrder`, each worker starts at the head of its own contiguous block of the plan and
keeps to it, so a file is decoded about once in all. The later phases' tasks read spills, not
files: :class:`LargestFirst` hands them out by size instead. Only speed depends on it: which
worker runs a task never changes what the task writes.
"""

from __future__ import annotations

import os

from tamis.run.worker import Task, spill_path


class TaskOrder:
    """The tasks of a phase, handed out one per worker at a time.

    :meth:`first` gives each worker the head of its block of the plan; :meth:`after` gives the
    worker that finished a task the task after it in the plan (the next range of the same file,
    or the first of the next file of its block), or when that one is taken, the first task that
    follows no running task (which another worker will go on to): a file's first range, else
    the first such task further on in the plan, else the first in plan order.
    """

    def __init__(self, tasks: list[Task], workers: int) -> None:
        self._left = dict(enumerate(tasks))  # by place in the plan, in plan order
        self._workers = max(1, workers)
        self._running: dict[int, int] = {}  # id(task) -> its place in the plan

    def __len__(self) -> int:
        return len(self._left)

    def first(self) -> list[Task]:
        """One task per worker: the heads of as many contiguous blocks of the plan, each moved
        to the nearest start of a file within half a block (a block that begins inside a file
        costs its worker the decoding of the file up to there)."""
        n = len(self._left)
        heads = [p for p, task in self._left.items() if _starts_file(task)]
        reach = n // (2 * self._workers)
        places: set[int] = set()
        for w in range(self._workers):
            want = n * w // self._workers
            near = min(heads, key=lambda p: (abs(p - want), p), default=want)
            places.add(near if abs(near - want) <= reach and near not in places else want)
        return [self._take(p) for p in sorted(places) if p < n]

    def after(self, done: Task) -> Task | None:
        """The task for the worker that just finished ``done`` (None when none is left)."""
        place = self._running.get(id(done))
        following = self.next_in_block(done)
        if following is not None:
            return following
        awaited = {p + 1 for p in self._running.values()}
        free = [p for p in self._left if p not in awaited]
        # the start of a file, when one is free, costs no decoding up to the range taken
        for p in free:
            if _starts_file(self._left[p]):
                return self._take(p)
        # else a range further on (the rest of the block the driver left: tamis.run.head_start)
        # goes on from where this worker's stream stopped; one before it decodes the file again
        ahead = next((p for p in free if p > place), None) if place is not None else None
        if ahead is not None:
            return self._take(ahead)
        if free:
            return self._take(free[0])
        return self._take(next(iter(self._left))) if self._left else None

    def next_in_block(self, done: Task) -> Task | None:
        """The task right after ``done`` in the plan when it is still free, else None; either
        way ``done``'s worker is counted as gone (the driver, which works only on its own
        block while the pool starts: :mod:`tamis.run.head_start`)."""
        place = self._running.pop(id(done), None)
        if place is not None and place + 1 in self._left:
            return self._take(place + 1)
        return None

    def following(self, task: Task, skip: int = 1) -> Task | None:
        """The task ``skip`` places after the running ``task`` in the plan, taken, when it is
        still free (None when it is not); ``task`` stays running."""
        place = self._running.get(id(task))
        if place is not None and place + skip in self._left:
            return self._take(place + skip)
        return None

    def gap(self, task: Task, later: Task | None) -> int:
        """How many places of the plan lie from the running ``task`` to the running ``later``
        (to the plan's end when ``later`` is None)."""
        start = self._running[id(task)]
        end = self._running[id(later)] if later is not None else start + 1 + len(self._left)
        return end - start

    def onward(self, done: Task) -> Task | None:
        """The first free task after ``done`` in the plan that is further in its file or starts
        a file, else the first free one that starts a file, taken, passing over the ranges
        pool workers start from or go on to (None when there is none); ``done``'s worker is
        counted as gone either way (the driver on an object store, going on in the stream it
        reads, or opening a file from its start, while the pool starts:
        :mod:`tamis.run.head_start`)."""
        place = self._running.pop(id(done), None)
        if place is None:
            return None
        path = _path(done)
        awaited = {p + 1 for p in self._running.values()}
        for p, task in self._left.items():
            if p > place and p not in awaited and (_path(task) == path or _starts_file(task)):
                return self._take(p)
        for p, task in self._left.items():  # a file's start before it costs no more
            if p not in awaited and _starts_file(task):
                return self._take(p)
        return None

    def release(self, done: Task) -> None:
        """``done`` is finished and its worker takes no more tasks."""
        self._running.pop(id(done), None)

    def _take(self, place: int) -> Task:
        task = self._left.pop(place)
        self._running[id(task)] = place
        return task


def _path(task: Task) -> str:
    """The file ``task`` reads ("" for a task of another job)."""
    shard = getattr(task, "shard", None)
    return str(shard.get("path", "")) if isinstance(shard, dict) else ""


def _starts_file(task: Task) -> bool:
    """Whether ``task`` reads its file from the first record (a task of another job: no)."""
    shard = getattr(task, "shard", None)
    return isinstance(shard, dict) and shard.get("start") == 0


class LargestFirst:
    """The tasks of a phase that reads the spills of the phase before it, the largest spill
    first, handed out one per worker at a time.

    Such a task reads its own spill, not a stretch of an input file, so no order saves any
    decoding; what an order can save is the tail of the phase, one worker finishing a long
    task while the others wait. The spill's bytes say how much text the task holds (a range
    planned from an estimated count, a compressed file's last, open-ended one, may hold several
    times the others' records), and handing the largest out first leaves the short ones for the
    end. Only speed depends on it: which worker runs a task never changes what the task writes.
    """

    def __init__(self, tasks: list[Task], workers: int) -> None:
        sizes = [_spill_bytes(t) for t in tasks]
        ranked = sorted(range(len(tasks)), key=lambda i: -sizes[i])  # stable: plan order on ties
        self._left = [tasks[i] for i in ranked]
        self._workers = max(1, workers)

    def __len__(self) -> int:
        return len(self._left)

    def first(self) -> list[Task]:
        """One task per worker: the largest."""
        heads, self._left = self._left[: self._workers], self._left[self._workers :]
        return heads

    def after(self, done: Task) -> Task | None:
        """The largest task left (None when none is)."""
        return self._left.pop(0) if self._left else None


def reads_spills(tasks: list[Task]) -> bool:
    """Whether every one of ``tasks`` reads the spill of an earlier phase (not an input)."""
    return bool(tasks) and all(type(t) is Task and t.phase > 0 for t in tasks)


def _spill_bytes(task: Task) -> int:
    """The size of the spill ``task`` reads (0 when it cannot be seen: its plan place decides)."""
    try:
        return os.path.getsize(spill_path(task.out_dir, task.phase - 1, task.shard["ordinal"]))
    except (OSError, KeyError, TypeError, ValueError):
        return 0
