"""Site-grouped folds over WCXB dev: every fit and every choice of ``auto`` measured on sites it
never saw.

A split by page puts pages of one site, template and page type on both sides of a fit, so a
model can learn the dev sites instead of main content. Here the pages are grouped by registered
domain (tldextract, offline suffix list) and the sites dealt into :data:`FOLDS` folds; the
block model is fitted on four folds (its lexicon's out-of-fold scores also grouped by site) and
writes the texts of the fifth, exactly as :func:`tamis.extract.core.add_missed_blocks` does at
run time. trafilatura's default, precision and recall modes are scored on the same pages in the
same run.

WCXB's ``test/`` folder shares 139 pages with ``dev/`` (byte-identical HTML), which should be
left out of fitting; that folder is not in ``../shared/data``, so the shared pages cannot be
identified here and every dev page takes part (said in bench/results/extract.md).
"""

from __future__ import annotations

import pickle
import statistics
from collections import defaultdict
from multiprocessing import Pool

from bench_extract import ROOT, fit_block_model, run_system, wcxb_html, wcxb_pages, wcxb_urls

from tamis.extract.folds import FOLDS, registered_domain, site_folds

CACHE = ROOT / "bench" / "work" / "extract" / "folds.pkl"
PEERS = ("trafilatura", "trafilatura_precision", "trafilatura_recall")


def _cache_job(fid: str) -> tuple[str, dict]:
    """Everything the folds need of one page: the peers' texts, and for ``auto`` its base
    (trafilatura's fast precision mode, with and without comments), the page's word count (the
    skip rule) and its blocks with their signals."""
    from tamis.extract.backends import resiliparse_raw, resiliparse_text, trafilatura_text
    from tamis.extract.core import BASE_MODE, _parse, block_signals
    from tamis.extract.metadata import read_page_info

    html = wcxb_html(fid)
    out: dict = {name: run_system(name, html) for name in PEERS}
    for comments in (True, False):
        traf = trafilatura_text(html, mode=BASE_MODE, fast=True, comments=comments)
        tree = _parse(html)
        info = read_page_info(html, tree)
        page_words = len(resiliparse_raw(tree, main_content=False).split())
        resi = resiliparse_text(tree)
        blocks = block_signals(tree, info, resi, traf)
        out[f"base_{comments}"] = (traf, resi, page_words, blocks)
    return fid, out


def page_cache(workers: int) -> dict[str, dict]:
    """The per-page data of every WCXB dev page, computed once (bench/work/, git-ignored)."""
    if CACHE.exists():
        return pickle.loads(CACHE.read_bytes())
    fids = [fid for fid, _, _ in wcxb_pages()]
    with Pool(workers) as pool:
        out = dict(pool.imap_unordered(_cache_job, fids, chunksize=8))
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    CACHE.write_bytes(pickle.dumps(out))
    return out


def _info_job(fid: str) -> tuple[str, object]:
    from tamis.extract.core import _parse
    from tamis.extract.metadata import read_page_info

    html = wcxb_html(fid)
    return fid, read_page_info(html, _parse(html), documentation=True)


def page_infos(workers: int) -> dict[str, object]:
    """Every WCXB dev page's metadata (:class:`tamis.extract.metadata.PageInfo`), cached."""
    path = CACHE.with_name("folds_info.pkl")
    if path.exists():
        return pickle.loads(path.read_bytes())
    with Pool(workers) as pool:
        out = dict(pool.imap_unordered(_info_job, [f for f, _, _ in wcxb_pages()], chunksize=16))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(out))
    return out


def _default_job(fid: str) -> tuple[str, str]:
    from tamis.extract.backends import trafilatura_text

    return fid, trafilatura_text(wcxb_html(fid), mode="default", comments=False)


def default_texts(workers: int) -> dict[str, str]:
    """trafilatura's default mode without comments, as ``auto`` runs it on article pages."""
    path = CACHE.with_name("folds_default.pkl")
    if path.exists():
        return pickle.loads(path.read_bytes())
    fids = [f for f, _, _ in wcxb_pages()]
    with Pool(workers) as pool:
        out = dict(pool.imap_unordered(_default_job, fids, chunksize=16))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(out))
    return out


