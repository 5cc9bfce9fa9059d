"""The four quality stages' cost per document, as the default recipe runs them.

Documents are first taken through the stages that precede the quality stages in the default
recipe (``repair``, ``clean``, ``pii``, ``langid``; the global ``boilerplate`` stage is left
out) and cached under ``bench/work/quality_stages/``. Then ``gopher_quality``,
``gopher_repetition``, ``c4`` (``edit_lines: false``, as the recipe sets it) and ``fineweb``
run chained over batches of 256, each stage on the batch's documents still kept, as the
pipeline runs them; only documents langid calls English (or undetermined) are taken (the
English path). Prints each stage's CPU seconds (the first batch, whose first calls load the
word tables, outside the measure).

    .venv/bin/python bench/bench_quality_stages.py --each 3000
    .venv/bin/python bench/bench_quality_stages.py --each 1000 --load-only   # fixed cost
    .venv/bin/python bench/bench_quality_stages.py --file held-out.jsonl.zst  # another corpus

For instructions, run it under callgrind (with ``PYTHONHASHSEED=0``) for this tree and a base
tree (``PYTHONPATH=<base>/src``) and subtract the ``--load-only`` run:
``valgrind --tool=callgrind --callgrind-out-file=OUT/cg.%p -q .venv/bin/python
bench/bench_quality_stages.py --each 1000``.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from pathlib import Path

import zstandard

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "data" / "text"
CACHE = HERE / "work" / "quality_stages"
STAGES = ("gopher_quality", "gopher_repetition", "c4", "fineweb")
BEFORE = ("repair", "clean", "pii", "langid")
BATCH = 256


def _read(name: str | Path, limit: int) -> list[dict]:
    with zstandard.open(DATA / name, "rt", encoding="utf-8") as f:
        return [json.loads(line) for _, line in zip(range(limit), f, strict=False)]


def prepared(each: int, file: Path | None = None) -> list[tuple[str, str, dict]]:
    """(id, text, langid signals) of the first ``each`` IMDb reviews and Reuters stories (or
    of every record of ``file``) after the stages before the quality ones, English ones only
    (cached)."""
    path = CACHE / (f"docs_{each}.pkl" if file is None else f"docs_{file.name}.pkl")
    if path.is_file():
        return pickle.loads(path.read_bytes())
    from tamis.document import Document
    from tamis.stages.base import stage_class

    if file is None:
        records = [("imdb", r) for r in _read("imdb-reviews.jsonl.zst", each)]
        records += [("reuters", r) for r in _read("reuters-21578.jsonl.zst", each)]
    else:
        records = [(file.stem, r) for r in _read(file.resolve(), 10**9)]
    docs = [
        Document(f"{name}-{i}", r["text"], {"path": name, "index": i}, order=(0, i))
        for i, (name, r) in enumerate(records)
    ]
    before = [stage_class(name)() for name in BEFORE]
    for start in range(0, len(docs), BATCH):
        batch = docs[start : start + BATCH]
        for stage in before:
            live = [d for d in batch if d.kept]
            if live:
                stage.process_batch(live)
    out = [
        (d.id, d.text, d.signals.get("langid"))
        for d in docs
        if d.kept and (d.signals.get("langid") or {}).get("lang", "en") in ("en", "un")
    ]
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(out))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--each", type=int, default=3000, help="IMDb reviews and Reuters stories")
    parser.add_argument("--file", type=Path, help="a JSON Lines (zstd) corpus instead")
    parser.add_argument("--load-only", action="store_true", help="stop before the stages run")
    args = parser.parse_args()
    from tamis.document import Document
    from tamis.stages.base import stage_class

    rows = prepared(args.each, args.file)
    docs = []
    for k, (doc_id, text, langid) in enumerate(rows):
        doc = Document(doc_id, text, {"path": "bench", "index": k}, order=(0, k))
        if langid is not None:
            doc.signals["langid"] = langid
        docs.append(doc)
    stages = {name: stage_class(name)() for name in STAGES}
    stages["c4"] = stage_class("c4")(stage_class("c4").Options(edit_lines=False))
    if args.load_only:
        return
    spent = dict.fromkeys(STAGES, 0.0)
    for start in range(0, len(docs), BATCH):
        for name, stage in stages.items():
            live = [d for d in docs[start : start + BATCH] if d.kept]
            if live:
                t = time.process_time()
                stage.process_batch(live)
                if start:
                    spent[name] += time.process_time() - t
    kept = sum(d.kept for d in docs)
    cpu = ", ".join(f"{name} {s:.2f}" for name, s in spent.items())
    print(f"{len(docs)} documents, {kept} kept; CPU s: {cpu}", file=sys.stderr)


if __name__ == "__main__":
    main()
