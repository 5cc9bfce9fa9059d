"""Precision (and IPv4 recall) of ``pii`` and of the single-document ``clean`` rules on real text
that no rule was written against: the held-out measure of ``bench/crawl_samples.py``.

Sources, grouped in the results:

- ``chardet``: the chardet project's real web pages and feeds (``../shared/data/encoding/
  chardet/``, 50 encodings), decoded with their folder's encoding and read by tamis's own HTML
  extraction (feeds too: ``extract`` reads their markup); ``.txt`` and subtitle files as they are.
  EUC-TW has no Python codec and is left out.
- ``debian-changelog``: the ``changelog.Debian.gz`` of every Debian package installed on this
  machine (``/usr/share/doc``), their first ``HEAD_CHARS`` characters (the newest entries):
  maintainers' addresses, version numbers of every shape, bug numbers, dates.
- ``upstream-changelog``: the upstream ``changelog.gz`` and ``NEWS.gz`` files installed there.
- ``man``: the manual pages of sections 5, 7 and 8 installed here, and those of section 1 that
  hold a dotted quad, rendered to text by ``man`` (kept rendered in the temporary folder for the
  next run): example addresses, networks, versions.

The Debian files are read from where the operating system installed them; nothing is copied
into the project, so this benchmark runs on a machine with those packages (it says which pages
it found) and is not part of the test suite.

Every source is split in two by a hash of each document's name: part A was read first, before
any rule changed, and the rules were then changed on what it showed (so part A is tuned on
now); part B was kept unread as the final check and read only once the rules were final. Both
are reported, apart, beside the tuned crawl pages of ``crawl_samples.py``.

Every ``pii`` detection of kind IP, CARD and IBAN is listed; e-mail and phone detections are
drawn, ``PII_SAMPLE`` per source and part at most, with a fixed seed. Every IPv4-shaped string
in the cleaned text (before ``pii``) is a recall candidate, judged address or not. The
single-document ``clean`` rules ``glued_tag`` and ``truncated_sentence`` have all their edits
listed. Each listed item carries a verdict and a one-phrase reason in
``bench/heldout_verdicts.json`` (kept apart from the tuned ``crawl_verdicts.json``); an item
without one is shown as unjudged and counted apart, never as right. The file also keeps the
verdicts of detections that earlier rules made and the final ones no longer make (the first
reading of each part, which ``bench/RESULTS.md`` reports).

    .venv/bin/python bench/heldout_samples.py            # writes bench/results/heldout_samples.md
    .venv/bin/python bench/heldout_samples.py --list OUT # also every detection, for judging
"""

from __future__ import annotations

import argparse
import codecs
import gzip
import hashlib
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
CHARDET = DATA / "encoding" / "chardet"
DOC = Path("/usr/share/doc")
MAN = Path("/usr/share/man")
RESULTS = ROOT / "bench" / "results"
VERDICTS = Path(__file__).resolve().parent / "heldout_verdicts.json"
HEAD_CHARS = 6000
PII_SAMPLE = 40
SEED = 20261207
CONTEXT = 60
LISTED_KINDS = ("ip", "card", "iban")
CLEAN_RULES = ("glued_tag", "truncated_sentence")

sys.path.insert(0, str(ROOT / "src"))

from tamis.document import Document, replay  # noqa: E402
from tamis.extract.core import extract  # noqa: E402
from tamis.pii.detectors import _IPV4  # noqa: E402
from tamis.stages.base import stage_class  # noqa: E402

# --- the documents -----------------------------------------------------------------------------


def _folder_encoding(folder: str) -> str:
    """chardet names folders ``<encoding>-<language>`` ("windows-1250-czech")."""
    for prefix in ("iso-8859-", "windows-12"):
        if folder.startswith(prefix):
            return "-".join(folder.split("-")[: 3 if prefix == "iso-8859-" else 2])
    return folder


def chardet_pages() -> list[tuple[str, str]]:
    out = []
    for path in sorted(CHARDET.glob("*/*")):
        if path.name in ("LICENSE", "README.txt") or not path.is_file():
            continue
        encoding = _folder_encoding(path.parent.name)
        try:
            codecs.lookup(encoding)
        except LookupError:
            continue  # EUC-TW: no codec in Python
        raw = path.read_bytes().decode(encoding)
        text = extract(raw).text if path.suffix in (".html", ".xml") else raw
        out.append((f"{path.parent.name}/{path.name}", text))
    return out


def _head(path: Path) -> str:
    with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
        return f.read(HEAD_CHARS)


