"""Quality rules: tamis's four stages against datatrove 0.10.1's four filters, same documents.

What it measures, in one run, interleaved (chunks of documents alternate between the tools so
that load from other processes hits both alike):

* speed: datatrove's GopherQuality -> GopherRepetition -> C4Quality -> FineWebQuality chained
  (a document stops at the first filter that drops it, and C4 rewrites the text the later filters
  see, as in a datatrove pipeline) against tamis's gopher_quality -> gopher_repetition -> c4 ->
  fineweb chained the same way, run as tamis's pipeline runs them (each stage gets a batch's
  kept documents through ``process_batch``, batches of 256); documents/s and MB/s of input
  text, and the ratio;
* parity: per filter, run alone on the original text, keep/drop agreement and first-reason
  agreement (``--parity-all`` does it for every document of the corpora, otherwise the sample);
* human labels: on dclm-human-majority.jsonl (label 0 = drop), precision and recall of "drop"
  for each filter, as information.

Setup (datatrove is a test/benchmark dependency of tamis; it imports with xxhash 4 for the
quality filters, so the main venv is enough):

    .venv/bin/pip install datatrove==0.10.1 spacy
    .venv/bin/python bench/bench_quality.py                  # sample, ~6,000 documents
    .venv/bin/python bench/bench_quality.py --parity-all     # + parity on all 89,629 documents

Results go to bench/results/quality.md.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import platform
import sys
import time
from pathlib import Path

from machine import cpu_model

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
STAGES = ("gopher_quality", "gopher_repetition", "c4", "fineweb")


def _jsonl_zst(path: Path):
    import zstandard

    with path.open("rb") as fh:
        yield from io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(fh), "utf-8")


def load_corpora(every: dict[str, int] | None = None) -> dict[str, list[tuple[str, str, dict]]]:
    """name -> [(id, text, extra)], sampling every Nth record of the named large corpora."""
    every = every or {}
    out: dict[str, list[tuple[str, str, dict]]] = {}
    for name in ("reuters-21578", "imdb-reviews"):
        step = every.get(name, 1)
        out[name] = [
            (str(rec["id"]), rec["text"], {})
            for i, line in enumerate(_jsonl_zst(DATA / "text" / f"{name}.jsonl.zst"))
            if i % step == 0
            for rec in (json.loads(line),)
        ]
    cc = []
    for path in sorted((DATA / "text").glob("cc-en-head-*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            cc.extend((rec["id"], rec["text"], {}) for rec in map(json.loads, fh))
    out["cc-en-head"] = cc
    with (DATA / "quality" / "dclm-human-majority.jsonl").open(encoding="utf-8") as fh:
        out["dclm-human-majority"] = [
            (f"dclm-human-majority-{i}", rec["text"], {"label": rec["label"]})
            for i, rec in enumerate(map(json.loads, fh))
        ]
    return out


def datatrove_filters():
    from datatrove.pipeline.filters import (
        C4QualityFilter,
        FineWebQualityFilter,
        GopherQualityFilter,
        GopherRepetitionFilter,
    )

    return {
        "gopher_quality": GopherQualityFilter(),
        "gopher_repetition": GopherRepetitionFilter(),
        "c4": C4QualityFilter(),
        "fineweb": FineWebQualityFilter(),
    }


def tamis_stages():
    from tamis.stages.base import stage_class

    return {name: stage_class(name)() for name in STAGES}


def run_datatrove_chain(filters, docs) -> int:
    from datatrove.data import Document as DTDoc

    kept = 0
    for doc_id, text, _ in docs:
        doc = DTDoc(text=text, id=doc_id)
        for flt in filters.values():
            res = flt.filter(doc)
            if res is False or isinstance(res, tuple):
                break
        else:
            kept += 1
    return kept


def run_tamis_chain(stages, docs) -> int:
    """The four stages as tamis's pipeline runs a batch: each stage gets the batch's kept
    documents (``process_batch``), so a document dropped by one stage never reaches the next."""
    from tamis.document import Document

    batch = [
        Document(id=doc_id, text=text, source={"path": "bench", "index": i})
        for i, (doc_id, text, _) in enumerate(docs)
    ]
    for stage in stages.values():
        live = [doc for doc in batch if doc.kept]
        if live:
            stage.process_batch(live)
    return sum(doc.kept for doc in batch)


def speed(corpora, chunk: int = 256) -> dict[str, dict]:
    """Chained throughput per corpus, tools alternating chunk by chunk (a chunk is one batch of
    tamis's pipeline, 256 documents by default)."""
    filters, stages = datatrove_filters(), tamis_stages()
    warm = [d for docs in corpora.values() for d in docs[:50]]
    run_datatrove_chain(filters, warm)
    run_tamis_chain(stages, warm)
    results = {}
    for name, docs in corpora.items():
        t_dt = t_ta = c_dt = c_ta = 0.0
        kept_dt = kept_ta = 0
        for start in range(0, len(docs), chunk):
            part = docs[start : start + chunk]
            t0, c0 = time.perf_counter(), time.process_time()
            kept_dt += run_datatrove_chain(filters, part)
            t1, c1 = time.perf_counter(), time.process_time()
            kept_ta += run_tamis_chain(stages, part)
            t2, c2 = time.perf_counter(), time.process_time()
            t_dt += t1 - t0
            t_ta += t2 - t1
            c_dt += c1 - c0
            c_ta += c2 - c1
        mb = sum(len(t.encode("utf-8")) for _, t, _ in docs) / 1e6
        results[name] = {
            "docs": len(docs),
            "mb": mb,
            "datatrove_s": t_dt,
            "tamis_s": t_ta,
            "datatrove_cpu_s": c_dt,
            "tamis_cpu_s": c_ta,
            "kept_datatrove": kept_dt,
            "kept_tamis": kept_ta,
        }
        print(name, results[name], f"wall {t_dt / t_ta:.1f}x cpu {c_dt / c_ta:.1f}x", flush=True)
    return results


def per_filter(corpora) -> tuple[dict, list[str], dict]:
    """Each filter alone on each original text: verdicts of both tools."""
    from datatrove.data import Document as DTDoc

    from tamis.document import Document

    filters, stages = datatrove_filters(), tamis_stages()
    agree = {name: {"docs": 0, "keep_drop_differ": 0, "reason_differ": 0} for name in STAGES}
    lines: list[str] = []
    verdicts: dict[str, dict[str, tuple[str | None, str | None]]] = {}
    for corpus, docs in corpora.items():
        for i, (doc_id, text, _) in enumerate(docs):
            for name in STAGES:
                dt_doc = DTDoc(text=text, id=doc_id)
                res = filters[name].filter(dt_doc)
                dt_reason = res[1] if isinstance(res, tuple) else None
                doc = Document(id=doc_id, text=text, source={"path": corpus, "index": i})
                stages[name].process(doc)
                ours = None if doc.kept else doc.verdict.reason
                verdicts.setdefault(name, {})[doc_id] = (dt_reason, ours)
                a = agree[name]
                a["docs"] += 1
                if (ours is None) != (dt_reason is None):
                    a["keep_drop_differ"] += 1
                    lines.append(f"{name} {doc_id}: datatrove={dt_reason} tamis={ours}")
                elif ours != dt_reason:
                    a["reason_differ"] += 1
                    lines.append(f"{name} {doc_id}: datatrove={dt_reason} tamis={ours}")
                elif name == "c4" and ours is None and doc.text != dt_doc.text:
                    a["keep_drop_differ"] += 1
                    lines.append(f"{name} {doc_id}: kept by both, C4 text differs")
    return agree, lines, verdicts


def human_labels(corpora, verdicts) -> dict[str, dict]:
    """Precision/recall of "drop" per filter against dclm human majority labels (0 = drop)."""
    out = {}
    docs = corpora["dclm-human-majority"]
    human_drop = {doc_id for doc_id, _, extra in docs if extra["label"] == 0}
    for name in STAGES:
        dropped = {d for d, _, _ in docs if verdicts[name][d][1] is not None}
        tp = len(dropped & human_drop)
        out[name] = {
            "dropped": len(dropped),
            "precision": tp / len(dropped) if dropped else float("nan"),
            "recall": tp / len(human_drop) if human_drop else float("nan"),
        }
    out["any of the four"] = _any(docs, verdicts, human_drop)
    out["_human_drop"] = len(human_drop)
    out["_docs"] = len(docs)
    return out


def _any(docs, verdicts, human_drop):
    dropped = {d for d, _, _ in docs if any(verdicts[n][d][1] is not None for n in STAGES)}
    tp = len(dropped & human_drop)
    return {
        "dropped": len(dropped),
        "precision": tp / len(dropped) if dropped else float("nan"),
        "recall": tp / len(human_drop),
    }


def _outcome_digest(batch) -> str:
    """A hash of what the chain left on each document (signals, verdict, edits, text)."""
    import hashlib
    import pickle

    digest = hashlib.sha256()
    for doc in batch:
        verdict = None if doc.kept else (doc.verdict.stage, doc.verdict.reason, doc.verdict.details)
        edits = [(e.stage, e.rule, e.pos, e.removed, e.inserted) for e in doc.edits]
        digest.update(
            pickle.dumps((sorted(doc.signals.items()), verdict, edits, doc.text), protocol=4)
        )
    return digest.hexdigest()


def chain_worker(every: dict[str, int]) -> None:
    """One side of ``--against``: the tamis on ``sys.path`` runs the four stages chained on
    each corpus (after the same warm-up as :func:`speed`) and prints, as JSON, its CPU seconds
    and a digest of its outputs per corpus."""
    import tamis
    from tamis.document import Document

    warm = every.pop("warm", False)
    corpora = load_corpora(every)
    stages = tamis_stages()
    run_tamis_chain(stages, [d for docs in corpora.values() for d in docs[:50]])
    if warm:  # every chunk seen once: the timed pass measures the steady state
        for docs in corpora.values():
            for start in range(0, len(docs), 256):
                run_tamis_chain(stages, docs[start : start + 256])
    out = {"tamis": str(Path(tamis.__file__).parent)}
    for name, docs in corpora.items():
        cpu = 0.0
        digests = []
        for start in range(0, len(docs), 256):
            batch = [
                Document(id=doc_id, text=text, source={"path": "bench", "index": start + i})
                for i, (doc_id, text, _) in enumerate(docs[start : start + 256])
            ]
            c0 = time.process_time()
            for stage in stages.values():
                live = [doc for doc in batch if doc.kept]
                if live:
                    stage.process_batch(live)
            cpu += time.process_time() - c0
            digests.append(_outcome_digest(batch))
        out[name] = {"cpu_s": cpu, "digest": "".join(digests)}
    print(json.dumps(out))


def tree_of(commit: str) -> Path:
    """The source tree of ``commit`` (``git archive``, kept under bench/work/quality/)."""
    import subprocess

    tree = ROOT / "bench" / "work" / "quality" / f"tree-{commit}"
    if not (tree / "src" / "tamis").is_dir():
        tree.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", commit, "src"], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree


def against(
    commit: str, every: dict[str, int], rounds: int, warm: bool = False, this: str | None = None
) -> dict[str, dict]:
    """The four stages of this tree (or of commit ``this``) against those of ``commit``: one
    process per side and round, sides alternating (the first side changes each round), best
    round of each side. ``warm``: each process runs every corpus once before the timed pass."""
    import subprocess

    mine = tree_of(this) / "src" if this else ROOT / "src"
    sides = {"base": str(tree_of(commit) / "src"), "this": str(mine)}
    best: dict[str, dict[str, float]] = {"base": {}, "this": {}}
    digests: dict[str, dict[str, set]] = {"base": {}, "this": {}}
    args = [f"--worker={json.dumps({**every, 'warm': warm})}"]
    for r in range(rounds):
        for side in ("base", "this") if r % 2 == 0 else ("this", "base"):
            env = {**os.environ, "PYTHONPATH": sides[side]}
            res = json.loads(
                subprocess.run(
                    [sys.executable, __file__, *args],
                    env=env,
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
            )
            if Path(res.pop("tamis")) != Path(sides[side]) / "tamis":
                raise RuntimeError(f"{side}: imported the wrong tamis; check PYTHONPATH")
            for name, got in res.items():
                best[side][name] = min(best[side].get(name, float("inf")), got["cpu_s"])
                digests[side].setdefault(name, set()).add(got["digest"])
            print(f"round {r + 1} {side}:", {k: round(v["cpu_s"], 3) for k, v in res.items()})
    return {
        name: {
            "base_cpu_s": best["base"][name],
            "this_cpu_s": best["this"][name],
            "identical": digests["base"][name] == digests["this"][name]
            and len(digests["this"][name]) == 1,
        }
        for name in best["this"]
    }


def machine() -> list[str]:
    cpu = cpu_model()
    from importlib.metadata import version

    return [
        f"- machine: {os.cpu_count()} CPUs (nproc), {cpu}",
        f"- python {platform.python_version()}, datatrove {version('datatrove')}, spacy {version('spacy')}",
        f"- load average at start: {os.getloadavg()[0]:.1f} (the machine is shared with other workers)",
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--parity-all", action="store_true", help="parity on every document")
    ap.add_argument("--reuters-every", type=int, default=5)
    ap.add_argument("--imdb-every", type=int, default=25)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "quality.md"))
    ap.add_argument(
        "--against",
        metavar="COMMIT",
        help="compare this tree's four stages with COMMIT's (CPU time, interleaved rounds) "
        "and write that section only",
    )
    ap.add_argument("--rounds", type=int, default=5, help="rounds per side for --against")
    ap.add_argument(
        "--warm",
        action="store_true",
        help="with --against: time a second pass over the corpora (caches full)",
    )
    ap.add_argument("--this", metavar="COMMIT", help="with --against: a commit, not the tree")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        chain_worker(json.loads(args.worker))
        return
    if args.against:
        write_against(args)
        return

    command = "python " + " ".join(["bench/bench_quality.py", *sys.argv[1:]])
    sample = load_corpora({"reuters-21578": args.reuters_every, "imdb-reviews": args.imdb_every})
    report = [
        "# Quality rules: tamis vs datatrove 0.10.1",
        "",
        *machine(),
        f"- command: `{command}`",
        "",
    ]

    res = speed(sample)
    report += [
        "## Speed: the four rule sets chained, same documents, interleaved in one run",
        "",
        f"Sample: every {args.reuters_every}th Reuters story, every {args.imdb_every}th IMDb review, "
        "all cc-en-head and dclm documents. One process, one core; tamis starts with cold caches "
        "(its word-split and per-word caches fill during the run). CPU time is the process's own "
        "(less sensitive to the other workers sharing the machine than wall time).",
        "",
        "| corpus | docs | MB | datatrove docs/s | datatrove MB/s | tamis docs/s | tamis MB/s | speed-up (wall) | speed-up (CPU time) | kept (dt / tamis) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    tot = {
        "docs": 0,
        "mb": 0.0,
        "datatrove_s": 0.0,
        "tamis_s": 0.0,
        "datatrove_cpu_s": 0.0,
        "tamis_cpu_s": 0.0,
    }
    for name, r in res.items():
        for k in tot:
            tot[k] += r[k]
        report.append(
            f"| {name} | {r['docs']} | {r['mb']:.2f} | {r['docs'] / r['datatrove_s']:.0f} | "
            f"{r['mb'] / r['datatrove_s']:.2f} | {r['docs'] / r['tamis_s']:.0f} | "
            f"{r['mb'] / r['tamis_s']:.2f} | {r['datatrove_s'] / r['tamis_s']:.1f}x | "
            f"{r['datatrove_cpu_s'] / r['tamis_cpu_s']:.1f}x | "
            f"{r['kept_datatrove']} / {r['kept_tamis']} |"
        )
    report.append(
        f"| **all** | {tot['docs']} | {tot['mb']:.2f} | {tot['docs'] / tot['datatrove_s']:.0f} | "
        f"{tot['mb'] / tot['datatrove_s']:.2f} | {tot['docs'] / tot['tamis_s']:.0f} | "
        f"{tot['mb'] / tot['tamis_s']:.2f} | **{tot['datatrove_s'] / tot['tamis_s']:.1f}x** | "
        f"**{tot['datatrove_cpu_s'] / tot['tamis_cpu_s']:.1f}x** | |"
    )
    report.append("")

    parity_set = load_corpora() if args.parity_all else sample
    agree, lines, verdicts = per_filter(parity_set)
    n_docs = sum(len(v) for v in parity_set.values())
    report += [
        "## Parity: each filter alone on the original text",
        "",
        f"{'All' if args.parity_all else 'The sampled'} {n_docs} documents.",
        "",
        "| filter | docs | keep/drop differ | agreement | first reason differs (both drop) |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, a in agree.items():
        report.append(
            f"| {name} | {a['docs']} | {a['keep_drop_differ']} | "
            f"{1 - a['keep_drop_differ'] / a['docs']:.5f} | {a['reason_differ']} |"
        )
    report += ["", "Disagreements:" if lines else "No disagreement.", ""]
    report += [f"- {line}" for line in lines[:200]]
    report.append("")

    human = human_labels(parity_set, verdicts)
    report += [
        "## Agreement with human labels (dclm-human-majority, information only)",
        "",
        f"{human['_docs']} documents, {human['_human_drop']} labelled drop by the human majority. "
        "Positive class = drop.",
        "",
        "| filter | dropped | precision of drop | recall of drop |",
        "|---|---:|---:|---:|",
    ]
    for name in (*STAGES, "any of the four"):
        h = human[name]
        report.append(f"| {name} | {h['dropped']} | {h['precision']:.3f} | {h['recall']:.3f} |")
    report.append("")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(report) + "\n", encoding="utf-8")
    print("\n".join(report))


def write_against(args) -> None:
    """Run ``--against`` and put its section into the results file (replacing an older one)."""
    every = {"reuters-21578": args.reuters_every, "imdb-reviews": args.imdb_every}
    load = os.getloadavg()[0]
    res = against(args.against, every, args.rounds, args.warm, args.this)
    command = "python " + " ".join(["bench/bench_quality.py", *sys.argv[1:]])
    state = "caches full" if args.warm else "caches cold"
    title = f"## Speed against commit {args.against}: the four stages chained, CPU time, {state}"
    lines = [
        title,
        "",
        *machine()[:1],
        f"- load average at start: {load:.1f} (the machine is shared with other workers)",
        f"- command: `{command}`",
        "",
        f"Every {args.reuters_every}th Reuters story, every {args.imdb_every}th IMDb review, "
        "all cc-en-head and dclm-human-majority documents (the same sample as above). One "
        "process per side and round, each importing its own tree (`git archive` of the commit, "
        f"put first on `PYTHONPATH`); {args.rounds} rounds, the side that starts alternating; "
        "each side's best round per corpus. CPU time of the stage work only (reading and "
        "building documents not counted). "
        + (
            "Caches full: each process first runs every corpus once, then the timed pass "
            "(the steady state of a long shard, where nearly every chunk has been seen). "
            if args.warm
            else "Caches cold at the start of each process (after the same 50-document "
            "warm-up per corpus), so first-time chunks are paid for, as on a short shard. "
        )
        + "Outputs: a digest of every document's signals, verdict, edits and text, compared "
        "between the two sides.",
        "",
        "| corpus | docs | commit CPU s | this tree CPU s | speed-up | outputs |",
        "|---|---:|---:|---:|---:|---|",
    ]
    sizes = {name: len(docs) for name, docs in load_corpora(every).items()}
    base_total = this_total = 0.0
    for name, r in res.items():
        base_total += r["base_cpu_s"]
        this_total += r["this_cpu_s"]
        lines.append(
            f"| {name} | {sizes[name]} | {r['base_cpu_s']:.3f} | {r['this_cpu_s']:.3f} | "
            f"{r['base_cpu_s'] / r['this_cpu_s']:.2f}x | "
            f"{'identical' if r['identical'] else 'DIFFER'} |"
        )
    lines += [
        f"| **all** | {sum(sizes.values())} | {base_total:.3f} | {this_total:.3f} | "
        f"**{base_total / this_total:.2f}x** | |",
        "",
    ]
    section = "\n".join(lines)
    print(section)
    out = Path(args.out)
    text = out.read_text(encoding="utf-8") if out.is_file() else ""
    if title in text:
        head, _, rest = text.partition(title)
        tail = rest.split("\n## ", 1)
        text = head + section + ("\n## " + tail[1] if len(tail) > 1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
