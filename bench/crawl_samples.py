"""Precision of ``clean`` and ``pii`` on real crawl pages, and ``pii`` recall on generated values
embedded in those pages.

The pages are the Common Crawl WARC/ARC samples of ``../shared/data/warc/`` and the extraction
benchmark pages (``../shared/data/extraction/``: AEB news pages, WCXB's seven page types), read
and extracted by tamis itself (``extract`` then ``repair``, as the default recipe runs them), then
cleaned and redacted. Held out from the pii tuning: the DCLM crawl documents and the dolma Common
Crawl head (``../shared/data/quality``, ``../shared/data/text``), whose ``pii`` edits were not
read while the rules were written; they are sampled and judged the same way (the ``clean`` rules
were written reading all of these sets).

Precision: every ``pii`` edit is listed (they are few) and up to ``PER_RULE`` ``clean`` edits per
rule are drawn with a fixed seed. Each was read and judged: ``crawl_verdicts.json`` beside
this file holds a verdict and its reason per listed edit (``{"ok": ..., "why": ...}``; a bare
string is a wrong edit's reason, as the first samples were kept); an edit with no verdict is
counted unjudged. The sample and the tallies go to ``bench/results/clean_samples.md`` (its
section below the crawl marker; ``bench_clean.py precision`` keeps that section when it
rewrites the file).

Recall: values of each kind are generated (valid ones: e-mail addresses, phones in the formats
people print, public IPv4 and IPv6 addresses, cards that pass Luhn with a real issuer prefix,
IBANs of every country with a correct checksum in every grouping), each written into a random
crawl page at a random sentence start with a lead people write before it (or none), and counted
found when ``find_pii`` returns exactly its span and kind.

    .venv/bin/python bench/crawl_samples.py [--pages OUT] [--recall-only [--ip-in-address-context]]

OUT is an earlier ``--stages extract,repair`` run of the pages; ``--recall-only`` prints the
generated-value recall alone (the check of a rule change). IP addresses are generated bare at a
sentence start for one in seven (the IPv4 rule asks a dotted quad shaped as a version, with a
single-digit first part and small parts or every part below 30, for evidence of an address
beside it, and such a place has none);
``--ip-in-address-context`` measures IP recall with every address after a lead that names one
(``server``, ``from``, ``http://`` ...), the variant of the generator where real addresses stand.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import string
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "bench" / "results"
VERDICTS = Path(__file__).resolve().parent / "crawl_verdicts.json"
MARKER = "<!-- crawl pages: written by bench/crawl_samples.py -->"
PER_RULE = 30
SEED = 20261206
RECALL_PER_KIND = 2000

sys.path.insert(0, str(ROOT / "src"))

from tamis.document import Document, replay  # noqa: E402
from tamis.io.output import read_records  # noqa: E402
from tamis.pii.calling_codes import CALLING_CODES  # noqa: E402
from tamis.pii.detectors import IBAN_LENGTHS, bban_kinds, find_pii, luhn_ok  # noqa: E402
from tamis.stages.base import stage_class  # noqa: E402

# --- the pages ---------------------------------------------------------------------------------


def extracted_pages(pages: Path | None) -> list[dict]:
    """The crawl and benchmark pages as tamis extracts and repairs them."""
    if pages is None:
        pages = Path(tempfile.mkdtemp(prefix="tamis-crawl-")) / "out"
        inputs = [
            DATA / "warc",
            DATA / "extraction" / "scrapinghub-aeb" / "html",
            DATA / "extraction" / "wcxb-dev" / "html",
        ]
        cmd = [str(ROOT / ".venv" / "bin" / "tamis"), "clean", *map(str, inputs), "-o"]
        cmd += [str(pages), "--stages", "extract,repair", "--quiet", "--no-report"]
        subprocess.run(cmd + ["--output-format", "jsonl"], check=True)
    records = []
    for path in sorted((pages / "kept").iterdir()):
        records.extend(read_records(path))
    return records


def held_out_pages() -> list[dict]:
    """Crawl documents whose pii edits were not read while tuning: DCLM and the dolma head."""
    records = [
        json.loads(line)
        for line in open(DATA / "quality" / "dclm-human-majority.jsonl", encoding="utf-8")
    ]
    for i, rec in enumerate(records):
        rec.setdefault("id", f"dclm-{i}")
        rec["source"] = {"path": "dclm-human", "index": i}
    for path in sorted((DATA / "text").glob("cc-en-head-*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for i, line in enumerate(f):
                rec = json.loads(line)
                rec["source"] = {"path": path.name, "index": i}
                records.append(rec)
    return records


def set_of(record: dict) -> str:
    path = str(record["source"]["path"])
    for name in ("scrapinghub-aeb", "wcxb-dev", "warc", "dclm-human", "cc-en-head"):
        if name in path:
            return name
    return path


def process(records: list[dict]) -> list[tuple[str, Document]]:
    clean, pii = stage_class("clean")(), stage_class("pii")()
    docs = []
    for i, rec in enumerate(records):
        doc = Document(str(rec.get("id", i)), rec["text"], {"path": "p", "index": i})
        clean.process(doc)
        pii.process(doc)
        docs.append((set_of(rec), doc))
    return docs


# --- precision ---------------------------------------------------------------------------------


def edit_key(doc: Document, k: int) -> str:
    """The name of an edit's verdict: its page, rule and what it removed, and where when that
    is only whitespace (every join of a page's hard wraps removes the same "\\n")."""
    e = doc.edits[k]
    key = f"{doc.id}|{e.rule}|{e.removed[:200]}"
    return key if e.removed.strip() else f"{key}|{e.pos}"


def _verdict(entry) -> tuple[bool, str] | None:
    """(right, why) of a stored verdict: a dict, or a bare string for a wrong edit's reason."""
    if entry is None:
        return None
    return (False, entry) if isinstance(entry, str) else (entry["ok"], entry["why"])


def sample_lines(
    label: str, docs: list[tuple[str, Document]], verdicts: dict
) -> tuple[list[str], list[str]]:
    by_rule: dict[tuple[str, str], list[tuple[str, Document, int]]] = defaultdict(list)
    for name, doc in docs:
        for k, e in enumerate(doc.edits):
            if e.stage in ("clean", "pii"):
                by_rule[(e.stage, e.rule)].append((name, doc, k))
    table = [
        f"| stage | rule | edits on {label} | listed | judged right | judged wrong | unjudged | "
        "precision of the judged |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    body = []
    for (stage, rule), edits in sorted(by_rule.items()):
        # one generator per rule: a change to one rule leaves the other rules' samples as drawn
        rng = random.Random(f"{SEED}-{label}-{rule}")
        chosen = edits if stage == "pii" else rng.sample(edits, min(PER_RULE, len(edits)))
        right = wrong = 0
        body += [f"#### {stage} / {rule} ({len(chosen)} of {len(edits)})", ""]
        for i, (name, doc, k) in enumerate(chosen, 1):
            e = doc.edits[k]
            seen = replay(doc.original_text(), doc.edits[:k])
            before = seen[max(0, e.pos - 70) : e.pos]
            after = seen[e.pos + len(e.removed) : e.pos + len(e.removed) + 50]
            verdict = _verdict(verdicts.get(edit_key(doc, k)))
            if verdict is None:
                mark = "? unjudged"
            else:
                right += verdict[0]
                wrong += not verdict[0]
                mark = f"{'✓' if verdict[0] else '✗'} {verdict[1]}"
            body.append(
                f"{i}. {mark} `{name}` {doc.id[-40:]}: …{before!r} "
                f"**[{e.removed[:200]!r} → {e.inserted!r}]** {after!r}…"
            )
        body.append("")
        share = f"{right / (right + wrong):.1%}" if right + wrong else "–"
        unjudged = len(chosen) - right - wrong
        table.append(
            f"| {stage} | {rule} | {len(edits):,} | {len(chosen)} | {right} | {wrong} | "
            f"{unjudged} | {share} |"
        )
    return table, body


# --- recall ------------------------------------------------------------------------------------


def _email(rng: random.Random) -> str:
    local = rng.choice(["jane.doe", "j.smith", "info", "press-office", "m_mueller", "k.tanaka42"])
    local += rng.choice(["", str(rng.randint(1, 99))])
    domain = rng.choice(["example", "mail-server", "uni-bonn", "acme", "news4you", "gmx"])
    tld = rng.choice(["com", "org", "de", "co.uk", "fr", "io", "com.br", "travel", "museum"])
    return f"{local}@{domain}.{tld}"


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


_CODES = sorted(CALLING_CODES)


def _phone(rng: random.Random) -> tuple[str, str]:
    """(lead, number): international, North American and national formats as printed."""
    area, sub = f"{rng.randint(2, 9)}{_digits(rng, 2)}", f"{rng.randint(2, 9)}{_digits(rng, 2)}"
    line = _digits(rng, 4)
    shape = rng.randrange(8)
    if shape == 0:
        # a country calling code ITU has assigned (a number with "+28" or "+83" is no phone)
        code = rng.choice(_CODES)
        return "", f"+{code} {rng.randint(1, 99)} {_digits(rng, 4)} {_digits(rng, 4)}"
    if shape == 1:
        return "", f"({area}) {sub}-{line}"
    if shape == 2:
        return "", f"{area}-{sub}-{line}"
    if shape == 3:
        return "", f"1-{area}-{sub}-{line}"
    if shape == 4:
        return "", f"+44 (0)20 {rng.randint(2, 9)}{_digits(rng, 3)} {_digits(rng, 4)}"
    if shape == 5:
        return rng.choice(
            ["Tel. ", "Phone: ", "call "]
        ), f"0{rng.randint(1, 9)}{_digits(rng, 2)} {rng.randint(2, 9)}{_digits(rng, 5)}"
    if shape == 6:
        return rng.choice(["Tel: ", "Fax ", "téléphone "]), " ".join(
            ["0" + str(rng.randint(1, 9))] + [_digits(rng, 2) for _ in range(4)]
        )
    return "", f"{area}.{sub}.{line}"


def _ip(rng: random.Random) -> tuple[str, str]:
    lead = rng.choice(["", "from ", "server ", "IP ", "address ", "to ", "host "])
    if rng.random() < 0.15:
        groups = [f"{rng.randint(0x2001, 0x2A0F):x}"] + [
            f"{rng.randint(0, 0xFFFF):x}" for _ in range(rng.choice([2, 3]))
        ]
        return lead, ":".join(groups) + "::" + f"{rng.randint(1, 0xFFFF):x}"
    first = rng.choice([rng.randint(1, 223), rng.randint(11, 223)])
    return lead, ".".join([str(first)] + [str(rng.randint(0, 255)) for _ in range(3)])


# The variant that writes every generated IP address where a real one stands: after words and
# forms that name an address (what the IPv4 rule looks for as evidence), not bare at a sentence
# start of an unrelated page.
_ADDRESS_LEADS = [
    "from ",
    "server ",
    "IP ",
    "address ",
    "host ",
    "ping ",
    "connected to ",
    "blocked ",
    "Client: ",
    "http://",
]


def _ip_in_address_context(rng: random.Random) -> tuple[str, str]:
    _, value = _ip(rng)
    return rng.choice(_ADDRESS_LEADS), value


_ISSUERS = [("4", 16), ("51", 16), ("55", 16), ("2221", 16), ("34", 15), ("37", 15), ("6011", 16)]


def _card(rng: random.Random) -> str:
    prefix, n = rng.choice(_ISSUERS)
    while True:
        number = prefix + _digits(rng, n - len(prefix))
        if luhn_ok(number) and len(set(number)) > 2:
            break
    if n == 15:
        sep = rng.choice(["", " ", "-"])
        return sep.join([number[:4], number[4:10], number[10:]])
    sep = rng.choice(["", " ", "-"])
    return sep.join(number[i : i + 4] for i in range(0, 16, 4))


def _iban(rng: random.Random) -> str:
    country = rng.choice(sorted(IBAN_LENGTHS))
    anywhere = string.digits if rng.random() < 0.6 else string.digits + string.ascii_uppercase
    alphabets = {"n": string.digits, "a": string.ascii_uppercase, "c": anywhere}
    body = "".join(rng.choice(alphabets[kind]) for kind in bban_kinds(country))
    number = int("".join(str(int(c, 36)) for c in body + country + "00"))
    value = f"{country}{98 - number % 97:02d}{body}"
    how = rng.choice(["compact", "fours", "any"])
    if how == "compact":
        return value
    if how == "fours":
        return " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    cuts = sorted(rng.sample(range(5, len(value)), rng.randint(1, 6)))
    parts = [value[:4]] + [value[a:b] for a, b in zip([4, *cuts], [*cuts, len(value)], strict=True)]
    return " ".join(p for p in parts if p)


GENERATORS = {
    "EMAIL": lambda rng: ("", _email(rng)),
    "PHONE": _phone,
    "IP": _ip,
    "CARD": lambda rng: (rng.choice(["", "Card ", "card number "]), _card(rng)),
    "IBAN": lambda rng: (rng.choice(["", "IBAN ", "IBAN: ", "to "]), _iban(rng)),
}
_SENTENCE_START = re.compile(r"(?:(?<=[.!?] )|(?<=\n))(?=[A-Z])")


def recall(texts: list[str], rng: random.Random, generators=GENERATORS) -> list[str]:
    starts = [[m.start() for m in _SENTENCE_START.finditer(t)] for t in texts]
    usable = [i for i, s in enumerate(starts) if s]
    table = [
        "| kind | inserted | found exactly | recall | missed (first three) |",
        "|---|---:|---:|---:|---|",
    ]
    for kind, make in generators.items():
        hits, missed = 0, []
        for _ in range(RECALL_PER_KIND):
            i = rng.choice(usable)
            at = rng.choice(starts[i])
            lead, value = make(rng)
            text = texts[i][:at] + lead + value + " " + texts[i][at:]
            where = (at + len(lead), at + len(lead) + len(value), kind)
            if where in find_pii(text):
                hits += 1
            elif len(missed) < 3:
                missed.append(f"`{lead}{value}`")
        table.append(
            f"| {kind} | {RECALL_PER_KIND:,} | {hits:,} | {hits / RECALL_PER_KIND:.2%} | "
            f"{', '.join(missed)} |"
        )
    return table


# --- main --------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=Path, help="an earlier `--stages extract,repair` output")
    parser.add_argument(
        "--recall-only", action="store_true", help="print the generated-value recall table only"
    )
    parser.add_argument(
        "--ip-in-address-context",
        action="store_true",
        help="with --recall-only: IP recall alone, every address written after an address's lead",
    )
    args = parser.parse_args()
    started = time.time()
    verdicts = json.loads(VERDICTS.read_text(encoding="utf-8"))
    crawl = extracted_pages(args.pages)
    if args.recall_only:  # the check a rule change needs, without the judged samples
        generators = GENERATORS
        if args.ip_in_address_context:
            generators = {"IP": _ip_in_address_context}
        texts = [r["text"] for r in crawl]
        print("\n".join(recall(texts, random.Random(SEED + 1), generators)))
        return
    crawl_docs = process(crawl)
    held = process(held_out_pages())
    counts = Counter(name for name, _ in crawl_docs)
    t1, b1 = sample_lines("crawl pages", crawl_docs, verdicts)
    t2, b2 = sample_lines("held-out pages", held, verdicts)
    rec = recall([r["text"] for r in crawl], random.Random(SEED + 1))
    sets = ", ".join(f"{name} {n:,}" for name, n in sorted(counts.items()))
    section = [
        MARKER,
        "",
        "# Crawl pages: clean and pii edits judged by hand",
        "",
        f"Command: `.venv/bin/python bench/crawl_samples.py` ({time.time() - started:.0f} s). "
        f"Pages kept by `extract`: {sets}. Held out from the pii tuning: DCLM's 499 crawl "
        "documents and the dolma Common Crawl head (20) (the clean rules were tuned on all sets). "
        "Every pii edit is listed; clean edits are drawn, "
        f"{PER_RULE} per rule at most, seed {SEED}. ✓ judged right, ✗ judged wrong, each with "
        "its reason (`bench/crawl_verdicts.json`). Text no pii rule was written "
        "against (chardet's web pages, Debian changelogs, manual pages), judged the same way: "
        "`bench/results/heldout_samples.md` (`bench/heldout_samples.py`).",
        "",
        "## Precision on the crawl and benchmark pages (tuned on)",
        "",
        *t1,
        "",
        "## Precision on the crawl documents held out from the pii tuning",
        "",
        *t2,
        "",
        "## pii recall: generated values written into the crawl pages",
        "",
        f"{RECALL_PER_KIND:,} values per kind, each written into a random page at a random "
        "sentence start, after a lead people write (none for most; `Tel.` before national phone "
        "formats, `IBAN`, `server`, `from` ...); found = `find_pii` returns exactly that span "
        "and kind. IBANs: every country of the registry, compact, in groups of four, or cut by "
        "spaces at random places; cards: Visa, Mastercard (51-55, 2221), Amex, Discover, "
        "compact, spaced or dashed.",
        "",
        *rec,
        "",
        "## The listed edits",
        "",
        "### Crawl and benchmark pages",
        "",
        *b1,
        "### Held-out crawl documents",
        "",
        *b2,
    ]
    out = RESULTS / "clean_samples.md"
    current = out.read_text(encoding="utf-8") if out.exists() else ""
    head = current.split(MARKER, 1)[0].rstrip() + "\n\n"
    out.write_text(head + "\n".join(section).rstrip() + "\n", encoding="utf-8")
    print("\n".join(t1 + [""] + t2 + [""] + rec))


if __name__ == "__main__":
    main()