def debian_changelogs() -> list[tuple[str, str]]:
    return [(p.parent.name, _head(p)) for p in sorted(DOC.glob("*/changelog.Debian.gz"))]


def upstream_changelogs() -> list[tuple[str, str]]:
    paths = sorted([*DOC.glob("*/changelog.gz"), *DOC.glob("*/NEWS.gz")])
    return [(f"{p.parent.name}/{p.name}", _head(p)) for p in paths]


def _has_dotted_quad(path: Path) -> bool:
    with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
        return _IPV4.search(f.read()) is not None


def man_pages() -> list[tuple[str, str]]:
    """Rendered manual pages, one of each: a page that is another's text (``slogin`` is ``ssh``)
    and the ``gcloud alpha`` and ``gcloud beta`` copies of a ``gcloud`` page are left out."""
    if shutil.which("man") is None:
        return []  # no man-db here: the source is reported empty
    paths = [p for s in ("man5", "man7", "man8") for p in sorted((MAN / s).glob("*.gz"))]
    paths += [p for p in sorted((MAN / "man1").glob("*.gz")) if _has_dotted_quad(p)]
    paths = [p for p in paths if not p.name.startswith(("gcloud_alpha_", "gcloud_beta_"))]
    cache = Path(tempfile.gettempdir()) / "tamis-heldout-man.json"
    rendered = json.loads(cache.read_text(encoding="utf-8")) if cache.exists() else {}
    env = {"MANWIDTH": "80", "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin", "MAN_DISABLE_SECCOMP": "1"}
    out, texts = [], set()
    for path in paths:
        key = f"{path}|{path.stat().st_mtime_ns}"
        if key not in rendered:
            run = subprocess.run(
                ["man", "-l", str(path)], capture_output=True, env=env, check=False, timeout=60
            )
            rendered[key] = run.stdout.decode("utf-8", "replace")
        text = rendered[key]
        if text.strip() and text not in texts:
            texts.add(text)
            out.append((f"{path.parent.name}/{path.name.removesuffix('.gz')}", text))
    cache.write_text(json.dumps(rendered), encoding="utf-8")
    return out


SOURCES = {
    "chardet": chardet_pages,
    "debian-changelog": debian_changelogs,
    "upstream-changelog": upstream_changelogs,
    "man": man_pages,
}


def part_of(name: str) -> str:
    """A or B, from a hash of the document's name: the same split on every run."""
    return "AB"[hashlib.sha1(name.encode()).digest()[0] % 2]


# --- running and listing -----------------------------------------------------------------------


def _context(text: str, start: int, end: int) -> tuple[str, str]:
    return text[max(0, start - CONTEXT) : start], text[end : end + CONTEXT]


def _pii_spans(doc: Document) -> list[tuple[int, int, str]]:
    """The pii edits as spans of the text ``pii`` was given: each edit's ``pos`` is in the text
    as the edits before it left it, so the earlier ones' change of length is taken back."""
    spans, shift = [], 0
    for e in doc.edits:
        if e.stage == "pii":
            start = e.pos - shift
            spans.append((start, start + len(e.removed), e.rule))
            shift += len(e.inserted) - len(e.removed)
    return spans


def run_source(
    source: str, docs: list[tuple[str, str]], part_of_doc=None, extra=None
) -> tuple[list[dict], Counter]:
    """Every item to judge in one source, and the size of each part (``part_of_doc`` names a
    document's part, the hash split by default; ``extra`` adds items, see ``document_items``)."""
    stages = [stage_class(name)() for name in ("repair", "clean", "pii")]
    items: list[dict] = []
    sizes: Counter = Counter()
    for name, text in docs:
        part = (part_of_doc or part_of)(f"{source}/{name}")
        sizes[f"{part} docs"] += 1
        sizes[f"{part} chars"] += len(text)
        for kind, value, before, after, detected in document_items(name, text, stages, extra):
            item = dict(source=source, doc=name, part=part, kind=kind, value=value)
            item.update(before=before, after=after, detected=detected)
            items.append(item)
    seen: Counter = Counter()
    for item in items:  # the n-th time a value of a kind shows in a document names it
        name = f"{item['source']}/{item['doc']}|{item['kind']}|{item['value']}"
        seen[name] += 1
        item["key"] = f"{name}|{seen[name]}"
    return items, sizes


