"""A ninth held-out reading of ``pii``: real text where every kind occurs, e-mails, phones, IP
addresses, payment cards and IBANs, from packages no reading took. The eighth reading held no
card and no IBAN at all, the seventh few IP addresses; this one is chosen so that each kind has
a hundred detections or more to judge where the text has them. The sources below were fixed in
a commit before any pii rule ran on them; the first reading used the rules of that commit (the
glued-text handling of ``tamis.pii.glued`` and the fixes of the eighth reading).

Already read while rules were written, so not used here: the sources of ``heldout_samples.py``
to ``heldout_samples8.py`` (their packages: braintree, stripe, card-validator, creditcard,
phonenumbers, libphonenumber-js, ibantools, sepaxml, django-localflavor, talon, isbnlib,
python-barcode, tracking-numbers, scrubadub, mail-parser), python-stdnum and schwifty
(``iban_samples.py``), the data of ``../shared/data`` (every set is read by some reading or
bench).

Each source is one package's documentation, tests and test fixtures, as its registry serves it
(fetched into ``bench/work/``, which git ignores; nothing is copied into the project), one
document a file; built copies of the same sources (``lib/``, ``dist/``, ``es/``) are left out:

- whois records (e-mails, phones, postal addresses, name servers' and networks' IP addresses):
  ``asyncwhois`` 1.1.15 (``tests/samples``: real WHOIS answers of many registries, README),
  ``python-whois`` 0.9.6 (README, tests), ``ipwhois`` 1.3.0 (its .rst documents: RDAP and
  WHOIS answers with networks, abuse contacts, phones), ``whoisdomain`` 2.20260806.3 (README,
  docs, tests).
- mail and address parsers (e-mails of every shape, IPs in relays' headers): ``flanker`` 0.9.11
  (tests), ``email-addresses`` 5.0.0 (npm: README, tests), ``mailparser`` 3.14.2 (npm: README,
  CHANGELOG).
- banking (IBANs, account numbers, statements): ``iban`` 0.0.14 (npm: README, ``iban.js``),
  ``ibankit`` 1.6.5 (npm: README, ``src``), ``fints`` 5.0.1 (README, docs, tests),
  ``mt940`` 0.8.1 (README, modules), ``ofxparse`` 0.21 (README, tests and their OFX files),
  ``mollie-api-python`` 4.0.0 (tests and their JSON answers), ``gocardless-pro`` 3.22.0 (README,
  tests' fixtures).
- payments (test card numbers, cardholders, billing phones): ``jquery.payment`` 3.0.0 (npm:
  README, ``src``, tests), ``creditcards`` 5.0.0 and ``creditcards-types`` 4.0.0 (npm: README,
  tests, type definitions), ``luhn`` 2.4.1, ``fast-luhn`` 2.0.2, ``payment`` 2.4.7 and
  ``credit-card-type`` 10.3.0 (npm: README, sources, tests), ``django-payments`` 4.1.0 (docs,
  tests), ``adyen`` 16.0.0, ``checkout-sdk`` 4.8.1, ``authorizenet`` 1.1.6 and
  ``paypalrestsdk`` 1.13.3 (README, tests, samples).

Fetched with (from the project root)::

    .venv/bin/pip download --no-deps --no-binary :all: -d bench/work asyncwhois==1.1.15 \\
        python-whois==0.9.6 ipwhois==1.3.0 whoisdomain==2.20260806.3 flanker==0.9.11 \\
        fints==5.0.1 mt940==0.8.1 ofxparse==0.21 mollie-api-python==4.0.0 \\
        gocardless-pro==3.22.0 django-payments==4.1.0 adyen==16.0.0 checkout-sdk==4.8.1 \\
        authorizenet==1.1.6 paypalrestsdk==1.13.3
    (cd bench/work && npm pack email-addresses@5.0.0 mailparser@3.14.2 iban@0.0.14 \\
        ibankit@1.6.5 jquery.payment@3.0.0 creditcards@5.0.0 creditcards-types@4.0.0 \\
        luhn@2.4.1 fast-luhn@2.0.2 payment@2.4.7 credit-card-type@10.3.0)

A source whose archive is not fetched is reported empty. One reading, no split in parts.

What is judged, as in ``heldout_samples8.py``: IPv4-shaped strings of the cleaned text
(replaced or not) and IPv6 detections, card, IBAN and phone detections, each all or
``PER_KIND`` drawn per source and kind, e-mail detections ``EMAIL_PER_SOURCE`` drawn per
source, and what pii left that looks like a value
(``CANDIDATE_PER_KIND`` drawn per source and kind). Verdicts and reasons:
``bench/heldout_verdicts9.json``. The first reading is ``bench/results/heldout_samples9_first.md``
(kept as it was written); a later run with changed rules writes
``bench/results/heldout_samples9.md``.

    .venv/bin/python bench/heldout_samples9.py [--first] [--list OUT]
"""

from __future__ import annotations

from pathlib import Path

from heldout_samples2 import SEED, read_once, reading_run
from heldout_samples7 import archive_files, long_numbers
from heldout_samples8 import drawn

