"""Speed of ``find_pii`` as git revisions of ``src/tamis/pii/detectors.py`` have it, against the
working tree's: the check that a change of the pii rules did not slow the stage.

The text is real: the first N Reuters stories and N IMDb reviews of ``../shared/data/text`` and
the DCLM pages of ``../shared/data/quality``. Other workers share the machine, so the sides are
interleaved over several rounds (each round runs every side once over the whole text, in the
same order) and the best round of each side is kept; ratios are read within one run.

    .venv/bin/python bench/bench_pii_speed.py REV [REV ...] [--docs N] [--rounds R]
"""

from __future__ import annotations

import argparse
import itertools
import json
import platform
import sys
import time

import zstandard
from heldout_samples import DATA
from pii_rule_diff import detectors_at

from tamis.pii import detectors


def texts(n: int) -> list[str]:
    out = []
    for name in ("reuters-21578", "imdb-reviews"):
        with zstandard.open(DATA / "text" / f"{name}.jsonl.zst", "rt", encoding="utf-8") as f:
            out += [json.loads(line)["text"] for line in itertools.islice(f, n)]
    with open(DATA / "quality" / "dclm-human-majority.jsonl", encoding="utf-8") as f:
        out += [json.loads(line)["text"] for line in f]
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("revs", nargs="+", help="git revisions whose rules are timed too")
    parser.add_argument("--docs", type=int, default=4000, help="Reuters and IMDb documents each")
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    docs = texts(args.docs)
    sides = {rev: detectors_at(rev) for rev in args.revs}
    sides["working tree"] = detectors
    best = dict.fromkeys(sides, float("inf"))
    order = list(sides.items())
    for i in range(args.rounds):
        # each round starts with another side, so that no side always runs first or last
        for name, module in order[i % len(order) :] + order[: i % len(order)]:
            started = time.perf_counter()
            for text in docs:
                module.find_pii(text)
            best[name] = min(best[name], time.perf_counter() - started)
    mb = sum(map(len, docs)) / 1e6
    print(f"{len(docs):,} documents, {mb:.1f} M characters; best of {args.rounds} rounds, ")
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print("| rules | seconds | M characters/s | vs working tree |")
    print("|---|---:|---:|---:|")
    for name, seconds in best.items():
        ratio = seconds / best["working tree"]
        print(f"| {name} | {seconds:.3f} | {mb / seconds:.1f} | {ratio:.2f}x |")


if __name__ == "__main__":
    sys.exit(main())
