"""Instructions (valgrind's callgrind) of the six per-document stages, one tree against another.

CPU time on a shared machine moves with its load; the instruction count of the same work does
not. Each side runs the stages as ``bench_stages.py`` does (batches of 256, in the recipe's
order: url_filter, repair, clean, boilerplate observe, pii, langid) over the first ``docs``
records of each corpus, joined as one stream, under callgrind twice: once with only the set-up
(imports, the naive Bayes arbiter's model, lists, reading the records, a warm-up batch of 20
documents) and once with
the set-up and the pass; the pass's instructions are the difference. A corpus is a name that
``bench_stages.records`` reads, or a ``.jsonl.zst`` file of records.

    .venv/bin/python bench/stages_instructions.py /tmp/base/src 2000 imdb-reviews reuters-21578

Results: bench/results/stages.md (appended by hand from the printed lines).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
STAGES = ("url_filter", "repair", "clean", "boilerplate", "pii", "langid")


def _records(corpora: list[str], limit: int) -> list[dict]:
    from bench_stages import records

    out: list[dict] = []
    for corpus in corpora:
        if corpus.endswith(".zst"):
            import zstandard

            with zstandard.open(corpus, "rt", encoding="utf-8") as f:
                out += [json.loads(line) for _, line in zip(range(limit), f, strict=False)]
        else:
            out += records(corpus, limit)
    return out


def worker(corpora: list[str], limit: int, mode: str) -> dict[str, float]:
    """One side: set-up, then (``mode == "full"``) one pass; CPU seconds per stage."""
    from bench_stages import _forget_urls, documents, run_batches

    from tamis.langid.arbiters import naive_bayes_arbiter
    from tamis.stages.base import stage_class

    recs = _records(corpora, limit)
    source = ",".join(corpora)  # documents without a URL take their site from it

    def docs_of(rows: list[dict]) -> list[Any]:
        return documents(rows, source)

    stages = {name: stage_class(name)() for name in STAGES}
    # the arbiter most texts may meet; lingua (its groups' models: billions of instructions
    # of set-up, run twice a side) loads when a text first needs it, on both sides alike
    naive_bayes_arbiter()
    run_batches(stages, docs_of(recs[-20:]), {})  # warm: lazy models, lists, patterns
    _forget_urls()
    stages["url_filter"] = stage_class("url_filter")()
    seconds = dict.fromkeys(STAGES, 0.0)
    docs = docs_of(recs)
    if mode == "full":
        run_batches(stages, docs, seconds)
    return seconds


def instructions(src: str, corpora: list[str], limit: int, mode: str) -> int:
    with tempfile.TemporaryDirectory() as out:
        env = dict(os.environ, PYTHONPATH=f"{src}{os.pathsep}{HERE}", PYTHONHASHSEED="0")
        subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}/cg.%p", "-q"]
            + [sys.executable, __file__, "--worker", mode, str(limit), *corpora],
            env=env,
            check=True,
            capture_output=True,
        )
        total = 0
        for path in Path(out).glob("cg.*"):
            for line in path.read_text().splitlines():
                if line.startswith("totals:"):
                    total += int(line.split()[1])
        return total


def main() -> None:
    if sys.argv[1] == "--worker":
        mode, limit, corpora = sys.argv[2], int(sys.argv[3]), sys.argv[4:]
        print(json.dumps(worker(corpora, limit, mode)), file=sys.stderr)
        return
    base_src, limit, corpora = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    sides = {"base": base_src, "new": str(HERE.parent / "src")}
    got = {}
    for side, src in sides.items():
        setup = instructions(src, corpora, limit, "setup")
        full = instructions(src, corpora, limit, "full")
        got[side] = full - setup
        print(f"{side}: set-up {setup:,} set-up and pass {full:,} pass {full - setup:,}")
    print(f"pass: base {got['base']:,} new {got['new']:,} ratio {got['base'] / got['new']:.3f}x")


if __name__ == "__main__":
    main()
