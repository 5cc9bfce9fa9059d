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

For a word that is in no list (a name: ``Аустро``, ``Руфинус``), the letter pairs of the same
lists score the readings (:func:`choose`).
"""

from __future__ import annotations

import math
from collections import Counter
from functools import cache

# The lists that may hold the words of a line, by the script of the readings.
CYRILLIC = ("ru", "uk", "bg", "mk", "sr")
VIETNAMESE = ("vi",)
LATIN_C4 = ("cs", "sk", "sl", "sh", "pl", "lv")  # ``Ä`` lost a byte: ā č ď Đ ĝ
LATIN_C3 = ("cs", "sk", "hu", "es", "pt", "is")  # ``Ã`` lost a byte: Á Í Ï Ð Ý

_GAJ = {
    "lj": "љ", "nj": "њ", "dž": "џ", "a": "а", "b": "б", "v": "в", "g": "г", "d": "д",
    "đ": "ђ", "e": "е", "ž": "ж", "z": "з", "i": "и", "j": "ј", "k": "к", "l": "л", "m": "м",
    "n": "н", "o": "о", "p": "п", "r": "р", "s": "с", "t": "т", "ć": "ћ", "u": "у", "f": "ф",
    "h": "х", "c": "ц", "č": "ч", "š": "ш",
}  # fmt: skip


def _cyrillic_serbian(word: str) -> str | None:
    out = []
    i = 0
    while i < len(word):
        pair = _GAJ.get(word[i : i + 2])
        if pair and i + 1 < len(word):
            out.append(pair)
            i += 2
            continue
        one = _GAJ.get(word[i])
        if one is None:
            return None
        out.append(one)
        i += 1
    return "".join(out)


def available() -> bool:
    try:
        import wordfreq  # noqa: F401
    except ImportError:
        return False
    return True


@cache
def words(lang: str) -> dict[str, int]:
    """Word -> rank band of ``lang``'s list (0 the most frequent; each band is a step of
    0.01 in log10 frequency), empty when the package is absent."""
    try:
        import wordfreq
    except ImportError:
        return {}
    source = "sh" if lang == "sr" else lang
    out: dict[str, int] = {}
    for band, bucket in enumerate(wordfreq.get_frequency_list(source, "small")):
        for word in bucket:
            if lang == "sr":
                word = _cyrillic_serbian(word)  # type: ignore[assignment]
                if word is None:
                    continue
            out.setdefault(word, band)
    return out


@cache
def letters(lang: str) -> tuple[Counter[str], Counter[str], Counter[str], Counter[str]]:
    """Letter counts of ``lang``'s words, each word counted once, ``^^`` and ``$`` marking its
    ends: three-letter runs, their two-letter heads, two-letter runs, their first letters."""
    threes: Counter[str] = Counter()
    twos: Counter[str] = Counter()
    for word in words(lang):
        w = f"^^{word}$"
        threes.update(w[k : k + 3] for k in range(len(w) - 2))
        twos.update(w[k : k + 2] for k in range(1, len(w) - 1))
    heads: Counter[str] = Counter()
    for run, n in threes.items():
        heads[run[:2]] += n
    firsts: Counter[str] = Counter()
    for run, n in twos.items():
        firsts[run[0]] += n
    return threes, heads, twos, firsts


def _letter_score(word: str, lang: str) -> float:
    """Log probability of ``word`` under a three-letter model of ``lang``'s words,
    interpolated with two-letter runs and single letters (a letter the language never
    writes scores lowest)."""
    threes, heads, twos, firsts = letters(lang)
    total_letters = sum(firsts.values())
    alphabet = len(firsts) + 1
    w = f"^^{word}$"
    total = 0.0
    for k in range(len(w) - 2):
        run = w[k : k + 3]
        head = heads.get(run[:2], 0)
        first = firsts.get(run[1], 0)
        p3 = threes.get(run, 0) / head if head else 0.0
        p2 = twos.get(run[1:], 0) / first if first else 0.0
        p1 = (firsts.get(run[2], 0) + 1) / (total_letters + alphabet)
        total += math.log(0.6 * p3 + 0.3 * p2 + 0.1 * p1)
    return total


def language(line_words: list[str], family: tuple[str, ...]) -> str:
    """The list of ``family`` that holds most of ``line_words`` (the first on a tie)."""
    best, most = family[0], -1
    for lang in family:
        known = words(lang)
        hits = sum(1 for w in line_words if w in known)
        if hits > most:
            best, most = lang, hits
    return best


def choose(candidates: list[str], lang: str) -> int | None:
    """Index of the likeliest of ``candidates`` (one word spelt each way a lost byte allows):
    the most frequent of those ``lang``'s list holds, else the best scored by its letter
    pairs; None when the package is absent."""
    known = words(lang)
    if not known:
        return None
    lowered = [c.lower().replace("\u2019", "'") for c in candidates]
    bands = [known.get(c) for c in lowered]
    listed = [(b, k) for k, b in enumerate(bands) if b is not None]
    if listed:
        return min(listed)[1]
    scores = [_letter_score(c, lang) for c in lowered]
    return max(range(len(candidates)), key=lambda k: scores[k])
