"""What the report costs the driver after the last task: one pass over every output record (as
before) against merging the summaries each final task stored of its own shard (now).

Reads an output the scaling benchmark left (`bench_recipe.py --scaling`: the default recipe on
the first 25,000 IMDb reviews, 2 workers, 32 shards). The shards' parts are computed first, the
way the final tasks compute them (their cost, spread over the workers, is reported too), then
the two driver-side steps alternate for ``--rounds`` rounds, best of each kept; the merged data
is checked equal to the one-pass data.

    .venv/bin/python bench/bench_report_parts.py [OUT] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tamis.report.collect import collect  # noqa: E402
from tamis.report.parts import merge_shards, shard_part  # noqa: E402
from tamis.report.scan import shard_ordinal  # noqa: E402
from tests.test_report_parts import canonical  # noqa: E402

DEFAULT_OUT = ROOT / "bench" / "work" / "recipe" / "out" / "scale-new-2"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", nargs="?", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    out = args.out
    ordinals = sorted({shard_ordinal(p) for p in (out / "kept").glob("part-*")})
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        stored = [Path(tmp) / f"{o:05d}.report.pkl" for o in ordinals]
        t0 = time.perf_counter()
        for o, path in zip(ordinals, stored, strict=True):
            path.write_bytes(pickle.dumps(shard_part(out, o), protocol=5))
        parts_s = time.perf_counter() - t0
        size = sum(p.stat().st_size for p in stored)
        one_pass, merged = [], []
        for r in range(args.rounds):
            for side in ("pass", "merge") if r % 2 == 0 else ("merge", "pass"):
                t0 = time.perf_counter()
                data = collect(out) if side == "pass" else merge_shards(out, ordinals, stored)
                (one_pass if side == "pass" else merged).append(time.perf_counter() - t0)
                if side == "pass":
                    expected = canonical(data)
                else:
                    got = canonical(data)
        same = got == expected
    print(
        f"output {out.name}: {len(ordinals)} shards; load average {load:.1f}-"
        f"{os.getloadavg()[0]:.1f}\n"
        f"driver, one pass over the records (before): best {min(one_pass):.2f} s "
        f"(rounds {', '.join(f'{x:.2f}' for x in one_pass)})\n"
        f"driver, merge of the stored parts (now): best {min(merged):.2f} s "
        f"(rounds {', '.join(f'{x:.2f}' for x in merged)})\n"
        f"the tasks' parts, all shards in one process: {parts_s:.2f} s, {size / 1e6:.1f} MB stored\n"
        f"merged data equal to the one-pass data: {same}"
    )


if __name__ == "__main__":
    main()
