"""Executors move tasks to workers and results back; nothing else.

``inprocess`` runs tasks one after another in this process (debugging, ``--workers 1``);
``local`` runs them on a process pool. Both call the same :func:`tamis.run.worker.run_task`,
which is why their outputs are byte-identical. Workers are started with ``forkserver`` so
that the driver's threads (progress display) are never forked mid-lock.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any

from tamis.run.worker import Task, run_task, set_progress_queue


class InProcessExecutor:
    def __init__(self, progress: Callable[[tuple], None] | None = None) -> None:
        self._progress = progress

    def run(self, tasks: Iterable[Task]) -> Iterator[dict[str, Any]]:
        set_progress_queue(_CallbackQueue(self._progress) if self._progress else None)
        try:
            for task in tasks:
                yield run_task(task)
        finally:
            set_progress_queue(None)

    def close(self) -> None:
        pass


class _CallbackQueue:
    def __init__(self, fn: Callable[[tuple], None]) -> None:
        self.put = fn


class LocalExecutor:
    """A process pool of ``workers`` processes, kept for all phases of a run."""

    def __init__(self, workers: int, progress_queue: Any = None) -> None:
        ctx = multiprocessing.get_context("forkserver")
        self.pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=ctx,
            initializer=set_progress_queue,
            initargs=(progress_queue,),
        )
        self.workers = workers

    def run(self, tasks: Iterable[Task]) -> Iterator[dict[str, Any]]:
        """Results as tasks finish; at most 2 tasks per worker are queued at a time."""
        pending = set()
        todo = iter(tasks)
        for task in todo:
            pending.add(self.pool.submit(run_task, task))
            if len(pending) >= 2 * self.workers:
                break
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                yield fut.result()
                nxt = next(todo, None)
                if nxt is not None:
                    pending.add(self.pool.submit(run_task, nxt))

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def make_queue() -> Any:
    return multiprocessing.get_context("forkserver").Queue()
