"""A seventh held-out reading of ``pii``: real text where phone numbers, payment cards and IBANs
occur, and the long numbers that look like them and are none (order and tracking numbers,
ISBNs, EANs, national identifiers, timestamps). The six readings before held many addresses
and e-mails but few cards and no phone or IBAN at all, so the precision of those three kinds
on real text was untested. The sources below were fixed in a commit before any pii rule ran
on them (842ec69); the first reading used the rules of the branch's start (ea6b0ee).

Already read while rules were written, so not used here: the sources of ``heldout_samples.py``
to ``heldout_samples6.py``; the crawl pages of ``../shared/data/warc`` and every extraction
benchmark page (``crawl_samples.py`` lists every pii edit on them, so none of them is held out);
python-stdnum and schwifty (``iban_samples.py``); Reuters and IMDb (``pii_rule_diff.py``).
Faker's locale providers are generated values, not text, and are not used.

Each source is one package's documentation and hand-written tests, read from the archive its
registry serves (fetched into ``bench/work/``, which git ignores; nothing is copied into the
project), one document a file:

- ``braintree``: braintree 4.48.0 (PyPI sdist): README and its test helpers (the test card
  numbers a merchant uses, nonces, merchant accounts).
- ``stripe``: stripe 16.1.0 (PyPI sdist): README and ``tests/`` (API fixtures with ids, amounts,
  timestamps, test cards).
- ``card-validator``: card-validator 10.0.4 (npm): README and ``src/__tests__`` (card numbers
  valid and not, postal codes, dates).
- ``creditcard-js``: creditcard 0.1.3 (npm): README, docs and tests.
- ``phonenumbers``: phonenumbers 9.0.43 (PyPI sdist): README and the hand-written ``tests/*.py``
  (not ``tests/testdata`` nor the library's generated metadata).
- ``libphonenumber-js``: libphonenumber-js 1.13.18 (npm): README and CHANGELOG.
- ``ibantools``: ibantools 4.5.4 (npm): README and CHANGELOG.
- ``sepaxml``: sepaxml 2.7.0 (PyPI sdist): README (SEPA transfers and debits with IBANs).
- ``localflavor``: django-localflavor 5.1 (PyPI sdist): docs, the country modules and their
  tests (phone numbers, postal codes, tax and national identifiers, IBANs of many countries).
- ``talon``: talon 1.4.4 (PyPI sdist): its test mails and signatures (``tests/``: real-looking
  replies with phone numbers, addresses, quoted headers).
- ``isbnlib``: isbnlib 3.10.14 (PyPI sdist): README and modules outside ``_data`` (ISBN-10 and
  ISBN-13 in every form).
- ``python-barcode``: python-barcode 0.16.1 (PyPI sdist): README, docs and tests (EAN, UPC,
  ISBN, GS1-128 codes).
- ``tracking-numbers``: tracking-numbers 0.1.8 (PyPI sdist): README and modules (parcel
  tracking numbers of many couriers, with their test numbers).
- ``scrubadub``: scrubadub 2.0.1 (PyPI sdist): the modules of a PII filter (docstrings with
  example phones, cards, addresses).

Fetched with (from the project root)::

    .venv/bin/pip download --no-deps --no-binary :all: -d bench/work braintree==4.48.0 \\
        stripe==16.1.0 phonenumbers==9.0.43 sepaxml==2.7.0 django-localflavor==5.1 \\
        talon==1.4.4 isbnlib==3.10.14 python-barcode==0.16.1 tracking-numbers==0.1.8 \\
        scrubadub==2.0.1
    (cd bench/work && npm pack card-validator@10.0.4 creditcard@0.1.3 \\
        libphonenumber-js@1.13.18 ibantools@4.5.4)

A source whose archive is not fetched is reported empty. One reading, no split in parts.

What is judged: every IPv4-shaped string of the cleaned text (replaced or not), every IPv6
detection, card, IBAN and phone detections (all, or ``PER_KIND`` drawn per source and kind
when there are more), e-mail detections drawn (``PII_SAMPLE`` per source). What pii left in
the text is sampled for recall: the loose candidates of ``heldout_samples2.py`` (a Luhn-valid
run of 13 to 19 digits, an IBAN's shape, seven digits or more after a phone word, ...) and any
run of eight digits or more, alone or in groups (``number?``), that no detection covers, drawn
``CANDIDATE_PER_KIND`` per source and kind. Verdicts and reasons: ``bench/heldout_verdicts7.json``.
The first reading is ``bench/results/heldout_samples7_first.md`` (kept as it was written); a
later run with changed rules writes ``bench/results/heldout_samples7.md``.

    .venv/bin/python bench/heldout_samples7.py [--first] [--list OUT]
"""

from __future__ import annotations

import fnmatch
import random
import re
import tarfile
from collections import defaultdict
from pathlib import Path

from heldout_samples import PII_SAMPLE, listed
from heldout_samples2 import SEED, candidates, read_once, reading_run
from heldout_samples5 import WORK

VERDICTS = Path(__file__).resolve().parent / "heldout_verdicts7.json"
PER_KIND = 60
CANDIDATE_PER_KIND = 20
TEXT_LIMIT = 400_000  # characters of one file: a larger one is a data table, not text

