"""The ``classifier`` stage against datatrove 0.10.1's ``FastTextClassifierFilter``, and what a
classifier trained on the data we have says about human quality judgments.

1. A DCLM-style fastText classifier is trained with tamis's ``train_classifier`` on the public
   data beside the checkout (no download): positives ``hq`` = Reuters stories, WCXB main texts
   (the benchmark's ground truth) and AEB article bodies; negatives ``cc`` = crawl-like text:
   whole WCXB pages as resiliparse's plain-text extraction gives them (boilerplate included, as
   DCLM extracted Common Crawl), the pages of the WARC/ARC samples, the cc-en-head documents and
   IMDb reviews. No document judged in ``quality/dclm-human-majority.jsonl`` is trained on
   (texts equal to a judged one are dropped).
2. Human judgments: ROC AUC of the ``hq`` score against the 499 judged documents (label 1 =
   keep), accuracy at 0.5 and at the threshold keeping as many documents as the judges kept;
   beside it the heuristic stages' agreement with the same labels, and, as a reference of what
   in-domain labels give, 5-fold cross-validation on the judged documents themselves.
3. Parity and speed on ~8,500 documents (the judged ones, cc-en-head, IMDb and Reuters stories
   not trained on): decisions of tamis's stage and datatrove's filter with the same model and
   settings, stored scores against fastText's own ``predict``, and time: each tool in a fresh
   process, model loading included; tamis as a stage (config check, model load, batches of
   256) and as a whole ``tamis clean`` run (start-up, reading and writing included).

    .venv/bin/python bench/bench_classifier.py      # about ten minutes on two busy cores
    .venv/bin/python bench/bench_classifier.py --reuse --units document --rounds 4

``--reuse`` keeps the model trained before; ``--units`` measures those units alone (the other
units' figures in the report are the last ones measured, with when and under what load);
``--rounds`` sets the timed rounds per unit (each tool once per round, alternating).

Results: bench/results/classifier.md. datatrove copies a local model into its Hugging Face
asset cache (``~/.cache/huggingface/assets/datatrove/filters/fasttext/``) on first use; delete
that copy afterwards.
"""

from __future__ import annotations

import gzip
import itertools
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from machine import cpu_model

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
PY = sys.executable
SPEED_REPEAT = 3
CACHE = Path(tempfile.gettempdir()) / "tamis-bench-classifier"  # model and figures, --reuse
sys.path.insert(0, str(ROOT / "src"))

from tamis.classify.train import read_texts, roc_auc, train_classifier  # noqa: E402


def jsonl_texts(path: Path, start: int, stop: int) -> list[str]:
    import zstandard

    with zstandard.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in itertools.islice(fh, start, stop)]


def judged() -> list[tuple[str, int]]:
    with (DATA / "quality" / "dclm-human-majority.jsonl").open(encoding="utf-8") as fh:
        return [(r["text"], int(r["label"])) for r in map(json.loads, fh)]


def wcxb_pairs() -> tuple[list[str], list[str]]:
    """(main texts, whole-page texts) of the WCXB development pages."""
    from resiliparse.extract.html2text import extract_plain_text

    mains, pages = [], []
    for gt in sorted((DATA / "extraction" / "wcxb-dev" / "ground-truth").glob("*.json")):
        truth = json.loads(gt.read_text(encoding="utf-8"))["ground_truth"]
        html_path = DATA / "extraction" / "wcxb-dev" / "html" / f"{gt.stem}.html.gz"
        if truth.get("main_content"):
            mains.append(truth["main_content"])
        if html_path.exists():
            html = gzip.decompress(html_path.read_bytes()).decode("utf-8", "replace")
            page = extract_plain_text(html, main_content=False)
            if page.strip():
                pages.append(page)
    return mains, pages


def aeb_bodies() -> list[str]:
    truth = json.loads((DATA / "extraction" / "scrapinghub-aeb" / "ground-truth.json").read_text())
    return [v["articleBody"] for v in truth.values() if v.get("articleBody")]


