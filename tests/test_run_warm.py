"""The pool's forkserver started early: workers are forked with the worker side imported."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import concurrent.futures as cf, multiprocessing, sys
if sys.argv[1] == "warm":
    from tamis.run.warm import warm_workers
    warm_workers(["corpus/in.jsonl", "out"])
ctx = multiprocessing.get_context("forkserver")
with cf.ProcessPoolExecutor(1, mp_context=ctx) as pool:
    # eval is pickled by name: the worker imports nothing to run it
    print(pool.submit(eval, "sorted(m for m in ('tamis.run.worker', 'numpy') "
                      "if m in __import__('sys').modules)").result())
"""


def _worker_modules(how: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, how], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_warm_worker_has_the_worker_side_and_no_stage_library_before_its_first_task():
    assert _worker_modules("warm") == "['tamis.run.worker']"
    # a forkserver started by the pool itself gives its workers nothing
    assert _worker_modules("cold") == "[]"
