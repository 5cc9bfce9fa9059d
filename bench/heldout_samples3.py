"""A third held-out reading of ``pii``: real text that no pii rule was written against, read
once, with the rules as they stood when the sources below were fixed.

Already read while rules were written, so not used here: chardet's pages, Debian and upstream
changelogs (``changelog*.gz``, ``NEWS.gz``), manual pages (``heldout_samples.py``); the crawl and
extraction pages, DCLM, the dolma head (``crawl_samples.py``); the lingua sentences, the
``.venv`` METADATA, Debian ``copyright`` files, the common licences, Python's ``test_email``
messages, the Node.js API documentation, the Python standard library and the glibc locale
sources (``heldout_samples2.py``). The sources here were chosen and fixed in this file before
any pii rule ran on them; each is its own row:

- ``gnu-info``: the GNU manuals of ``/usr/share/info`` (coreutils, find, diffutils, ...), one
  document per file: command examples, addresses of maintainers and lists, numbers in tables.
- ``perl-modules``: the Perl modules and pod of ``/usr/share/perl/5.36`` and ``/usr/share/perl5``
  (``*.pm``, ``*.pod``): code with its embedded documentation, authors' addresses, examples.
- ``npm-docs``: the Markdown files installed with npm and corepack under
  ``/usr/lib/node_modules`` (package READMEs, changelogs, npm's own documentation).
- ``debian-readmes``: the ``README*`` and ``NEWS.Debian*`` files of ``/usr/share/doc``
  (compressed or not): maintainers' notes, set-up instructions, configuration examples.
- ``msrp-news``: the news sentences of the Microsoft Research Paraphrase Corpus
  (``../shared/data/paraphrase/msrp-train.tsv``), each distinct sentence a document: figures,
  prices, dates, phone numbers quoted in news.
- ``clough-stevenson``: the short answers of ``../shared/data/paraphrase/clough-stevenson``
  (students' texts on five computing topics), one document per file.

All are read where the operating system or the data folder has them; nothing is copied into the
project. A source that is not on the machine is reported empty. One reading, no split in parts.

What is judged is what ``heldout_samples2.py`` judges (its code is used): every IPv4-shaped string
of the cleaned text (replaced or not), every IPv6, card and IBAN detection, e-mail and phone
detections drawn (``PII_SAMPLE`` per source and kind), and recall candidates drawn
(``CANDIDATE_SAMPLE`` per source and kind). Verdicts and reasons: ``bench/heldout_verdicts3.json``.
The first reading is ``bench/results/heldout_samples3_first.md`` (kept as it was written); a
later run with changed rules writes ``bench/results/heldout_samples3.md``.

    .venv/bin/python bench/heldout_samples3.py [--first] [--list OUT]
"""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

from heldout_samples import DATA, DOC, PII_SAMPLE
from heldout_samples2 import CANDIDATE_SAMPLE, SEED, read_once, reading_run

VERDICTS = Path(__file__).resolve().parent / "heldout_verdicts3.json"
NODE_MODULES = Path("/usr/lib/node_modules")
PERL_FOLDERS = (Path("/usr/share/perl/5.36"), Path("/usr/share/perl5"))

# --- the documents -----------------------------------------------------------------------------


def _read(path: Path) -> str:
    if path.suffix == ".gz":
        with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
            return f.read()
    return path.read_text(encoding="utf-8", errors="replace")


def gnu_info() -> list[tuple[str, str]]:
    folder = Path("/usr/share/info")
    paths = sorted(folder.glob("*.info*")) if folder.is_dir() else []
    return [(p.name, _read(p)) for p in paths if p.is_file()]


def perl_modules() -> list[tuple[str, str]]:
    out = []
    for folder in PERL_FOLDERS:
        paths = sorted([*folder.rglob("*.pm"), *folder.rglob("*.pod")]) if folder.is_dir() else []
        out += [(str(p), _read(p)) for p in paths if p.is_file() and not p.is_symlink()]
    return out


def npm_docs() -> list[tuple[str, str]]:
    paths = sorted(NODE_MODULES.rglob("*.md")) if NODE_MODULES.is_dir() else []
    return [(str(p.relative_to(NODE_MODULES)), _read(p)) for p in paths if p.is_file()]


def debian_readmes() -> list[tuple[str, str]]:
    paths = sorted({*DOC.glob("*/README*"), *DOC.glob("*/NEWS.Debian*")})
    return [(f"{p.parent.name}/{p.name}", _read(p)) for p in paths if p.is_file()]


def msrp_news() -> list[tuple[str, str]]:
    path = DATA / "paraphrase" / "msrp-train.tsv"
    if not path.exists():
        return []
    seen: dict[str, str] = {}
    with open(path, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            for n in ("1", "2"):
                seen.setdefault(row[f"#{n} ID"], row[f"#{n} String"])
    return sorted(seen.items())


def clough_stevenson() -> list[tuple[str, str]]:
    folder = DATA / "paraphrase" / "clough-stevenson"
    paths = sorted(folder.glob("*.txt")) if folder.is_dir() else []
    return [(p.name, _read(p)) for p in paths]


SOURCES = {
    "gnu-info": gnu_info,
    "perl-modules": perl_modules,
    "npm-docs": npm_docs,
    "debian-readmes": debian_readmes,
    "msrp-news": msrp_news,
    "clough-stevenson": clough_stevenson,
}


def main() -> None:
    out, which = reading_run(3, "the rules as they were when the sources were fixed")
    read_once(
        SOURCES,
        VERDICTS,
        out,
        f"Third held-out text: pii judged by hand, {which}",
        "Real text no pii rule was written against (the module's docstring names the sources, "
        "fixed in it before any rule ran on them). IPv4-shaped strings, IPv6, card and IBAN "
        f"detections are all listed; e-mail and phone detections are drawn ({PII_SAMPLE} per "
        f"source and kind); recall candidates are drawn, {CANDIDATE_SAMPLE} per source and kind, "
        f"seed {SEED}. Verdicts and reasons: `bench/heldout_verdicts3.json`.",
    )


if __name__ == "__main__":
    main()
