"""Check that a change to the pipeline's plumbing (phases, spills, writers) changes no output.

Runs ``tamis clean`` with the default recipe, one worker, on the four precision corpora of
``bench_clean.py`` twice: with a baseline source tree (``--base``, e.g. a ``git archive`` of the
commit to compare with, unpacked) and with this tree. Every output record file is compared
decompressed (and as bytes), and so are ``stats.json``, ``manifest.json``, ``schema.json`` and
the dataset card; ``run.json`` (timings) is not compared but its seconds are printed. Prints
IDENTICAL or each difference; exits 1 on a difference.

    mkdir -p /tmp/base && git archive 61cc5d3 src | tar -x -C /tmp/base
    .venv/bin/python bench/check_recipe_outputs.py --base /tmp/base/src
    .venv/bin/python bench/check_recipe_outputs.py --base /tmp/base/src --limit 3000  # quicker

Outputs go to bench/work/recipe/ (git-ignored).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import zstandard

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "work" / "recipe"
DATA = ROOT.parent / "shared" / "data"
CLI = "import sys; from tamis.cli import main; sys.exit(main())"
COMPARED = ("stats.json", "manifest.json", "schema.json", "README.md")


def corpora(limit: int | None) -> dict[str, list[Path]]:
    """The input files of each corpus; with ``limit``, its first records in one JSONL file."""
    full = {
        "reuters-21578": [DATA / "text" / "reuters-21578.jsonl.zst"],
        "imdb-reviews": [DATA / "text" / "imdb-reviews.jsonl.zst"],
        "cc-en-head": sorted((DATA / "text").glob("cc-en-head-*.jsonl.gz")),
        "dclm-human": [DATA / "quality" / "dclm-human-majority.jsonl"],
    }
    if limit is None:
        return full
    out = {}
    for name, paths in full.items():
        dest = WORK / "inputs" / f"{name}-{limit}.jsonl"
        if not dest.exists():
            dest.parent.mkdir(parents=True, exist_ok=True)
            lines: list[bytes] = []
            for p in paths:
                lines += _lines(p)
            dest.write_bytes(b"".join(lines[:limit]))
        out[name] = [dest]
    return out


def _lines(path: Path) -> list[bytes]:
    if path.suffix == ".zst":
        data = zstandard.ZstdDecompressor().stream_reader(open(path, "rb")).read()
    elif path.suffix == ".gz":
        data = gzip.decompress(path.read_bytes())
    else:
        data = path.read_bytes()
    return data.splitlines(keepends=True)


def run(src: Path, inputs: list[Path], out: Path) -> float:
    """One ``tamis clean`` with the package found in ``src``; its run.json seconds."""
    if out.exists():
        shutil.rmtree(out)
    env = {**os.environ, "PYTHONPATH": str(src)}
    cmd = [sys.executable, "-c", CLI, "clean", *map(str, inputs), "-o", str(out)]
    cmd += ["--workers", "1", "--quiet", "--no-report"]
    subprocess.run(cmd, env=env, check=True)
    return json.loads((out / "run.json").read_text())["seconds"]


def decompressed(path: Path) -> bytes:
    if path.name.endswith(".zst"):
        with open(path, "rb") as fh:
            return zstandard.ZstdDecompressor().stream_reader(fh).read()
    if path.name.endswith(".gz"):
        return gzip.decompress(path.read_bytes())
    return path.read_bytes()


def differences(base: Path, new: Path) -> list[str]:
    diffs = []
    for kind in ("kept", "rejected", "quarantine"):
        a = sorted(p.name for p in (base / kind).glob("part-*")) if (base / kind).exists() else []
        b = sorted(p.name for p in (new / kind).glob("part-*")) if (new / kind).exists() else []
        if a != b:
            diffs.append(f"{kind}: shards {a} vs {b}")
            continue
        for name in a:
            da, db = decompressed(base / kind / name), decompressed(new / kind / name)
            if da != db:
                la, lb = da.splitlines(), db.splitlines()
                first = next(
                    (i for i, (x, y) in enumerate(zip(la, lb, strict=False)) if x != y),
                    min(len(la), len(lb)),
                )
                diffs.append(f"{kind}/{name}: records differ from line {first + 1}")
            elif (base / kind / name).read_bytes() != (new / kind / name).read_bytes():
                diffs.append(f"{kind}/{name}: same records, different compressed bytes")
    for name in COMPARED:
        if (base / name).read_bytes() != (new / name).read_bytes():
            diffs.append(f"{name} differs")
    return diffs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", type=Path, required=True, help="the baseline tree's src folder")
    ap.add_argument("--limit", type=int, help="only the first N records of each corpus")
    ap.add_argument("--only", nargs="*", help="corpus names (default: all four)")
    args = ap.parse_args()
    failed = False
    for name, inputs in corpora(args.limit).items():
        if args.only and name not in args.only:
            continue
        tag = f"{name}-{args.limit}" if args.limit else name
        t = time.perf_counter()
        sb = run(args.base.resolve(), inputs, WORK / tag / "base")
        sn = run(ROOT / "src", inputs, WORK / tag / "new")
        diffs = differences(WORK / tag / "base", WORK / tag / "new")
        kept = json.loads((WORK / tag / "new" / "manifest.json").read_text())["counts"]
        verdict = "IDENTICAL" if not diffs else "DIFFERENT"
        print(
            f"{tag}: {verdict} ({kept['input']:,} records: {kept['kept']:,} kept, "
            f"{kept['rejected']:,} rejected, {kept['quarantined']:,} quarantined; "
            f"run.json seconds base {sb:.1f}, new {sn:.1f}; "
            f"checked in {time.perf_counter() - t:.0f} s)",
            flush=True,
        )
        for d in diffs:
            print("   ", d)
        failed |= bool(diffs)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