def auto_text(
    entry: tuple,
    model,
    info,
    default: str,
    structured: bool = True,
    article: bool = True,
    articles_only: bool = False,
    gate: object = "shipped",
) -> str:
    """``auto``'s text of a page from its cached parts, by the stage's own functions
    (:func:`tamis.extract.core.extract`; ``default`` is trafilatura's default mode without
    comments, taken on the pages :func:`~tamis.extract.core.takes_default_mode` picks, or with
    ``articles_only`` on every page that says it is an article, as before the list-page and
    documentation rules; ``gate``: the precision gate on added blocks, the shipped one unless
    given, None for none)."""
    import re

    from tamis.extract.chrome import CHROME_GATE
    from tamis.extract.core import (
        COVERS_PAGE_SHARE,
        add_missed_blocks,
        says_article,
        structured_text,
        takes_default_mode,
        why_empty,
        without_headline,
    )

    chooses = says_article if articles_only else takes_default_mode
    text = without_headline(default, info.title) if article and chooses(info) else ""
    if not text:
        traf, resi, page_words, blocks = entry
        words = len(re.findall(r"\w+", traf))
        if traf and words >= COVERS_PAGE_SHARE * max(page_words, 1):
            text = traf
        else:
            chosen_gate = CHROME_GATE if gate == "shipped" else gate
            text = add_missed_blocks(traf, resi, blocks, model, chosen_gate)[0]
    if structured:
        text = structured_text(text, info)
    return "" if why_empty(text) else text


def fold_models(
    cache: dict[str, dict],
    infos: dict[str, object],
    comments: bool,
    trees: int,
    depth: int,
    workers: int,
    which: tuple[int, ...] = tuple(range(FOLDS)),
) -> tuple:
    """The block model of each fold of ``which``, fitted on the other folds' sites (cached by
    fold and settings in bench/work/), and the fold of every page. Only pages whose markup does
    not say they are articles are fitted (``auto`` takes trafilatura's default on articles; the
    list-page and documentation rules of :func:`tamis.extract.core.takes_default_mode` came
    later and the models were not refitted for them: the fitted set still holds the
    documentation pages and lacks the list pages that say ``og:type=article``)."""
    from tamis.extract.core import says_article

    pages = wcxb_pages()
    refs = {fid: ref for fid, _, ref in pages}
    sites = {fid: registered_domain(url) for fid, url in wcxb_urls().items() if fid in refs}
    fold = site_folds(sites, FOLDS)
    paths = {k: CACHE.with_name(f"folds_model_{comments}_{trees}_{depth}_{k}.pkl") for k in which}
    todo = [k for k in which if not paths[k].exists()]
    if todo:
        global _FIT_ARGS
        runs_on = {fid: ref for fid, ref in refs.items() if not says_article(infos[fid])}
        _FIT_ARGS = (cache, f"base_{comments}", runs_on, sites, fold, trees, depth)
        with Pool(min(workers, len(todo))) as pool:  # forked: the workers share the cache
            for k, params in pool.imap_unordered(_fit_fold, todo):
                paths[k].write_bytes(pickle.dumps(params))
    return {k: pickle.loads(paths[k].read_bytes()) for k in which}, fold


_FIT_ARGS: tuple = ()


def _fit_fold(k: int) -> tuple[int, dict]:
    cache, key, refs, sites, fold, trees, depth = _FIT_ARGS
    train_ids = sorted(fid for fid in refs if fold[fid] != k)
    data = {fid: cache[fid][key][3] for fid in train_ids}
    bases = {fid: cache[fid][key][0] for fid in train_ids}
    return k, fit_block_model(train_ids, data, bases, refs, sites, trees, depth)[0]


