"""The ``fast`` extractor against resiliparse (its time budget) and trafilatura (its F1 floor).

Run with the project venv (scikit-learn is needed only for ``train``)::

    .venv/bin/python bench/bench_extract_fast.py speed     # 200 pages, interleaved, one process
    .venv/bin/python bench/bench_extract_fast.py quality   # WCXB dev word-F1, halves, page types
    .venv/bin/python bench/bench_extract_fast.py train     # rewrites src/tamis/extract/fast_weights.py

The peers install into the project venv without conflict: ``.venv/bin/pip install trafilatura
lxml_html_clean resiliparse scikit-learn``. Data: ``../shared/data/extraction/wcxb-dev``.

* ``speed`` times ``tamis.extract.extract(html, "fast")`` (the whole call: parse, page
  metadata, extraction) and resiliparse's ``extract_plain_text(html, main_content=True)`` on the
  same pages as ``bench_extract.py speed`` (every 7th page of WCXB dev, 200 pages), in one
  process, the two interleaved page by page with the order alternating, so that load from other
  work on the shared machine falls on both alike. The target is a ratio: fast within 2x
  resiliparse's time.
* ``quality`` scores fast and resiliparse freshly and trafilatura (its defaults, as in
  ``bench_extract.py``) from a cache in ``bench/work/extract_fast/`` (git-ignored) that is
  computed on first use, with the benchmark's word-F1 (``tamis.extract.score``), overall, on
  each half of the split and per page type; then on Scrapinghub's AEB (articles) with its own
  scorer.
* ``train`` fits the line model on half A only (sha1 of the file id even, as ``bench_extract.py``
  cuts it); half B is never seen and is reported apart so that over-fitting shows as a gap.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from multiprocessing import Pool
from pathlib import Path

from bench_extract import (
    aeb_html,
    aeb_pages,
    half,
    machine,
    wcxb_html,
    wcxb_pages,
    wcxb_table,
    write_weights,
)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
CACHE = ROOT / "bench" / "work" / "extract_fast"
WEIGHTS = ROOT / "src" / "tamis" / "extract" / "fast_weights.py"
SPEED_PAGES = 200


def resiliparse_main(html: str) -> str:
    from resiliparse.extract.html2text import extract_plain_text

    return extract_plain_text(html, main_content=True)


def tamis_fast(html: str) -> str:
    from tamis.extract import extract

    return extract(html, "fast").text


def trafilatura_default(html: str) -> str:
    import trafilatura

    return trafilatura.extract(html) or ""


SYSTEMS = {"tamis_fast": tamis_fast, "resiliparse": resiliparse_main}


# --- speed ----------------------------------------------------------------------------------


def speed(rounds: int) -> str:
    pages = [fid for fid, _, _ in wcxb_pages()]
    chosen = pages[:: max(1, len(pages) // SPEED_PAGES)][:SPEED_PAGES]
    htmls = [wcxb_html(fid) for fid in chosen]
    names = list(SYSTEMS)
    for name in names:  # imports and caches warm outside the clock
        SYSTEMS[name](htmls[0])
    spent: dict[str, float] = defaultdict(float)
    per_page: dict[str, list[float]] = defaultdict(list)
    for r in range(rounds):
        for i, html in enumerate(htmls):
            order = names if (i + r) % 2 == 0 else names[::-1]
            for name in order:
                t = time.perf_counter()
                SYSTEMS[name](html)
                took = time.perf_counter() - t
                spent[name] += took
                per_page[name].append(took)
    n = len(htmls) * rounds
    ratios = [f / r for f, r in zip(per_page["tamis_fast"], per_page["resiliparse"], strict=True)]
    lines = [
        f"### Speed, one process, {len(htmls)} WCXB dev pages (every "
        f"{max(1, len(pages) // SPEED_PAGES)}th) x {rounds} rounds, interleaved page by page",
        "",
        "| system | pages/s | ms/page | time / resiliparse's |",
        "|---|---:|---:|---:|",
    ]
    for name in names:
        lines.append(
            f"| {name} | {n / spent[name]:.1f} | {1000 * spent[name] / n:.2f} | "
            f"{spent[name] / spent['resiliparse']:.2f} |"
        )
    lines += [
        "",
        f"per page, fast's time / resiliparse's: median {statistics.median(ratios):.2f}, "
        f"90th percentile {statistics.quantiles(ratios, n=10)[-1]:.2f}",
    ]
    return "\n".join(lines) + "\n"


# --- quality --------------------------------------------------------------------------------


def _outputs_job(args: tuple[str, tuple[str, ...]]) -> tuple[str, dict[str, str]]:
    fid, names = args
    html = aeb_html(fid.removeprefix("aeb:")) if fid.startswith("aeb:") else wcxb_html(fid)
    funcs = {**SYSTEMS, "trafilatura": trafilatura_default}
    out = {}
    for name in names:
        try:
            out[name] = funcs[name](html)
        except Exception as exc:  # noqa: BLE001 - a crash scores as an empty extraction
            print(f"{name} failed on {fid}: {exc}", file=sys.stderr)
            out[name] = ""
    return fid, out


def _run(fids: list[str], names: tuple[str, ...], workers: int) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    with Pool(workers) as pool:
        for fid, texts in pool.imap_unordered(
            _outputs_job, [(f, names) for f in fids], chunksize=8
        ):
            out[fid] = texts
    return out


def trafilatura_outputs(fids: list[str], workers: int) -> dict[str, str]:
    """trafilatura's texts, computed once and cached (it is ~15x slower than the others)."""
    import trafilatura

    path = CACHE / f"trafilatura-{trafilatura.__version__}.json"
    cached = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    missing = [f for f in fids if f not in cached]
    if missing:
        for fid, texts in _run(missing, ("trafilatura",), workers).items():
            cached[fid] = texts["trafilatura"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(cached), encoding="utf-8")
    return {f: cached[f] for f in fids}


