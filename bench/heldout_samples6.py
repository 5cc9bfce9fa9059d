"""A sixth held-out reading of ``pii``: real text that no pii rule was written against, read
once, web pages and log-like text first, after the change of the IPv4 rule to positive
evidence of an address. The sources below were fixed in a commit before any pii rule ran on
them (ee0c396); the first reading used the rules of e70f974 (the IPv4 rule by evidence of an
address).

Already read while rules were written, so not used here: the sources of ``heldout_samples.py``
to ``heldout_samples5.py`` (chardet's pages, Debian and upstream changelogs, manual pages, the
lingua sentences, the ``.venv`` METADATA, Debian ``copyright`` files, the common licences,
Python's ``test_email`` messages, the Node.js API documentation, the Python standard library
and its tests, the glibc locale sources, GNU Info manuals, Perl modules, npm's Markdown, Debian
READMEs, MSRP, Clough-Stevenson, C headers, Debian examples, Maven POMs, the tz database,
ftfy's cases, trafilatura's and newspaper4k's saved pages, Debian's ``*/html/`` manuals, CMake's
help, the WARC and WAT records' headers and metadata); the crawl and extraction pages, DCLM and
the dolma head (``crawl_samples.py``); python-stdnum and schwifty (``iban_samples.py``); Reuters
and IMDb (``pii_rule_diff.py``). Each source here is its own row:

- ``inscriptis-pages``: the HTML test pages inscriptis 2.7.6's sdist ships (``tests/html/*``,
  saved web pages and hand-made cases), as tamis extracts them. Fetched with
  ``pip download --no-deps --no-binary :all: inscriptis==2.7.6 -d bench/work/``.
- ``html2text-pages``: the HTML test pages of html2text 2025.4.15's sdist (``test/*.html``:
  saved Google Docs pages, hand-made cases), as tamis extracts them. Fetched with
  ``pip download --no-deps --no-binary :all: html2text==2025.4.15 -d bench/work/``.
- ``debian-doc-html``: the HTML documents Debian installed under ``/usr/share/doc`` outside the
  ``html/`` folders (release notes, user manuals, changelogs as HTML: gcc's NEWS, sqlite's
  changelog, ninja's manual, nettle's manual, ...), as tamis extracts them.
- ``arc-records``: the 2008 Common Crawl ARC files of ``../shared/data/warc`` record by record:
  the ARC header line (URL, the server's IP address, date, type, length) and the HTTP response
  headers. The response bodies were read as crawl pages; these headers were not.
- ``fail2ban-logs``: the log samples Debian's fail2ban 1.0.2-2 ships for its tests
  (``fail2ban/tests/files/logs/*``: sshd, apache, postfix, exim, asterisk ... logs with the
  hosts they ban), the first ten lines of each file, one document a file. Fetched with
  ``apt-get download fail2ban`` into ``bench/work/`` and unpacked with
  ``dpkg-deb -x fail2ban_1.0.2-2_all.deb bench/work/fail2ban-deb``.

Nothing is copied into the project. A source that is not on the machine is reported empty. One
reading, no split in parts.

What is judged is what ``heldout_samples2.py`` judges (its code is used): every IPv4-shaped
string of the cleaned text (replaced or not: the ones left are the recall check on real text),
every IPv6, card and IBAN detection, e-mail and phone detections drawn (``PII_SAMPLE`` per
source and kind), and recall candidates drawn (``CANDIDATE_SAMPLE`` per source and kind).
Verdicts and reasons: ``bench/heldout_verdicts6.json``. The first reading is
``bench/results/heldout_samples6_first.md`` (kept as it was written); a later run with changed
rules writes ``bench/results/heldout_samples6.md``.

    .venv/bin/python bench/heldout_samples6.py [--first] [--list OUT]
"""

from __future__ import annotations

import gzip
from pathlib import Path

from heldout_samples import DATA, DOC, PII_SAMPLE
from heldout_samples2 import CANDIDATE_SAMPLE, SEED, read_once, reading_run
from heldout_samples5 import WORK, _page_text, _sdist_pages

