"""Executors move tasks to workers and results back; nothing else.

``inprocess`` runs tasks one after another in this process (debugging, ``--workers 1``);
``local`` runs them on a process pool. Both call the same :func:`tamis.run.worker.run_task`,
which is why their outputs are byte-identical. Workers are started with ``forkserver`` so
that the driver's threads (progress display) are never forked mid-lock.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson

from tamis.run import head_start
from tamis.run.faults import WorkerLost
from tamis.run.lifeline import bind_to_driver
from tamis.run.order import LargestFirst, TaskOrder, reads_spills
from tamis.run.worker import (
    WORK,
    Task,
    run_task,
    running_file,
    set_progress_queue,
    set_running_dir,
)


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
    """A process pool of ``workers`` processes, kept for all phases of a run.

    Workers die with the driver (:func:`tamis.run.lifeline.bind_to_driver`). A worker that dies
    abruptly (the OOM killer's SIGKILL) breaks the whole pool: the pool is started again, the
    tasks that were in flight are resubmitted, and the task whose worker died is retried once
    with batches of ``RETRY_BATCH_DIVISOR`` times fewer documents; if it dies again, the run
    fails naming its shard.

    While the pool starts (its forkserver warming up), the driver runs a block of the first
    phase's tasks itself (:mod:`tamis.run.head_start`).
    """

    RETRY_BATCH_DIVISOR = 16

    def __init__(
        self, workers: int, progress_queue: Any = None, out_dir: str | None = None
    ) -> None:
        self.workers = workers
        self._queue = progress_queue
        self._running = str(Path(out_dir) / WORK / "running") if out_dir else None
        self._retried: set[tuple[int, int]] = set()
        self._started = False  # whether any task was handed to the pool yet
        self.pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        ctx = multiprocessing.get_context("forkserver")
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=ctx,
            initializer=init_worker,
            initargs=(self._queue, self._running, os.getpid()),
        )

    def run(self, tasks: Iterable[Task]) -> Iterator[dict[str, Any]]:
        """Results as tasks finish. One task per worker at a time, so that the task submitted
        when one finishes goes to the worker that finished it: the next range of the file it
        was reading, or in a phase that reads spills, the largest task left
        (:mod:`tamis.run.order`)."""
        pending: dict[Future, Task] = {}
        todo = list(tasks)
        helping = not self._started and head_start.wanted(todo, self.workers)
        order: TaskOrder | LargestFirst
        if reads_spills(todo):
            order = LargestFirst(todo, self.workers)
            heads = order.first()
        else:
            order, heads, helping = head_start.first_tasks(todo, self.workers, helping)
        if helping:  # the last head is the driver's

            def start_pool() -> None:
                for task in heads[:-1]:
                    self._submit(pending, task)

            yield from head_start.work_while_starting(
                order, heads[-1], start_pool, run_task, self._queue
            )
        else:
            for task in heads:
                self._submit(pending, task)
        self._started = True
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            broken = False
            for fut in done:
                try:
                    result = fut.result()
                except BrokenProcessPool:
                    broken = True
                    continue
                finished = pending.pop(fut)
                yield result
                nxt = order.after(finished)
                if nxt is not None:
                    self._submit(pending, nxt)
            if broken:
                pending = self._restart(pending)

    def _restart(self, pending: dict[Future, Task]) -> dict[Future, Task]:
        """After a worker died: a new pool, the lost tasks again, the culprit with small batches."""
        dead = self._dead_workers_tasks()
        old = self.pool
        old.shutdown(wait=True, cancel_futures=True)
        lost = [t for f, t in pending.items() if not (f.done() and f.exception() is None)]
        kept = {f: t for f, t in pending.items() if f.done() and f.exception() is None}
        suspects = dead or {(t.phase, t.shard["ordinal"]) for t in lost}
        self.pool = self._new_pool()
        again: dict[Future, Task] = dict(kept)
        for task in lost:
            key = (task.phase, task.shard["ordinal"])
            if key in suspects:
                if key in self._retried:
                    raise WorkerLost(
                        f"the worker running {task.describe()} was killed twice (by the OOM "
                        f"killer or a signal), the second time with batches of "
                        f"{task.batch_size} documents; give the run more memory, fewer "
                        "--workers or a smaller shard_size_mb / max_record_bytes, then run "
                        "the same command again to resume"
                    )
                self._retried.add(key)
                size = task.config.get("batch_size") or 256
                task = replace(task, batch_size=max(1, size // self.RETRY_BATCH_DIVISOR))
            self._submit(again, task)
        return again

    def _submit(self, pending: dict[Future, Task], task: Task) -> None:
        """Submit ``task``; on a pool that just broke, it joins the lost tasks of the restart."""
        try:
            pending[self.pool.submit(run_task, task)] = task
        except BrokenProcessPool as exc:
            lost: Future = Future()
            lost.set_exception(exc)
            pending[lost] = task

    def _dead_workers_tasks(self) -> set[tuple[int, int]]:
        """(phase, shard) of each task whose worker died by a signal other than the pool's."""
        procs = getattr(self.pool, "_processes", None) or {}
        found: dict[tuple[int, int], int] = {}
        for pid, proc in list(procs.items()):
            proc.join(timeout=5)
            code = proc.exitcode
            if code is None or code in (0, -signal.SIGTERM) or not self._running:
                continue
            try:
                info = orjson.loads(running_file(self._running, pid).read_bytes())
            except (OSError, orjson.JSONDecodeError):
                continue
            found[(info["phase"], info["ordinal"])] = code
        # a worker SIGKILLed (the OOM killer, a kill -9) is the culprit; the others of a broken
        # pool are taken down with it and may exit otherwise: they are suspects only when no
        # worker was SIGKILLed
        killed = {key for key, code in found.items() if code == -signal.SIGKILL}
        return killed or set(found)

    def close_later(self) -> None:
        """Tell the workers to exit without waiting for them, so that their exit (freeing a
        worker's heap takes a good part of a second) overlaps what the driver does after the
        last task; :meth:`close` then waits for them."""
        self._exiting = getattr(self.pool, "_executor_manager_thread", None)
        self.pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        exiting, self._exiting = getattr(self, "_exiting", None), None
        if exiting is not None:  # the pool's manager thread ends once every worker exited
            exiting.join()
        if self._running:
            shutil.rmtree(self._running, ignore_errors=True)


def init_worker(progress_queue: Any, running_dir: str | None, driver_pid: int) -> None:
    """Pool initializer: die with the driver, report progress, say which task is running."""
    bind_to_driver(driver_pid)
    set_progress_queue(progress_queue)
    set_running_dir(running_dir)


def make_queue() -> Any:
    return multiprocessing.get_context("forkserver").Queue()


def drain_in_thread(q: Any, handle: Callable[[Any], None], stop: Any) -> Any:
    """Hand every message of the workers' progress queue to ``handle`` in a daemon thread, until
    ``stop`` (a ``threading.Event``) is set or the queue is gone."""
    import queue
    import threading

    def loop() -> None:
        while not stop.is_set():
            try:
                handle(q.get(timeout=0.2))
            except queue.Empty:
                continue
            except (EOFError, OSError):
                return

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    return thread