def write_jsonl(path: Path, texts: list[str]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for i, t in enumerate(texts):
            fh.write(json.dumps({"id": str(i), "text": t}) + "\n")


def train(work: Path) -> tuple[Path, dict]:
    judged_texts = {t for t, _ in judged()}
    mains, pages = wcxb_pairs()
    pos = {
        "reuters (first 3,000)": jsonl_texts(DATA / "text/reuters-21578.jsonl.zst", 0, 3000),
        "wcxb main texts": mains,
        "aeb article bodies": aeb_bodies(),
    }
    neg = {
        "wcxb whole pages (resiliparse, boilerplate kept)": pages,
        "warc/arc sample pages (tamis extract)": list(read_texts([str(DATA / "warc")])),
        "cc-en-head": list(
            read_texts(sorted(str(p) for p in (DATA / "text").glob("cc-en-head-*")))
        ),
        "imdb reviews (first 1,500)": jsonl_texts(DATA / "text/imdb-reviews.jsonl.zst", 0, 1500),
    }
    counts = {}
    files = {}
    for label, sets in (("pos", pos), ("neg", neg)):
        texts = []
        for name, ts in sets.items():
            kept = [t for t in ts if t not in judged_texts and t.strip()]
            counts[name] = (len(kept), len(ts) - len(kept))
            texts += kept
        files[label] = work / f"{label}.jsonl"
        write_jsonl(files[label], texts)
    model = work / "hq_cc.bin"
    t0 = time.perf_counter()
    result = train_classifier(
        [str(files["pos"])],
        [str(files["neg"])],
        model,
        newline=" ",
        dim=100,
        epoch=20,
        lr=0.5,
        word_ngrams=2,
        bucket=1_000_000,
    )
    return model, {"sets": counts, "result": result, "seconds": time.perf_counter() - t0}


def hq_scores(model: Path, texts: list[str]) -> np.ndarray:
    from tamis.classify.model import load_model

    m = load_model(model)
    labels, probs = m.predict([t.strip().replace("\n", " ") for t in texts], k=-1)
    return np.array(
        [float(p[list(ls).index("__label__hq")]) for ls, p in zip(labels, probs, strict=True)]
    )


def heuristics(docs: list[tuple[str, int]]) -> dict[str, np.ndarray]:
    """Keep (1) / drop (0) per heuristic stage (default options, each alone on the text)."""
    from tamis.document import Document
    from tamis.stages.base import build_stages

    out = {}
    for name in ("gopher_quality", "gopher_repetition", "c4", "fineweb"):
        (stage,) = build_stages([(name, None)])
        ds = [
            Document(id=str(i), text=t, source={"path": "j", "index": i})
            for i, (t, _) in enumerate(docs)
        ]
        stage.process_batch(ds)
        out[name] = np.array([1 if d.kept else 0 for d in ds])
    out["all four (kept by every one)"] = np.min(np.stack(list(out.values())), axis=0)
    return out


def agreement(pred: np.ndarray, gold: np.ndarray) -> dict:
    drop_p, drop_g = pred == 0, gold == 0
    return {
        "kept": int(pred.sum()),
        "accuracy": float((pred == gold).mean()),
        "precision_drop": float((drop_p & drop_g).sum() / max(1, drop_p.sum())),
        "recall_drop": float((drop_p & drop_g).sum() / max(1, drop_g.sum())),
    }


def cross_validated(docs: list[tuple[str, int]], work: Path) -> float:
    """ROC AUC of 5-fold cross-validation on the judged documents (in-domain reference)."""
    scores = np.zeros(len(docs))
    folds = np.arange(len(docs)) % 5
    for f in range(5):
        pos = [t for (t, y), k in zip(docs, folds, strict=True) if k != f and y == 1]
        neg = [t for (t, y), k in zip(docs, folds, strict=True) if k != f and y == 0]
        write_jsonl(work / "cv_pos.jsonl", pos)
        write_jsonl(work / "cv_neg.jsonl", neg)
        model = work / f"cv{f}.bin"
        train_classifier(
            [str(work / "cv_pos.jsonl")],
            [str(work / "cv_neg.jsonl")],
            model,
            newline=" ",
            held_out=0.01,
            dim=100,
            epoch=20,
            lr=0.5,
            bucket=200_000,
        )
        idx = np.flatnonzero(folds == f)
        scores[idx] = hq_scores(model, [docs[i][0] for i in idx])
        model.unlink()
    gold = np.array([y for _, y in docs])
    return roc_auc(scores[gold == 1], scores[gold == 0])


DATATROVE_RUN = r"""
import json, sys, time
t0 = time.perf_counter()
from datatrove.data import Document
from datatrove.pipeline.filters import FastTextClassifierFilter
docs = [Document(text=json.loads(l)["text"], id=str(i)) for i, l in enumerate(open(sys.argv[1]))]
t1, c1 = time.perf_counter(), time.process_time()
f = FastTextClassifierFilter(sys.argv[2], keep_labels=[("hq", float(sys.argv[3]))],
                             newline_replacement=" ", filter_mode=sys.argv[4])
f.model
load = time.perf_counter() - t1
out = []
for d in docs:
    out.append([bool(f.filter(d)), d.metadata.get("__label__hq"), d.metadata.get("__label__cc")])
t2, c2 = time.perf_counter(), time.process_time()
if len(sys.argv) > 6:  # the whole job, as tamis clean does it: kept and rejected written out
    import shutil
    from datatrove.pipeline.writers import JsonlWriter
    shutil.rmtree(sys.argv[6], ignore_errors=True)
    with JsonlWriter(sys.argv[6] + "/kept", compression="zstd") as kept, \
            JsonlWriter(sys.argv[6] + "/rejected", compression="zstd") as rejected:
        for d, (keep, *_) in zip(docs, out):
            (kept if keep else rejected).write(d)
json.dump({"read": t1 - t0, "filter": t2 - t1, "filter_cpu": c2 - c1, "load": load, "out": out},
          open(sys.argv[5], "w"))
"""

TAMIS_STAGE = r"""
import json, sys, time
t0 = time.perf_counter()
from tamis.config import build_config
from tamis.document import Document
from tamis.stages.base import build_stages
docs = [Document(id=str(i), text=json.loads(l)["text"], source={"path": "b", "index": i})
        for i, l in enumerate(open(sys.argv[1]))]
t1, c1 = time.perf_counter(), time.process_time()
cfg = build_config({"stages": [{"classifier": {"model": sys.argv[2], "keep": {"hq": float(sys.argv[3])},
                                              "newline": " ", "unit": sys.argv[4].lower()}}]})
(stage,) = build_stages(cfg.stages)
from tamis.classify.model import load_model
from tamis.classify.predict import open_model
if open_model(sys.argv[2]) is None:  # what the stage predicts with: numpy, else the binding
    load_model(sys.argv[2])
load = time.perf_counter() - t1
for i in range(0, len(docs), 256):
    stage.process_batch(docs[i : i + 256])
t2, c2 = time.perf_counter(), time.process_time()
out = [[d.kept, d.signals["classifier"].get("hq"), d.signals["classifier"].get("cc")] for d in docs]
json.dump({"read": t1 - t0, "filter": t2 - t1, "filter_cpu": c2 - c1, "load": load, "out": out},
          open(sys.argv[5], "w"))
"""


def timed(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


#: per unit, the set its timed rounds run on (the set three times over, as one bigger shard
#: would be, or once) and how many timed rounds by default; a first round on the set once is
#: the parity check
ROUNDS = {"DOCUMENT": ("thrice", 2), "PARAGRAPH": ("thrice", 2), "SENTENCE": ("once", 1)}
SPEED = CACHE / "speed.json"  # the figures of each unit's last measurement, for the report


def _diff(x: float | None, y: float | None) -> float:
    """Score difference; a document neither tool scored (no words) has none."""
    if x is None or y is None:
        return 0.0 if x is y else float("inf")
    return abs(x - y)


def clean_command(model: Path, threshold: float, docs: Path, work: Path) -> list[str]:
    """A whole ``tamis clean`` run with the classifier alone, one worker."""
    cfg = work / "p.yaml"
    stage = {"classifier": {"model": str(model), "keep": {"hq": threshold}, "newline": " "}}
    cfg.write_text(json.dumps({"stages": [stage]}))
    cmd = [PY, "-m", "tamis.cli", "clean", str(docs), "-o", str(work / "out"), "--config"]
    return cmd + [str(cfg), "--workers", "1", "--no-report", "--quiet", "--overwrite"]


def parity_and_speed(
    model: Path, threshold: float, work: Path, units: list[str], rounds: int | None
) -> dict:
    texts = [t for t, _ in judged()]
    texts += list(read_texts(sorted(str(p) for p in (DATA / "text").glob("cc-en-head-*"))))
    texts += jsonl_texts(DATA / "text/imdb-reviews.jsonl.zst", 50_000, 54_000)
    texts += jsonl_texts(DATA / "text/reuters-21578.jsonl.zst", 10_000, 14_000)
    docs = work / "docs.jsonl"
    write_jsonl(docs, texts)
    res: dict = {"docs": len(texts), "mb": sum(len(t.encode()) for t in texts) / 1e6}
    speed_docs = work / "docs3.jsonl"  # the same documents three times, as a bigger shard
    write_jsonl(speed_docs, texts * SPEED_REPEAT)
    sets = {"once": work / "docs.jsonl", "thrice": speed_docs}
    for unit in units:
        timed_on, n = ROUNDS[unit]
        plan = ["once", *[timed_on] * (rounds or n)]
        a, b = work / f"dt-{unit}.json", work / f"tm-{unit}.json"
        runs = {"datatrove": [], "tamis_stage": [], "tamis_clean": []}
        load_before = os.getloadavg()
        started = time.strftime("%H:%M", time.gmtime())
        for rnd, which in enumerate(plan):  # alternate the tools, keep the best of each
            docs = sets[which]
            # datatrove writes its kept and rejected documents as tamis clean does (zstd), for
            # the whole-process row; its filter span ends before the writing
            written = [str(work / "dt-out")] if unit == "DOCUMENT" and rnd > 0 else []
            runs["datatrove"].append(
                timed(
                    [PY, "-c", DATATROVE_RUN, str(docs), str(model), str(threshold), unit, str(a)]
                    + written
                )
                + (json.loads(a.read_text()), which)
            )
            runs["tamis_stage"].append(
                timed([PY, "-c", TAMIS_STAGE, str(docs), str(model), str(threshold), unit, str(b)])
                + (json.loads(b.read_text()), which)
            )
            if unit == "DOCUMENT" and rnd > 0:
                runs["tamis_clean"].append(
                    timed(clean_command(model, threshold, docs, work)) + ({}, which)
                )
        dt_out = runs["datatrove"][0][2]["out"]  # round 0: the set once, for parity
        tm_out = runs["tamis_stage"][0][2]["out"]
        if unit == "DOCUMENT":
            res["doc_out"] = tm_out
        runs = {k: v[1:] for k, v in runs.items()}  # the timed rounds
        runs["tamis_clean"] = [r for r in runs["tamis_clean"] if r[-1] == timed_on]
        agree = sum(x[0] == y[0] for x, y in zip(dt_out, tm_out, strict=True))
        diff = max(
            max(_diff(x[1], y[1]), _diff(x[2], y[2])) for x, y in zip(dt_out, tm_out, strict=True)
        )
        entry = {"agree": agree, "kept": sum(y[0] for y in tm_out), "max_score_diff": diff}
        entry["rounds"] = len(runs["datatrove"])
        entry["when"] = f"{time.strftime('%Y-%m-%d', time.gmtime())} {started}-" + time.strftime(
            "%H:%M UTC", time.gmtime()
        )
        entry["load"] = [round(load_before[0], 1), round(os.getloadavg()[0], 1)]
        for k, v in runs.items():
            if v:
                entry[k] = {
                    "wall": min(r[0] for r in v),
                    "cpu": min(r[1] for r in v),
                    "filter": min(r[2].get("filter", float("nan")) for r in v),
                    "filter_cpu": min(r[2].get("filter_cpu", float("nan")) for r in v),
                    "load": min(r[2].get("load", float("nan")) for r in v),
                    "docs": len(v[0][2].get("out", [])),
                }
        res[unit] = entry
    if "doc_out" not in res:
        return res
    # stored scores against fastText's own predict (one call per document, no batching)
    from tamis.classify.model import load_model

    m = load_model(model)
    tm_out = res.pop("doc_out")
    worst = 0.0
    for t, row in zip(texts, tm_out, strict=True):
        labels, probs = m.predict(t.strip().replace("\n", " "), k=-1)
        own = dict(zip(labels, probs.tolist(), strict=True))
        worst = max(worst, abs(own["__label__hq"] - row[1]), abs(own["__label__cc"] - row[2]))
    res["max_diff_vs_fasttext"] = worst
    return res


def measure(model: Path, threshold: float, work: Path, units: list[str], rounds) -> dict:
    """Parity and speed of ``units``, with the figures last measured for the other units."""
    speed = json.loads(SPEED.read_text()) if SPEED.exists() else {}
    speed.update(parity_and_speed(model, threshold, work, units, rounds))
    SPEED.write_text(json.dumps(speed))
    missing = [u.lower() for u in ROUNDS if u not in speed]
    if missing:
        sys.exit(f"no figures yet for {', '.join(missing)}: run once without --units")
    return speed


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reuse", action="store_true", help="keep the model trained before")
    ap.add_argument("--units", default="document,paragraph,sentence", help="units to measure")
    ap.add_argument("--rounds", type=int, help="timed rounds per unit (default: 2, sentence 1)")
    args = ap.parse_args()
    units = [u.strip().upper() for u in args.units.split(",")]
    if not set(units) <= set(ROUNDS):
        ap.error(f"--units: one or more of {', '.join(u.lower() for u in ROUNDS)}")
    CACHE.mkdir(exist_ok=True)
    saved = CACHE / "judgments.pickle"
    if args.reuse and saved.exists():
        import pickle

        info, r, auc, rows, cv_auc = pickle.loads(saved.read_bytes())
        model = CACHE / "hq_cc.bin"
        with tempfile.TemporaryDirectory(prefix="tamis-bench-cls-") as tmp:
            speed = measure(model, r.threshold, Path(tmp), units, args.rounds)
        size_mb = model.stat().st_size / 1e6
        docs = judged()
        n_keep = sum(y for _, y in docs)
        write_report(info, r, auc, rows, cv_auc, speed, size_mb, len(docs), n_keep)
        return
    with tempfile.TemporaryDirectory(prefix="tamis-bench-cls-") as tmp:
        work = Path(tmp)
        model, info = train(work)
        model = Path(model.replace(CACHE / "hq_cc.bin"))
        r = info["result"]
        docs = judged()
        gold = np.array([y for _, y in docs])
        s = hq_scores(model, [t for t, _ in docs])
        auc = roc_auc(s[gold == 1], s[gold == 0])
        keep_share = gold.mean()
        rate_thr = float(np.sort(s)[::-1][int(round(keep_share * len(s))) - 1])
        rows = {
            "classifier hq >= 0.5": agreement((s >= 0.5).astype(int), gold),
            f"classifier hq >= {rate_thr:.4g} (keeps the judges' share)": agreement(
                (s >= rate_thr).astype(int), gold
            ),
        }
        for name, pred in heuristics(docs).items():
            rows[name] = agreement(pred, gold)
        cv_auc = cross_validated(docs, work)
        import pickle

        saved.write_bytes(pickle.dumps((info, r, auc, rows, cv_auc)))
        speed = measure(model, r.threshold, work, units, args.rounds)
        size_mb = model.stat().st_size / 1e6
    write_report(info, r, auc, rows, cv_auc, speed, size_mb, len(docs), int(gold.sum()))


def write_report(info, r, auc, rows, cv_auc, speed, size_mb, n_judged, n_keep) -> None:
    def ratio(a, b):
        return a / b if b else float("nan")

    lines = [
        "# classifier: fastText quality classifier",
        "",
        f"Machine: {cpu_model()}, {os.cpu_count()} cores (shared with other jobs), Python "
        f"{platform.python_version()}. Command: `.venv/bin/python bench/bench_classifier.py` "
        "(`--reuse` keeps the trained model; `--units document` measures document mode alone).",
        "",
        "## A classifier trained on the data we have, against human judgments",
        "",
        "What we could use (DCLM's own positives, OpenHermes 2.5 and ELI5, are not here):",
        "",
        "| set | class | documents used | dropped (equal to a judged text) |",
        "|---|---|---:|---:|",
    ]
    for name, (n, dropped) in info["sets"].items():
        cls = "hq" if any(k in name for k in ("reuters", "main texts", "aeb")) else "cc"
        lines.append(f"| {name} | {cls} | {n:,} | {dropped} |")
    lines += [
        "",
        f"Trained with `train_classifier` (dim 100, 20 epochs, lr 0.5, word bigrams, 1M buckets, "
        f"newline ' ', one thread): {r.n_train['hq']:,} hq and {r.n_train['cc']:,} cc documents, "
        f"{info['seconds']:.0f} s, a {size_mb:.0f} MB model. Its own held-out share "
        f"({r.n_held_out['hq']} hq, {r.n_held_out['cc']} cc): ROC AUC {r.auc:.4f}; the "
        f"threshold keeping 10% of it is {r.threshold:.4g}.",
        "",
        f"Against the {n_judged} judged Common Crawl documents of "
        f"`quality/dclm-human-majority.jsonl` ({n_keep} kept by the judges' majority), none of "
        "them trained on:",
        "",
        f"* **ROC AUC of the hq score: {auc:.3f}**",
        f"* reference, in-domain labels: 5-fold cross-validation on the judged documents "
        f"themselves (each fold scored by a model trained on the other four): ROC AUC "
        f"{cv_auc:.3f}",
        "",
        "Agreement with the judges (drop = the judges' label 0):",
        "",
        "| filter | kept | accuracy | precision of drop | recall of drop |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, a in rows.items():
        lines.append(
            f"| {name} | {a['kept']} | {a['accuracy']:.3f} | {a['precision_drop']:.3f} | "
            f"{a['recall_drop']:.3f} |"
        )
    lines += [
        "",
        "The heuristic rows are tamis's stages with default options, each alone on the text "
        "(decisions equal to datatrove's: bench/results/quality.md). The second classifier row "
        "uses the judges' keep share to place its threshold, so it is not a blind figure.",
        "",
        "## Parity with datatrove's FastTextClassifierFilter",
        "",
        f"{speed['docs']:,} documents ({speed['mb']:.1f} MB): the judged ones, cc-en-head, IMDb "
        "reviews 50,000-53,999 and Reuters stories 10,000-13,999; the model above, "
        f"`keep: {{hq: {r.threshold:.4g}}}`, `newline: ' '`.",
        "",
        "| unit | decisions equal | kept | largest score difference |",
        "|---|---:|---:|---:|",
    ]
    for unit in ROUNDS:
        u = speed[unit]
        lines.append(
            f"| {unit.lower()} | {u['agree']:,} / {speed['docs']:,} | {u['kept']:,} | "
            f"{u['max_score_diff']:.1e} |"
        )
    d = speed["DOCUMENT"]
    lines += [
        "",
        "Stored scores against fastText's own `predict` (one call per document): largest "
        f"difference {speed['max_diff_vs_fasttext']:.1e} (tamis's numpy prediction computes the "
        "same float32 values, bit for bit).",
        "",
        "## Speed (one worker)",
        "",
        "Each tool in a fresh process, the two tools alternating, best round of each; model "
        "loading included in every figure. `filter` is the stage alone, from the documents in "
        "memory to every verdict (tamis: configuration check, model open, batches of 256; "
        "datatrove: filter construction, model load, one call per document), as wall time and "
        "as the process's CPU time over the same span; `whole` is the process from start to "
        "end (datatrove: imports, reading the JSONL into its documents, filtering, writing "
        "the kept and the rejected documents with its `JsonlWriter`, zstd; tamis: "
        "`tamis clean --workers 1 --no-report`, which writes kept and rejected shards, "
        "zstd, manifest and stats).",
        "",
        f"Document and paragraph rows: the set three times over ({d['datatrove']['docs']:,} "
        "documents, as one bigger shard would be); sentence row: the set once. Best of the "
        "timed rounds below (after a first round on the set once, the parity check). Model "
        "load alone: "
        f"datatrove {d['datatrove']['load']:.2f} s, tamis {d['tamis_stage']['load']:.2f} s "
        "(datatrove loads the whole model with the fastText binding, and copies it into its "
        "asset cache on first use; tamis checks the configuration and memory-maps the model, "
        "reading its dictionary only: tamis.classify.predict).",
        "",
        "| unit | measured | load average (start, end) | timed rounds |",
        "|---|---|---|---:|",
        *(
            f"| {u.lower()} | {speed[u]['when']} | {speed[u]['load'][0]}, {speed[u]['load'][1]} "
            f"| {speed[u]['rounds']} |"
            for u in ROUNDS
        ),
        "",
        "| measure | datatrove | tamis | speed-up |",
        "|---|---:|---:|---:|",
        f"| filter without the model load, document (s) | "
        f"{d['datatrove']['filter'] - d['datatrove']['load']:.2f} | "
        f"{d['tamis_stage']['filter'] - d['tamis_stage']['load']:.2f} | "
        f"{ratio(d['datatrove']['filter'] - d['datatrove']['load'], d['tamis_stage']['filter'] - d['tamis_stage']['load']):.2f}x |",
    ]
    for unit in ROUNDS:
        u = speed[unit]
        for key, what in (("filter", "wall"), ("filter_cpu", "CPU")):
            dt, tm = u["datatrove"][key], u["tamis_stage"][key]
            lines.append(
                f"| filter, {unit.lower()}, {what} (s) | {dt:.2f} | {tm:.2f} | {ratio(dt, tm):.2f}x |"
            )
    lines += [
        f"| whole process, document, wall (s) | {d['datatrove']['wall']:.2f} | "
        f"{d['tamis_clean']['wall']:.2f} | {ratio(d['datatrove']['wall'], d['tamis_clean']['wall']):.2f}x |",
        f"| whole process, document, CPU (s) | {d['datatrove']['cpu']:.2f} | "
        f"{d['tamis_clean']['cpu']:.2f} | {ratio(d['datatrove']['cpu'], d['tamis_clean']['cpu']):.2f}x |",
        "",
    ]
    out = ROOT / "bench" / "results" / "classifier.md"
    notes = out.read_text() if out.exists() else ""  # the written reading of the figures stays
    at = notes.find("\n## Reading these figures")
    out.write_text("\n".join(lines) + (notes[at:] if at >= 0 else ""))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
