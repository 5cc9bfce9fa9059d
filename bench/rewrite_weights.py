"""``rewrite_dedup`` with and without its words weighted by rarity (``revision_weights``), on
every part of the rewrite benchmark, and its time beside ``minhash_dedup``'s.

The weighted variant runs at the cuts chosen for it on the tuned parts alone (Clough-Stevenson
tasks a, b and c; the tuned Reuters part): :data:`WEIGHTED`. Then both variants are measured on
every part (the held-out Reuters and AEB parts, Clough-Stevenson tasks d and e, MSRP), and the
stage's CPU time on one part is taken in interleaved rounds of both variants and
``minhash_dedup`` (optionally also the stage of another source tree, ``--base-src``, to show the
default path unchanged). A dated section is appended to ``bench/results/rewrite.md``.

    .venv/bin/python bench/rewrite_weights.py --rounds 3 --timing-part heldout
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import bench_rewrite as br
import rewrite_msrp
from machine import cpu_model

#: the weighted variant's options, chosen on the tuned parts: the containment and sentence
#: cuts that found the most tuned Clough-Stevenson revisions with no tuned non-plagiarised
#: answer paired, at the next looser containment (0.3) too
WEIGHTED = {"revision_weights": True, "revision_containment": 0.35, "revision_similarity": 0.2}
VARIANTS = {"default": {}, "weighted": WEIGHTED}


def run(stage: str, inp: Path, workdir: Path, options: dict, src: str | None = None) -> dict:
    """:func:`bench_rewrite.run_stage`, with the package taken from ``src`` when given."""
    if src is None:
        return br.run_stage(stage, inp, workdir, options)
    out = workdir / f"{stage}-{inp.stem}-{time.monotonic_ns()}.json"
    cmd = [sys.executable, br.__file__, "--worker", str(inp), str(out), stage]
    env = {**os.environ, "PYTHONPATH": src}
    subprocess.run(cmd, check=True, env=env)
    return json.loads(out.read_text())


def reuters_rows(parts: list[str], per_condition: int, seed: int, workdir: Path) -> list[str]:
    rows = []
    for part in parts:
        corpus = br.build_corpus(part, per_condition, seed, workdir)
        inp = Path(corpus["path"])
        for name, options in VARIANTS.items():
            result = run("rewrite_dedup", inp, workdir, options)
            sc = br.score_reuters(corpus, result)
            recall = []
            for rate in br.RATES:
                f = sum(sc["per"].get((rate, op), (0, 0))[0] for op in br.OPERATIONS)
                n = sum(sc["per"].get((rate, op), (0, 0))[1] for op in br.OPERATIONS)
                recall.append(f"{br.pct(f, n)} ({f}/{n})")
            rows.append(
                f"| {part} | {name} | {' | '.join(recall)} | **{len(sc['false'])}** | "
                f"{len(sc['same_story'])} | {br.partial_distinct(corpus, result)} of "
                f"{len(result['partial'])} |"
            )
    return rows


def clough_rows(workdir: Path) -> tuple[list[str], list[str]]:
    path, info = br.clough(workdir)
    rows, paired = [], []
    for name, options in VARIANTS.items():
        result = run("rewrite_dedup", path, workdir, options)
        cs = br.score_clough(info, result)
        for cat in ("cut", "light", "heavy", "non"):
            for part in ("tune", "heldout"):
                r = cs[f"{cat}/{part}"]
                rows.append(
                    f"| {name} | {cat} | {part} | {r['n']} | {r['with_source']} | "
                    f"{r['reported']} | {r['via_copy']} | {r['paired']} |"
                )
        for p in result["pairs"]:
            if "non" in (info[p["removed"]][0], info[p["survivor"]][0]):
                paired.append(
                    f"| {name} | removed | {p['removed']} | {p['survivor']} | "
                    f"{info[p['removed']][0]} / {info[p['survivor']][0]} | {p['similarity']} |"
                )
        for p in result.get("partial", []):
            if "non" in (info[p["copy"]][0], info[p["of"]][0]):
                paired.append(
                    f"| {name} | reported | {p['copy']} | {p['of']} | "
                    f"{info[p['copy']][0]} / {info[p['of']][0]} | {p['share']} |"
                )
    return rows, paired


def msrp_rows(workdir: Path) -> list[str]:
    path = workdir / "msrp.jsonl"
    corpus = rewrite_msrp.build(br.DATA / "paraphrase" / "msrp-train.tsv", path)
    rows = []
    for name, options in VARIANTS.items():
        sc = rewrite_msrp.score(
            corpus, run("rewrite_dedup", path, workdir, options), br.containment
        )
        kinds = Counter(f[2] for f in sc["false"])
        rows.append(
            f"| {name} | {sc['found']}/{sc['paraphrase_pairs']} "
            f"({br.pct(sc['found'], sc['paraphrase_pairs'])}) | {sc['reported_only']} | "
            f"**{len(sc['false'])}** ({kinds['non']} / {kinds['different draws']}) | "
            f"{len(sc['reported_false'])} |"
        )
    return rows


def timing_rows(
    part: str, per_condition: int, seed: int, rounds: int, workdir: Path, base_src: str | None
) -> list[str]:
    corpus = br.build_corpus(part, per_condition, seed, workdir)
    inp = Path(corpus["path"])
    runs = [("rewrite_dedup", name, options, None) for name, options in VARIANTS.items()]
    if base_src:
        runs.append(("rewrite_dedup", "base tree", {}, base_src))
    runs.append(("minhash_dedup", "default", {}, None))
    cpu: dict[tuple[str, str], list[float]] = {}
    rss: dict[tuple[str, str], list[int]] = {}
    for _ in range(rounds):
        for stage, name, options, src in runs:
            r = run(stage, inp, workdir, options, src)
            cpu.setdefault((stage, name), []).append(r["cpu_seconds"])
            rss.setdefault((stage, name), []).append(r["peak_rss_kb"])
    floor = min(cpu[("minhash_dedup", "default")])
    rows = []
    for (stage, name), seconds in cpu.items():
        rows.append(
            f"| {part} | {stage} | {name} | {', '.join(f'{s:.2f}' for s in seconds)} | "
            f"{min(seconds) / floor:.2f}x | {max(rss[(stage, name)]) / 1024:.0f} |"
        )
    return rows


def arguments(description: str) -> argparse.Namespace:
    """The options every variant bench of the stage takes."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--per-condition", type=int, default=60)
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("--parts", default="tune,heldout,aeb")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--timing-part", default="heldout")
    ap.add_argument("--base-src", default=None, help="another tree's src, timed beside")
    ap.add_argument("--no-write", action="store_true", help="print the section only")
    return ap.parse_args()


