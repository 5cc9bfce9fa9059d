"""IBANs in real text, judged by hand: every IBAN ``find_pii`` reports and every IBAN-shaped
string it leaves, in the sources of two IBAN libraries as published on PyPI.

No text installed on this machine holds an IBAN (``grep -r IBAN`` over ``/usr/share/doc``, the
Python and Perl libraries, npm's packages and ``../shared/data`` finds the word only in
certificate names and a date library), so the text is the source distributions of two
libraries that validate IBANs, fetched with pip into a folder outside the project:

    .venv/bin/pip download python-stdnum==2.2 schwifty==2026.10.1 --no-deps \
        --no-binary :all: -d /tmp/tamis-iban-sdists

- ``stdnum`` (python-stdnum 2.2: its modules, doctests, documentation): the IBAN registry's
  examples and bank customers' IBANs as people write them (``ES 58 0049 ...``,
  ``ES15-0049-1806-...``, ``NO07.8380.08.06006``), IBANs with broken checksums or lengths kept
  as counter-examples, and hundreds of other identifiers in IBAN-like shapes (VAT numbers,
  ISINs, creditor references ``RF18 ...``, Spanish CUPS, excise numbers). Read while the
  grouped-IBAN rules were written: tuned.
- ``schwifty`` (schwifty 2026.10.1: its modules, tests, documentation, README): held out, read
  once when the grouped-IBAN rules were final (``bench/results/iban_samples_first.md``); the
  check-digit and account-format rules came after that reading, so it is tuned on now.

Each file is one document, given to ``find_pii`` as it is. Listed: every IBAN detection, and every
loose IBAN shape (an IBAN country's code, a space or none, two digits, then eleven to thirty
letters or digits with single spaces, dashes or dots between them) that no IBAN detection
covers. Verdicts and reasons: ``bench/iban_verdicts.json``; results:
``bench/results/iban_samples.md``.

    .venv/bin/python bench/iban_samples.py [--sdists DIR] [--sources stdnum,schwifty] [--list OUT]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tarfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
VERDICTS = Path(__file__).resolve().parent / "iban_verdicts.json"
CONTEXT = 60
SDISTS = {
    "stdnum": ("python_stdnum-2.2.tar.gz", "tuned"),
    # read once with the rules of its first reading (iban_samples_first.md), tuned on since
    "schwifty": ("schwifty-2026.10.1.tar.gz", "held out, then tuned"),
}
TEXT_SUFFIXES = (".py", ".doctest", ".rst", ".md", ".txt")

sys.path.insert(0, str(ROOT / "src"))

from tamis.pii.detectors import IBAN, IBAN_LENGTHS, find_pii  # noqa: E402

_LOOSE = re.compile(r"(?<![\w])[A-Z]{2} ?\d{2}(?:[ .-]?[A-Za-z0-9]){11,30}(?![\w])")


def documents(archive: Path) -> list[tuple[str, str]]:
    """The text files of a source distribution, each as one document."""
    out = []
    with tarfile.open(archive) as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            if member.isfile() and member.name.endswith(TEXT_SUFFIXES):
                data = tar.extractfile(member).read()
                out.append((member.name.split("/", 1)[1], data.decode("utf-8", "replace")))
    return out


def items_of(source: str, name: str, text: str) -> list[dict]:
    spans = find_pii(text)
    ibans = [(s, e) for s, e, k in spans if k == IBAN]
    out = []
    for s, e in ibans:
        out.append(dict(kind="iban", start=s, end=e))
    for m in _LOOSE.finditer(text):
        s, e = m.span()
        if m.group()[:2] in IBAN_LENGTHS and not any(s < b and a < e for a, b in ibans):
            taken = [k for a, b, k in spans if s < b and a < e]
            out.append(dict(kind="iban?", start=s, end=e, taken=",".join(taken)))
    for item in out:
        s, e = item.pop("start"), item.pop("end")
        item.update(source=source, doc=name, value=text[s:e])
        item.update(before=text[max(0, s - CONTEXT) : s], after=text[e : e + CONTEXT])
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sdists", type=Path, default=Path("/tmp/tamis-iban-sdists"))
    parser.add_argument("--list", type=Path, help="write every listed item (JSON lines) here")
    parser.add_argument("--sources", default=",".join(SDISTS))
    args = parser.parse_args()
    started = time.time()
    verdicts = json.loads(VERDICTS.read_text(encoding="utf-8")) if VERDICTS.exists() else {}
    items, sizes = [], {}
    for source in args.sources.split(","):
        archive = SDISTS[source][0]
        path = args.sdists / archive
        if not path.exists():
            sys.exit(f"{path} is missing: fetch it with the pip command of this file's docstring")
        docs = documents(path)
        sizes[source] = (len(docs), sum(len(t) for _, t in docs))
        for name, text in docs:
            items += items_of(source, name, text)
    seen: Counter = Counter()
    for item in items:  # the n-th time a value shows in a document names it
        name = f"{item['source']}/{item['doc']}|{item['kind']}|{item['value']}"
        seen[name] += 1
        item["key"] = f"{name}|{seen[name]}"
    if args.list:
        with open(args.list, "w", encoding="utf-8") as f:
            for item in items:
                f.write(json.dumps(item, ensure_ascii=False) + "\n")
    tally: dict[tuple[str, str], Counter] = {}
    for item in items:
        v = verdicts.get(item["key"])
        c = tally.setdefault((item["source"], item["kind"]), Counter())
        c["unjudged" if v is None else ("right" if v["ok"] else "wrong")] += 1
    rows = [
        "| source | part | documents | characters | IBAN detections | judged IBANs | not IBANs | "
        "precision | IBAN shapes left | real IBANs among them | recall | unjudged |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for source in sizes:
        part = SDISTS[source][1]
        d, c = tally.get((source, "iban"), Counter()), tally.get((source, "iban?"), Counter())
        judged = d["right"] + d["wrong"]
        real = d["right"] + c["right"]
        rows.append(
            f"| {source} | {part} | {sizes[source][0]:,} | {sizes[source][1]:,} | "
            f"{sum(d.values())} | {d['right']} | {d['wrong']} | "
            f"{d['right'] / judged:.1%} | {sum(c.values())} | {c['right']} | "
            f"{d['right'] / real:.1%} | {d['unjudged'] + c['unjudged']} |"
            if judged and real
            else f"| {source} | {part} | {sizes[source][0]:,} | {sizes[source][1]:,} | "
            f"{sum(d.values())} | {d['right']} | {d['wrong']} | – | {sum(c.values())} | "
            f"{c['right']} | – | {d['unjudged'] + c['unjudged']} |"
        )
    section = [
        "# IBANs in real text: every detection and every IBAN shape left, judged by hand",
        "",
        f"Command: `.venv/bin/python bench/iban_samples.py` ({time.time() - started:.0f} s), on the "
        "source distributions its docstring names. A detection is right when the text writes an "
        "IBAN there (an example, a customer's, a test's valid value), exactly that span; a shape "
        "left is a real IBAN missed when the text writes a valid IBAN there (broken checksums, "
        "wrong lengths and other identifiers are not IBANs). Recall = judged IBANs found / (found "
        "+ missed). Verdicts and reasons: `bench/iban_verdicts.json`.",
        "",
        *rows,
        "",
        "## The listed items",
        "",
    ]
    for source in sizes:
        for kind in ("iban", "iban?"):
            group = [it for it in items if it["source"] == source and it["kind"] == kind]
            if not group:
                continue
            section += [f"### {source}, {kind} ({len(group)})", ""]
            for i, it in enumerate(group, 1):
                v = verdicts.get(it["key"])
                mark = "? unjudged" if v is None else ("✓ " if v["ok"] else "✗ ") + v["why"]
                taken = f" (taken as {it['taken']})" if it.get("taken") else ""
                section.append(
                    f"{i}. {mark}{taken} `{it['doc']}`: …{it['before']!r} "
                    f"**[{it['value']!r}]** {it['after']!r}…"
                )
            section.append("")
    out = RESULTS / "iban_samples.md"
    out.write_text("\n".join(section).rstrip() + "\n", encoding="utf-8")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
