"""Check that a speed change to clean, pii or boilerplate changes no output.

Dumps every clean and pii edit, each document's boilerplate observe keys, the shard state and
the learned decisions (at the defaults and at a low threshold that does learn keys) on the four
precision corpora of ``bench_clean.py``. ``save NAME`` writes a baseline with the code as it is,
``check NAME`` compares the current code with it and prints IDENTICAL or each difference.
Baselines go to bench/work/clean/ (git-ignored; ~40 MB).

    .venv/bin/python bench/check_clean_outputs.py save base     # before the change
    .venv/bin/python bench/check_clean_outputs.py check base    # after each step
"""

from __future__ import annotations

import hashlib
import pickle
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASELINES = HERE / "work" / "clean"
sys.path.insert(0, str(HERE))

from bench_clean import read_sets, to_docs  # noqa: E402

from tamis.stages.base import stage_class  # noqa: E402


def edits_of(doc, stage):
    return tuple(
        (e.rule, e.pos, e.removed, e.inserted, e.reason) for e in doc.edits if e.stage == stage
    )


def dump() -> dict:
    out = {}
    sets = read_sets()
    clean = stage_class("clean")()
    pii = stage_class("pii")()
    for name, records in sets.items():
        t = time.perf_counter()
        docs = to_docs(name, records)
        clean.process_batch(docs)  # the batch form (chunks of many documents)
        tc = time.perf_counter() - t
        res = {"clean": [edits_of(d, "clean") for d in docs]}
        res["clean_signals"] = [d.signals.get("clean") for d in docs]
        # observe: per-document key sets and the shard state
        from tamis.clean.segments import keys as doc_keys
        from tamis.clean.segments import source_bits, units

        for opts in ({}, {"min_docs": 2, "min_share": 0.001, "url_fields": ()}):
            cls = stage_class("boilerplate")
            boiler = cls(cls.Options(**opts))
            hi_of = [source_bits(boiler._site(d)) for d in docs]
            res[f"keys{opts}"] = hashlib.sha256(
                pickle.dumps(
                    [sorted(doc_keys(d.text, h, 12)) for d, h in zip(docs, hi_of, strict=True)]
                )
            ).hexdigest()
            res[f"units{opts}"] = hashlib.sha256(
                pickle.dumps([units(d.text, 12) for d in docs])
            ).hexdigest()
            state = boiler.new_state()
            boiler.observe(docs, state)
            res[f"state{opts}"] = (
                state.keys.tobytes() if state.keys is not None else b"",
                state.counts.tobytes() if state.counts is not None else b"",
                sorted(state.site_docs.items()),
            )
            with tempfile.TemporaryDirectory() as work:
                decision = boiler.merge(iter([state]), Path(work))
            res[f"decision{opts}"] = sorted(decision.evidence.items())
            if opts:
                bdocs = to_docs(name, records)
                for d in bdocs:
                    clean.process(d)
                boiler.apply(bdocs, decision)
                res["boiler_apply"] = [edits_of(d, "boilerplate") for d in bdocs]
        t = time.perf_counter()
        for d in docs:
            pii.process(d)
        tp = time.perf_counter() - t
        res["pii"] = [edits_of(d, "pii") for d in docs]
        res["pii_signals"] = [d.signals.get("pii") for d in docs]
        # pii on the raw text too (before clean), so detectors see the wire tables as read
        raw = to_docs(name, records)
        for d in raw:
            pii.process(d)
        res["pii_raw"] = [edits_of(d, "pii") for d in raw]
        out[name] = res
        n_edits = sum(len(x) for x in res["clean"])
        print(
            f"{name}: {len(docs)} docs, {n_edits} clean edits, clean {tc:.1f}s, pii {tp:.1f}s, "
            f"learned {len(res['decision' + str({'min_docs': 2, 'min_share': 0.001, 'url_fields': ()})])}",
            flush=True,
        )
    return out


def save_or_check(dump_fn, path: Path) -> None:
    """``save``: write ``dump_fn()`` to ``path``; ``check``: compare it with what is there and
    print IDENTICAL or each difference (``sys.argv``: mode and baseline name)."""
    mode = sys.argv[1]
    path.parent.mkdir(parents=True, exist_ok=True)
    data = dump_fn()
    if mode == "save":
        path.write_bytes(pickle.dumps(data))
        print("saved", path)
        return
    base = pickle.loads(path.read_bytes())
    bad = 0
    for name, res in base.items():
        for key, value in res.items():
            got = data[name][key]
            if got == value:
                continue
            bad += 1
            if isinstance(value, list):
                if len(value) != len(got):
                    print(f"DIFF {name} {key}: {len(value)} items before, {len(got)} now")
                    continue
                diffs = [i for i, (a, b) in enumerate(zip(value, got, strict=True)) if a != b]
                print(f"DIFF {name} {key}: {len(diffs)} items differ, first {diffs[:5]}")
                for i in diffs[:2]:
                    print("  base:", str(value[i])[:600])
                    print("  got: ", str(got[i])[:600])
            else:
                print(f"DIFF {name} {key}")
    print("IDENTICAL" if not bad else f"{bad} DIFFERENCES")


def main() -> None:
    save_or_check(dump, BASELINES / f"edit_dump_{sys.argv[2]}.pkl")


if __name__ == "__main__":
    main()
