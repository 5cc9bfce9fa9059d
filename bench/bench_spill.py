"""CPU of one spill round trip and of the writers' signal conversion, before vs after.

Whole runs on a loaded machine move by more than the plumbing costs, so the two pieces that
changed are timed here in one process, interleaved over rounds (best of each), on real records:
the kept and rejected records of a default-recipe run (every stage's signals, edits, verdicts),
turned back into in-flight documents.

- spill: the 61cc5d3 spill (each document's state as an orjson line, zstd level 3 stream;
  read back line by line into Documents) vs :mod:`tamis.run.spill` (pickled batches in zstd
  frames);
- signals: ``signals_out`` as 61cc5d3 wrote it (``kinds.convert`` of every value) vs now.

    .venv/bin/python bench/bench_spill.py bench/work/recipe/imdb-reviews/new --rounds 5
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

import orjson
import zstandard

from tamis.document import Document, Edit, Verdict
from tamis.io import kinds
from tamis.io.output import json_default, read_records, shard_files
from tamis.io.schema import signals_out
from tamis.run.spill import SpillWriter, read_spill


def documents(out: Path) -> list[Document]:
    docs = []
    for kind in ("kept", "rejected"):
        for path in shard_files(out, kind):
            for r in read_records(path):
                signals = {
                    stage: {k: v for k, v in values.items() if v is not None}
                    for stage, values in r["signals"].items()
                    if values is not None
                }
                docs.append(
                    Document(
                        r["id"],
                        r["text"],
                        r["source"],
                        r["meta"],
                        [Edit.from_dict(e) for e in r["edits"]],
                        signals,
                        Verdict.from_dict(r["verdict"]),
                        (0, r["source"]["index"]),
                    )
                )
    docs.sort(key=lambda d: d.order)
    return docs


def old_spill(docs: list[Document], batch: int) -> int:
    """61cc5d3: orjson lines of each document's state in a zstd stream, read back."""
    buf = io.BytesIO()
    zw = zstandard.ZstdCompressor(level=3).stream_writer(buf, closefd=False)
    nl = orjson.OPT_APPEND_NEWLINE
    for i in range(0, len(docs), batch):
        states = []
        for d in docs[i : i + batch]:
            rec = d._record(d.text)
            rec["order"] = list(d.order)
            states.append(orjson.dumps({"d": rec}, default=json_default, option=nl))
        zw.write(b"".join(states))
    zw.close()
    data = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(buf.getvalue())).read()
    n = 0
    for line in data.split(b"\n"):
        if line:
            rec = orjson.loads(line)["d"]
            Document(
                rec["id"],
                rec["text"],
                rec["source"],
                rec["meta"],
                [Edit.from_dict(e) for e in rec["edits"]],
                rec["signals"],
                Verdict.from_dict(rec["verdict"]),
                tuple(rec["order"]),
            )
            n += 1
    return n


def new_spill(docs: list[Document], batch: int, path: Path) -> int:
    with open(path, "wb") as fh:
        writer = SpillWriter(fh)
        for i in range(0, len(docs), batch):
            writer.write(docs[i : i + batch])
    return sum(1 for _ in read_spill(path))


def old_signals_out(signals: dict, declared: dict) -> dict:
    """61cc5d3's conversion: every declared value through ``kinds.convert``."""
    out = {}
    for stage, decl in declared.items():
        values = signals.get(stage)
        if values is None:
            out[stage] = None
            continue
        out[stage] = {name: kinds.convert(values.get(name), k) for name, k in decl.items()}
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path, help="the output folder of a default-recipe run")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--batch", type=int, default=1000)
    args = ap.parse_args()
    from tamis.config import load_config
    from tamis.pipeline import Pipeline

    docs = documents(args.out)
    declared = Pipeline(load_config()).signal_kinds()
    rows = [d.signals for d in docs]
    assert [old_signals_out(r, declared) for r in rows[:2000]] == [
        signals_out(r, declared) for r in rows[:2000]
    ]
    best: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        spill = Path(tmp) / "s.spill.zst"
        cases = {
            "spill round trip, 61cc5d3 (orjson lines)": lambda: old_spill(docs, args.batch),
            "spill round trip, now (pickled frames)": lambda: new_spill(docs, args.batch, spill),
            "signals_out, 61cc5d3": lambda: [old_signals_out(r, declared) for r in rows],
            "signals_out, now": lambda: [signals_out(r, declared) for r in rows],
        }
        for _ in range(args.rounds):
            for name, case in cases.items():
                t = time.process_time()
                case()
                best[name] = min(best.get(name, 1e9), time.process_time() - t)
    print(f"{len(docs):,} documents of {args.out}; best of {args.rounds} interleaved rounds\n")
    print("| piece | CPU s |")
    print("|---|---|")
    for name, secs in best.items():
        print(f"| {name} | {secs:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
