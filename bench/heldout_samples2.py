"""A second held-out reading of ``pii``: real text that no pii rule was written against, read
once, with the rules as they stood before the reading.

``bench/heldout_samples.py`` (chardet pages, Debian and upstream changelogs, manual pages) and
``bench/crawl_samples.py`` (crawl and extraction pages, DCLM, the dolma head) were both read
while the rules were written, so they are tuned on now. The sources here were chosen and fixed
in this file before any pii rule ran on them; each is its own row:

- ``lingua``: the Leipzig news and web sentences of ``../shared/data/langid/lingua-sentences/``
  (75 languages), one document per sentence, as a corpus of short records holds them.
- ``python-metadata``: the ``METADATA`` of every package installed in the running interpreter's
  ``site-packages`` (the project's ``.venv``): author addresses, project descriptions, version
  strings, code samples.
- ``debian-copyright``: the ``copyright`` file of every Debian package installed here
  (``/usr/share/doc/*/copyright``): authors' names and addresses, years, licences.
- ``common-licenses``: the licence texts of ``/usr/share/common-licenses`` (one per file; the
  links ``GPL``, ``LGPL``, ``GFDL`` are their targets again and left out).
- ``python-email-data``: the RFC 822 messages of the interpreter's ``test/test_email/data``
  (``*.txt``): mail headers with addresses, ``Received:`` lines with hosts and IP addresses.
- ``nodejs-api``: the Node.js API documentation installed with the ``nodejs`` package
  (``/usr/share/doc/nodejs/api/*.md``): ``net``, ``dns``, ``http`` examples with addresses.
- ``python-stdlib``: the standard library's modules outside its test folders (docstrings,
  comments, RFC examples, authors' addresses, decorators that hold an ``@``).
- ``i18n-locales``: the glibc locale sources of ``/usr/share/i18n/locales``: contact addresses
  and telephone formats of every locale.

All are read where the operating system or the interpreter installed them; nothing is copied
into the project. A source that is not on the machine is reported empty. This is one reading:
no split in parts, every document is held out (part ``H``).

What is judged, as in ``heldout_samples.py`` (whose code this uses): every IPv4-shaped string of
the cleaned text (replaced or not), every IPv6, card and IBAN detection, and e-mail and phone
detections drawn, ``PII_SAMPLE`` per source and kind, with a fixed seed. Recall candidates are
added: strings a loose scan finds that no detection of their kind covers (an ``@`` between a
name and a dotted domain; a ``::`` or seven-colon hex group; two capitals of an IBAN country,
a space or none, two digits and eleven or more letters or digits with single spaces, dashes or
dots between them; thirteen to nineteen digits in groups that pass Luhn; seven or more digits
after a phone word), drawn ``CANDIDATE_SAMPLE`` per source and kind. A candidate judged ``ok``
is a real value the rules missed. Verdicts and reasons: ``bench/heldout_verdicts2.json``, kept
apart from the other verdict files.

    .venv/bin/python bench/heldout_samples2.py            # writes bench/results/heldout_samples2.md
    .venv/bin/python bench/heldout_samples2.py --list OUT # also every listed item, for judging
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import sysconfig
import time
from collections import Counter
from pathlib import Path

from heldout_samples import (
    DATA,
    DOC,
    PII_SAMPLE,
    RESULTS,
    _context,
    listed,
    listed_items,
    precision_table,
    recall_table,
    run_source,
    tallies,
)

from tamis.pii.detectors import IBAN_LENGTHS, luhn_ok

VERDICTS = Path(__file__).resolve().parent / "heldout_verdicts2.json"
STDLIB = Path(sysconfig.get_paths()["stdlib"])
SITE = Path(sysconfig.get_paths()["purelib"])
CANDIDATE_SAMPLE = 80
SEED = 20261208
PART = "H"

# --- the documents -----------------------------------------------------------------------------


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def lingua_sentences() -> list[tuple[str, str]]:
    out = []
    for path in sorted((DATA / "langid" / "lingua-sentences").glob("??.txt")):
        for i, line in enumerate(_read(path).splitlines()):
            if line.strip():
                out.append((f"{path.stem}/{i}", line))
    return out


def python_metadata() -> list[tuple[str, str]]:
    return [(p.parent.name, _read(p)) for p in sorted(SITE.glob("*.dist-info/METADATA"))]


def debian_copyright() -> list[tuple[str, str]]:
    return [(p.parent.name, _read(p)) for p in sorted(DOC.glob("*/copyright")) if p.is_file()]


def common_licenses() -> list[tuple[str, str]]:
    folder = Path("/usr/share/common-licenses")
    paths = sorted(folder.iterdir()) if folder.is_dir() else []
    return [(p.name, _read(p)) for p in paths if p.is_file() and not p.is_symlink()]


def python_email_data() -> list[tuple[str, str]]:
    paths = sorted((STDLIB / "test" / "test_email" / "data").glob("*.txt"))
    return [(p.name, _read(p)) for p in paths]


def nodejs_api() -> list[tuple[str, str]]:
    return [(p.name, _read(p)) for p in sorted((DOC / "nodejs" / "api").glob("*.md"))]


_TEST_FOLDERS = {"test", "tests", "idle_test", "site-packages"}


def python_stdlib() -> list[tuple[str, str]]:
    paths = [
        p
        for p in sorted(STDLIB.rglob("*.py"))
        if not _TEST_FOLDERS & set(p.relative_to(STDLIB).parts[:-1])
    ]
    return [(str(p.relative_to(STDLIB)), _read(p)) for p in paths]


def i18n_locales() -> list[tuple[str, str]]:
    folder = Path("/usr/share/i18n/locales")
    paths = sorted(folder.iterdir()) if folder.is_dir() else []
    return [(p.name, _read(p)) for p in paths if p.is_file()]


SOURCES = {
    "lingua": lingua_sentences,
    "python-metadata": python_metadata,
    "debian-copyright": debian_copyright,
    "common-licenses": common_licenses,
    "python-email-data": python_email_data,
    "nodejs-api": nodejs_api,
    "python-stdlib": python_stdlib,
    "i18n-locales": i18n_locales,
}

# --- recall candidates -------------------------------------------------------------------------

_LOOSE = {
    "email": re.compile(r"(?<![\w.+%-])[\w.+%-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}"),
    "ip": re.compile(
        r"(?<![\w:.])(?=[0-9A-Fa-f:]*\d)[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])"
    ),
    "iban": re.compile(r"(?<![\w])[A-Z]{2} ?\d{2}(?:[ .-]?[A-Z0-9]){11,30}(?![\w])"),
    "card": re.compile(r"(?<![\w.,-])\d(?:[ -]?\d){12,18}(?![\w]|[.,-]\d)"),
    "phone": re.compile(
        r"(?i)\b(?:tel|tél|phone|telephone|telefon|fax|mobile|cell)\b[^\d\n+]{0,15}"
        r"(\+?\(?\d[\d ()./-]{5,}\d)"
    ),
}


def _candidate_ok(kind: str, value: str) -> bool:
    """The loose shape, narrowed to what a real value of the kind must have."""
    if kind == "ip":
        return "::" in value or value.count(":") == 7
    if kind == "iban":
        return value[:2] in IBAN_LENGTHS
    digits = re.sub(r"\D", "", value)
    if kind == "card":
        return luhn_ok(digits)
    if kind == "phone":
        return len(digits) >= 7
    return True


def candidates(cleaned: str, spans: list[tuple[int, int, str]]):
    """Loose matches of each kind that no detection of that kind overlaps: possible misses."""
    out = []
    for kind, pattern in _LOOSE.items():
        taken = [(s, e) for s, e, k in spans if k == kind]
        for m in pattern.finditer(cleaned):
            start, end = m.span(m.lastindex or 0)
            value = cleaned[start:end]
            if not _candidate_ok(kind, value):
                continue
            if any(start < e and s < end for s, e in taken):
                continue
            out.append((f"{kind}?", value, *_context(cleaned, start, end), False))
    return out


def sampled(chosen: list[dict]) -> list[dict]:
    """Recall candidates drawn, ``CANDIDATE_SAMPLE`` per source and kind; the rest as chosen."""
    groups: dict[tuple[str, str], list[dict]] = {}
    out = []
    for item in chosen:
        if item["kind"].endswith("?"):
            groups.setdefault((item["source"], item["kind"]), []).append(item)
        else:
            out.append(item)
    for (source, kind), group in sorted(groups.items()):
        if len(group) > CANDIDATE_SAMPLE:
            group = random.Random(f"{SEED}-{source}-{kind}").sample(group, CANDIDATE_SAMPLE)
        out.extend(group)
    return out


def candidate_table(t: dict, totals: Counter) -> list[str]:
    rows = [
        "| source | kind | candidates no detection covers | judged | real values missed | "
        "not values | unjudged |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for (part, source, kind), c in sorted(t.items()):
        if not kind.endswith("?"):
            continue
        judged = c["right"] + c["wrong"]
        rows.append(
            f"| {source} | {kind[:-1]} | {totals[(part, source, kind)]:,} | {judged} | "
            f"{c['right']} | {c['wrong']} | {c['unjudged']} |"
        )
    return rows


# --- the reading -------------------------------------------------------------------------------


def reading_run(number: int, first_rules: str) -> tuple[Path, str]:
    """The results file of held-out reading ``number`` and how its rules are named: with
    ``--first`` (taken off ``sys.argv``), the reading's first run, the figures as first read."""
    first = "--first" in sys.argv
    if first:
        sys.argv.remove("--first")
    name = f"heldout_samples{number}_first.md" if first else f"heldout_samples{number}.md"
    return RESULTS / name, first_rules if first else "the rules now"