def measure(args: argparse.Namespace, script: str, title: str, intro: str) -> None:
    """Every part measured with each of :data:`VARIANTS`, as one dated section (``title``,
    ``intro`` after the machine) appended to the results file."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-rewrite-variants-"))
    load = os.getloadavg()[0]
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    parts = [p for p in args.parts.split(",") if p]
    reuters = reuters_rows(parts, args.per_condition, args.seed, workdir)
    clough, paired = clough_rows(workdir)
    msrp = msrp_rows(workdir)
    timing = (
        timing_rows(
            args.timing_part,
            args.per_condition,
            args.seed,
            args.rounds,
            workdir,
            args.base_src,
        )
        if args.rounds
        else []
    )
    lines = [
        f"## {title}, {started}",
        "",
        f"Command: `.venv/bin/python bench/{script} --rounds {args.rounds} "
        f"--timing-part {args.timing_part}{' --base-src ' + args.base_src if args.base_src else ''}`  ",
        f"Machine: {cpu_model()}, 2 cores shared with other work (load average {load:.1f} at "
        f"the start, {os.getloadavg()[0]:.1f} at the end); Python {sys.version.split()[0]}.",
        "",
        intro,
        "",
        "### Reuters and AEB: recall, false pairs, reports",
        "",
        "| part | variant | recall 20% | recall 35% | recall 50% | false pairs (distinct "
        "stories) | the collection's repeats paired | reports of a distinct story |",
        "|---|---|---|---|---|---|---|---|",
        *reuters,
        "",
        "### Clough-Stevenson (tasks a-c tuned, d-e held out)",
        "",
        "| variant | category | part | answers | removed with source | reported | with source "
        "or a copy of it | removed or reported with anything |",
        "|---|---|---|---|---|---|---|---|",
        *clough,
        "",
    ]
    if paired:
        lines += [
            "Pairs with a non-plagiarised answer:",
            "",
            "| variant | verdict | copy | survivor or source | categories | share |",
            "|---|---|---|---|---|---|",
            *paired,
            "",
        ]
    lines += [
        "### MSRP (held out)",
        "",
        "| variant | paraphrase pairs declared (recall) | reported only | false pairs declared "
        "(non-paraphrase / different draws) | false reports |",
        "|---|---|---|---|---|",
        *msrp,
        "",
    ]
    if timing:
        lines += [
            "### CPU time (observe + merge + apply, one process each, rounds interleaved)",
            "",
            "| part | stage | variant | CPU seconds per round | best / minhash_dedup's best | "
            "peak RSS MB |",
            "|---|---|---|---|---|---|",
            *timing,
            "",
        ]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        with open(br.RESULTS, "a", encoding="utf-8") as fh:
            fh.write("\n" + text)


def main() -> None:
    args = arguments(__doc__.split("\n")[0])
    measure(
        args,
        "rewrite_weights.py",
        "Words weighted by rarity (`revision_weights`)",
        f"`default`: the stage at its defaults (weights off). `weighted`: "
        f"`{json.dumps(WEIGHTED)}`, cuts chosen on the tuned parts only (Clough-Stevenson tasks "
        "a-c, the tuned Reuters part); the held-out parts (Reuters `heldout`, `aeb`, "
        "Clough-Stevenson tasks d-e, MSRP) were measured after the choice.",
    )


if __name__ == "__main__":
    main()