def document_items(
    name: str, text: str, stages: list, extra=None
) -> list[tuple[str, str, str, str, bool]]:
    """(kind, value, before, after, replaced) of one document: its glued_tag and
    truncated_sentence edits, every IPv4-shaped string of the cleaned text (replaced or not by
    ``pii``), every other pii detection; and what ``extra(cleaned, spans)`` adds (recall
    candidates: values the detections may have missed)."""
    repair, clean, pii = stages
    doc = Document(name, text, {"path": "held-out", "index": 0})
    repair.process(doc)
    clean.process(doc)
    out = []
    for k, e in enumerate(doc.edits):
        if e.stage == "clean" and e.rule in CLEAN_RULES:
            then = replay(doc.original_text(), doc.edits[:k])
            out.append((e.rule, e.removed, *_context(then, e.pos, e.pos + len(e.removed)), True))
    cleaned = doc.text
    pii.process(doc)
    spans = _pii_spans(doc)
    replaced_ipv4 = {(s, e) for s, e, kind in spans if kind == "ip" and "." in cleaned[s:e]}
    for m in _IPV4.finditer(cleaned):
        out.append(("ipv4", m.group(), *_context(cleaned, *m.span()), m.span() in replaced_ipv4))
    for start, end, kind in spans:
        if (start, end) not in replaced_ipv4:
            out.append((kind, cleaned[start:end], *_context(cleaned, start, end), True))
    if extra is not None:
        out.extend(extra(cleaned, spans))
    return out


# --- choosing, judging, counting ---------------------------------------------------------------


def listed(items: list[dict]) -> list[dict]:
    """What is judged: all IPv4-shaped strings, IPv6, card, IBAN detections and clean edits;
    e-mail and phone detections drawn, ``PII_SAMPLE`` per source, part and kind."""
    groups: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for item in items:
        groups[(item["source"], item["part"], item["kind"])].append(item)
    out = []
    for (source, part, kind), group in sorted(groups.items()):
        if kind in ("email", "phone") and len(group) > PII_SAMPLE:
            group = random.Random(f"{SEED}-{source}-{part}-{kind}").sample(group, PII_SAMPLE)
        out.extend(group)
    return out


def tallies(chosen: list[dict], verdicts: dict[str, dict]) -> dict[tuple[str, str, str], Counter]:
    """Per (part, source, kind): detections judged right, wrong and unjudged; for IPv4-shaped
    strings also the addresses found and missed (recall)."""
    out: dict[tuple[str, str, str], Counter] = defaultdict(Counter)
    for item in chosen:
        v = verdicts.get(item["key"])
        c = out[(item["part"], item["source"], item["kind"])]
        if item["kind"] == "ipv4":
            if v is None:
                c["unjudged"] += 1
            elif v["ok"]:
                c["found" if item["detected"] else "missed"] += 1
            else:
                c["wrongly replaced" if item["detected"] else "rightly left"] += 1
        else:
            c["unjudged" if v is None else ("right" if v["ok"] else "wrong")] += 1
    return out


def _share(good: int, total: int) -> str:
    return f"{good / total:.1%}" if total else "–"


