"""A fifth held-out reading of ``pii``: real text that no pii rule was written against, read
once, web pages first. The sources below were fixed in a commit (e328bfc) before any pii rule
ran on them; the first reading used the rules of 6466660 (the table-and-code context done on
tuned text).

Already read while rules were written, so not used here: chardet's pages, Debian and upstream
changelogs, manual pages (``heldout_samples.py``); the crawl and extraction pages (the response
bodies of ``../shared/data/warc`` and the AEB and WCXB pages), DCLM, the dolma head
(``crawl_samples.py``); the lingua sentences, the ``.venv`` METADATA, Debian ``copyright``
files, the common licences, Python's ``test_email`` messages, the Node.js API documentation,
the Python standard library, the glibc locale sources (``heldout_samples2.py``); the GNU Info
manuals, the Perl modules, npm's Markdown, Debian READMEs, MSRP and Clough-Stevenson
(``heldout_samples3.py``); the standard library's tests, C headers, Debian examples, Maven
POMs, the tz database, ftfy's cases (``heldout_samples4.py``); python-stdnum and schwifty
(``iban_samples.py``); Reuters and IMDb (``pii_rule_diff.py``). Each source here is its own
row:

- ``trafilatura-pages``: the web pages trafilatura 1.1.0's sdist ships as test cases
  (``tests/cache/*``: news, blogs, shops, forums, institutional pages saved from the web), as
  tamis extracts them. Fetched with
  ``pip download --no-deps --no-binary :all: trafilatura==1.1.0 -d bench/work/``.
- ``newspaper-pages``: the news pages newspaper4k 0.9.6's sdist ships (``tests/data/html/*``),
  as tamis extracts them. Fetched with
  ``pip download --no-deps --no-binary :all: newspaper4k==0.9.6 -d bench/work/``.
- ``html-manuals``: the HTML manuals Debian installed under ``/usr/share/doc/*/html`` (libffi,
  libxslt, pip, valgrind), as tamis extracts them: documentation pages as a site serves them.
- ``cmake-help``: CMake's reStructuredText help (``/usr/share/cmake-*/Help/**/*.rst``):
  reference pages with code, variables, version notes.
- ``warc-records``: what of ``../shared/data/warc``'s WARC and WAT files no reading took: the
  header block of every record, the HTTP headers of responses, the whole of every request,
  metadata, warcinfo and WAT record (crawl metadata: hosts, IP addresses, servers, dates).

All are read where the machine has them; nothing is copied into the project. A source that is
not on the machine is reported empty. One reading, no split in parts.

What is judged is what ``heldout_samples2.py`` judges (its code is used): every IPv4-shaped
string of the cleaned text (replaced or not), every IPv6, card and IBAN detection, e-mail and
phone detections drawn (``PII_SAMPLE`` per source and kind), and recall candidates drawn
(``CANDIDATE_SAMPLE`` per source and kind). Verdicts and reasons: ``bench/heldout_verdicts5.json``.
The first reading is ``bench/results/heldout_samples5_first.md`` (kept as it was written); a
later run with changed rules writes ``bench/results/heldout_samples5.md``.

    .venv/bin/python bench/heldout_samples5.py [--first] [--list OUT]
"""

from __future__ import annotations

import gzip
import tarfile
from pathlib import Path

from heldout_samples import DATA, DOC, PII_SAMPLE, ROOT
from heldout_samples2 import CANDIDATE_SAMPLE, SEED, read_once, reading_run

VERDICTS = Path(__file__).resolve().parent / "heldout_verdicts5.json"
WORK = ROOT / "bench" / "work"
TRAFILATURA = WORK / "trafilatura-1.1.0.tar.gz"
NEWSPAPER = WORK / "newspaper4k-0.9.6.tar.gz"
CMAKE = Path("/usr/share")
WARC = DATA / "warc"

# --- the documents -----------------------------------------------------------------------------


def _page_text(raw: bytes) -> str:
    """A page's main text as tamis extracts it (its HTML decoding, then ``extract``)."""
    from tamis.extract.core import extract
    from tamis.io.html import decode_html

    return extract(decode_html(raw)[0]).text


def _sdist_pages(sdist: Path, folder: str) -> list[tuple[str, str]]:
    """Every page of ``folder`` in the sdist, extracted; none when the sdist is not fetched."""
    if not sdist.exists():
        return []
    out = []
    with tarfile.open(sdist) as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            name = Path(member.name).relative_to(Path(member.name).parts[0]).as_posix()
            if not member.isfile() or not name.startswith(folder):
                continue
            raw = tar.extractfile(member).read()
            if name.endswith(".gz"):
                raw = gzip.decompress(raw)
            if (text := _page_text(raw)).strip():
                out.append((name, text))
    return out


def trafilatura_pages() -> list[tuple[str, str]]:
    return _sdist_pages(TRAFILATURA, "tests/cache/")


def newspaper_pages() -> list[tuple[str, str]]:
    return _sdist_pages(NEWSPAPER, "tests/data/html/")


def html_manuals() -> list[tuple[str, str]]:
    out = []
    for path in sorted(DOC.glob("*/html/**/*.htm*")):
        if path.is_file() and not path.is_symlink():
            if (text := _page_text(path.read_bytes())).strip():
                out.append((str(path.relative_to(DOC)), text))
    return out


def cmake_help() -> list[tuple[str, str]]:
    out = []
    for path in sorted(CMAKE.glob("cmake-*/Help/**/*.rst")):
        if path.is_file() and not path.is_symlink():
            out.append((str(path.relative_to(CMAKE)), path.read_text("utf-8", errors="replace")))
    return out


def warc_records() -> list[tuple[str, str]]:
    """One document per record: its WARC header block, then the HTTP headers of a response or
    the whole block of any other record."""
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    out = []
    paths = sorted(WARC.glob("*.warc.gz")) + sorted(WARC.glob("*.wat.gz")) if WARC.is_dir() else []
    for path in paths:
        with open(path, "rb") as fh:
            records = ArchiveIterator(fh, parse_http=False, record_types=WarcRecordType.any_type)
            for i, record in enumerate(records):
                header = "\n".join(f"{k}: {v}" for k, v in record.headers)
                block = record.reader.read()
                kind = str(record.record_type).rsplit(".", 1)[-1]
                if kind == "response":
                    block = block.split(b"\r\n\r\n", 1)[0]
                body = block.decode("utf-8", errors="replace").replace("\r\n", "\n")
                out.append((f"{path.name}/{i}/{kind}", f"{header}\n\n{body}"))
    return out


SOURCES = {
    "trafilatura-pages": trafilatura_pages,
    "newspaper-pages": newspaper_pages,
    "html-manuals": html_manuals,
    "cmake-help": cmake_help,
    "warc-records": warc_records,
}


def main() -> None:
    out, which = reading_run(5, "the rules of the reading's first run (6466660)")
    read_once(
        SOURCES,
        VERDICTS,
        out,
        f"Fifth held-out text: pii judged by hand, {which}",
        "Real text no pii rule was written against, web pages first (the module's docstring "
        "names the sources, fixed in it before any rule ran on them). IPv4-shaped strings, IPv6, "
        f"card and IBAN detections are all listed; e-mail and phone detections are drawn "
        f"({PII_SAMPLE} per source and kind); recall candidates are drawn, {CANDIDATE_SAMPLE} per "
        f"source and kind, seed {SEED}. Verdicts and reasons: `bench/heldout_verdicts5.json`.",
    )


if __name__ == "__main__":
    main()
