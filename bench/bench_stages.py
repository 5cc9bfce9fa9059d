"""CPU time of the default recipe's per-document stages, this tree against another commit.

The stages run as the pipeline runs them (batches of 256, in the recipe's order: url_filter,
repair, clean, boilerplate observe, pii, langid) on the precision corpora of ``bench_clean.py``.
Each side runs in its own process, with its own ``src`` first on the import path; the two sides
alternate over several rounds (the machine is shared) and the best round of each is kept.
Building the stages and a first batch (models, lists, compiled patterns) are outside the
timing: the figures are per-document work.

    git worktree add /tmp/st-base 61cc5d3
    .venv/bin/python bench/bench_stages.py /tmp/st-base/src [rounds] [docs per corpus]

Results: bench/results/stages.md (appended by hand from the printed table).
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
STAGES = ("url_filter", "repair", "clean", "boilerplate", "pii", "langid")
BATCH = 256


def records(corpus: str, limit: int) -> list[dict]:
    import zstandard

    if corpus in ("reuters-21578", "imdb-reviews"):
        with zstandard.open(DATA / "text" / f"{corpus}.jsonl.zst", "rt", encoding="utf-8") as f:
            return [json.loads(line) for _, line in zip(range(limit), f, strict=False)]
    if corpus == "imdb-distinct-urls":  # url_filter without a repeated URL: no memory hits
        seen: dict[str, None] = {}
        with zstandard.open(DATA / "text" / "imdb-reviews.jsonl.zst", "rt", encoding="utf-8") as f:
            for line in f:
                seen.setdefault(json.loads(line)["url"])
        return [{"text": "x", "url": url} for url in list(seen)[:limit]]
    if corpus == "cc-en-head":
        out = []
        for path in sorted((DATA / "text").glob("cc-en-head-*.jsonl.gz")):
            with gzip.open(path, "rt", encoding="utf-8") as f:
                out += [json.loads(line) for line in f]
        return out[:limit]
    with open(DATA / "quality" / "dclm-human-majority.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for _, line in zip(range(limit), f, strict=False)]


def documents(rows: list[dict], source: str) -> list[Any]:
    """Records as the pipeline's documents, the input's other fields their ``meta``."""
    from tamis.document import Document

    out = []
    for i, rec in enumerate(rows):
        meta = {k: v for k, v in rec.items() if k not in ("text", "id")}
        if "url" not in meta and isinstance(meta.get("metadata"), dict):
            meta["url"] = meta["metadata"].get("url")
        # cc-en-head keeps its URL in metadata.url, which url_filter's default field does
        # not read: copied to url so that the filter meets real crawl URLs
        out.append(Document(str(i), rec["text"], {"path": source, "index": i}, meta=meta))
    return out


def worker(corpus: str, limit: int, repeat: int) -> dict[str, float]:
    """One side: CPU seconds per stage over the corpus (``repeat`` passes over small sets)."""
    from tamis.document import Document
    from tamis.langid.identifier import preload
    from tamis.stages.base import stage_class

    recs = records(corpus, limit)

    def docs() -> list[Document]:
        return documents(recs, corpus)

    stages = {name: stage_class(name)() for name in STAGES}
    preload()
    seconds = dict.fromkeys(STAGES, 0.0)
    warm = docs()[:20]
    for p in range(repeat + 1):  # pass 0 warms up: lists, models, compiled patterns
        batch_docs = warm if p == 0 else docs()
        # a small set read again must not meet its URLs in a memory: a fresh url_filter and
        # empty URL caches each pass, on both sides (whichever of them a side has)
        stages["url_filter"] = stage_class("url_filter")()
        _forget_urls()
        run_batches(stages, batch_docs, seconds if p else {})
    return seconds


def run_batches(stages: dict, docs: list, seconds: dict[str, float]) -> None:
    """The stages over the documents as the pipeline runs them (batches, the recipe's order),
    with a fresh boilerplate state; CPU seconds per stage added to ``seconds`` when it has the
    stage's name."""
    state = stages["boilerplate"].new_state()
    for start in range(0, len(docs), BATCH):
        batch = docs[start : start + BATCH]
        for name, stage in stages.items():
            t = time.process_time()
            if name == "boilerplate":
                stage.observe(batch, state)
            elif name in ("url_filter", "repair"):
                for doc in batch:
                    stage.process(doc)
            else:
                stage.process_batch(batch)
            if name in seconds:
                seconds[name] += time.process_time() - t


def _forget_urls() -> None:
    import tamis.clean.sitekey as sitekey
    import tamis.urls.check as check

    for module, names in (
        (check, ("_split_host",)),
        (sitekey, ("registered_domain", "_domain_of_host")),
    ):
        for name in names:
            cached = getattr(module, name, None)
            if cached is not None and hasattr(cached, "cache_clear"):
                cached.cache_clear()


def main() -> None:
    if sys.argv[1] == "--worker":
        src, corpus, limit, repeat = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
        sys.path.insert(0, src)
        print(json.dumps(worker(corpus, limit, repeat)))
        return
    base_src = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else 5000
    sides = {"base": base_src, "new": str(ROOT / "src")}
    corpora = {
        "imdb-reviews": 1,
        "reuters-21578": 1,
        "cc-en-head": 20,
        "dclm-human": 4,
        "imdb-distinct-urls": 1,
    }
    best: dict[tuple[str, str], dict[str, float]] = {}
    for corpus, repeat in corpora.items():
        for r in range(rounds):
            for side in sorted(sides, reverse=bool(r % 2)):  # alternate who goes first
                env = dict(os.environ, PYTHONPATH=sides[side])
                out = subprocess.run(
                    [sys.executable, __file__, "--worker", sides[side], corpus, str(limit)]
                    + [str(repeat)],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                )
                got = json.loads(out.stdout.strip().splitlines()[-1])
                keep = best.setdefault((corpus, side), got)
                for name, value in got.items():
                    keep[name] = min(keep[name], value)
            print(f"{corpus}: round {r + 1} of {rounds} done", file=sys.stderr, flush=True)
    print("| corpus | stage | base CPU s | new CPU s | speed-up |")
    print("|---|---|---|---|---|")
    for corpus in corpora:
        for name in STAGES:
            b, n = best[(corpus, "base")][name], best[(corpus, "new")][name]
            print(
                f"| {corpus} | {name} | {b:.3f} | {n:.3f} | {b / n if n else float('inf'):.2f}x |"
            )
        b, n = sum(best[(corpus, "base")].values()), sum(best[(corpus, "new")].values())
        print(f"| {corpus} | all six | {b:.3f} | {n:.3f} | {b / n:.2f}x |")


if __name__ == "__main__":
    main()
