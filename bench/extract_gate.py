"""The precision gate on added blocks (`src/tamis/extract/chrome.py`) chosen on WCXB's site folds.

Every setting of a small grid (block length, share of interface words, the link rule) writes
`auto`'s text of every WCXB dev page by the fold model that never saw its site, and is scored
per page type beside no gate. The setting is then chosen honestly too: for each fold, the
setting with the best overall word-F1 on the other four folds' pages scores that fold's pages,
so the "chosen out of fold" row is a figure on pages the choice never saw.

The block model's keep probability of a block does not depend on which other blocks are
candidates, so each page's probabilities are computed once (by its fold's model, on every
block) and every setting reads them: the same texts as running the model per setting, a
setting in seconds instead of minutes (checked against the direct path on the first pages).

    .venv/bin/python bench/extract_gate.py
"""

from __future__ import annotations

import argparse
import pickle
import re
import statistics
import sys
import time

import numpy as np
from bench_extract import machine, wcxb_pages
from extract_folds import (
    CACHE,
    auto_text,
    default_texts,
    fold_models,
    folds_table,
    page_cache,
    page_infos,
)

from tamis.extract.blocks import FEATURES
from tamis.extract.chrome import CHROME_GATE, ChromeGate
from tamis.extract.folds import FOLDS
from tamis.extract.score import word_prf

GRID = [
    ChromeGate(max_words, share, link_words)
    for max_words in (5, 8, 12)
    for share in (0.5, 0.67, 1.0)
    for link_words in (0, 3)
]
_POSITION = FEATURES.index("position")
_WORD = re.compile(r"\w+")


class PageProbabilities:
    """One page's block model, its keep probabilities computed once for every block: the rows
    a caller passes are found again by their position signal (block index / blocks), unique
    on a page."""

    def __init__(self, model, blocks) -> None:
        self.threshold = model.threshold
        self.uses_trafilatura = model.uses_trafilatura
        self.n = len(blocks.lines)
        self.all = model.keep_probability(blocks.features, blocks.norms) if self.n else np.zeros(0)

    def keep_probability(self, features: np.ndarray, norms=None) -> np.ndarray:
        index = np.rint(features[:, _POSITION].astype(np.float64) * self.n).astype(np.int64)
        return self.all[index]


def page_probabilities(cache: dict, loaded: dict, fold: dict, key: str) -> dict:
    """Every page's :class:`PageProbabilities` by its fold's model (cached in bench/work/)."""
    path = CACHE.with_name("gate_probabilities.pkl")
    if path.exists():
        return pickle.loads(path.read_bytes())
    out = {fid: PageProbabilities(loaded[fold[fid]], cache[fid][key][3]) for fid in sorted(cache)}
    path.write_bytes(pickle.dumps(out))
    return out


def held_back(cache: dict, per_page: dict, refs: dict, key: str, gate: ChromeGate | None) -> tuple:
    """(blocks the model would add that ``gate`` holds back, how many of them the reference
    holds) over the pages that reach the block stage: the gate's own precision, which word-F1
    barely sees (these blocks are short); with no gate, every block the model would add. A
    block counts as held by the reference when its words occur there in a row, which a short
    block can do by chance: the counts of "in the reference" are upper bounds."""
    from tamis.extract.blocks import norm
    from tamis.extract.core import COVERS_PAGE_SHARE

    total = in_reference = 0
    for fid, ref in refs.items():
        traf, _resi, page_words, blocks = cache[fid][key]
        if traf and len(_WORD.findall(traf)) >= COVERS_PAGE_SHARE * max(page_words, 1):
            continue
        base_norm, ref_norm = norm(traf or ""), norm(ref)
        probability = per_page[fid].all
        links = blocks.features[:, FEATURES.index("link_per_word")]
        for i, n in enumerate(blocks.norms):
            if n in base_norm or probability[i] < per_page[fid].threshold:
                continue
            if gate is None or gate.blocks(n, links[i]):
                total += 1
                in_reference += n in ref_norm
    return total, in_reference


