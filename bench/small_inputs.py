"""Small real inputs for instruction counts of the bare pipeline (``bench/bench_instructions.py
--bare``), written from ``../shared/data`` into a folder outside the project: pairs of one
zstd and one gzip file, each smaller than the planner's 512 KB start or larger, as
``bench/results/pipeline.md`` names them.

- ``tuned``: the DCLM judgments (zst) and the dolma cc-en-head records with the chardet test
  pages (gz; the pages decoded as latin-1, their encoding and size as metadata);
- ``apart1``: the AEB article bodies (zst) and the MSRP sentence pairs (gz);
- ``apart2``: the Clough-Stevenson answers (zst) and ftfy's test cases (gz).

    .venv/bin/python bench/small_inputs.py /tmp/small
"""

from __future__ import annotations

import csv
import glob
import gzip
import json
import os
import sys
from pathlib import Path

import zstandard

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def _line(record: dict) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode() + b"\n"


def _zst(path: Path, records: list[dict]) -> None:
    with open(path, "wb") as fh, zstandard.ZstdCompressor(level=3).stream_writer(fh) as w:
        for r in records:
            w.write(_line(r))


def _gz(path: Path, records: list[dict]) -> None:
    with open(path, "wb") as fh, gzip.GzipFile(filename="", mode="wb", fileobj=fh, mtime=0) as w:
        for r in records:
            w.write(_line(r))


def main(dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    with open(DATA / "quality" / "dclm-human-majority.jsonl") as fh:
        _zst(dest / "tuned-1.jsonl.zst", [json.loads(line) for line in fh])
    records = []
    for p in sorted(glob.glob(str(DATA / "text" / "cc-en-head-*.jsonl.gz"))):
        records += [json.loads(line) for line in gzip.open(p)]
    for i, p in enumerate(sorted(glob.glob(str(DATA / "encoding" / "chardet" / "*" / "*")))):
        raw = Path(p).read_bytes()
        meta = {"enc": Path(p).parent.name, "size": len(raw)}
        records.append({"id": f"chardet-{i}", "text": raw.decode("latin-1"), "meta": meta})
    _gz(dest / "tuned-2.jsonl.gz", records)

    truth = json.loads((DATA / "extraction" / "scrapinghub-aeb" / "ground-truth.json").read_text())
    bodies = [
        {"id": k, "text": v["articleBody"], "url": v.get("url")} for k, v in sorted(truth.items())
    ]
    _zst(dest / "apart1-1.jsonl.zst", bodies)
    with open(DATA / "paraphrase" / "msrp-train.tsv", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
    pairs = [
        {
            "id": f"{r[1]}-{r[2]}",
            "text": r[3] + "\n" + r[4],
            "quality": int(r[0]),
            "ids": [int(r[1]), int(r[2])],
        }
        for r in rows
    ]
    _gz(dest / "apart1-2.jsonl.gz", pairs)

    answers = []
    for p in sorted(glob.glob(str(DATA / "paraphrase" / "clough-stevenson" / "*.txt"))):
        text = Path(p).read_bytes().decode("utf-8", "replace")
        answers.append({"id": os.path.basename(p), "text": text, "task": p[-5]})
    _zst(dest / "apart2-1.jsonl.zst", answers)
    cases = []
    for p in sorted(glob.glob(str(DATA / "encoding" / "ftfy-test-cases" / "*.json"))):
        for i, c in enumerate(json.loads(Path(p).read_text())):
            cases.append(
                {
                    "id": f"{os.path.basename(p)}-{i}",
                    "text": c["original"],
                    "label": c.get("label"),
                    "expect": c.get("expect"),
                    "fixed": c.get("fixed"),
                }
            )
    _gz(dest / "apart2-2.jsonl.gz", cases)
    for p in sorted(dest.glob("*.jsonl.*")):
        print(p, p.stat().st_size)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/small"))