# (archive, the files of it read: patterns on the path inside the package's folder)
ARCHIVES = {
    "braintree": ("braintree-4.48.0.tar.gz", ["README.md", "braintree/test/*.py", "tests/*.py"]),
    "stripe": ("stripe-16.1.0.tar.gz", ["README.md", "tests/*.py", "tests/*/*.py"]),
    "card-validator": ("card-validator-10.0.4.tgz", ["README.md", "src/__tests__/*.ts"]),
    "creditcard-js": ("creditcard-0.1.3.tgz", ["README.md", "docs/README.md", "test/*.js"]),
    "phonenumbers": ("phonenumbers-9.0.43.tar.gz", ["README.md", "tests/*.py"]),
    "libphonenumber-js": ("libphonenumber-js-1.13.18.tgz", ["README.md", "CHANGELOG.md"]),
    "ibantools": ("ibantools-4.5.4.tgz", ["README.md", "CHANGELOG.md"]),
    "sepaxml": ("sepaxml-2.7.0.tar.gz", ["README.rst"]),
    "localflavor": (
        "django_localflavor-5.1.tar.gz",
        ["docs/*.rst", "docs/*/*.rst", "localflavor/*/*.py", "tests/*/*.py"],
    ),
    "talon": ("talon-1.4.4.tar.gz", ["tests/*.py", "tests/*/*.py", "tests/fixtures/*/*"]),
    "isbnlib": ("isbnlib-3.10.14.tar.gz", ["README.rst", "isbnlib/*.py", "isbnlib/dev/*.py"]),
    "python-barcode": (
        "python_barcode-0.16.1.tar.gz",
        ["README.rst", "docs/*.rst", "tests/*.py"],
    ),
    "tracking-numbers": (
        "tracking-numbers-0.1.8.tar.gz",
        ["README.md", "tracking_numbers/*.py", "tracking_numbers/*/*.py"],
    ),
    "scrubadub": ("scrubadub-2.0.1.tar.gz", ["scrubadub/*.py", "scrubadub/*/*.py"]),
}


def archive_members(archive: str, patterns: list[str]) -> list[tuple[str, bytes]]:
    """The files of the archive that match a pattern (``*`` stays within one folder), by their
    path inside the package's folder, as bytes; none when the archive is not fetched."""
    path = WORK / archive
    if not path.exists():
        return []
    out = []
    with tarfile.open(path) as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            name = member.name.split("/", 1)[-1]
            if member.isfile() and any(_matches(name, p) for p in patterns):
                out.append((name, tar.extractfile(member).read()))
    return out


def archive_files(archive: str, patterns: list[str]) -> list[tuple[str, str]]:
    """The files of the archive that match a pattern, as text; none when not fetched."""
    out = []
    for name, body in archive_members(archive, patterns):
        text = body.decode("utf-8", errors="replace")
        if text.strip() and len(text) <= TEXT_LIMIT:
            out.append((name, text))
    return out


def _matches(name: str, pattern: str) -> bool:
    return name.count("/") == pattern.count("/") and fnmatch.fnmatchcase(name, pattern)


def _source(name: str):
    return lambda: archive_files(*ARCHIVES[name])


SOURCES = {name: _source(name) for name in ARCHIVES}

# --- what is judged ----------------------------------------------------------------------------

# Eight digits or more, alone or in groups of digits joined by single spaces, dashes, dots,
# slashes or brackets: what a phone, a card or an account number looks like in text.
_LONG_NUMBER = re.compile(r"(?<![\w.+-])\+?\(?\d[\d()]*(?:[ ./-]?\(?\d[\d()]*){7,}(?![\w])")


def long_numbers(cleaned: str, spans: list[tuple[int, int, str]]):
    """The loose candidates of the second reading, and every long number no detection covers."""
    out = candidates(cleaned, spans)
    taken = [(s, e) for s, e, _ in spans]
    for m in _LONG_NUMBER.finditer(cleaned):
        start, end = m.span()
        value = m.group()
        if sum(c.isdigit() for c in value) < 8:
            continue
        if any(start < e and s < end for s, e in taken):
            continue
        before, after = cleaned[max(0, start - 60) : start], cleaned[end : end + 60]
        out.append(("number?", value, before, after, False))
    return out


def choose(items: list[dict]) -> list[dict]:
    """Every IPv4-shaped string and IPv6 detection; card, IBAN and phone detections all, or
    ``PER_KIND`` drawn; e-mail ``PII_SAMPLE`` drawn (``listed``); candidates
    ``CANDIDATE_PER_KIND`` drawn per source and kind."""
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for item in items:
        groups[(item["source"], item["kind"])].append(item)
    out = []
    for (source, kind), group in sorted(groups.items()):
        cap = CANDIDATE_PER_KIND if kind.endswith("?") else PER_KIND
        if kind in ("card", "iban", "phone") or kind.endswith("?"):
            if len(group) > cap:
                group = random.Random(f"{SEED}-{source}-{kind}").sample(group, cap)
            out.extend(group)
        else:
            out.extend(listed(group))
    return out


def main() -> None:
    out, which = reading_run(7, "the rules of the reading's first run (the branch's start)")
    read_once(
        SOURCES,
        VERDICTS,
        out,
        f"Seventh held-out text: pii judged by hand, {which}",
        "Real text where phones, cards and IBANs occur and long numbers that are none "
        "(payment, phone and IBAN libraries' docs and tests, test mails, ISBN, barcode and "
        "tracking-number libraries; the module's docstring names the sources, fixed in it "
        "before any rule ran on them). IPv4-shaped strings (replaced or left) and IPv6 "
        f"detections are all listed; card, IBAN and phone detections all, or {PER_KIND} drawn "
        f"per source and kind; e-mail detections {PII_SAMPLE} drawn per source; what pii left "
        f"that looks like a value (`number?`: eight digits or more) {CANDIDATE_PER_KIND} drawn "
        f"per source and kind, seed {SEED}. Verdicts and reasons: `bench/heldout_verdicts7.json`.",
        choose=choose,
        extra=long_numbers,
    )


if __name__ == "__main__":
    main()