def quality(workers: int) -> str:

    pages = wcxb_pages()
    fids = [fid for fid, _, _ in pages]
    outputs = _run(fids, tuple(SYSTEMS), workers)
    traf = trafilatura_outputs(fids, workers)
    names = (*SYSTEMS, "trafilatura")
    texts = {fid: {**outputs[fid], "trafilatura": traf[fid]} for fid in fids}
    lines = wcxb_table(pages, texts, names)
    return "\n".join(lines) + aeb_quality(workers)


def aeb_quality(workers: int) -> str:
    """Scrapinghub AEB (articles only), scored as its evaluate.py does."""
    from tamis.extract.score import aeb_scores, aeb_tp_fp_fn

    pages = [(f"aeb:{key}", ref) for key, ref in aeb_pages()]
    fids = [fid for fid, _ in pages]
    outputs = _run(fids, tuple(SYSTEMS), workers)
    traf = trafilatura_outputs(fids, workers)
    lines = [
        f"### Scrapinghub AEB, {len(pages)} pages (its evaluate.py: 4-token shingles, "
        "per-page normalised, mean P and R)",
        "",
        "| system | F1 | precision | recall |",
        "|---|---:|---:|---:|",
    ]
    for name in (*SYSTEMS, "trafilatura"):
        got = {fid: (traf[fid] if name == "trafilatura" else outputs[fid][name]) for fid in fids}
        s = aeb_scores([aeb_tp_fp_fn(ref, got[fid]) for fid, ref in pages])
        lines.append(f"| {name} | {s.f1:.3f} | {s.precision:.3f} | {s.recall:.3f} |")
    return "\n".join(lines) + "\n"


# --- training -------------------------------------------------------------------------------


def _norm(text: str) -> str:
    import re

    return " " + " ".join(re.findall(r"\w+", text.lower())) + " "