def read_once(
    sources: dict,
    verdicts_path: Path,
    out: Path,
    title: str,
    intro: str,
    choose=None,
    extra=candidates,
) -> None:
    """One held-out reading of ``sources``: every listed item tallied against the verdicts of
    ``verdicts_path``, the tables and the items written to ``out`` (``--list`` also writes the
    items to judge as JSON lines), the tables printed. ``choose`` picks the items to judge
    (``listed`` then ``sampled`` by default), ``extra`` adds the recall candidates."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--list", type=Path, help="write every listed item (JSON lines) here")
    parser.add_argument("--sources", default=",".join(sources))
    args = parser.parse_args()
    started = time.time()
    verdicts = (
        json.loads(verdicts_path.read_text(encoding="utf-8")) if verdicts_path.exists() else {}
    )
    items, sizes = [], {}
    for source in args.sources.split(","):
        found, sizes[source] = run_source(
            source, sources[source](), part_of_doc=lambda _: PART, extra=extra
        )
        items += found
    totals = Counter((it["part"], it["source"], it["kind"]) for it in items)
    for it in items:  # an IPv4 address replaced is an IP detection
        totals[(it["part"], it["source"], "ip")] += it["kind"] == "ipv4" and it["detected"]
    chosen = choose(items) if choose else sampled(listed(items))
    if args.list:
        with open(args.list, "w", encoding="utf-8") as f:
            for item in chosen:
                f.write(json.dumps(item, ensure_ascii=False) + "\n")
    t = tallies(chosen, verdicts)
    size_lines = [
        f"- `{source}`: {s[PART + ' docs']:,} documents ({s[PART + ' chars']:,} characters)"
        for source, s in sizes.items()
    ]
    section = [
        f"# {title}",
        "",
        f"Command: `.venv/bin/python bench/{Path(sys.argv[0]).name}` "
        f"({time.time() - started:.0f} s). {intro}",
        "",
        *size_lines,
        "",
        "## Precision",
        "",
        *precision_table(PART, t, totals),
        "",
        "## IPv4 recall: every IPv4-shaped string, judged",
        "",
        *recall_table(PART, t),
        "",
        "## Recall candidates of the other kinds: loose matches no detection covers",
        "",
        *candidate_table(t, totals),
        "",
    ]
    section += listed_items(chosen, sizes, totals, verdicts, PART, "{source}")
    out.write_text("\n".join(section).rstrip() + "\n", encoding="utf-8")
    print("\n".join(section[: section.index("## The listed items")]))


def main() -> None:
    read_once(
        SOURCES,
        VERDICTS,
        RESULTS / "heldout_samples2.md",
        "Second held-out text: pii judged by hand, one reading",
        "Real text no pii rule was written against (the "
        "module's docstring names the sources, fixed before any rule ran on them). "
        "IPv4-shaped strings, IPv6, card and IBAN detections are all listed; e-mail and phone "
        f"detections are drawn ({PII_SAMPLE} per source and kind, as `heldout_samples.py` draws "
        f"them); recall candidates are drawn, {CANDIDATE_SAMPLE} per source and kind, seed {SEED}. "
        "Verdicts and reasons: `bench/heldout_verdicts2.json`. This is the reading with the "
        "rules as they are now; the first reading, with the rules as they were when the text "
        "was chosen (the figure that decides), is `bench/results/heldout_samples2_first.md`, "
        "and `bench/RESULTS.md` sets the two side by side.",
    )


if __name__ == "__main__":
    main()
