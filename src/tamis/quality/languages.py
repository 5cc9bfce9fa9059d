"""Which language-script pair a document is in, and which word splitter datatrove gives it.

datatrove 0.10.1 chooses a word tokenizer per language from ``assets/tokenizer_assignment.csv``
(shipped here as ``data/tokenizer_assignment.csv``, Apache-2.0, from the datatrove wheel): one
row per ISO 639-3 code and ISO 15924 script (``por_Latn``), naming a tokenizer class and its
argument (``SpaCyTokenizer,pt``; ``IndicNLPTokenizer,hi``; ``StanzaTokenizer,kmr``...).
FineWeb-2 names its languages the same way, so a FineWeb-2 code resolves to one row exactly.

tamis's ``langid`` speaks ISO 639-1 (``pt``, ``sr``). :func:`resolve` turns such a code into a
language-script pair: the ISO 639-3 code is the row the table marks as the two-letter code's
default (``ar`` is Standard Arabic, ``arb``; ``zh`` is Mandarin, ``cmn``; ``sw`` is ``swh``), and
the script is the one most of the text's letters are written in among the scripts the table
lists for that language (Serbian in Cyrillic or in Latin letters), else the table's default.
A bare code therefore never takes datatrove's own bare-code lookup, which keeps the *last* row
of a code (its ``load_word_tokenizer("zh")`` is the whitespace tokenizer of ``zho_Latn``).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

_PAIR = re.compile(r"^([a-z]{2,3})_([A-Z][a-z]{3})$")


@dataclass(frozen=True, slots=True)
class Splitter:
    """A datatrove word tokenizer: its class (``SpaCyTokenizer``...) and argument (``pt``)."""

    kind: str
    code: str = ""


@dataclass(frozen=True, slots=True)
class _Row:
    code_3: str
    code_1: str
    script: str
    splitter: Splitter | None
    default_script: bool
    default_code_1: bool


@cache
def _rows() -> tuple[_Row, ...]:
    with (DATA / "tokenizer_assignment.csv").open(encoding="utf-8") as fh:
        return tuple(
            _Row(
                r["code_3"],
                r["code_1"],
                r["script"],
                Splitter(r["type"], r["tok_code"]) if r["type"] else None,
                r["default_script"] == "TRUE",
                r["default_code_1"] == "TRUE",
            )
            for r in csv.DictReader(fh)
        )


@cache
def _pairs() -> dict[str, _Row]:
    """``iso3_Script`` -> its row (the first, as datatrove keeps it)."""
    out: dict[str, _Row] = {}
    for row in _rows():
        out.setdefault(f"{row.code_3}_{row.script}", row)
    return out


@cache
def _by_code_3() -> dict[str, list[_Row]]:
    out: dict[str, list[_Row]] = {}
    for row in _rows():
        out.setdefault(row.code_3, []).append(row)
    return out


@cache
def _code_1_to_3() -> dict[str, str]:
    """ISO 639-1 -> the ISO 639-3 code the table marks as its default (else its first)."""
    out: dict[str, str] = {}
    for row in _rows():
        if row.code_1:
            out.setdefault(row.code_1, row.code_3)
    for row in _rows():
        if row.code_1 and row.default_code_1:
            out[row.code_1] = row.code_3
    return out


def known_pairs() -> list[str]:
    """Every ``iso3_Script`` datatrove assigns a word tokenizer to."""
    return sorted(k for k, row in _pairs().items() if row.splitter is not None)


def splitter_of(pair: str) -> Splitter | None:
    """datatrove's tokenizer for ``iso3_Script`` (None: the table assigns none)."""
    row = _pairs().get(pair)
    return row.splitter if row is not None else None


def is_pair(code: str) -> bool:
    return _PAIR.match(code) is not None


def is_known(code: str) -> bool:
    """Whether ``code`` names a language the table knows (pair, ISO 639-3 or 639-1)."""
    if is_pair(code):
        return code in _pairs()
    base = code.split("_")[0].split("-")[0].lower()
    return base in _by_code_3() or base in _code_1_to_3()


# ------------------------------------------------------------------------- script from text

