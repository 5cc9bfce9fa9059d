"""How the report and the inspector scale: a generated output of N documents (default 1,000,000).

Measures, on the same output: ``write_report`` (time, peak memory, file size), the inspector's
index build (time, size) and the latency of its pages (first and deep list pages, filtered
lists, document views fetched from compressed shards, id lookups), over HTTP from a real server.

The output is generated here (nothing is downloaded): documents built with the real
``Document`` API (edits through ``doc.apply``, rejections with details like the quality and
dedup stages give, signals, langid, URLs over 20,000 hosts) and written with the real
``ShardWriter`` in zstd JSONL shards, plus a stats.json counted by the real ``Stats``.

    .venv/bin/python bench/bench_report.py --docs 1000000 --work bench/work/report

No peer tool is involved (datatrove and Data-Juicer have no equivalent page), so no
.venv-peers is needed. Results go to bench/results/report.md.

``--compare OUT --base SRC`` instead times the report of a real run's output (collection and
rendering, CPU time of a fresh process each) with this tree against another tree's ``src``
(an older commit checked out with ``git worktree add``), in interleaved rounds, and checks that
both give the same report: the collected statistics (every count, sample and summary, dumped
to canonical JSON) and the page with its SVG plots taken out must be identical::

    git worktree add /tmp/rep-base 61cc5d3
    tamis clean ../shared/data/text/imdb-reviews.jsonl.zst -o /tmp/imdb-out --workers 1
    .venv/bin/python bench/bench_report.py --compare /tmp/imdb-out --base /tmp/rep-base/src

That section of bench/results/report.md is rewritten in place; the scale section is kept.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import orjson
from machine import cpu_model

from tamis.document import Document, Replacement
from tamis.io.output import ShardWriter, shard_name
from tamis.pipeline import Stats

WORDS = (
    "the council said on monday that new rules for river transport would take effect next "
    "year after a long review of safety records across the region and its ports while critics "
    "argued costs would rise"
).split()
REASONS = [
    ("gopher_quality", "gopher_short_doc", "n_words", 50),
    ("gopher_quality", "gopher_below_alpha_threshold", "alpha_ratio", 0.8),
    ("c4", "too_few_sentences", "sentences", 5),
]


def make_doc(i: int, rng: random.Random) -> Document:
    n = rng.choice([20, 60, 120, 250])
    text = " ".join(rng.choice(WORDS) for _ in range(n)) + "."
    if i % 3 == 0:
        text += "\n\nComments are closed."
    host = f"site{int(rng.paretovariate(1.2)) % 20000}.example.com"
    doc = Document(
        f"doc-{i:08d}",
        text,
        {"path": f"input-{i // 100000}.jsonl", "index": i},
        {"url": f"https://{host}/p/{i}"},
    )
    doc.signal("langid", lang="en" if i % 7 else "de", score=round(rng.random(), 3))
    words = len(text.split())
    doc.signal("gopher_quality", n_words=words, alpha_ratio=round(0.7 + 0.3 * rng.random(), 3))
    doc.signal("c4", sentences=text.count("."))
    if i % 3 == 0:
        start = text.index("\n\nComments")
        doc.apply("clean", [Replacement(start, len(text), "", "boilerplate_line", "known line")])
    if i % 11 == 0:
        doc.apply("repair", [Replacement(0, 3, "The", "lossy_mojibake", "restored")])
    r = rng.random()
    if r < 0.25:
        stage, reason, key, thr = REASONS[int(r * 12) % 3]
        value = doc.signals[stage][key]
        doc.reject(stage, reason, [{"rule": reason, "value": value, "threshold": thr}])
    elif r < 0.28:
        doc.reject(
            "minhash_dedup",
            "duplicate",
            {"survivor": f"doc-{max(i - 5, 0):08d}", "similarity": 0.9, "cluster": i // 50},
        )
    return doc


def generate(out: Path, n_docs: int, per_shard: int) -> None:
    rng = random.Random(1)
    stats = Stats()
    for shard in range((n_docs + per_shard - 1) // per_shard):
        writers: dict[str, ShardWriter] = {}
        s = Stats()
        for i in range(shard * per_shard, min(n_docs, (shard + 1) * per_shard)):
            doc = make_doc(i, rng)
            original = doc.original_text()
            s.input_records += 1
            s.input_chars += len(original)
            kind = "kept" if doc.kept else "rejected"
            rec = doc.to_record()
            if doc.kept:
                s.kept_records += 1
                s.kept_chars += len(doc.text)
            else:
                s.rejected_records += 1
                s.rejected_chars += len(rec["text"])
                st = s.stage(doc.verdict.stage)
                st.rejected += 1
                st.reasons[doc.verdict.reason] += 1
            for e in doc.edits:
                c = s.stage(e.stage).rules[e.rule]
                c["edits"] += 1
                c["chars_removed"] += len(e.removed)
                c["chars_inserted"] += len(e.inserted)
            if kind not in writers:
                writers[kind] = ShardWriter(
                    out / kind / shard_name(shard, "jsonl.zst"), "jsonl.zst"
                )
            writers[kind].write(rec)
        for w in writers.values():
            w.close()
        stats.merge_dict(s.to_dict())
    doc = stats.to_dict()
    doc["global"] = {}
    (out / "stats.json").write_bytes(orjson.dumps(doc, option=orjson.OPT_INDENT_2))
    manifest = {
        "tamis": "bench",
        "config": {
            "stages": [
                {"repair": {}},
                {"clean": {}},
                {"langid": {}},
                {"gopher_quality": {}},
                {"c4": {}},
                {"minhash_dedup": {}},
            ]
        },
        "counts": {
            "input": stats.input_records,
            "kept": stats.kept_records,
            "rejected": stats.rejected_records,
            "quarantined": 0,
        },
        "accounting_holds": True,
    }
    (out / "manifest.json").write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2))


def in_child(code: str) -> dict:
    """Run a measurement in a fresh process, for its own peak memory (ru_maxrss)."""
    wrapper = (
        "import json, resource, time\n"
        "t0 = time.perf_counter()\n"
        f"{code}\n"
        "print(json.dumps({'seconds': time.perf_counter() - t0, "
        "'peak_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **extra}))\n"
    )
    res = subprocess.run(
        [sys.executable, "-c", wrapper], capture_output=True, text=True, check=True
    )
    return json.loads(res.stdout.strip().splitlines()[-1])


# Run in a fresh process with PYTHONPATH set to one tree's src: times collect() and render(),
# and dumps what the report holds in a form both trees can produce (canonical JSON of the
# collected statistics, sha256 of the page without its SVG plots and its own timing).
CHILD = r"""
import hashlib, json, re, sys, time
from pathlib import Path
import numpy  # noqa: F401 - loaded in the driver after any run with the default recipe
import orjson
from machine import cpu_model
from tamis.report import html as H

