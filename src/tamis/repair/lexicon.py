"""Word lists that choose among the readings a lost byte leaves.

A strict Windows-1252 decoder drops the bytes 81 8D 8F 90 9D, and then ``Ñ`` is any of
``с э я ѐ ѝ`` (D1 81/8D/8F/90/9D) and Vietnamese ``á»`` any of ``ề ọ ỏ Ố ờ``: every reading
re-damages to the same text, so the bytes cannot decide. The words around can: ``корпуя`` is no
word, ``корпус`` is. The lists are the word frequency lists of the ``wordfreq`` package (Apache
2.0 code, CC BY-SA 4.0 data, the ``small`` lists: about 10,000 to 60,000 words per language,
shipped in its wheel), an optional dependency (extra ``lexicon``): without it the fixed order of
:func:`tamis.repair.unfold._choose` decides alone. Nothing is downloaded; a list is read only
when a line of its script needs a choice, once per process.

Serbian Cyrillic has no list of its own: the Serbo-Croatian list (Latin script, Gaj's alphabet)
is transliterated letter for letter.

For a word that is in no list (a name: ``Аустро``, ``Руфинус``, an inflected form), a
three-letter model of the same lists and lingua's letter runs of up to five letters
(:mod:`.charmodels`) score the readings together (:func:`choose`).

Belarusian and Kazakh have no wordfreq list: their letters name them (``ў``, or ``і`` beside
``ы``; ``ә ғ қ ң ө ұ ү һ``), and tables shipped in tamis choose (``data/letters_*.tsv.gz``:
letter-run counts and the short words that hold ``с э я``, derived from the dictionaries of
Tesseract's Apache-2.0 models by ``data/generate_letters.py``).
"""

from __future__ import annotations

import bisect
import gzip
import importlib.util
import math
import re
from array import array
from collections.abc import Sequence
from functools import cache, lru_cache
from itertools import accumulate, chain, repeat
from os.path import commonprefix
from pathlib import Path

from tamis.repair import charmodels

# The lists that may hold the words of a line, by the script of the readings.
CYRILLIC = ("ru", "uk", "bg", "mk", "sr")
VIETNAMESE = ("vi",)
LATIN_C4 = ("cs", "sk", "sl", "sh", "pl", "lv")  # ``Ä`` lost a byte: ā č ď Đ ĝ
LATIN_C3 = ("cs", "sk", "hu", "es", "pt", "is")  # ``Ã`` lost a byte: Á Í Ï Ð Ý
# Languages whose ``large`` list a word no ``small`` list holds is looked up in (those of the
# families above that wordfreq ships one for).
LARGE = ("ru", "uk", "mk", "cs", "pl", "es", "pt")
# Languages known by their letter runs alone (no word list): Belarusian, Kazakh.
LETTERS_ONLY = ("be", "kk")
_DATA = Path(__file__).resolve().parent / "data"

_GAJ_PAIRS = (("lj", "љ"), ("nj", "њ"), ("dž", "џ"))
_GAJ = str.maketrans("abvgdđežzijklmnoprstćufhcčš", "абвгдђежзијклмнопрстћуфхцчш")
_CYRILLIC_WORD = re.compile("[\u0400-\u04ff]+")


def _cyrillic_serbian(word: str) -> str | None:
    """``word`` of the Serbo-Croatian list in Serbian Cyrillic, or None when it holds a
    letter Gaj's alphabet lacks (a foreign word)."""
    for latin, cyrillic in _GAJ_PAIRS:
        word = word.replace(latin, cyrillic)
    word = word.translate(_GAJ)
    return word if _CYRILLIC_WORD.fullmatch(word) else None


@cache
def _data() -> Path | None:
    """The folder of wordfreq's lists, found without importing the package (its import pulls
    in tokenizers and takes a second; the lists alone load in milliseconds)."""
    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "data"
    return folder if folder.is_dir() else None


def available() -> bool:
    return _data() is not None