#: First word of a character's Unicode name -> its ISO 15924 script code.
_SCRIPT_OF_NAME = {
    "LATIN": "Latn",
    "CYRILLIC": "Cyrl",
    "ARABIC": "Arab",
    "GREEK": "Grek",
    "HEBREW": "Hebr",
    "DEVANAGARI": "Deva",
    "BENGALI": "Beng",
    "GURMUKHI": "Guru",
    "GUJARATI": "Gujr",
    "ORIYA": "Orya",
    "TAMIL": "Taml",
    "TELUGU": "Telu",
    "KANNADA": "Knda",
    "MALAYALAM": "Mlym",
    "SINHALA": "Sinh",
    "THAI": "Thai",
    "LAO": "Laoo",
    "TIBETAN": "Tibt",
    "MYANMAR": "Mymr",
    "KHMER": "Khmr",
    "GEORGIAN": "Geor",
    "ARMENIAN": "Armn",
    "ETHIOPIC": "Ethi",
    "HANGUL": "Hang",
    "CJK": "Hani",
    "HIRAGANA": "Jpan",
    "KATAKANA": "Jpan",
    "SYRIAC": "Syrc",
    "THAANA": "Thaa",
    "MONGOLIAN": "Mong",
    "CHEROKEE": "Cher",
    "CANADIAN": "Cans",
    "TIFINAGH": "Tfng",
    "NKO": "Nkoo",
    "OL": "Olck",
    "JAVANESE": "Java",
    "BALINESE": "Bali",
}

_SCRIPT_SAMPLE = 2000


@cache
def _char_script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return _SCRIPT_OF_NAME.get(name.split(" ", 1)[0], "") if name else ""


def text_scripts(text: str) -> Counter[str]:
    """Letters per script in the first characters of ``text`` (scripts in the order their first
    letter comes, as a count letter by letter would list them; each distinct character is
    looked at once)."""
    counts: Counter[str] = Counter()
    for ch, n in Counter(text[:_SCRIPT_SAMPLE]).items():
        if ch.isalpha():
            counts[_char_script(ch)] += n
    return counts


def _pick_script(rows: list[_Row], text: str | None) -> _Row:
    if len(rows) == 1 or not text:
        return next((r for r in rows if r.default_script), rows[0])
    scripts = {r.script: r for r in rows}
    counts = text_scripts(text)
    if "Jpan" in counts and "Jpan" in scripts:  # kana with kanji: Japanese, whatever the kanji
        return scripts["Jpan"]
    for script, _ in counts.most_common():
        if script in scripts:
            return scripts[script]
        if script == "Hani" and "Hans" in scripts:
            return scripts["Hans"]
    return next((r for r in rows if r.default_script), rows[0])


def resolve(code: str, text: str | None = None) -> str | None:
    """The ``iso3_Script`` pair of ``code`` (a pair, ISO 639-3 or ISO 639-1), the script
    decided from ``text`` where the language is written in several; None when unknown."""
    if is_pair(code):
        return code if code in _pairs() else None
    base = code.split("_")[0].split("-")[0].lower()
    if base in ("zh-hant",):
        base = "zh"
    code_3 = base if base in _by_code_3() else _code_1_to_3().get(base)
    if code_3 is None:
        return None
    row = _pick_script(_by_code_3()[code_3], text)
    return f"{row.code_3}_{row.script}"


def is_multi_script(code: str) -> bool:
    """Whether a bare code's language is written in several scripts (the text decides)."""
    if is_pair(code):
        return False
    base = code.split("_")[0].split("-")[0].lower()
    code_3 = base if base in _by_code_3() else _code_1_to_3().get(base)
    return code_3 is not None and len(_by_code_3()[code_3]) > 1


def iso639_1(pair: str) -> str:
    """The two-letter code of a pair's language when it has one, else its ISO 639-3 code."""
    row = _pairs().get(pair)
    if row is None:
        return pair.split("_")[0]
    return row.code_1 or row.code_3


def check_language(code: str) -> str:
    """``code`` when tamis can split its words; else a ValueError saying what to provide."""
    from tamis.quality.backends import missing

    pair = resolve(code)
    if pair is None:
        raise ValueError(
            f"{code!r} is not a language of datatrove's tokenizer table; use a FineWeb-2 code "
            "(por_Latn), an ISO 639-3 (por) or ISO 639-1 (pt) code"
        )
    splitter = splitter_of(pair)
    if splitter is None:
        raise ValueError(f"{pair}: datatrove assigns no word tokenizer to this language")
    need = missing(splitter)
    if need:
        raise ValueError(
            f"{pair}: datatrove splits its words with {splitter.kind}"
            f"{f'({splitter.code!r})' if splitter.code else ''}, which needs {need}"
        )
    return code