out, dump = Path(sys.argv[1]), sys.argv[2]
t0 = time.process_time()
data = H.collect(out)
t1 = time.process_time()
load = lambda name: H._load(out / name)
page = H.Report(out, load("stats.json"), load("manifest.json"), load("run.json"), data)
body = page.render(time.perf_counter())
t2 = time.process_time()

def canon(x):
    if x is None or isinstance(x, (bool, int, str)):
        return x
    if isinstance(x, float):
        return repr(x)
    if isinstance(x, dict):
        pairs = [[canon(k), canon(v)] for k, v in x.items()]
        return sorted(pairs, key=lambda kv: json.dumps(kv[0], sort_keys=True))
    if isinstance(x, (list, tuple)):
        return [canon(i) for i in x]
    if isinstance(x, set):
        return sorted((canon(i) for i in x), key=json.dumps)
    if hasattr(x, "__dataclass_fields__"):
        return {f: canon(getattr(x, f)) for f in x.__dataclass_fields__}
    if hasattr(x, "by_key"):  # Samples
        return {"overflow": x.overflow, "by_key": canon(x.by_key)}
    if hasattr(x, "_rng"):  # Reservoir: every slot, claimed-and-unfilled ones too
        return {"seen": x.seen, "items": canon(x.items)}
    if hasattr(x, "sample"):  # NumberSummary
        return [x.count, repr(x.total), repr(x.min), repr(x.max), canon(x.sample)]
    if hasattr(x, "rows"):  # BoundedCounter
        return [canon(x.rows), canon(x.first), canon(x.other), x.pruned]
    if hasattr(x, "counts"):  # LogHistogram
        return canon(x.counts)
    if hasattr(x, "links"):  # ThresholdEvidence
        return [canon(x.links), canon(x.keys)]
    raise TypeError(type(x))