def fold_outputs(
    cache: dict[str, dict],
    infos: dict[str, object],
    defaults: dict[str, str],
    models: tuple,
    comments: bool,
    **choices: bool,
) -> dict[str, str]:
    """``auto``'s text of every page by the model fitted on the other folds' sites (``choices``:
    :func:`auto_text`'s switches, to measure what each part brings)."""
    from tamis.extract.model import BlockModel

    params_of, fold = models
    loaded = {k: BlockModel(p) for k, p in params_of.items()}
    key = f"base_{comments}"
    return {
        fid: auto_text(cache[fid][key], loaded[fold[fid]], infos[fid], defaults[fid], **choices)
        for fid in cache
        if fold[fid] in loaded
    }


def folds_table(systems: dict[str, dict[str, str]], which: tuple[int, ...]) -> list[str]:
    """Word-F1 by page type on the pages of the unseen-site folds ``which`` (the pages of the
    first system), each system beside the peers."""
    from tamis.extract.score import word_prf

    scored = next(iter(systems.values()))
    pages = [page for page in wcxb_pages() if page[0] in scored]
    sites = {fid: registered_domain(url) for fid, url in wcxb_urls().items()}
    rows: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for fid, page_type, ref in pages:
        for name, texts in systems.items():
            prf = word_prf(texts[fid], ref)
            rows[name]["all"].append(prf)
            rows[name][page_type].append(prf)
    groups = ["all"] + sorted({t for _, t, _ in pages})
    counts = {g: len(rows[next(iter(systems))][g]) for g in groups}
    n_sites = len({sites[fid] for fid, _, _ in pages})
    lines = [
        f"### WCXB dev, unseen-site folds {', '.join(map(str, which))} of {FOLDS} (by registered "
        f"domain; {n_sites} sites, {len(pages)} pages), word F1",
        "",
        "| system | " + " | ".join(f"{g} ({counts[g]})" for g in groups) + " | P | R |",
        "|---|" + "---:|" * (len(groups) + 2),
    ]
    for name in systems:
        f1 = [statistics.mean(x.f1 for x in rows[name][g]) for g in groups]
        p = statistics.mean(x.precision for x in rows[name]["all"])
        r = statistics.mean(x.recall for x in rows[name]["all"])
        lines.append(
            f"| {name} | " + " | ".join(f"{v:.3f}" for v in f1) + f" | {p:.3f} | {r:.3f} |"
        )
    if "trafilatura" in systems:  # the margins the targets are about, to four places
        first = next(iter(systems))

        def gap(group: str) -> float:
            ours, theirs = rows[first][group], rows["trafilatura"][group]
            return statistics.mean(x.f1 for x in ours) - statistics.mean(x.f1 for x in theirs)

        lines += [
            "",
            f"{first} minus trafilatura's default: "
            + ", ".join(f"{g} {gap(g):+.4f}" for g in groups),
        ]
    return lines + [""]


def folds_report(workers: int, trees: int, depth: int, which: tuple[int, ...]) -> str:
    cache = page_cache(workers)
    infos = page_infos(workers)
    defaults = default_texts(workers)
    models = fold_models(cache, infos, False, trees, depth, workers, which)
    parts = (cache, infos, defaults, models)
    systems: dict[str, dict[str, str]] = {
        "tamis_auto": fold_outputs(*parts, comments=False),
        "tamis_auto, no default-mode choice (articles, documentation)": fold_outputs(
            *parts, comments=False, article=False
        ),
        "tamis_auto, default mode on every article-tagged page, none on documentation (before "
        "the list-page and documentation rules)": fold_outputs(
            *parts, comments=False, articles_only=True
        ),
        "tamis_auto, no structured-data fallback": fold_outputs(
            *parts, comments=False, structured=False
        ),
        "tamis_auto, blocks alone (no article choice, no fallback)": fold_outputs(
            *parts, comments=False, article=False, structured=False
        ),
    }
    scored = systems["tamis_auto"]
    for peer in PEERS:
        systems[peer] = {fid: cache[fid][peer] for fid in scored}
    systems["trafilatura without comments"] = {fid: defaults[fid] for fid in scored}
    return "\n".join(folds_table(systems, which)) + "\n"