def gate_name(gate: ChromeGate | None) -> str:
    if gate is None:
        return "no gate (every block the model adds)"
    return f"<= {gate.max_words} words, share >= {gate.share:g}, link rule <= {gate.link_words}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--trees", type=int, default=150)
    parser.add_argument("--depth", type=int, default=6)
    parser.add_argument(
        "--shipped-only", action="store_true", help="score only no gate and the shipped gate"
    )
    args = parser.parse_args()
    started = time.time()
    from tamis.extract.model import BlockModel

    cache = page_cache(args.workers)
    infos = page_infos(args.workers)
    defaults = default_texts(args.workers)
    params_of, fold = fold_models(cache, infos, False, args.trees, args.depth, args.workers)
    loaded = {k: BlockModel(p) for k, p in params_of.items()}
    key = "base_False"
    per_page = page_probabilities(cache, loaded, fold, key)
    for fid in sorted(cache)[:40]:  # the shortcut writes what the model itself writes
        direct = auto_text(cache[fid][key], loaded[fold[fid]], infos[fid], defaults[fid])
        assert direct == auto_text(cache[fid][key], per_page[fid], infos[fid], defaults[fid])

    def texts(gate) -> dict[str, str]:
        return {
            fid: auto_text(cache[fid][key], per_page[fid], infos[fid], defaults[fid], gate=gate)
            for fid in cache
        }

    grid = [] if args.shipped_only else GRID
    settings = [None, *grid, *([CHROME_GATE] if CHROME_GATE not in grid else [])]
    outputs = {gate_name(g): texts(g) for g in settings}
    refs = {fid: ref for fid, _, ref in wcxb_pages()}
    f1 = {
        name: {fid: word_prf(out[fid], refs[fid]).f1 for fid in refs}
        for name, out in outputs.items()
    }
    chosen: dict[int, str] = {}
    for k in range(FOLDS):
        others = [fid for fid in refs if fold[fid] != k]
        chosen[k] = max(f1, key=lambda name: statistics.mean(f1[name][fid] for fid in others))
    out_of_fold = {fid: outputs[chosen[fold[fid]]][fid] for fid in refs}
    shipped = gate_name(CHROME_GATE)
    types = {fid: page_type for fid, page_type, _ in wcxb_pages()}

    def gain(group: str) -> float:
        fids = [fid for fid in refs if group in ("all", types[fid])]
        return statistics.mean(f1[shipped][fid] - f1[gate_name(None)][fid] for fid in fids)

    systems = {
        "gate chosen on the other four folds": out_of_fold,
        f"shipped gate ({shipped})": outputs[shipped],
        **outputs,
        "trafilatura": {fid: cache[fid]["trafilatura"] for fid in refs},
    }
    lines = [
        f"<!-- {machine()}; command: {' '.join(sys.argv)}; {time.time() - started:.0f} s -->",
        *folds_table(systems, tuple(range(FOLDS))),
        "Shipped gate minus no gate: "
        + ", ".join(f"{g} {gain(g):+.4f}" for g in ["all", *sorted(set(types.values()))]),
        "",
        "Setting chosen by each fold's other four folds: "
        + "; ".join(f"fold {k}: {name}" for k, name in chosen.items()),
        "",
        "Blocks the model would add that each setting holds back (pages that reach the block "
        "stage, every fold's pages by its own model), and how many of them the reference holds:",
        "",
        "| setting | held back | in the reference | not in it |",
        "|---|---:|---:|---:|",
    ]
    for gate in settings:
        total, good = held_back(cache, per_page, refs, key, gate)
        share = (total - good) / max(total, 1)
        lines.append(f"| {gate_name(gate)} | {total} | {good} | {total - good} ({share:.0%}) |")
    lines.append("")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
