"""Instructions of a whole `tamis clean` run, this tree against a baseline tree (callgrind).

On a shared machine wall and CPU seconds move with the host's load by more than a plumbing
change saves; the instructions a run executes do not. Each tree runs
``tamis clean INPUT -o OUT --workers 1 --quiet`` (the default recipe, report included; with
``--bare``, no stage and no report) under ``valgrind --tool=callgrind --trace-children=yes``,
with ``PYTHONHASHSEED=0`` and one OpenBLAS thread (whose idle spinning callgrind would count),
and the totals of every process's callgrind file are summed. Byte-compile both trees first
(``python -m compileall``), or the first run counts the compiling. Callgrind runs a Python program 50-100x slower: give it a few
thousand documents. The two runs go side by side; the outputs of both are kept, so that
they can be compared (``tests/helpers.output_digest``).

    mkdir -p /tmp/base && git archive main src | tar -x -C /tmp/base
    .venv/bin/python bench/bench_instructions.py --base /tmp/base/src INPUT.jsonl [--workers 1]
        [--bare] [--output-format parquet]

``bench/small_inputs.py`` writes the small real inputs of ``bench/results/pipeline.md``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CLI = "import sys; from tamis.cli import main; sys.exit(main())"


def callgrind_total(folder: Path) -> int:
    """The sum of the ``summary:`` (or ``totals:``) line of every callgrind file in ``folder``."""
    total = 0
    for path in folder.glob("cg.*"):
        with open(path, errors="replace") as fh:
            for line in fh:
                if line.startswith(("summary:", "totals:")):
                    total += int(line.split()[1])
                    break
    return total


def start(
    src: Path, inputs: list[str], out: Path, cg: Path, workers: int, extra: list[str]
) -> subprocess.Popen:
    for folder in (out, cg):
        if folder.exists():
            shutil.rmtree(folder)
    cg.mkdir(parents=True)
    env = {**os.environ, "PYTHONPATH": str(src), "PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1"}
    cmd = ["valgrind", "--tool=callgrind", "--trace-children=yes"]
    cmd += [f"--callgrind-out-file={cg}/cg.%p", "-q", sys.executable, "-c", CLI]
    cmd += ["clean", *inputs, "-o", str(out), "--workers", str(workers), "--quiet", *extra]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("inputs", nargs="+")
    ap.add_argument("--base", type=Path, required=True, help="the baseline tree's src folder")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "bench-instr")
    ap.add_argument("--bare", action="store_true", help="no stage, no report: the plumbing")
    ap.add_argument("--output-format", help="the format tamis writes (its default if not given)")
    args = ap.parse_args()
    extra = ["--stages", "", "--no-report"] if args.bare else []
    if args.output_format:
        extra += ["--output-format", args.output_format]
    trees = {"base": args.base.resolve(), "this tree": ROOT / "src"}
    runs = {}
    for name, src in trees.items():
        tag = name.replace(" ", "-")
        cg, out = args.work / f"cg-{tag}", args.work / f"out-{tag}"
        runs[name] = (start(src, args.inputs, out, cg, args.workers, extra), cg, out)
    totals = {}
    for name, (proc, cg, _out) in runs.items():
        _, err = proc.communicate()
        if proc.returncode:
            sys.stderr.write(err.decode(errors="replace"))
            return proc.returncode
        totals[name] = callgrind_total(cg)
    base = totals["base"]
    print(f"inputs: {' '.join(args.inputs)}; --workers {args.workers} {' '.join(extra)}")
    print(f"outputs in {args.work}\n")
    print("| tree | instructions | vs base |")
    print("|---|---:|---:|")
    for name, total in totals.items():
        print(f"| {name} | {total:,} | {total / base - 1:+.1%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
