"""The driver works on the first phase while the pool's workers cannot yet.

The pool's first workers are forked only once the forkserver has imported the worker side and
warmed the run's stages up (:mod:`tamis.run.warm`, :mod:`tamis.run.prewarm`): about two seconds
of a quiet machine's time, during which the driver, done planning, only waited with a core
idle. In a 2-worker run that was a tenth of the whole, serial. Instead the driver takes a block
of the first phase's tasks itself (the plan's last block, the one the workers reach last) and
runs them in its own process, as the in-process executor does, while the pool starts; once the
pool's first tasks are handed to its workers, the driver finishes the task it is on and takes
no other: what is left of its block goes to the workers. When its block is done before that (a
long warm-up: the forkserver loading the word splitters of the languages a multilingual input
holds, :mod:`tamis.run.warm_languages`), it goes on with the phase's other free tasks, as a
pool worker would (:meth:`TaskOrder.after`), rather than wait with its core idle.

Which process runs a task never changes what the task writes (that is why a 1-worker and a
2-worker run write the same bytes), so neither does this. The driver loads the first phase's
stages only (the last phases' models stay with the workers), and only in the first phase of a
run, when the pool has not started yet.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

from tamis.run.order import TaskOrder
from tamis.run.worker import Task, set_progress_queue

#: The phase whose tasks the driver runs while the pool starts (its stages are the lightest to
#: load; a later phase would load the heavy models into the driver too).
HEAD_START_PHASE = 0


def wanted(tasks: list[Any], workers: int) -> bool:
    """Whether the driver should work while the pool starts: first-phase tasks of a run, more
    of them than there are workers."""
    return len(tasks) > workers and all(
        type(t) is Task and t.phase == HEAD_START_PHASE for t in tasks
    )


def cheap_to_reach(task: Task) -> bool:
    """Whether the driver may take the block ``task`` heads: always on local input; on an
    object store only from the start of a file. A range inside a compressed file is reached by
    decoding the file up to it, and the plan's last block lies furthest in: on disk that is
    a read of the page cache, on an object store every byte before the range crosses the
    network and the server once more (a bare run's server CPU by a tenth, its client's too),
    for the second or so the pool takes to start."""
    from tamis.io import storage

    return task.shard.get("start") == 0 or not storage.is_url(task.shard.get("path", ""))


def cheap_to_go_on(task: Task) -> bool:
    """Whether the driver, done with ``task`` before the pool has started, may take any free
    task of the phase next (:meth:`TaskOrder.after`): on local input. On an object store it
    goes on in the stream it reads, to the next free range further in the same file (the
    ranges between are decoded, not fetched again), or to the next file's start
    (:meth:`TaskOrder.onward`), never back: a range behind its stream, or in another file's
    middle, is a read of that remote file from its start, by the driver and again by a
    worker. A pool that takes long to start
    (the forkserver loading the run's models) then leaves the driver working, as on local
    input, not waiting."""
    from tamis.io import storage

    return not storage.is_url(task.shard.get("path", ""))


def first_tasks(
    tasks: list[Task], workers: int, helping: bool
) -> tuple[TaskOrder, list[Task], bool]:
    """The order ``tasks`` are handed out in, each pool worker's first task and, when the
    driver works while the pool starts (``helping``, and still so in the third value), the
    driver's first task, last in the list.

    The driver's block is the plan's last (the one the workers reach last) when it is cheap to
    reach. On an object store it seldom is (a corpus of one file: the block lies inside it),
    and the driver took no task there, its core idle while the pool started, where on local
    files it runs a block: on an object store its block is the first half of the first
    worker's (a file's start: nothing decoded to reach it), and that worker starts right
    after it (it decodes those ranges to get there: fetched a second time). What the driver
    has not run when the pool starts is left to the workers."""
    if not helping:
        order = TaskOrder(tasks, workers)
        return order, order.first(), False
    order = TaskOrder(tasks, workers + 1)
    heads = order.first()
    if len(heads) <= workers:
        return order, heads, False
    if cheap_to_reach(heads[-1]):
        return order, heads, True
    order = TaskOrder(tasks, workers)
    heads = order.first()
    if not heads or not cheap_to_reach(heads[0]):
        return order, heads, False
    # the first half of the first worker's block is the driver's, the worker starts after it
    block = order.gap(heads[0], heads[1] if len(heads) > 1 else None)
    second = order.following(heads[0], max(1, block // 2))
    if second is None:
        return order, heads, False
    return order, [second, *heads[1:], heads[0]], True


def work_while_starting(
    order: TaskOrder,
    mine: Task,
    start_pool: Callable[[], None],
    run_here: Callable[[Task], dict[str, Any]],
    progress_queue: Any = None,
) -> Iterator[dict[str, Any]]:
    """Run ``start_pool`` (which blocks until the pool's workers have their first tasks) on a
    thread, and meanwhile ``run_here`` the tasks of the driver's block from ``mine`` on, then
    the phase's other free tasks, each result yielded as it is done, until the pool has started
    or no task is left."""
    started = threading.Event()
    failed: list[BaseException] = []

    def start() -> None:
        try:
            start_pool()
        except BaseException as exc:  # noqa: BLE001 (raised again in the driver's thread)
            failed.append(exc)
        finally:
            started.set()

    thread = threading.Thread(target=start, name="pool-start", daemon=True)
    thread.start()
    task: Task | None = mine
    set_progress_queue(progress_queue)
    try:
        while task is not None:
            result = run_here(task)
            if started.is_set():
                order.release(task)
                task = None
            elif cheap_to_go_on(task):
                task = order.after(task)
            else:  # on an object store, further on in the one stream it reads
                task = order.onward(task)
            yield result
    finally:
        set_progress_queue(None)
        _close_streams()
        thread.join()
    if failed:
        raise failed[0]


def _close_streams() -> None:
    """The input stream the driver's last range left open for a next range it will not read."""
    from tamis.io.jsonl import close_parked

    close_parked()