def precision_table(part: str, t: dict, totals: Counter) -> list[str]:
    rows = [
        "| source | kind | detections | listed | judged right | judged wrong | unjudged | precision |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    sources = sorted({s for p, s, _ in t if p == part} | {s for p, s, _ in totals if p == part})
    for source in sources:
        for kind in ("email", "phone", "ip", "card", "iban", *CLEAN_RULES):
            c = Counter(t.get((part, source, kind), Counter()))
            if kind == "ip":
                v4 = t.get((part, source, "ipv4"), Counter())
                c["right"] += v4["found"]
                c["wrong"] += v4["wrongly replaced"]
            n = totals[(part, source, kind)]
            listed_n = c["right"] + c["wrong"] + c["unjudged"]
            if not n and not listed_n:
                continue  # no detection of this kind in this source
            rows.append(
                f"| {source} | {kind} | {n:,} | {listed_n} | {c['right']} | {c['wrong']} | "
                f"{c['unjudged']} | {_share(c['right'], c['right'] + c['wrong'])} |"
            )
    return rows


def recall_table(part: str, t: dict) -> list[str]:
    rows = [
        "| source | IPv4-shaped strings | judged addresses | replaced | missed | recall | "
        "not addresses | of those replaced |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for (p, source, kind), c in sorted(t.items()):
        if p != part or kind != "ipv4":
            continue
        addresses = c["found"] + c["missed"]
        others = c["rightly left"] + c["wrongly replaced"]
        rows.append(
            f"| {source} | {sum(c.values()):,} | {addresses} | {c['found']} | {c['missed']} | "
            f"{_share(c['found'], addresses)} | {others} | {c['wrongly replaced']} |"
        )
    return rows


def item_line(i: int, item: dict, verdicts: dict[str, dict]) -> str:
    v = verdicts.get(item["key"])
    if v is None:
        mark = "? unjudged"
    elif item["kind"] == "ipv4":
        mark = ("address" if v["ok"] else "not an address") + f": {v['why']}"
        mark = ("replaced, " if item["detected"] else "left, ") + mark
    else:
        mark = ("✓ " if v["ok"] else "✗ ") + v["why"]
    return (
        f"{i}. {mark} `{item['doc']}`: …{item['before']!r} **[{item['value'][:120]!r}]** "
        f"{item['after']!r}…"
    )


def listed_items(chosen, sizes, totals, verdicts, parts: str, heading: str) -> list[str]:
    """The judged items of a results file, by part and source (``heading``), then by kind."""
    section = ["## The listed items", ""]
    for part in parts:
        for source in sizes:
            group = [it for it in chosen if it["part"] == part and it["source"] == source]
            if not group:
                continue
            section += ["### " + heading.format(part=part, source=source), ""]
            for kind in sorted({it["kind"] for it in group}):
                of_kind = [it for it in group if it["kind"] == kind]
                section += [f"#### {kind} ({len(of_kind)} of {totals[(part, source, kind)]})", ""]
                section += [item_line(i, it, verdicts) for i, it in enumerate(of_kind, 1)]
                section.append("")
    return section


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--list", type=Path, help="write every item (JSON lines) here")
    parser.add_argument("--sources", default=",".join(SOURCES))
    args = parser.parse_args()
    started = time.time()
    verdicts = json.loads(VERDICTS.read_text(encoding="utf-8")) if VERDICTS.exists() else {}
    items, sizes = [], {}
    for source in args.sources.split(","):
        docs = SOURCES[source]()
        found, sizes[source] = run_source(source, docs)
        items += found
    totals = Counter((it["part"], it["source"], it["kind"]) for it in items)
    for it in items:  # an IPv4 address replaced is an IP detection
        totals[(it["part"], it["source"], "ip")] += it["kind"] == "ipv4" and it["detected"]
    chosen = listed(items)
    if args.list:
        with open(args.list, "w", encoding="utf-8") as f:
            for item in chosen:
                f.write(json.dumps(item, ensure_ascii=False) + "\n")
    t = tallies(chosen, verdicts)
    size_lines = [
        f"- `{source}`: part A {s['A docs']:,} documents ({s['A chars']:,} characters), "
        f"part B {s['B docs']:,} ({s['B chars']:,})"
        for source, s in sizes.items()
    ]
    section = [
        "# Held-out text: pii and single-document clean edits judged by hand",
        "",
        f"Command: `.venv/bin/python bench/heldout_samples.py` ({time.time() - started:.0f} s). "
        "Real text no rule was written against (see the module's docstring for the sources), "
        "split by a hash of each document's name into part A, read first (the pii rules were "
        "then changed on what it showed), and part B, kept unread as the final check. "
        "IPv4-shaped strings, IPv6, card and IBAN detections and "
        "`glued_tag` / `truncated_sentence` edits are all listed; e-mail and phone detections "
        f"are drawn, {PII_SAMPLE} per source, part and kind, seed {SEED}. Verdicts and reasons: "
        "`bench/heldout_verdicts.json`.",
        "",
        *size_lines,
        "",
    ]
    labels = (
        ("A", "part A (read first, then the rules were changed on it: tuned)"),
        (
            "B",
            "part B (held out: unread until the rules were final; its reading then showed a git "
            "remote and DHCP identifier bytes, whose two rules came after, so the first reading, "
            "in bench/RESULTS.md, is the held-out figure)",
        ),
    )
    for part, label in labels:
        section += [
            f"## Precision on {label}",
            "",
            *precision_table(part, t, totals),
            "",
            f"## IPv4 recall on {label}: every IPv4-shaped string, judged",
            "",
            *recall_table(part, t),
            "",
        ]
    section += listed_items(chosen, sizes, totals, verdicts, "AB", "Part {part}, {source}")
    out = RESULTS / "heldout_samples.md"
    out.write_text("\n".join(section).rstrip() + "\n", encoding="utf-8")
    print("\n".join(section[: section.index("## The listed items")]))


if __name__ == "__main__":
    main()
