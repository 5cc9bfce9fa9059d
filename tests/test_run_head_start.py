"""The driver works on the first phase while the pool starts: every task runs exactly once, the
driver on its own block first, then on the phase's other free tasks, and only until the pool
has its first tasks, and a real 2-worker run in which the driver ran tasks writes what a
1-worker run writes."""

from __future__ import annotations

import threading

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.run import head_start
from tamis.run.order import TaskOrder
from tamis.run.worker import Task
from tests.helpers import output_digest, range_tasks, tamis


def _ordinals(tasks: list[Task]) -> list[int]:
    return [t.shard["ordinal"] for t in tasks]


def test_only_a_first_phase_with_more_tasks_than_workers_is_helped():
    assert head_start.wanted(range_tasks([8]), 2)
    assert not head_start.wanted(range_tasks([2]), 2)
    assert not head_start.wanted(range_tasks([8], phase=1), 2)


def test_the_driver_takes_a_block_inside_a_file_only_when_the_file_is_local():
    """Reaching a range inside a compressed file decodes the file up to it: on an object store
    that is every byte before the range read from the server again."""
    local, *_ = range_tasks([8])[4:]
    remote = [Task("out", {}, 0, {**t.shard, "path": "s3://bucket/" + t.shard["path"]})
              for t in range_tasks([8])]  # fmt: skip
    assert head_start.cheap_to_reach(local)
    assert head_start.cheap_to_reach(remote[0])
    assert not head_start.cheap_to_reach(remote[4])


def _remote(tasks: list[Task]) -> list[Task]:
    return [
        Task("out", {}, 0, {**t.shard, "path": "s3://bucket/" + t.shard["path"]}) for t in tasks
    ]


def test_on_an_object_store_the_driver_takes_the_first_ranges_and_a_worker_those_after():
    """One remote file: the driver's usual block lies inside it, so the driver takes the
    plan's first ranges (nothing decoded to reach them: the first half of the first worker's
    block) and that worker starts right after them; on local files the driver keeps the
    plan's last block."""
    order, heads, helping = head_start.first_tasks(_remote(range_tasks([8])), 2, True)
    assert helping and _ordinals(heads) == [2, 4, 0]
    order, heads, helping = head_start.first_tasks(range_tasks([9]), 2, True)
    assert helping and _ordinals(heads) == [0, 3, 6]
    # a pool that takes long to start: the driver goes on in the one stream it reads, passing
    # over the ranges the workers start from and go on to (never back: each range behind its
    # stream would be a read of the remote file from its start)
    order, heads, helping = head_start.first_tasks(_remote(range_tasks([8])), 2, True)
    late = threading.Event()
    ran: list[Task] = []
    got = head_start.work_while_starting(
        order, heads[-1], lambda: late.wait(timeout=0.5), lambda t: ran.append(t) or {}
    )
    assert len(list(got)) == 4 and _ordinals(ran) == [0, 1, 6, 7]
    # the pool started while the driver ran its first range: the second is left to a worker
    order, heads, helping = head_start.first_tasks(_remote(range_tasks([8])), 2, True)
    ran = []
    got = head_start.work_while_starting(order, heads[-1], lambda: None, ran.append)
    for _ in got:
        pass
    assert _ordinals(ran) == [0]
    worker = heads[0]
    left = []
    while (worker := order.after(worker)) is not None:
        left.append(worker)
    # every range is run once: the driver's, the workers' first ones, and the rest handed
    # to a worker, the driver's second range among them
    assert _ordinals(left)[0] == 3 and 1 in _ordinals(left)
    assert sorted(_ordinals(ran + heads[:2] + left)) == list(range(8))
    # remote files of one range each: the driver goes on from file start to file start, as
    # on local input (each is fetched once, by whoever runs it), never to a pool worker's
    # first file (0, 3) nor to the one a pool worker goes on to from it (1, 4)
    order, heads, helping = head_start.first_tasks(_remote(range_tasks([1] * 9)), 2, True)
    assert helping and _ordinals(heads) == [0, 3, 6]
    ran = []
    got = head_start.work_while_starting(
        order, heads[-1], lambda: late.wait(timeout=0.5), lambda t: ran.append(t) or {}
    )
    assert len(list(got)) == 5 and _ordinals(ran) == [6, 7, 8, 2, 5]
    # no help asked: the workers' blocks alone
    order, heads, helping = head_start.first_tasks(_remote(range_tasks([8])), 2, False)
    assert not helping and _ordinals(heads) == [0, 4]


