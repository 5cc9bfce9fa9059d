"""The order a pool hands tasks out in: every task exactly once, and a worker kept to the
ranges of one file in order (so it goes on from its parked stream)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.run.order import TaskOrder
from tamis.run.worker import Task
from tests.helpers import range_tasks


def _names(tasks: list[Task]) -> list[int]:
    return [t.shard["ordinal"] for t in tasks]


def _follow(order: TaskOrder, head: Task, count: int) -> list[Task]:
    """The ``count`` tasks one worker is handed from ``head`` on, each after the last."""
    got = [head]
    while len(got) < count:
        got.append(order.after(got[-1]))
    return got


def test_two_workers_share_one_file_in_two_blocks():
    order = TaskOrder(range_tasks([32]), 2)
    a, b = order.first()
    assert _names([a, b]) == [0, 16]
    # each worker goes on with the range after the one it finished
    got_a = _follow(order, a, 16)
    assert _names(got_a) == list(range(16))
    # the first block is done: the worker takes what no running task is followed by
    b2 = order.after(b)
    assert _names([b2]) == [17]
    nxt = order.after(got_a[-1])
    assert _names([nxt]) == [19]  # 18 follows 17, which the other worker is reading


def test_workers_keep_to_their_files():
    order = TaskOrder(range_tasks([5] * 8), 2)
    heads = order.first()
    assert _names(heads) == [0, 20]
    seen = {0: [heads[0]], 1: [heads[1]]}
    while len(order):
        for w in (0, 1):
            if len(order):
                seen[w].append(order.after(seen[w][-1]))
    paths = {w: [t.shard["path"] for t in ts] for w, ts in seen.items()}
    assert sorted(set(paths[0])) == [f"in/{f}.jsonl.zst" for f in range(4)]
    assert sorted(set(paths[1])) == [f"in/{f}.jsonl.zst" for f in range(4, 8)]


def test_blocks_begin_at_file_starts_and_a_free_worker_takes_a_file_from_its_start():
    """A range inside a file costs the worker that begins there the decoding of the file up to
    it: a block's head moves to a file's start nearby, and so does a worker whose next range
    is taken."""
    order = TaskOrder(range_tasks([4, 5, 4, 5]), 2)  # files start at ranges 0, 4, 9 and 13 of 18
    a, b = order.first()
    assert _names([a, b]) == [0, 9]
    got = _follow(order, a, 9)
    assert _names(got) == list(range(9))
    # 9 is taken and 10 follows it: the next file start that no one is reading towards
    assert _names([order.after(got[-1])]) == [13]
    # a head moves no further than half a block (3 ranges here), and never onto another head
    order = TaskOrder(range_tasks([9, 9]), 3)
    assert _names(order.first()) == [0, 9, 12]
    order = TaskOrder(range_tasks([18]), 3)
    assert _names(order.first()) == [0, 6, 12]


@settings(max_examples=80, deadline=None)
@given(
    files=st.lists(st.integers(1, 6), min_size=1, max_size=6),
    workers=st.integers(1, 5),
    finish=st.randoms(use_true_random=False),
)
def test_every_task_is_handed_out_exactly_once(files, workers, finish):
    tasks = range_tasks(files)
    order = TaskOrder(tasks, workers)
    running = order.first()
    assert len(running) == min(workers, len(tasks))
    handed = list(running)
    while running:
        done = running.pop(finish.randrange(len(running)))
        nxt = order.after(done)
        if nxt is not None:
            running.append(nxt)
            handed.append(nxt)
    assert sorted(_names(handed)) == _names(tasks)
    assert len(order) == 0


def _spilled_tasks(tmp_path, sizes: list[int]) -> list[Task]:
    """Phase-1 tasks over OUT ``tmp_path`` whose phase-0 spills hold ``sizes`` bytes (a
    negative size: no spill)."""
    from dataclasses import replace

    from tamis.run.worker import spill_path

    tasks = [replace(t, out_dir=str(tmp_path)) for t in range_tasks([len(sizes)], phase=1)]
    for task, size in zip(tasks, sizes, strict=True):
        if size >= 0:
            path = spill_path(tmp_path, 0, task.shard["ordinal"])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"x" * size)
    return tasks


def test_a_phase_that_reads_spills_hands_the_largest_out_first(tmp_path):
    """A later phase's tasks go out by their spill's size, the largest first (the long task
    of an open-ended last range no longer runs last, alone); ties, and tasks whose spill
    cannot be seen, keep their plan order."""
    from tamis.run.order import LargestFirst, reads_spills

    tasks = _spilled_tasks(tmp_path, [10, 10, 50, -1, 10, 500])
    assert reads_spills(tasks) and not reads_spills(range_tasks([6]))
    order = LargestFirst(tasks, 2)
    heads = order.first()
    assert _names(heads) == [5, 2]
    got = [order.after(heads[0]) for _ in range(4)]
    assert _names(got) == [0, 1, 4, 3]
    assert order.after(heads[1]) is None and len(order) == 0


@settings(max_examples=50, deadline=None)
@given(sizes=st.lists(st.integers(-1, 40), min_size=1, max_size=20), workers=st.integers(1, 4))
def test_the_largest_first_order_hands_every_task_out_once(tmp_path_factory, sizes, workers):
    from tamis.run.order import LargestFirst

    tasks = _spilled_tasks(tmp_path_factory.mktemp("out"), sizes)
    order = LargestFirst(tasks, workers)
    handed = order.first()
    while (nxt := order.after(handed[-1])) is not None:
        handed.append(nxt)
    assert sorted(_names(handed)) == list(range(len(sizes)))
    sizes_handed = [max(sizes[t.shard["ordinal"]], 0) for t in handed]
    assert sizes_handed == sorted(sizes_handed, reverse=True)
