"""An eighth held-out reading of ``pii``: real web pages' text that no reading took, the part
where contact details stand (page headers, footers, sidebars, contact blocks, listings), and
news and reviews no reading took. The sources below were fixed in a commit before any pii rule
ran on them; the first reading used the rules of that commit (the seventh reading's fixes and
the assigned country calling codes).

Already read while rules were written, so not used here: the sources of ``heldout_samples.py``
to ``heldout_samples7.py``; python-stdnum and schwifty (``iban_samples.py``); the first 2,000
Reuters stories and IMDb reviews (``pii_rule_diff.py --news``, at most 2,000 each). The crawl and
extraction pages (WCXB dev, AEB, the response bodies of ``../shared/data/warc``) and chardet's
pages were read as tamis extracts them, their main text only (``crawl_samples.py`` lists every
pii edit on the main text, ``heldout_samples.py`` read chardet's): the rest of each page, what
``extract`` leaves out, no reading took. That rest is what a pipeline that runs ``pii`` on a
page's whole text (WET files, or an extraction that keeps more) meets, and where a site prints
its phone numbers and addresses. Each source is its own row:

- ``wcxb-rest``: the WCXB development pages (``../shared/data/extraction/wcxb-dev/html``, all
  seven page types: articles, forums, products, collections, listings, docs, services): each
  page's visible text, one line per block, less every line that stands in the text tamis
  extracts from it.
- ``aeb-rest``: the same for the AEB pages (``../shared/data/extraction/scrapinghub-aeb/html``).
- ``warc-rest``: the same for the HTML responses of ``../shared/data/warc``'s WARC files and
  2008 ARC files.
- ``chardet-rest``: the same for chardet's HTML pages (``../shared/data/encoding/chardet``),
  decoded with their folder's encoding (EUC-TW has no codec and is left out).
- ``reuters-rest``: the Reuters-21578 stories from the 2,001st on (``../shared/data/text``).
- ``imdb-rest``: IMDb reviews 2,001 to 22,000 (``../shared/data/text``).
- ``mail-parser``: the test mails of mail-parser 4.8.0 (PyPI sdist, ``tests/mails/*``: spam and
  real-looking mails with their headers, relays' addresses, senders, phone numbers in bodies),
  fetched as the seventh reading fetched its packages::

      .venv/bin/pip download --no-deps --no-binary :all: -d bench/work mail-parser==4.8.0

Nothing is copied into the project. A source not on the machine is reported empty. One reading,
no split in parts.

What is judged, as in ``heldout_samples7.py`` (whose choice and candidates this uses, with
larger caps so that each kind has 100 judged detections where the text has that many): every
IPv4-shaped string of the cleaned text (replaced or not), every IPv6 detection, card, IBAN and
phone detections (all, or ``PER_KIND`` drawn per source and kind), e-mail detections
(``EMAIL_PER_SOURCE`` drawn per source), and what pii left that looks like a value
(``CANDIDATE_PER_KIND`` drawn per source and kind); the clean rules' edits are left to their own benches. Verdicts and reasons:
``bench/heldout_verdicts8.json``. The first reading is ``bench/results/heldout_samples8_first.md``
(kept as it was written); a later run with changed rules writes
``bench/results/heldout_samples8.md``.

    .venv/bin/python bench/heldout_samples8.py [--first] [--list OUT]
"""

from __future__ import annotations

import gzip
import io
import json
import random
import re
import tarfile
from collections import defaultdict
from pathlib import Path

from heldout_samples import CLEAN_RULES, DATA, _folder_encoding
from heldout_samples2 import SEED, read_once, reading_run
from heldout_samples5 import WORK
from heldout_samples7 import long_numbers

VERDICTS = Path(__file__).resolve().parent / "heldout_verdicts8.json"
PER_KIND = 100
EMAIL_PER_SOURCE = 40
CANDIDATE_PER_KIND = 20
NEWS_READ = 2000  # the first stories and reviews, read by ``pii_rule_diff.py --news``
IMDB_TAKEN = 20_000
TEXT_LIMIT = 400_000
WCXB = DATA / "extraction" / "wcxb-dev" / "html"
AEB = DATA / "extraction" / "scrapinghub-aeb" / "html"
WARC = DATA / "warc"
CHARDET = DATA / "encoding" / "chardet"
MAIL_PARSER = WORK / "mail_parser-4.8.0.tar.gz"