def test_the_driver_runs_its_block_until_the_pool_has_started():
    order = TaskOrder(range_tasks([30]), 3)
    heads = order.first()
    assert _ordinals(heads) == [0, 10, 20]
    pool_may_start = threading.Event()
    handed: list[Task] = []
    ran: list[Task] = []

    def start_pool() -> None:
        pool_may_start.wait(timeout=30)
        handed.extend(heads[:-1])

    def run_here(task: Task) -> dict:
        ran.append(task)
        if len(ran) == 4:  # the forkserver is ready while the driver runs its fourth task
            pool_may_start.set()
            for thread in threading.enumerate():
                if thread.name == "pool-start":
                    thread.join(timeout=30)
        return {"shard": task.shard["ordinal"]}

    got = list(head_start.work_while_starting(order, heads[-1], start_pool, run_here))
    assert _ordinals(ran) == [20, 21, 22, 23]
    assert [g["shard"] for g in got] == [20, 21, 22, 23]
    assert _ordinals(handed) == [0, 10]
    # what is left of the driver's block goes to the workers: the one that finishes the
    # second block goes on with it, where the driver stopped
    second = heads[1]
    for _ in range(9):
        second = order.after(second)
    assert second.shard["ordinal"] == 19
    assert order.after(second).shard["ordinal"] == 24


def test_a_driver_done_with_its_block_before_the_pool_starts_goes_on_with_free_tasks():
    """A long warm-up (the forkserver loading a multilingual input's word splitters): the
    driver runs its block, then free tasks of the phase, never a pool worker's first task nor
    the range a pool worker goes on to from it, until the pool starts."""
    order = TaskOrder(range_tasks([30]), 3)
    heads = order.first()
    pool_may_start = threading.Event()
    ran: list[Task] = []

    def run_here(task: Task) -> dict:
        ran.append(task)
        if len(ran) == 15:
            pool_may_start.set()
            for thread in threading.enumerate():
                if thread.name == "pool-start":
                    thread.join(timeout=30)
        return {}

    list(
        head_start.work_while_starting(
            order, heads[-1], lambda: pool_may_start.wait(timeout=30), run_here
        )
    )
    assert _ordinals(ran)[:10] == list(range(20, 30))
    assert len(set(_ordinals(ran))) == 15
    assert not {0, 1, 10, 11} & set(_ordinals(ran))


def test_a_pool_that_fails_to_start_fails_the_run_after_the_drivers_task():
    order = TaskOrder(range_tasks([9]), 3)
    heads = order.first()

    def start_pool() -> None:
        raise OSError("cannot fork")

    ran: list[Task] = []
    try:
        for _ in head_start.work_while_starting(order, heads[-1], start_pool, ran.append):
            pass
    except OSError as exc:
        assert "cannot fork" in str(exc)
    else:
        raise AssertionError("the pool's failure was not raised")
    assert len(ran) >= 1


@settings(max_examples=100, deadline=None)
@given(
    files=st.lists(st.integers(1, 9), min_size=1, max_size=6),
    workers=st.integers(1, 4),
    starts_after=st.integers(1, 40),
    seed=st.randoms(use_true_random=False),
    remote=st.booleans(),
)
def test_every_task_runs_exactly_once_whenever_the_pool_starts(
    files, workers, starts_after, seed, remote
):
    """The driver's block, then the pool's workers on what is left: no task lost or run twice,
    on local files and on an object store (where the driver starts on the plan's first task)."""
    tasks = _remote(range_tasks(files)) if remote else range_tasks(files)
    order, heads, helping = head_start.first_tasks(
        tasks, workers, head_start.wanted(tasks, workers)
    )
    if not helping:
        return
    started = threading.Event()
    ran: list[Task] = []

    def run_here(task: Task) -> dict:
        ran.append(task)
        if len(ran) >= starts_after:
            started.set()
        return {}

    # the pool starts once the driver has run ``starts_after`` tasks, or a moment after its
    # block ran out
    list(head_start.work_while_starting(order, heads[-1], lambda: started.wait(0.05), run_here))
    # the pool's workers: each goes on after its head, in a random interleaving
    running = list(heads[:-1])
    while running:
        done = running.pop(seed.randrange(len(running)))
        ran.append(done)
        nxt = order.after(done)
        if nxt is not None:
            running.append(nxt)
    assert sorted(_ordinals(ran)) == list(range(len(tasks)))


def test_a_two_worker_run_whose_driver_ran_tasks_writes_what_one_worker_writes(
    shared_data, tmp_path
):
    """A file of a few ranges (of about 1 MB: the driver takes the last block while the pool's
    forkserver warms up, which takes longer than such a range)."""
    import zstandard

    src = shared_data / "text" / "imdb-reviews.jsonl.zst"
    with open(src, "rb") as fh:
        reader = zstandard.ZstdDecompressor().stream_reader(fh)
        head = reader.read(5 << 20)
    corpus = tmp_path / "in.jsonl"
    corpus.write_bytes(head[: head.rindex(b"\n") + 1])
    outs = {}
    for workers in (1, 2):
        out = tmp_path / f"out{workers}"
        assert (
            tamis("clean", str(corpus), "-o", str(out), "--workers", str(workers), "--quiet") == 0
        )
        outs[workers] = out
    plan = orjson.loads((outs[2] / ".tamis" / "plan.json").read_bytes())
    assert len(plan) > 3
    assert output_digest(outs[1]) == output_digest(outs[2])  # manifest and stats too
    assert tamis("verify", str(outs[2])) == 0
