"""Benchmarks and the precision report for the clean, boilerplate and pii stages.

Run with the project venv, from the repository root:

    .venv/bin/python bench/bench_clean.py precision   # chars removed per rule + 100 samples/rule
    .venv/bin/python bench/bench_clean.py speed       # clean+pii vs datatrove C4+PII, interleaved
    .venv/bin/python bench/bench_clean.py memory      # boilerplate state and merge memory

The peer (datatrove's C4QualityFilter + PIIFormatter) runs in a separate, benchmark-only venv,
called as a subprocess in alternation with tamis on the same documents:

    python3.11 -m venv .venv-peers
    .venv-peers/bin/pip install "datatrove==0.10.1" spacy "xxhash<4"

Results go to bench/results/clean.md (numbers) and bench/results/clean_samples.md (the sampled
removals that were judged by hand).
"""

from __future__ import annotations

import gzip
import json
import os
import pickle
import platform
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter, defaultdict
from pathlib import Path

import zstandard

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "bench" / "results"
PEERS_PY = ROOT / ".venv-peers" / "bin" / "python"

sys.path.insert(0, str(ROOT / "src"))

from tamis.document import Document, replay  # noqa: E402
from tamis.stages.base import stage_class  # noqa: E402


def read_sets(limit: int | None = None) -> dict[str, list[dict]]:
    """The real corpora as records (text + meta): the four sets the issue names."""
    sets: dict[str, list[dict]] = {}
    for name in ("reuters-21578", "imdb-reviews"):
        with zstandard.open(DATA / "text" / f"{name}.jsonl.zst", "rt", encoding="utf-8") as f:
            sets[name] = [
                json.loads(line) for _, line in zip(range(limit or 10**9), f, strict=False)
            ]
    cc = []
    for path in sorted((DATA / "text").glob("cc-en-head-*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            cc += [json.loads(line) for line in f]
    sets["cc-en-head"] = cc
    with open(DATA / "quality" / "dclm-human-majority.jsonl", encoding="utf-8") as f:
        sets["dclm-human"] = [json.loads(line) for line in f]
    return sets


def to_docs(name: str, records: list[dict]) -> list[Document]:
    docs = []
    for i, rec in enumerate(records):
        meta = {k: v for k, v in rec.items() if k not in ("text", "id")}
        docs.append(
            Document(
                str(rec.get("id", i)),
                rec["text"],
                {"path": name, "index": i},
                meta=meta,
                order=(0, i),
            )
        )
    return docs


def machine() -> str:
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"nproc={os.cpu_count()}, CPU={cpu}, Python {platform.python_version()}"


# --- precision ---------------------------------------------------------------------------------


def precision(samples_per_rule: int = 100) -> str:
    sets = read_sets()
    clean = stage_class("clean")()
    boiler = stage_class("boilerplate")()
    removed_chars: dict[str, Counter] = defaultdict(Counter)
    edits_by_rule: dict[str, list[tuple[str, str, int, str, str]]] = defaultdict(list)
    total_chars = Counter()
    for name, records in sets.items():
        docs = to_docs(name, records)
        for doc in docs:
            total_chars[name] += len(doc.text)
            clean.process(doc)
        with tempfile.TemporaryDirectory() as work:
            state = boiler.new_state()
            boiler.observe(docs, state)
            decision = boiler.merge(iter([state]), Path(work))
            boiler.apply(docs, decision)
        for doc in docs:
            for k, e in enumerate(doc.edits):
                removed_chars[e.rule][name] += len(e.removed) - len(e.inserted)
                edits_by_rule[e.rule].append((name, doc, k))
    rng = random.Random(20261129)
    lines = ["| rule | " + " | ".join(sets) + " | edits |", "|---|" + "---|" * (len(sets) + 1)]
    for rule in sorted(removed_chars):
        cells = [f"{removed_chars[rule][n]:,}" for n in sets]
        lines.append(f"| {rule} | " + " | ".join(cells) + f" | {len(edits_by_rule[rule]):,} |")
    lines.append("| (input chars) | " + " | ".join(f"{total_chars[n]:,}" for n in sets) + " | |")
    sample_md = ["# Sampled removals per rule (seeded, judged by hand)", ""]
    for rule in sorted(edits_by_rule):
        edits = edits_by_rule[rule]
        chosen = rng.sample(edits, min(samples_per_rule, len(edits)))
        sample_md += [f"## {rule} ({len(chosen)} of {len(edits)})", ""]
        for i, (name, doc, k) in enumerate(chosen, 1):
            e = doc.edits[k]
            # the text as the rule saw it, to judge the removal in its context
            seen = replay(doc.original_text(), doc.edits[:k])
            before, after = (
                seen[max(0, e.pos - 80) : e.pos],
                seen[e.pos + len(e.removed) : e.pos + len(e.removed) + 80],
            )
            sample_md.append(
                f"{i}. `{name}` doc {doc.id}: …{before!r} **[{e.removed[:300]!r} → {e.inserted!r}]** {after!r}…"
            )
        sample_md.append("")
    out = RESULTS / "clean_samples.md"
    # the crawl-page section below its marker is bench/crawl_samples.py's: kept as it is
    marker = "<!-- crawl pages: written by bench/crawl_samples.py -->"
    current = out.read_text(encoding="utf-8") if out.exists() else ""
    crawl = marker + current.split(marker, 1)[1] if marker in current else ""
    out.write_text("\n".join(sample_md) + ("\n\n" + crawl if crawl else ""), encoding="utf-8")
    return "\n".join(lines)


# --- speed -----------------------------------------------------------------------------------

PEER_SCRIPT = r"""
import json, sys, time
from datatrove.data import Document
from datatrove.pipeline.filters import C4QualityFilter
from datatrove.pipeline.formatters import PIIFormatter
texts = json.load(open(sys.argv[1]))
c4 = C4QualityFilter(filter_no_terminal_punct=True)
pii = PIIFormatter()
docs = [Document(text=t, id=str(i)) for i, t in enumerate(texts)]
# warm up spaCy and the regexes outside the timed part
list(pii.run(c4.run(iter([Document(text=texts[0], id="w")]))))
t, cpu = time.perf_counter(), time.process_time()
kept = sum(1 for _ in pii.run(c4.run(iter(docs))))
print(json.dumps({"seconds": time.perf_counter() - t, "cpu": time.process_time() - cpu, "kept": kept}))
"""


def _tamis_round(texts: list[str], stages) -> tuple[float, float]:
    """Wall and CPU seconds of the stages over the documents."""
    docs = [Document(str(i), t, {"path": "b", "index": i}) for i, t in enumerate(texts)]
    t, cpu = time.perf_counter(), time.process_time()
    for stage in stages:
        stage.process_batch(docs)
    return time.perf_counter() - t, time.process_time() - cpu


def _observe_round(texts: list[str]) -> tuple[float, float]:
    """Observe over the documents as the pipeline hands them over: after ``clean``."""
    stage = stage_class("boilerplate")()
    docs = [Document(str(i), t, {"path": "b", "index": i}) for i, t in enumerate(texts)]
    state = stage.new_state()
    t, cpu = time.perf_counter(), time.process_time()
    stage.observe(docs, state)
    return time.perf_counter() - t, time.process_time() - cpu


def speed(docs_per_set: int = 3000, rounds: int = 5) -> str:
    if not PEERS_PY.exists():
        raise SystemExit(f"{PEERS_PY} is missing; see this file's docstring to create it")
    sets = read_sets(limit=docs_per_set)
    clean, pii = stage_class("clean")(), stage_class("pii")()
    rows = [
        "| set | docs | MB | tamis clean+pii MB/s | datatrove C4+PII MB/s | ratio | ratio (CPU) | clean alone MB/s | boilerplate observe MB/s | observe/clean | observe/clean (CPU) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name in ("reuters-21578", "imdb-reviews", "dclm-human"):
        texts = [r["text"] for r in sets[name]][:docs_per_set]
        mb = sum(len(t.encode()) for t in texts) / 1e6
        cleaned = [Document(str(i), t, {"path": "b", "index": i}) for i, t in enumerate(texts)]
        clean.process_batch(cleaned)
        cleaned_texts = [d.text for d in cleaned]
        cleaned_mb = sum(len(t.encode()) for t in cleaned_texts) / 1e6
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(texts, f)
            path = f.name
        _tamis_round(texts[:50], [clean, pii])  # warm up: compile patterns once
        ours, theirs, clean_only, observe = [], [], [], []
        for _ in range(rounds):  # interleaved: each round runs every contender once
            ours.append(_tamis_round(texts, [clean, pii]))
            out = subprocess.run(
                [str(PEERS_PY), "-c", PEER_SCRIPT, path], capture_output=True, text=True, check=True
            )
            peer = json.loads(out.stdout.strip().splitlines()[-1])
            theirs.append((peer["seconds"], peer["cpu"]))
            clean_only.append(_tamis_round(texts, [clean]))
            observe.append(_observe_round(cleaned_texts))
        os.unlink(path)
        runs = {"ours": ours, "theirs": theirs, "clean": clean_only, "observe": observe}
        best = {k: min(wall for wall, _ in v) for k, v in runs.items()}
        cpu = {k: min(c for _, c in v) for k, v in runs.items()}
        rows.append(
            f"| {name} | {len(texts):,} | {mb:.2f} | {mb / best['ours']:.2f} | {mb / best['theirs']:.3f} | "
            f"{best['theirs'] / best['ours']:.1f}x | {cpu['theirs'] / cpu['ours']:.1f}x | "
            f"{mb / best['clean']:.2f} | {cleaned_mb / best['observe']:.2f} | "
            f"{(cleaned_mb / best['observe']) / (mb / best['clean']):.2f}x | "
            f"{(cleaned_mb / cpu['observe']) / (mb / cpu['clean']):.2f}x |"
        )
    return (
        "\n".join(rows)
        + f"\n\nBest of {rounds} interleaved rounds per contender; one process, one core each. "
        "MB/s and the headline ratios are wall-clock; the (CPU) columns divide CPU seconds of "
        "each contender's own process (time.process_time), which other work on the shared "
        "machine disturbs less."
    )


# --- memory ----------------------------------------------------------------------------------


def memory(copies: int = 4) -> str:
    """State bytes per document and the merge's peak memory, on IMDb reviews + Reuters.

    The sets are repeated ``copies`` times under different source names to get volume (said
    here as the data README asks); repeated data is fine for memory, not for dedup figures.
    """
    sets = read_sets()
    # no URLs: each copy of each file is its own source, so copies do not pool their counts
    base = [(n, r["text"], None) for n in ("reuters-21578", "imdb-reviews") for r in sets[n]]
    stage = stage_class("boilerplate")()
    states, state_bytes, docs_seen = [], 0, 0
    shard = 10_000
    for c in range(copies):
        for start in range(0, len(base), shard):
            docs = [
                Document(str(i), t, {"path": f"{n}-{c}", "index": i}, meta={"url": u} if u else {})
                for i, (n, t, u) in enumerate(base[start : start + shard], start)
            ]
            state = stage.new_state()
            stage.observe(docs, state)
            blob = pickle.dumps(state)
            state_bytes += len(blob)
            docs_seen += len(docs)
            states.append(blob)
    tracemalloc.start()
    with tempfile.TemporaryDirectory() as work:
        t = time.perf_counter()
        decision = stage.merge((pickle.loads(b) for b in states), Path(work))
        merge_s = time.perf_counter() - t
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    per_doc = state_bytes / docs_seen
    parts = stage.options.partitions
    ten_m_disk = per_doc * 10_000_000
    return (
        f"- documents observed: {docs_seen:,} in {len(states)} shards of {shard:,}\n"
        f"- shard state (pickled): {state_bytes / 1e6:.1f} MB, {per_doc:.0f} bytes per document\n"
        f"- merge: {merge_s:.1f} s, peak traced memory {peak / 1e6:.1f} MB with {parts} partitions, "
        f"{decision.learned:,} learned keys over {decision.sites:,} sites\n"
        f"- budget for 10M documents: shard states / spill files ~{ten_m_disk / 1e9:.1f} GB on disk "
        f"(12 bytes per distinct key per shard); merge memory ~ 3 x {ten_m_disk / parts / 1e6:.0f} MB "
        f"for one of {parts} partitions (~{3 * ten_m_disk / parts / 1e6:.0f} MB), plus the site table "
        f"(2^24 buckets x 4 B = 64 MB, fixed); raise `partitions` to lower the first part"
    )


def main(argv: list[str]) -> None:
    what = argv[1] if len(argv) > 1 else "all"
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "clean.md"
    sections = {}
    if out.exists():
        current = None
        for line in out.read_text(encoding="utf-8").split("\n"):
            if line.startswith("## "):
                current = line[3:].strip()
                sections[current] = []
            elif current:
                sections[current].append(line)
    header = f"Machine: {machine()}. Command: `.venv/bin/python bench/bench_clean.py {what}`."
    if what in ("precision", "all"):
        sections["Characters removed per rule (precision run)"] = [header, "", precision(), ""]
    if what in ("speed", "all"):
        sections["Speed: clean + pii vs datatrove C4QualityFilter + PIIFormatter"] = [
            header,
            "",
            speed(),
            "",
        ]
    if what in ("memory", "all"):
        sections["Boilerplate memory"] = [header, "", memory(), ""]
    text = ["# clean, boilerplate and pii: measured", ""]
    for title, body in sections.items():
        text += [f"## {title}", *body]
    out.write_text("\n".join(text).rstrip() + "\n", encoding="utf-8")
    print(out.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main(sys.argv)