def _buckets(lang: str, size: str = "small") -> list[list[str]]:
    """The ``small`` (or ``large``) list of ``lang`` in wordfreq's own format (a msgpack header
    ``{"format": "cB", "version": 1}``, then one list of words per 0.01 of log10 frequency,
    most frequent first); empty when the package or the list is absent."""
    folder = _data()
    path = folder / f"{size}_{lang}.msgpack.gz" if folder else None
    if path is None or not path.exists():
        return []
    import msgpack

    with gzip.open(path, "rb") as fh:
        data = msgpack.load(fh, raw=False)
    if not data or data[0] != {"format": "cB", "version": 1}:
        return []
    return data[1:]


@cache
def words(lang: str) -> dict[str, int]:
    """Word -> rank band of ``lang``'s list (0 the most frequent; each band is a step of
    0.01 in log10 frequency), empty when the package is absent."""
    buckets = list(enumerate(_buckets("sh" if lang == "sr" else lang)))
    if lang != "sr":
        # The least frequent band first, so that a word listed twice keeps its best band
        # (``update`` from ``zip`` builds it at C speed: a list is read on a file's first pass).
        known: dict[str, int] = {}
        for band, bucket in reversed(buckets):
            known.update(zip(bucket, repeat(band)))
        return known
    spelt = (
        (band, _cyrillic_serbian(word)) for band, bucket in reversed(buckets) for word in bucket
    )
    return {word: band for band, word in spelt if word is not None}


@cache
def _large(lang: str) -> tuple[str, array, array]:
    """``lang``'s ``large`` list (wordfreq ships one for a few languages: Russian, Ukrainian,
    Macedonian, Czech, Polish, Spanish, Portuguese; some 250,000 to 700,000 words, down to a
    frequency of one in 10^8), kept compact: its words sorted and joined on one string, the
    offset where each starts and its band. A dict of them would take some 100 MB per language;
    this takes a tenth, and a word is found by bisection."""
    buckets = _buckets(lang, "large")
    words = list(chain.from_iterable(buckets))  # wordfreq lists each word once
    bands = array("h", chain.from_iterable(repeat(b, len(w)) for b, w in enumerate(buckets)))
    order = sorted(range(len(words)), key=words.__getitem__)
    ordered = [words[i] for i in order]
    starts = array("l", accumulate((len(w) + 1 for w in ordered), initial=0))
    return "\n".join(ordered) + "\n", starts, array("h", map(bands.__getitem__, order))


def large_band(word: str, lang: str) -> int | None:
    """The band of ``word`` in ``lang``'s ``large`` list; None when the list lacks it (or
    ``lang`` has no such list)."""
    joined, starts, bands = _large(lang)
    n = len(bands)

    def at(i: int) -> str:
        return joined[starts[i] : starts[i + 1] - 1]

    i = bisect.bisect_left(range(n), word, key=at)
    return bands[i] if i < n and at(i) == word else None


@cache
def _spelt(lang: str) -> tuple[str, int]:
    """Every word of ``lang``'s list once, ``^^`` and ``$`` marking its ends, on one line each
    (letter runs are counted in it at C speed), and the number of letters."""
    joined = "\n".join(f"^^{w}$" for w in words(lang))
    return joined, len(joined)