def _features_job(args: tuple[str, str]):
    fid, ref = args
    from resiliparse.parse.html import HTMLTree

    from tamis.extract.fast import page_lines
    from tamis.extract.metadata import read_page_info

    html = wcxb_html(fid)
    tree = HTMLTree.parse(html)
    info = read_page_info(html, tree)
    page = page_lines(tree, info.json_ld_body)
    ref_norm = _norm(ref)
    labels = [_norm(line) in ref_norm for line in page.lines]
    return fid, page, labels


def train(workers: int, hidden: int, seeds: int) -> str:
    """Fit the line model (the mean of ``seeds`` MLPs) on half A. Each line weighs its share of its page's words, so that
    every page counts alike (the benchmark averages F1 over pages) and long lines count more
    than short ones (its F1 counts words)."""
    import numpy as np
    from sklearn.neural_network import MLPClassifier

    from tamis.extract.fast import FEATURES, join_lines, kept_lines
    from tamis.extract.score import word_f1

    pages = [(fid, ref) for fid, _, ref in wcxb_pages() if half(fid) == "A"]
    refs = dict(pages)
    data = {}
    with Pool(workers) as pool:
        for fid, page, labels in pool.imap_unordered(_features_job, pages, chunksize=8):
            data[fid] = (page, labels)
    xs, ys, ws = [], [], []
    for _fid, (page, labels) in sorted(data.items()):
        if not page.lines:
            continue
        xs.append(page.features)
        ys.append(np.asarray(labels, dtype=np.float32))
        words = np.asarray([max(1, len(line.split())) for line in page.lines], dtype=np.float64)
        ws.append(words / words.sum())
    x, y, w = np.vstack(xs), np.concatenate(ys), np.concatenate(ws)
    w *= len(w) / w.sum()
    mean, scale = x.mean(0), x.std(0) + 1e-6
    members = []
    for seed in range(seeds):
        clf = MLPClassifier(
            hidden_layer_sizes=(hidden,), max_iter=60, random_state=seed, alpha=1e-3
        )
        clf.fit((x - mean) / scale, y, sample_weight=w)
        members.append(clf)
    probs = {
        fid: np.mean(
            [m.predict_proba((page.features - mean) / scale)[:, 1] for m in members], axis=0
        )
        for fid, (page, _) in data.items()
        if page.lines
    }
    best = (0.0, 0.5)
    for threshold in (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6):
        scores = []
        for fid, (page, _) in data.items():
            if page.lines:
                keep = kept_lines(page.lines, probs[fid], threshold)
                text = join_lines(page.lines, page.breaks, keep)
            else:
                text = ""
            scores.append(word_f1(text, refs[fid]))
        best = max(best, (statistics.mean(scores), threshold))
    model = {
        "features": list(FEATURES),
        "mean": mean.round(6).tolist(),
        "scale": scale.round(6).tolist(),
        "members": [
            [
                (wt.round(6).tolist(), b.round(6).tolist())
                for wt, b in zip(m.coefs_, m.intercepts_, strict=True)
            ]
            for m in members
        ],
        "threshold": best[1],
    }
    write_weights(
        WEIGHTS,
        "Line-model weights of the ``fast`` extractor, generated by "
        "``bench/bench_extract_fast.py train``\n(mean of MLPs with one hidden layer, trained on "
        "half A of the WCXB development split).",
        "MODEL",
        model,
    )
    return (
        f"{len(y)} lines of {len(xs)} half-A pages, {seeds} MLPs; "
        f"half-A F1 {best[0]:.3f} at threshold {best[1]}\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("what", choices=["speed", "quality", "train"])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--hidden", type=int, default=24)
    parser.add_argument("--seeds", type=int, default=3, help="MLPs averaged in the line model")
    args = parser.parse_args()
    started = time.time()
    if args.what == "speed":
        text = speed(args.rounds)
    elif args.what == "quality":
        text = quality(args.workers)
    else:
        text = train(args.workers, args.hidden, args.seeds)
    print(f"<!-- {machine()}; command: {' '.join(sys.argv)}; {time.time() - started:.0f} s -->")
    print(text)


if __name__ == "__main__":
    main()