# --- a page's text outside its main text -------------------------------------------------------

_DROPPED = ("script", "style", "noscript", "template", "svg", "head", "iframe", "object")
_BLOCKS = frozenset(
    "address article aside blockquote br dd div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol option p pre section select table tbody td "
    "tfoot th thead tr ul button label".split()
)
_SPACES = re.compile(r"\s+")


def visible_lines(html: str) -> list[str]:
    """The page's visible text, one line per block element, spaces collapsed."""
    import lxml.html

    try:
        root = lxml.html.document_fromstring(html)
    except Exception:  # an empty or unparsable page has no text
        return []
    for el in root.xpath("|".join(f"//{t}" for t in _DROPPED)):
        el.drop_tree()
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.lower() in _BLOCKS:
            el.text = "\n" + (el.text or "")
            el.tail = "\n" + (el.tail or "")
    lines = (_SPACES.sub(" ", line).strip() for line in root.text_content().split("\n"))
    return [line for line in lines if line]


def page_rest(html: str) -> str:
    """The lines of the page's visible text that do not stand in tamis's extraction of it."""
    from tamis.extract.core import extract

    main = _SPACES.sub(" ", extract(html).text)
    return "\n".join(line for line in visible_lines(html) if line not in main)


def _decoded(raw: bytes) -> str:
    from tamis.io.html import decode_html

    return decode_html(raw)[0]


def _rests(pages) -> list[tuple[str, str]]:
    out = []
    for name, html in pages:
        if (rest := page_rest(html)).strip():
            out.append((name, rest))
    return out


def wcxb_rest() -> list[tuple[str, str]]:
    paths = sorted(WCXB.glob("*.html.gz")) if WCXB.is_dir() else []
    return _rests((p.name, _decoded(gzip.decompress(p.read_bytes()))) for p in paths)


def aeb_rest() -> list[tuple[str, str]]:
    paths = sorted(AEB.glob("*.html.gz")) if AEB.is_dir() else []
    return _rests((p.name[:16], _decoded(gzip.decompress(p.read_bytes()))) for p in paths)


def _warc_responses():
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    for path in sorted(WARC.glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for i, record in enumerate(ArchiveIterator(fh, record_types=WarcRecordType.response)):
                if "html" in (record.http_headers.get("Content-Type") or "").lower():
                    yield f"{path.name}/{i}", record.reader.read()


def _arc_responses():
    for path in sorted(WARC.glob("*.arc")):
        data = path.read_bytes()
        pos, i = 0, 0
        while (line_end := data.find(b"\n", pos)) >= 0:
            fields = data[pos:line_end].decode("utf-8", errors="replace").split()
            if not fields or not fields[-1].isdigit():
                pos = line_end + 1
                continue
            block = data[line_end + 1 : line_end + 1 + int(fields[-1])]
            if len(fields) > 3 and "html" in fields[3].lower() and b"\r\n\r\n" in block:
                yield f"{path.name}/{i}", block.split(b"\r\n\r\n", 1)[1]
            pos, i = line_end + 1 + int(fields[-1]), i + 1


def warc_rest() -> list[tuple[str, str]]:
    if not WARC.is_dir():
        return []
    pages = [*_warc_responses(), *_arc_responses()]
    return _rests((name, _decoded(body)) for name, body in pages)


def chardet_rest() -> list[tuple[str, str]]:
    import codecs

    pages = []
    for path in sorted(CHARDET.glob("*/*.htm*")) if CHARDET.is_dir() else []:
        encoding = _folder_encoding(path.parent.name)
        try:
            codecs.lookup(encoding)
        except LookupError:
            continue
        raw = path.read_bytes().decode(encoding, errors="replace")
        pages.append((f"{path.parent.name}/{path.name}", raw))
    return _rests(pages)


def _news(name: str, start: int, stop: int | None) -> list[tuple[str, str]]:
    import zstandard

    path = DATA / "text" / f"{name}.jsonl.zst"
    if not path.exists():
        return []
    out = []
    with open(path, "rb") as fh:
        reader = io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(fh), "utf-8")
        for i, line in enumerate(reader):
            if stop is not None and i >= stop:
                break
            if i >= start:
                rec = json.loads(line)
                out.append((str(rec.get("id", i)), rec["text"]))
    return out


