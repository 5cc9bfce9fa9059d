"""A fourth held-out reading of ``pii``: real text that no pii rule was written against, read
once. The sources below were fixed in a commit (7e6e195) before any pii rule ran on them; the
first reading used the rules of f390148, the ones the three earlier readings had led to.

Already read while rules were written, so not used here: chardet's pages, Debian and upstream
changelogs, manual pages of sections 1, 5, 7 and 8 (``heldout_samples.py``); the crawl and
extraction pages, DCLM, the dolma head (``crawl_samples.py``); the lingua sentences, the
``.venv`` METADATA, Debian ``copyright`` files, the common licences, Python's ``test_email``
messages, the Node.js API documentation, the Python standard library outside its test folders,
the glibc locale sources (``heldout_samples2.py``); the GNU Info manuals, the Perl modules,
npm's Markdown, Debian READMEs, MSRP and Clough-Stevenson (``heldout_samples3.py``); the sources
of python-stdnum and schwifty (``iban_samples.py``); Reuters and IMDb (``pii_rule_diff.py``).
The sources here were chosen and fixed in this file before any pii rule ran on them; each is
its own row:

- ``stdlib-tests``: the ``*.py`` files of the Python standard library's ``test`` folder (which
  ``heldout_samples2.py`` left out): test data written as code, addresses of every kind as
  parser inputs, numbers of every shape.
- ``c-headers``: the C headers of ``/usr/include`` (its top level and the ``linux``,
  ``netinet``, ``arpa`` and ``net`` folders), one document per file: hexadecimal constants,
  protocol numbers, authors' addresses in licence headers.
- ``doc-examples``: the files of ``/usr/share/doc/*/examples`` (compressed or not; binary files
  left out): configuration files, scripts, sample data.
- ``maven-poms``: the ``*.pom`` files of ``/usr/share/maven-repo``: XML with developers' names
  and addresses, version numbers, URLs.
- ``tz-data``: the tz database's text files in ``/usr/share/zoneinfo`` (``*.tab``,
  ``tzdata.zi``): coordinates, offsets, dates, comments.
- ``ftfy-cases``: ftfy's test cases in ``../shared/data/encoding/ftfy-test-cases`` (every
  ``original`` and ``fixed`` string, one document each): short texts met in the wild.

All are read where the operating system or the data folder has them; nothing is copied into the
project. A source that is not on the machine is reported empty. One reading, no split in parts.

What is judged is what ``heldout_samples2.py`` judges (its code is used): every IPv4-shaped string
of the cleaned text (replaced or not), every IPv6, card and IBAN detection, e-mail and phone
detections drawn (``PII_SAMPLE`` per source and kind), and recall candidates drawn
(``CANDIDATE_SAMPLE`` per source and kind). Verdicts and reasons: ``bench/heldout_verdicts4.json``.
The first reading is ``bench/results/heldout_samples4_first.md`` (kept as it was written); a
later run with changed rules writes ``bench/results/heldout_samples4.md``.

    .venv/bin/python bench/heldout_samples4.py [--first] [--list OUT]
"""

from __future__ import annotations

import gzip
import json
import sysconfig
from pathlib import Path

from heldout_samples import DATA, DOC, PII_SAMPLE
from heldout_samples2 import CANDIDATE_SAMPLE, SEED, read_once, reading_run

VERDICTS = Path(__file__).resolve().parent / "heldout_verdicts4.json"
STDLIB_TESTS = Path(sysconfig.get_paths()["stdlib"]) / "test"
INCLUDE = Path("/usr/include")
HEADER_FOLDERS = ("linux", "netinet", "arpa", "net")
MAVEN = Path("/usr/share/maven-repo")
ZONEINFO = Path("/usr/share/zoneinfo")
FTFY = DATA / "encoding" / "ftfy-test-cases"

# --- the documents -----------------------------------------------------------------------------


def _read(path: Path) -> str | None:
    """The file's text, or None for a binary file (a NUL byte in it)."""
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return None if b"\0" in raw else raw.decode("utf-8", errors="replace")


def _documents(paths, name) -> list[tuple[str, str]]:
    out = []
    for path in sorted(paths):
        if path.is_file() and not path.is_symlink() and (text := _read(path)) is not None:
            out.append((name(path), text))
    return out


def stdlib_tests() -> list[tuple[str, str]]:
    paths = STDLIB_TESTS.rglob("*.py") if STDLIB_TESTS.is_dir() else []
    return _documents(paths, lambda p: str(p.relative_to(STDLIB_TESTS)))


def c_headers() -> list[tuple[str, str]]:
    if not INCLUDE.is_dir():
        return []
    paths = [*INCLUDE.glob("*.h")]
    for folder in HEADER_FOLDERS:
        paths += (INCLUDE / folder).rglob("*.h")
    return _documents(paths, lambda p: str(p.relative_to(INCLUDE)))


def doc_examples() -> list[tuple[str, str]]:
    paths = [p for p in DOC.glob("*/examples/**/*")]
    return _documents(paths, lambda p: str(p.relative_to(DOC)))


def maven_poms() -> list[tuple[str, str]]:
    paths = MAVEN.rglob("*.pom") if MAVEN.is_dir() else []
    return _documents(paths, lambda p: str(p.relative_to(MAVEN)))


def tz_data() -> list[tuple[str, str]]:
    paths = [*ZONEINFO.glob("*.tab"), ZONEINFO / "tzdata.zi"] if ZONEINFO.is_dir() else []
    return _documents(paths, lambda p: p.name)


def ftfy_cases() -> list[tuple[str, str]]:
    out = []
    for path in sorted(FTFY.glob("*.json")) if FTFY.is_dir() else []:
        for i, case in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            for field in ("original", "fixed"):
                if isinstance(case.get(field), str):
                    out.append((f"{path.stem}/{i}/{field}", case[field]))
    return out


SOURCES = {
    "stdlib-tests": stdlib_tests,
    "c-headers": c_headers,
    "doc-examples": doc_examples,
    "maven-poms": maven_poms,
    "tz-data": tz_data,
    "ftfy-cases": ftfy_cases,
}


def main() -> None:
    out, which = reading_run(4, "the rules before the reading (f390148)")
    read_once(
        SOURCES,
        VERDICTS,
        out,
        f"Fourth held-out text: pii judged by hand, {which}",
        "Real text no pii rule was written against (the module's docstring names the sources, "
        "fixed in it before any rule ran on them). IPv4-shaped strings, IPv6, card and IBAN "
        f"detections are all listed; e-mail and phone detections are drawn ({PII_SAMPLE} per "
        f"source and kind); recall candidates are drawn, {CANDIDATE_SAMPLE} per source and kind, "
        f"seed {SEED}. Verdicts and reasons: `bench/heldout_verdicts4.json`.",
    )


if __name__ == "__main__":
    main()
