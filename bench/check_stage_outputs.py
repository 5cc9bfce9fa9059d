"""Check that a speed change to repair, langid or url_filter (or to clean, boilerplate and pii
as the default recipe chains them) changes no output.

The sibling of ``check_clean_outputs.py`` (which runs clean, pii and boilerplate on the raw
text): here the four precision corpora of ``bench_clean.py`` go through the default recipe's
per-document chain, ``repair -> clean -> boilerplate (observe, merge, apply) -> pii ->
langid``, and every stage's edits, signals and verdicts are dumped; ``repair`` and ``langid``
also run on the raw text, langid with a short sample and per paragraph too. ``url_filter``
checks real page URLs (the WARC/ARC samples, cc-en-head, DCLM, IMDb) and URLs built from the
packaged lists (listed URLs, banned, soft-banned and sub-words, in and around other words).

    .venv/bin/python bench/check_stage_outputs.py save base     # before the change
    .venv/bin/python bench/check_stage_outputs.py check base    # after each step

Baselines go to bench/work/stages/ (git-ignored).
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASELINES = HERE / "work" / "stages"
sys.path.insert(0, str(HERE))

from bench_clean import read_sets, to_docs  # noqa: E402
from bench_url_filter import real_urls  # noqa: E402
from check_clean_outputs import edits_of, save_or_check  # noqa: E402

from tamis.stages.base import stage_class  # noqa: E402


def outcome(doc, stage):
    """What one stage left on one document: its edits, its signals and the verdict."""
    return edits_of(doc, stage), doc.signals.get(stage), doc.verdict


def constructed_urls() -> list[str]:
    """URLs built from the packaged lists, so every check of the filter is exercised."""
    from tamis.urls.lists import default_urls, default_words

    rng = random.Random(26)
    words = sorted(default_words("banned_words"))
    soft = sorted(default_words("soft_banned_words"))
    subs = sorted(default_words("banned_subwords"))
    listed = sorted(u for u in default_urls() if u)
    urls = [f"https://{u}" for u in rng.sample(listed, 500)] + rng.sample(listed, 500)
    urls += [f"https://example.com/{w}/page" for w in rng.sample(words, min(300, len(words)))]
    urls += [f"https://www.{w}.net/" for w in rng.sample(words, min(100, len(words)))]
    urls += [f"http://site.org/{a}-{b}.html" for a, b in zip(soft[::2], soft[1::2], strict=False)]
    urls += [f"http://site.org/{a}.html" for a in soft]
    urls += [f"https://blog.example/xx{s}yy/" for s in rng.sample(subs, min(200, len(subs)))]
    urls += [f"https://Ab.{s.upper()}q.com/" for s in rng.sample(subs, min(50, len(subs)))]
    urls += ["http://127.0.0.1/x", "localhost", "not a url", "https://", "ftp://a.b/c?d=e#f"]
    return urls


def dump() -> dict:
    out: dict = {}
    sets = read_sets()
    repair, clean, pii = stage_class("repair")(), stage_class("clean")(), stage_class("pii")()
    langid = stage_class("langid")()
    short = stage_class("langid")(stage_class("langid").Options(sample_chars=300))
    para = stage_class("langid")(stage_class("langid").Options(per_paragraph=True))
    low = stage_class("boilerplate").Options(min_docs=2, min_share=0.001, url_fields=())
    for name, records in sets.items():
        t = time.perf_counter()
        res: dict = {}
        raw = to_docs(name, records)
        langid.process_batch(raw)
        res["langid_raw"] = [outcome(d, "langid") for d in raw]
        raw = to_docs(name, records)
        short.process_batch(raw)
        res["langid_short"] = [outcome(d, "langid") for d in raw]
        raw = to_docs(name, records[:3000])
        para.process_batch(raw)
        res["langid_para"] = [outcome(d, "langid") for d in raw]
        for opts in (None, low):
            tag = "" if opts is None else "_low"
            docs = to_docs(name, records)
            for d in docs:
                repair.process(d)
            clean.process_batch(docs)
            boiler = stage_class("boilerplate")(opts)
            state = boiler.new_state()
            for start in range(0, len(docs), 1000):  # as the pipeline hands batches over
                boiler.observe(docs[start : start + 1000], state)
            with tempfile.TemporaryDirectory() as work:
                decision = boiler.merge(iter([state]), Path(work))
            boiler.apply(docs, decision)
            res["boilerplate" + tag] = [outcome(d, "boilerplate") for d in docs]
            res["decision" + tag] = sorted(decision.evidence.items())
            pii.process_batch(docs)
            langid.process_batch(docs)
            for stage in ("repair", "clean", "pii", "langid"):
                res[stage + tag] = [outcome(d, stage) for d in docs]
        print(f"{name}: {len(records)} docs, {time.perf_counter() - t:.1f}s", flush=True)
        out[name] = res
    urls = real_urls()
    urls += [r["url"] for r in sets["dclm-human"] if isinstance(r.get("url"), str)]
    urls += constructed_urls()
    checker = stage_class("url_filter")()
    docs = to_docs("urls", [{"text": "x", "url": u} for u in urls])
    docs += to_docs("urls", [{"text": "x"}, {"text": "x", "url": ""}])
    for d in docs:
        checker.process(d)
    out["urls"] = {"url_filter": [outcome(d, "url_filter") for d in docs]}
    blocked = sum(1 for d in docs if d.signals.get("url_filter", {}).get("reason"))
    print(f"urls: {len(docs)}, {blocked} blocked", flush=True)
    return out


def main() -> None:
    save_or_check(dump, BASELINES / f"stage_dump_{sys.argv[2]}.pkl")


if __name__ == "__main__":
    main()