VERDICTS = Path(__file__).resolve().parent / "heldout_verdicts6.json"
INSCRIPTIS = WORK / "inscriptis-2.7.6.tar.gz"
HTML2TEXT = WORK / "html2text-2025.4.15.tar.gz"
FAIL2BAN_LOGS = WORK / "fail2ban-deb/usr/lib/python3/dist-packages/fail2ban/tests/files/logs"
LOG_LINES = 10
WARC = DATA / "warc"


def inscriptis_pages() -> list[tuple[str, str]]:
    return [(n, t) for n, t in _sdist_pages(INSCRIPTIS, "tests/html/") if n.endswith(".html")]


def html2text_pages() -> list[tuple[str, str]]:
    return [(n, t) for n, t in _sdist_pages(HTML2TEXT, "test/") if n.endswith(".html")]


def debian_doc_html() -> list[tuple[str, str]]:
    out = []
    for path in sorted(DOC.glob("*/**/*.htm*")):
        if "html" in path.relative_to(DOC).parts[1:-1]:
            continue  # the html/ manuals: read by the fifth reading
        if path.is_file() and not path.is_symlink():
            raw = path.read_bytes()
            if path.suffix == ".gz":
                raw = gzip.decompress(raw)
            if (text := _page_text(raw)).strip():
                out.append((str(path.relative_to(DOC)), text))
    return out


def arc_records() -> list[tuple[str, str]]:
    """One document per ARC record: its header line, then the HTTP headers of its response."""
    out = []
    for path in sorted(WARC.glob("*.arc")) if WARC.is_dir() else []:
        data = path.read_bytes()
        pos, i = 0, 0
        while pos < len(data):
            line_end = data.find(b"\n", pos)
            if line_end < 0:
                break
            header = data[pos:line_end].decode("utf-8", errors="replace")
            fields = header.split()
            if not fields or not fields[-1].isdigit():
                pos = line_end + 1  # the blank line between records
                continue
            length = int(fields[-1])
            block = data[line_end + 1 : line_end + 1 + length]
            head = block.split(b"\r\n\r\n", 1)[0] if header.startswith("http") else block
            body = head.decode("utf-8", errors="replace").replace("\r\n", "\n")
            out.append((f"{path.name}/{i}", f"{header}\n{body}"))
            pos, i = line_end + 1 + length, i + 1
    return out


def fail2ban_logs() -> list[tuple[str, str]]:
    out = []
    for path in sorted(FAIL2BAN_LOGS.rglob("*")) if FAIL2BAN_LOGS.is_dir() else []:
        if path.is_file():
            lines = path.read_text("utf-8", errors="replace").splitlines()[:LOG_LINES]
            out.append((str(path.relative_to(FAIL2BAN_LOGS)), "\n".join(lines) + "\n"))
    return out


SOURCES = {
    "inscriptis-pages": inscriptis_pages,
    "html2text-pages": html2text_pages,
    "debian-doc-html": debian_doc_html,
    "arc-records": arc_records,
    "fail2ban-logs": fail2ban_logs,
}


def main() -> None:
    out, which = reading_run(6, "the rules of the reading's first run (e70f974)")
    read_once(
        SOURCES,
        VERDICTS,
        out,
        f"Sixth held-out text: pii judged by hand, {which}",
        "Real text no pii rule was written against, web pages and logs first (the module's "
        "docstring names the sources, fixed in it before any rule ran on them). IPv4-shaped "
        "strings (replaced or left), IPv6, card and IBAN detections are all listed; e-mail and "
        f"phone detections are drawn ({PII_SAMPLE} per source and kind); recall candidates are "
        f"drawn, {CANDIDATE_SAMPLE} per source and kind, seed {SEED}. Verdicts and reasons: "
        "`bench/heldout_verdicts6.json`.",
    )


if __name__ == "__main__":
    main()
