"""Check that a speed change to the four quality stages changes no output.

Runs ``gopher_quality``, ``gopher_repetition``, ``c4`` and ``fineweb`` on the four precision
corpora of ``bench_clean.py`` (every document) in two ways: chained as the pipeline runs them
(each stage gets a batch's kept documents through ``process_batch``, batches of 256, C4's edits
seen by ``fineweb``) and each stage alone on the original text. It records every document's
signals (floats compared exactly), verdict (stage, reason, details), C4 edits and final text.
A fifth set runs the FineWeb-2 languages of ``tests/multilingual_docs.py`` (with
``language: <pair>``), so the per-language plans are covered too.

``save NAME`` writes a baseline with the code as it is, ``check NAME`` compares the current
code with it and prints IDENTICAL or each difference. Baselines go to bench/work/quality/
(git-ignored).

    .venv/bin/python bench/check_quality_outputs.py save base     # before the change
    .venv/bin/python bench/check_quality_outputs.py check base    # after each step

A third argument takes only the first N Reuters stories and IMDb reviews (quicker checks). The
baseline of another commit is saved by putting its tree first on the path:
``PYTHONPATH=<git archive of the commit>/src python bench/check_quality_outputs.py save base``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BASELINES = HERE / "work" / "quality"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from bench_clean import read_sets, to_docs  # noqa: E402
from check_clean_outputs import save_or_check  # noqa: E402

from tamis.document import Document  # noqa: E402
from tamis.stages.base import stage_class  # noqa: E402

STAGES = ("gopher_quality", "gopher_repetition", "c4", "fineweb")
BATCH = 256
#: FineWeb-2 languages checked (the heavy splitters of the multilingual tests left out)
PAIRS = ("arb_Arab", "cmn_Hani", "fra_Latn", "hin_Deva", "rus_Cyrl", "tha_Thai", "tur_Latn")


def outcome(doc: Document) -> tuple:
    """Everything the quality stages leave on a document."""
    verdict = None if doc.kept else (doc.verdict.stage, doc.verdict.reason, doc.verdict.details)
    return (
        tuple((s, doc.signals.get(s)) for s in STAGES),
        verdict,
        tuple((e.stage, e.rule, e.pos, e.removed, e.inserted, e.reason) for e in doc.edits),
        doc.text,
    )


def run_chained(stages: dict, docs: list[Document]) -> None:
    for start in range(0, len(docs), BATCH):
        batch = docs[start : start + BATCH]
        for stage in stages.values():
            live = [d for d in batch if d.kept]
            if live:
                stage.process_batch(live)


def run_alone(stage, docs: list[Document]) -> None:
    for start in range(0, len(docs), BATCH):
        stage.process_batch(docs[start : start + BATCH])


def multilingual() -> dict[str, list[tuple[str, str]]]:
    from tests.multilingual_docs import LINGUA_FILES, documents, sentences

    lingua = ROOT.parent / "shared" / "data" / "langid" / "lingua-sentences"
    return {pair: documents(sentences(lingua, LINGUA_FILES[pair])) for pair in PAIRS}


def dump(limit: int | None = None) -> dict:
    out = {}
    stages = {n: stage_class(n)() for n in STAGES}
    for name, records in read_sets(limit).items():
        t = time.perf_counter()
        docs = to_docs(name, records)
        run_chained(stages, docs)
        res = {"chained": [outcome(d) for d in docs]}
        for stage_name, stage in stages.items():
            docs = to_docs(name, records)
            run_alone(stage, docs)
            res[stage_name] = [outcome(d) for d in docs]
        out[name] = res
        print(f"{name}: {len(records)} docs, {time.perf_counter() - t:.1f}s", flush=True)
    for pair, texts in multilingual().items():
        t = time.perf_counter()
        res = {}
        for mode in ("chained", *STAGES):
            pair_stages = {n: stage_class(n)(stage_class(n).Options(language=pair)) for n in STAGES}
            docs = [
                Document(id=str(i), text=text, source={"path": pair, "index": i})
                for i, text in enumerate(texts)
            ]
            if mode == "chained":
                run_chained(pair_stages, docs)
            else:
                run_alone(pair_stages[mode], docs)
            res[mode] = [outcome(d) for d in docs]
        out[pair] = res
        print(f"{pair}: {len(texts)} docs, {time.perf_counter() - t:.1f}s", flush=True)
    return out


def main() -> None:
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else None
    save_or_check(lambda: dump(limit), BASELINES / f"quality_dump_{sys.argv[2]}.pkl")


if __name__ == "__main__":
    main()
