"""How a change of the IPv4 rules decides every dotted quad already judged: the IPv4-shaped
strings of the five held-out readings (each judged an address or not, in
``heldout_verdicts*.json``) and the IP detections of the crawl pages (all judged right, see
``results/clean_samples.md``). For each judged string the earlier rules (a git revision) and the
rules of the working tree say replaced or left; the tallies and every string whose fate changed
are printed, so that a rule that decides by evidence of an address can be weighed on the whole
of the tuned material at once: the true addresses it loses, the look-alikes it lets through.

The cleaned texts (``repair`` and ``clean`` run as the readings run them) of the documents that
hold a dotted quad are kept in ``bench/work/ip_evidence_docs.json.gz`` after the first run.

    .venv/bin/python bench/ip_evidence.py REV [--rebuild]
"""

from __future__ import annotations

import argparse
import gzip
import json
from collections import Counter
from pathlib import Path

from heldout_samples import ROOT
from heldout_samples import SOURCES as FIRST_SOURCES
from heldout_samples2 import SOURCES as SECOND_SOURCES
from heldout_samples3 import SOURCES as THIRD_SOURCES
from heldout_samples4 import SOURCES as FOURTH_SOURCES
from heldout_samples5 import SOURCES as FIFTH_SOURCES
from pii_rule_diff import detectors_at

from tamis.document import Document
from tamis.pii import detectors
from tamis.stages.base import stage_class

BENCH = Path(__file__).resolve().parent
CACHE = ROOT / "bench" / "work" / "ip_evidence_docs.json.gz"
READINGS = [
    (FIRST_SOURCES, "heldout_verdicts.json"),
    (SECOND_SOURCES, "heldout_verdicts2.json"),
    (THIRD_SOURCES, "heldout_verdicts3.json"),
    (FOURTH_SOURCES, "heldout_verdicts4.json"),
    (FIFTH_SOURCES, "heldout_verdicts5.json"),
]


def _cleaned(text: str, stages: list) -> str:
    doc = Document("d", text, {"path": "p", "index": 0})
    for stage in stages:
        stage.process(doc)
    return doc.text


def build_cache() -> list[dict]:
    """Every document of the readings and the crawl pages that holds a dotted quad, cleaned."""
    from crawl_samples import extracted_pages, held_out_pages, set_of

    docs = []
    stages = [stage_class(name)() for name in ("repair", "clean")]
    for sources, verdicts in READINGS:
        for source, read in sources.items():
            for name, text in read():
                if detectors._IPV4.search(text):
                    cleaned = _cleaned(text, stages)
                    docs.append(dict(reading=verdicts, source=source, doc=name, text=cleaned))
    clean = stage_class("clean")()
    for rec in extracted_pages(None) + held_out_pages():
        if detectors._IPV4.search(rec["text"]):
            name = str(rec.get("id", ""))
            docs.append(
                dict(
                    reading="crawl",
                    source=set_of(rec),
                    doc=name,
                    text=_cleaned(rec["text"], [clean]),
                )
            )
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(CACHE, "wt", encoding="utf-8") as f:
        json.dump(docs, f)
    return docs


def ipv4_detected(module, text: str) -> set[tuple[int, int]]:
    return {(s, e) for s, e, k in module.find_pii(text, ("EMAIL", "IP")) if k == "IP"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rev", help="the git revision whose rules are compared")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    if args.rebuild or not CACHE.exists():
        docs = build_cache()
    else:
        with gzip.open(CACHE, "rt", encoding="utf-8") as f:
            docs = json.load(f)
    earlier = detectors_at(args.rev)
    verdicts = {
        name: json.loads((BENCH / name).read_text(encoding="utf-8")) for _, name in READINGS
    }
    tally: Counter = Counter()
    changed = []
    for d in docs:
        text = d["text"]
        then, now = ipv4_detected(earlier, text), ipv4_detected(detectors, text)
        seen: Counter = Counter()
        for m in detectors._IPV4.finditer(text):
            value = m.group()
            seen[value] += 1
            if d["reading"] == "crawl":
                # crawl pages: the detections of the earlier rules were all judged right
                truth = True if m.span() in then else None
            else:
                key = f"{d['source']}/{d['doc']}|ipv4|{value}|{seen[value]}"
                v = verdicts[d["reading"]].get(key)
                truth = None if v is None else v["ok"]
            label = {True: "address", False: "not an address", None: "unjudged"}[truth]
            fate = ("replaced" if m.span() in then else "left") + " → "
            fate += "replaced" if m.span() in now else "left"
            tally[(d["reading"], label, fate)] += 1
            if (m.span() in then) != (m.span() in now):
                changed.append(
                    f"{label}, {fate} `{d['source']}/{d['doc'][-50:]}`: "
                    f"…{text[max(0, m.start() - 70) : m.start()]!r} **[{value}]** "
                    f"{text[m.end() : m.end() + 40]!r}…"
                )
    print("| reading | judged | earlier → now | strings |\n|---|---|---|---:|")
    for (reading, label, fate), n in sorted(tally.items()):
        print(f"| {reading} | {label} | {fate} | {n} |")
    totals: Counter = Counter()
    for (_, label, fate), n in tally.items():
        totals[(label, fate)] += n
    print("\n| all readings | earlier → now | strings |\n|---|---|---:|")
    for (label, fate), n in sorted(totals.items()):
        print(f"| {label} | {fate} | {n} |")
    print(f"\n## {len(changed)} strings whose fate changed", *changed, sep="\n")


if __name__ == "__main__":
    main()