@cache
def _shipped(lang: str) -> tuple[dict[str, int], int, frozenset[str]]:
    """A language without a word list, as tamis ships it (``data/letters_*.tsv.gz``): its
    letter-run counts, the letters they were counted over (the length its words would have
    joined as in :func:`_spelt`), and its short words that hold ``с э я``."""
    counts: dict[str, int] = {}
    short = []
    with gzip.open(_DATA / f"letters_{lang}.tsv.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            run, tab, n = line.rstrip("\n").rpartition("\t")
            if tab:
                counts[run] = int(n)
            else:
                short.append(n)
    return counts, counts.pop("#total"), frozenset(short)


def _letters(lang: str) -> int:
    return _shipped(lang)[1] if lang in LETTERS_ONLY else _spelt(lang)[1]


@lru_cache(maxsize=65536)
def _count(lang: str, run: str) -> int:
    if lang in LETTERS_ONLY:
        return _shipped(lang)[0].get(run, 0)
    return _spelt(lang)[0].count(run)


def _letter_score(word: str, lang: str) -> float:
    """Log probability of ``word`` under a three-letter model of ``lang``'s words (each word
    counted once), interpolated with two-letter runs and single letters (a letter the
    language never writes scores lowest)."""
    total_letters = _letters(lang)
    w = f"^^{word}$"
    total = 0.0
    for k in range(len(w) - 2):
        run = w[k : k + 3]
        head = _count(lang, run[:2])
        first = _count(lang, run[1])
        p3 = _count(lang, run) / head if head else 0.0
        p2 = _count(lang, run[1:]) / first if first else 0.0
        p1 = (_count(lang, run[2]) + 1) / (total_letters + 100)
        total += math.log(0.6 * p3 + 0.3 * p2 + 0.1 * p1)
    return total


def _word_score(word: str, lang: str) -> float:
    """The three-letter model of the word list, which sees where a word starts and ends,
    plus the log-likelihood under lingua's letter runs of up to five letters, counted over
    running text (:mod:`.charmodels`; nothing when lingua has no model of ``lang``): the
    list model alone ranks ``усскі`` above ``усякі`` and ``советяким`` near ``советским``,
    lingua's runs alone cannot tell which letter starts a word (``яподобаються``)."""
    return _letter_score(word, lang) + (charmodels.score(word, lang) or 0.0)


# Letters that point to one list of a family (the others are tried after it).
HINTS = {
    "cs": "ěřů", "sk": "ľĺŕôä", "pl": "łąęśźżń", "sh": "ćđ", "sl": "", "lv": "āēīūļņķģ",
    "hu": "őű", "es": "ñ¿¡", "pt": "ãõç", "is": "ðþæ",
    "ru": "ыэё", "uk": "іїєґ", "bg": "ъ", "mk": "ѓќѕ", "sr": "ђћ",
}  # fmt: skip


_LATIN_SIGNS = "čšžćđěřňťůďľĺŕČŠŽĆĐĚŘŇŤŮĎĽĹŔ"


def hinted(family: tuple[str, ...], text: str) -> bool:
    """Whether ``text`` is worth reading lists of ``family`` for: always in Cyrillic or
    Vietnamese (the script says it), and for the Latin lists only when a letter of their
    languages stands among the letters already rebuilt (a Catalan or Polish line decoded with
    the wrong code page, where no list helps, costs no list reading)."""
    if family in (CYRILLIC, VIETNAMESE):
        return True
    signs = set(_LATIN_SIGNS).union(*(HINTS.get(lang, "") for lang in family))
    return any(c in signs for c in text)


def by_hint(family: tuple[str, ...], text: str) -> list[list[str]]:
    """``family`` in two rounds: the lists whose own letters ``text`` holds (most first), then
    the others; a later round is read only when an earlier one found no language."""
    counts = {lang: sum(text.count(c) for c in HINTS.get(lang, "")) for lang in family}
    hinted = sorted((lang for lang in family if counts[lang]), key=lambda lang: -counts[lang])
    rest = [lang for lang in family if not counts[lang]]
    return [r for r in (hinted, rest) if r]


_KAZAKH = frozenset("әғқңөұүһӘҒҚҢӨҰҮҺ")


def letters_language(text: str, spellings: Sequence[Sequence[str]] = ()) -> str | None:
    """``be`` or ``kk`` when the letters of ``text`` name Belarusian (``ў``, or ``і`` beside
    ``ы`` or ``ё``: Ukrainian has neither, Russian no ``і``) or Kazakh (its own eight letters);
    a line with ``і`` and no ``и`` is Belarusian too when one of its words may be spelt as a
    Belarusian function word (``spellings``: each word's every spelling, ``гэта``)."""
    if any(c in _KAZAKH for c in text):
        return "kk"
    lowered = text.lower()
    if "ў" in lowered or ("і" in lowered and ("ы" in lowered or "ё" in lowered)):
        return "be"
    if "і" in lowered and "и" not in lowered and "ї" not in lowered and "є" not in lowered:
        if any(w.lower() in FUNCTION_WORDS["be"] for ws in spellings if len(ws) > 1 for w in ws):
            return "be"
    return None


# The function words of Belarusian that hold ``с э я`` (pronouns, determiners, conjunctions,
# adverbs: the most frequent words of any text), which a shipped list of types cannot rank
# above rarer words spelt alike (``яны`` they, ``сны`` dreams; ``як`` how, ``ск``).
FUNCTION_WORDS = {
    "be": frozenset(
        """я яна яны яно яго яе як які якая якое якія якой якога якім якіх якую яшчэ гэта
        гэты гэтая гэтае гэтыя гэтага гэтым гэтай гэтых гэтую гэтаму свой свая сваё свае
        сваіх сваім сваю свайго свайму сваёй сябе сабе сам сама самі самы сёння сярод
        сюды усё усе усіх усім ёсць ужо таксама толькі ўсё ўсе ўсіх сапраўды
        мяне цябе нас вас наш наша нашы ваш ваша вашы іхні адсюль дзесьці нешта нехта
        хтосьці штосьці нясе трэба пасля пасьля сапраўдны сям’я ёсьць зараз дзе
        праз паводле самае ясна ён ёй ёю яму тыя якімі якому якою сабой сваімі ўсімі
        усімі ўсяго усяго зусім гэтак самым самых асабліва""".split()
    ),
}


# Lists of neighbour languages whose frequencies rank the other listed spellings (``час``,
# time, is frequent in Ukrainian and Russian; ``чая`` is rare in both).
RELATED = {"be": ("uk", "ru"), "kk": ("ru",)}


# A Latin ``i`` typed for Cyrillic ``і`` (Ukrainian and Belarusian text set on a keyboard
# that lacks it: ``скiнчив``, ``пенсiй``): the lists and letter tables spell ``і``.
_CYRILLIC_I = str.maketrans("i", "\u0456")


def lookup_form(word: str) -> str:
    """``word`` as the lists spell it: lower-case, ``’`` as ``'``, and in a word of Cyrillic
    letters a Latin ``i`` as the Cyrillic ``і`` it stands for."""
    word = word.lower().replace("\u2019", "'")
    if "i" in word and any("\u0400" <= c <= "\u04ff" for c in word):
        word = word.translate(_CYRILLIC_I)
    return word


def _band(word: str, lang: str) -> tuple[int, float]:
    """(0 for a function word of ``lang``, else 1; the best band of ``word`` in the lists of
    its neighbour languages, ``inf`` when none holds it)."""
    related = min((words(other).get(word, math.inf) for other in RELATED[lang]), default=math.inf)
    return (0 if word in FUNCTION_WORDS.get(lang, ()) else 1), related


def choose(candidates: list[str], lang: str) -> int | None:
    """Index of the likeliest of ``candidates`` (one word spelt each way a lost byte allows):
    the most frequent of those ``lang``'s list holds, else the best scored by its letter
    runs; None when the package is absent. For a language with a shipped list (no
    frequencies), the listed spellings are ranked: function words first, then by the lists of
    its neighbour languages, then by their letters."""
    lowered = [lookup_form(c) for c in candidates]
    if lang in LETTERS_ONLY:
        short = _shipped(lang)[2]
        listed = [k for k, c in enumerate(lowered) if c in short] or range(len(lowered))
        return min(listed, key=lambda k: (_band(lowered[k], lang), -_word_score(lowered[k], lang)))
    known = words(lang)
    if not known:
        return None
    bands = [known.get(c) for c in lowered]
    listed = [(b, k) for k, b in enumerate(bands) if b is not None]
    if lang in _VOWELLED and not any(c.isupper() and len(c) > 1 for c in candidates):
        # Every word of these languages holds a vowel letter: a listed spelling without one is
        # an abbreviation the list lowered (``сср`` for ССР beside ``сэр``, ``тс`` beside
        # ``тя``), which running text writes in capitals.
        listed = [(b, k) for b, k in listed if _VOWELS.intersection(lowered[k])] or listed
    if listed:
        return min(listed)[1]
    if lang in LARGE:
        # No spelling is frequent enough for the small list: the large one may hold one
        # (``яблоня``, ``деликатес``, ``інсомнія``), where the spellings a lost byte makes up
        # (``яблонс``) are still missing.
        bands = [large_band(c, lang) for c in lowered]
        listed = [(b, k) for k, b in enumerate(bands) if b is not None]
        if listed:
            return min(listed)[1]
    stem = _by_stem(lowered, lang)
    if stem is not None:
        return stem
    scores = [_word_score(c, lang) for c in lowered]
    return max(range(len(candidates)), key=lambda k: scores[k])


# Languages whose every word holds one of ``_VOWELS`` (Serbian and Macedonian write a syllabic
# ``р`` without one: ``срце``, ``крв``).
_VOWELLED = frozenset(("ru", "uk", "bg"))
_VOWELS = frozenset("аеёиоуыэюяіїєъ")


# Letters a spelling's listed stem must reach past its last lost byte, and its lead over every
# other spelling's, before the stem decides.
_STEM_BEYOND = 2
_STEM_LEAD = 2


@cache
def _sorted(lang: str, reverse: bool) -> list[str]:
    """``lang``'s words in order, each spelt backwards when ``reverse`` (to find endings)."""
    return sorted(w[::-1] if reverse else w for w in words(lang))


def _shared(word: str, ordered: list[str]) -> int:
    """Length of the longest start of ``word`` that starts some word of ``ordered``."""
    at = bisect.bisect_left(ordered, word)
    return max(
        (len(commonprefix([word, near])) for near in ordered[max(0, at - 1) : at + 1]), default=0
    )


def _by_stem(lowered: list[str], lang: str) -> int | None:
    """The spelling whose start or end a listed word shares well past the lost bytes
    (``японськ`` starts ``японський``, no listed word starts ``спонськ``; ``заявих`` beside
    ``заявиха``): an inflected form no list holds still shares its stem with one that it does.
    None when no spelling leads the others by ``_STEM_LEAD`` letters."""
    differ = [i for i in range(len(lowered[0])) if len({c[i] for c in lowered}) > 1]
    if not differ or len({len(c) for c in lowered}) > 1:
        return None
    first, last = differ[0], differ[-1]
    reach = []
    for c in lowered:
        head = _shared(c, _sorted(lang, False)) - (last + 1)
        tail = _shared(c[::-1], _sorted(lang, True)) - (len(c) - first)
        reach.append(max(head, tail))
    best = max(range(len(lowered)), key=lambda k: reach[k])
    others = max((r for k, r in enumerate(reach) if k != best), default=-len(lowered[0]))
    if reach[best] >= _STEM_BEYOND and reach[best] - max(others, 0) >= _STEM_LEAD:
        return best
    return None


@cache
def vi_pairs() -> frozenset[str]:
    """Two adjacent syllables of a Vietnamese word (``giấy tờ``, ``pháo đài``; ``data/
    vi_pairs``, from the word list of the ``pyvi`` package, MIT: ``data/generate_vi_pairs.py``)."""
    with gzip.open(_DATA / "vi_pairs.txt.gz", "rt", encoding="utf-8") as fh:
        return frozenset(fh.read().split("\n")) - {""}


def in_compound(befores: list[str], candidates: list[str], afters: list[str]) -> list[int]:
    """Indices of the ``candidates`` (one syllable spelt each way a lost byte allows) that
    form a Vietnamese syllable pair with the syllable before or after them (each spelt every
    way it may be: ``befores``, ``afters``): ``giấy tờ``, ``lề đường``, where the list of single
    syllables cannot choose (``tờ`` and ``tỏ`` are both words)."""
    known = vi_pairs()
    pairs = [(b.lower(), "") for b in befores if b] + [("", a.lower()) for a in afters if a]
    return [
        k
        for k, c in enumerate(candidates)
        if any((f"{b} {c.lower()}" if b else f"{c.lower()} {a}") in known for b, a in pairs)
    ]