def reuters_rest() -> list[tuple[str, str]]:
    return _news("reuters-21578", NEWS_READ, None)


def imdb_rest() -> list[tuple[str, str]]:
    return _news("imdb-reviews", NEWS_READ, NEWS_READ + IMDB_TAKEN)


def mail_parser() -> list[tuple[str, str]]:
    if not MAIL_PARSER.exists():
        return []
    out = []
    with tarfile.open(MAIL_PARSER) as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            name = member.name.split("/", 1)[-1]
            if member.isfile() and name.startswith("tests/mails/"):
                text = tar.extractfile(member).read().decode("utf-8", errors="replace")
                if text.strip() and len(text) <= TEXT_LIMIT:
                    out.append((name, text))
    return out


SOURCES = {
    "wcxb-rest": wcxb_rest,
    "aeb-rest": aeb_rest,
    "warc-rest": warc_rest,
    "chardet-rest": chardet_rest,
    "reuters-rest": reuters_rest,
    "imdb-rest": imdb_rest,
    "mail-parser": mail_parser,
}

# --- what is judged ----------------------------------------------------------------------------


def choose(items: list[dict]) -> list[dict]:
    """Every IPv4-shaped string and IPv6 detection; card, IBAN and phone detections all, or
    ``PER_KIND`` drawn; e-mail ``EMAIL_PER_SOURCE`` drawn; candidates ``CANDIDATE_PER_KIND``
    drawn, per source and kind."""
    caps = {"card": PER_KIND, "iban": PER_KIND, "phone": PER_KIND, "email": EMAIL_PER_SOURCE}
    return drawn(items, caps, CANDIDATE_PER_KIND)


def drawn(items: list[dict], caps: dict, candidate_cap: int, cap: int | None = None) -> list[dict]:
    """The items of each source and kind, all or ``caps[kind]`` drawn (``cap`` for a kind not
    named, all when None; ``candidate_cap`` for recall candidates), the clean rules' left out."""
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for item in items:
        groups[(item["source"], item["kind"])].append(item)
    out = []
    for (source, kind), group in sorted(groups.items()):
        if kind in CLEAN_RULES:
            continue  # the clean rules' edits are judged in their own benches
        n = candidate_cap if kind.endswith("?") else caps.get(kind, cap)
        if n is not None and len(group) > n:
            group = random.Random(f"{SEED}-{source}-{kind}").sample(group, n)
        out.extend(group)
    return out


def main() -> None:
    out, which = reading_run(8, "the rules of the commit that fixed the sources")
    read_once(
        SOURCES,
        VERDICTS,
        out,
        f"Eighth held-out text: pii judged by hand, {which}",
        "Real web pages' text outside their main text (WCXB dev, AEB, the WARC and ARC "
        "responses, chardet's pages: headers, footers, sidebars, contact blocks), Reuters "
        "stories and IMDb reviews past the 2,000 read before, mail-parser's test mails; the "
        "module's docstring names the sources, fixed in it before any rule ran on them. "
        "IPv4-shaped strings (replaced or left) and IPv6 detections are all listed; card, IBAN "
        f"and phone detections all, or {PER_KIND} drawn per source and kind; e-mail detections "
        f"{EMAIL_PER_SOURCE} drawn per source; what pii left that looks like a value "
        f"(`number?`: eight digits or more) {CANDIDATE_PER_KIND} drawn per source and kind, "
        f"seed {SEED}. Verdicts and reasons: `bench/heldout_verdicts8.json`.",
        choose=choose,
        extra=long_numbers,
    )


if __name__ == "__main__":
    main()