stats = orjson.dumps(canon(data), option=orjson.OPT_SORT_KEYS)
text = re.sub(r"<svg.*?</svg>\s*", "<svg/>", body, flags=re.S)
text = re.sub(r"Report written in [0-9.]+ s", "Report written in", text)
Path(dump).write_bytes(stats)
Path(dump).with_suffix(".html").write_text(text)
print(json.dumps({
    "collect": t1 - t0, "render": t2 - t1, "plots": body.count("<svg"),
    "stats_sha": hashlib.sha256(stats).hexdigest(),
    "page_sha": hashlib.sha256(text.encode()).hexdigest(),
}))
"""


def compare(out: Path, base_src: Path, rounds: int, results: Path, work: Path) -> None:
    """This tree against ``base_src`` on one output, interleaved, best round of each side."""
    here = Path(__file__).resolve().parent.parent / "src"
    sides = {"base": base_src.resolve(), "this": here}
    work.mkdir(parents=True, exist_ok=True)
    runs: dict[str, list[dict]] = {side: [] for side in sides}
    loads = []
    for r in range(rounds):
        for side in sides if r % 2 == 0 else reversed(list(sides)):
            env = dict(os.environ, PYTHONPATH=str(sides[side]))
            dump = work / f"stats-{side}.json"
            res = subprocess.run(
                [sys.executable, "-c", CHILD, str(out), str(dump)],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            got = json.loads(res.stdout.strip().splitlines()[-1])
            runs[side].append(got)
            loads.append(os.getloadavg()[0])
            print(r, side, {k: v for k, v in got.items() if not k.endswith("sha")}, flush=True)
    best = {side: min(rs, key=lambda g: g["collect"] + g["render"]) for side, rs in runs.items()}
    same_stats = len({g["stats_sha"] for rs in runs.values() for g in rs}) == 1
    same_page = len({g["page_sha"] for rs in runs.values() for g in rs}) == 1
    b, t = best["base"], best["this"]
    speed = (b["collect"] + b["render"]) / (t["collect"] + t["render"])
    records = sum(
        (orjson.loads((out / "manifest.json").read_bytes()).get("counts") or {}).get(k, 0)
        for k in ("kept", "rejected", "quarantined")
    )
    section = [
        MARK,
        "",
        f"Machine: {os.cpu_count()} CPUs ({cpu_model()}), Python {platform.python_version()}; "
        f"load average {min(loads):.1f} to {max(loads):.1f} during the rounds (the machine is "
        "shared with other workers, so CPU time of each process is compared, not wall time).",
        "",
        f"Output: `{out}` ({records:,} records), made once by `tamis clean "
        "../shared/data/text/imdb-reviews.jsonl.zst -o OUT --workers 1` (the 75,000 IMDb "
        "reviews, default recipe). The IMDb reviews were used while tuning; nothing here is "
        "held out.",
        "",
        f"Command: `.venv/bin/python bench/bench_report.py --compare {out} --base {base_src} "
        f"--rounds {rounds}` ({rounds} rounds, the two trees alternating first; best round of "
        "each; each measurement a fresh process, after importing the report module and numpy).",
        "",
        "| tree | collect s (CPU) | render s (CPU) | total s | plots |",
        "|---|---:|---:|---:|---:|",
    ]
    for side, label in (("base", f"base (`{base_src}`)"), ("this", "this tree")):
        g = best[side]
        section.append(
            f"| {label} | {g['collect']:.2f} | {g['render']:.2f} | "
            f"{g['collect'] + g['render']:.2f} | {g['plots']} |"
        )
    totals = {
        side: ", ".join(f"{g['collect'] + g['render']:.1f}" for g in rs)
        for side, rs in runs.items()
    }
    section += [
        "",
        f"Every round, total s: base {totals['base']}; this tree {totals['this']}.",
        "",
        f"The report is {speed:.1f}x cheaper in CPU time with this tree (best rounds).",
        "",
        "Identity: the collected statistics (every count, histogram, sample with its location "
        "and text, summary total/min/max to the bit, bounded-counter rows, threshold links), "
        "dumped to canonical JSON, are "
        + ("identical" if same_stats else "**DIFFERENT**")
        + " in every round of both trees; the page with its SVG plots and its own timing line "
        "taken out is "
        + ("byte-identical" if same_page else "**DIFFERENT**")
        + ". The plots are drawn from those same statistics by the same code in html.py.",
        "",
    ]
    write_section(results, "\n".join(section))
    print("\n".join(section))


MARK = "## The report of a real run: this tree against an older one"


def write_section(results: Path, section: str) -> None:
    """Replace (or add, first) the comparison section of the results file, keep the rest."""
    old = results.read_text() if results.exists() else "# Report and inspector\n"
    head, _, rest = old.partition(MARK)
    tail = rest[rest.index("\n## ") :] if "\n## " in rest else ""
    if not rest:  # no section yet: after the title line
        title, _, body = old.partition("\n")
        head, tail = title + "\n\n", "\n" + body.lstrip("\n")
    results.write_text(head + section + tail)


def timed_get(url: str) -> tuple[float, int]:
    t0 = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as resp:
        body = resp.read()
    return time.perf_counter() - t0, len(body)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--docs",
        type=int,
        nargs="+",
        default=[100_000, 1_000_000],
        help="output sizes; the report and index are measured on each, pages on the largest",
    )
    ap.add_argument("--per-shard", type=int, default=62_500)
    ap.add_argument("--work", default="bench/work/report")
    ap.add_argument("--results", default="bench/results/report.md")
    ap.add_argument("--compare", type=Path, help="a run's output: time its report, two trees")
    ap.add_argument("--base", type=Path, help="with --compare: the other tree's src folder")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    if args.compare:
        if not args.base:
            ap.error("--compare needs --base SRC (the tree to compare with)")
        compare(args.compare, args.base, args.rounds, Path(args.results), Path(args.work))
        return
    sizes = sorted(args.docs)
    steps = []
    for n_docs in sizes:
        out = Path(args.work) / f"out-{n_docs}"
        if not (out / "stats.json").exists():
            t0 = time.perf_counter()
            generate(out, n_docs, args.per_shard)
            print(f"generated {n_docs:,} docs in {time.perf_counter() - t0:.0f} s", flush=True)
        shard_bytes = sum(p.stat().st_size for p in out.rglob("part-*"))
        rep = in_child(
            "from pathlib import Path\nfrom tamis.report.html import write_report\n"
            f"p = write_report(Path({str(out)!r}))\nextra = {{'bytes': p.stat().st_size}}"
        )
        print(n_docs, "report", rep, flush=True)
        idx = in_child(
            "from pathlib import Path\nfrom tamis.report.index import build_index\n"
            f"p = build_index(Path({str(out)!r}), force=True)\n"
            "extra = {'bytes': p.stat().st_size}"
        )
        print(n_docs, "index", idx, flush=True)
        steps.append((n_docs, shard_bytes, rep, idx))

    from tamis.report.index import Index, index_path
    from tamis.report.inspect import make_server

    srv = make_server(out, "127.0.0.1", 0)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{srv.server_address[1]}"
    ix = Index(index_path(out))
    total = int(ix.meta("records"))
    rng = random.Random(2)
    last_n = ix.con.execute("SELECT MAX(n) FROM docs").fetchone()[0]
    deep_rej = ix.con.execute(
        "SELECT n FROM docs WHERE status = (SELECT code FROM names WHERE name = 'rejected') "
        "ORDER BY n DESC LIMIT 1 OFFSET 60"
    ).fetchone()[0]
    samples = ix.con.execute(
        "SELECT (SELECT name FROM names WHERE code = kind), shard, row, id FROM docs "
        "WHERE n IN ({})".format(",".join(str(rng.randint(1, last_n)) for _ in range(20)))
    ).fetchall()
    pages = {
        "overview /": ["/"],
        "list, first page": ["/docs"],
        "list, last page (keyset)": [f"/docs?after={last_n - 30}"],
        "list, rejected, deep page": [f"/docs?status=rejected&after={deep_rej}"],
        "list, by reason": ["/docs?stage=c4&reason=too_few_sentences"],
        "list, by edit rule": ["/docs?edited=clean&rule=boilerplate_line"],
        "list, by source": ["/docs?source=site1.example.com"],
        "document view (random, zstd shard)": [f"/doc/{k}/{s}/{r}" for k, s, r, _ in samples],
        "id lookup (redirect + view)": [f"/id/{i}" for *_, i in samples[:10]],
        "duplicate view (with survivor diff)": [
            "/doc/{}/{}/{}".format(*row)
            for row in ix.con.execute(
                "SELECT (SELECT name FROM names WHERE code = kind), shard, row FROM docs "
                "WHERE reason = (SELECT code FROM names WHERE name = 'duplicate') LIMIT 10"
            ).fetchall()
        ],
    }
    latency = {}
    for label, urls in pages.items():
        times = [timed_get(base + u)[0] for u in urls]
        latency[label] = (statistics.median(times), max(times), len(times))
        print(label, latency[label], flush=True)
    srv.shutdown()

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()
    lines = [
        "# Report and inspector at scale",
        "",
        f"Machine: {os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}; "
        f"load average during the run {load[0]:.1f} (the machine is shared with other workers).",
        "",
        f"Command: `.venv/bin/python bench/bench_report.py --docs {' '.join(map(str, sizes))}`",
        "",
        f"Outputs generated by the bench (zstd JSONL shards of {args.per_shard:,} records): 28% rejected "
        "with quality/dedup-style details, a third edited, 20,000 hosts, langid signals.",
        "",
        "| records | shards (MB) | write_report s | its peak MB | report.html MB "
        "| index build s | its peak MB | index MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {n:,} | {b / 1e6:.0f} | {r['seconds']:.1f} | {r['peak_mb']:.0f} | "
        f"{r['bytes'] / 1e6:.2f} | {i['seconds']:.1f} | {i['peak_mb']:.0f} | {i['bytes'] / 1e6:.0f} |"
        for n, b, r, i in steps
    ]
    lines += [
        "",
        "Peak memory does not grow with the output (bounded samples, streaming pass); time "
        "grows with it (one pass each; the runs share two cores with other work, so the "
        "ratio between sizes is noisy). Both passes run once: the report at the end of a run, "
        "the index on the first `tamis inspect`, reused until the output changes.",
        "",
        f"Inspector pages over HTTP on the {total:,}-record output:",
        "",
        "| page | median s | max s | n |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {k} | {m:.3f} | {x:.3f} | {n} |" for k, (m, x, n) in latency.items()]
    Path(args.results).parent.mkdir(parents=True, exist_ok=True)
    Path(args.results).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