VERDICTS = Path(__file__).resolve().parent / "heldout_verdicts9.json"
PER_KIND = 100  # cards, IBANs, phones, IPv4-shaped strings: a hundred per kind where there are
EMAIL_PER_SOURCE = 40  # e-mails abound in mail parsers' tests: forty a source make hundreds
CANDIDATE_PER_KIND = 8

_DOCS = ["README*", "*.rst", "*.md", "docs/*", "docs/*/*", "doc/*", "doc/*/*"]
_TESTS = ["test/*", "test/*/*", "tests/*", "tests/*/*", "tests/*/*/*", "tests/*/*/*/*"]

# (archive, the files of it read: patterns on the path inside the package's folder)
ARCHIVES = {
    "asyncwhois": ("asyncwhois-1.1.15.tar.gz", ["README.md", *_TESTS]),
    "python-whois": ("python_whois-0.9.6.tar.gz", ["README.md", *_TESTS]),
    "ipwhois": ("ipwhois-1.3.0.tar.gz", ["*.rst"]),
    "whoisdomain": ("whoisdomain-2.20260806.3.tar.gz", [*_DOCS, *_TESTS]),
    "flanker": ("flanker-0.9.11.tar.gz", ["README*", *_TESTS]),
    "email-addresses": ("email-addresses-5.0.0.tgz", ["README.md", "Changes.md", "test/*"]),
    "mailparser": ("mailparser-3.14.2.tgz", ["README.md", "CHANGELOG.md"]),
    "iban-js": ("iban-0.0.14.tgz", ["README.md", "iban.js"]),
    "ibankit": ("ibankit-1.6.5.tgz", ["README.md", "src/*"]),
    "fints": ("fints-5.0.1.tar.gz", [*_DOCS, *_TESTS]),
    "mt940": ("mt940-0.8.1.tar.gz", ["README.rst", "mt940/*"]),
    "ofxparse": ("ofxparse-0.21.tar.gz", ["README.rst", *_TESTS]),
    "mollie": ("mollie_api_python-4.0.0.tar.gz", ["README*", *_TESTS]),
    "gocardless": ("gocardless_pro-3.22.0.tar.gz", ["README*", *_TESTS]),
    "jquery-payment": ("jquery.payment-3.0.0.tgz", ["README.md", "src/*", "test/*"]),
    "creditcards": ("creditcards-5.0.0.tgz", ["readme.md", "*-test.js", "test.js"]),
    "creditcards-types": ("creditcards-types-4.0.0.tgz", ["readme.md", "types/*", "test/*"]),
    "luhn-js": ("luhn-2.4.1.tgz", ["README.md", "HISTORY.md", "src/luhn.js", "tests/*"]),
    "fast-luhn": ("fast-luhn-2.0.2.tgz", ["README.md", "index.js", "test*"]),
    "payment-js": ("payment-2.4.7.tgz", ["README.md", "lib/index.js"]),
    "credit-card-type": ("credit-card-type-10.3.0.tgz", ["README.md", "CHANGELOG.md", "src/*"]),
    "django-payments": ("django_payments-4.1.0.tar.gz", [*_DOCS, "payments/*/test_*.py"]),
    "adyen": ("adyen-16.0.0.tar.gz", ["README*", *_TESTS]),
    "checkout-sdk": ("checkout_sdk-4.8.1.tar.gz", ["README*", *_TESTS]),
    "authorizenet": ("authorizenet-1.1.6.tar.gz", ["README*", *_TESTS]),
    "paypalrestsdk": ("paypalrestsdk-1.13.3.tar.gz", ["README*", *_TESTS, "samples/*/*"]),
}


def sources_of(archives: dict) -> dict:
    """Each source's reader: the files of its archive, read when the reading asks for them."""
    return {name: (lambda name=name: archive_files(*archives[name])) for name in archives}


SOURCES = sources_of(ARCHIVES)

# --- what is judged ----------------------------------------------------------------------------


def choose(items: list[dict]) -> list[dict]:
    """Every kind's detections (IPv4-shaped strings replaced or not, cards, IBANs, phones,
    IPv6) all, or ``PER_KIND`` drawn; e-mails ``EMAIL_PER_SOURCE`` drawn; candidates
    ``CANDIDATE_PER_KIND`` drawn; per source and kind."""
    return drawn(items, {"email": EMAIL_PER_SOURCE}, CANDIDATE_PER_KIND, cap=PER_KIND)


def main() -> None:
    out, which = reading_run(9, "the rules of the commit that fixed the sources")
    read_once(
        SOURCES,
        VERDICTS,
        out,
        f"Ninth held-out text: pii judged by hand, {which}",
        "Real text where every kind occurs, from packages no reading took: whois records, "
        "mail and address parsers' tests, banking and payment libraries' docs, tests and "
        "fixtures; the module's docstring names the sources, fixed in it before any rule ran "
        "on them. Every kind's detections (IPv4-shaped strings replaced or left, IPv6, card, "
        f"IBAN, phone) all, or {PER_KIND} drawn per source and kind, e-mails "
        f"{EMAIL_PER_SOURCE} drawn per source; what pii left "
        f"that looks like a value (`number?`: eight digits or more) {CANDIDATE_PER_KIND} drawn "
        f"per source and kind, seed {SEED}. Verdicts and reasons: `bench/heldout_verdicts9.json`.",
        choose=choose,
        extra=long_numbers,
    )


if __name__ == "__main__":
    main()
