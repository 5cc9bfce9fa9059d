"""Special cases and token patterns of the languages with the largest spaCy tables.

:class:`tamis.quality.words.WordSplitter` finds a special case that affix splitting breaks apart
(Indonesian ``anak-anak`` inside ``(anak-anak),``) by what a run of tokens spells, working out
that special case's own split the first time it is met; and it compiles French's
``token_match`` with the branches that end alike merged (:func:`shared_tails`). Both must cut
exactly where datatrove's spaCy tokenizer cuts: checked on each language's special cases with
marks glued around and between them, and on its lingua sentences; the merged French pattern
must match exactly the strings the original matches.
"""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.quality.words import WordSplitter, shared_tails, spacy_tables
from tests.helpers import require

MARKS = list("()[]\"'.,;:!?-–«»“”…/")
#: the tables with the most special cases (Indonesian, Malay), French's long token pattern, and
#: two ordinary ones
LANGS = {"id": "ind", "ms": "zsm", "fr": "fra", "de": "deu", "ru": "rus"}


def _chunks(lang: str, shared_data, n: int = 600) -> list[str]:
    rng = random.Random(lang)
    # a special case holding a space ("Dr. phil.") is matched per chunk here, so never across
    # whitespace; spaCy's matcher sometimes merges one across it: a known divergence, left out
    keys = sorted(k for k in spacy_tables(lang)["specials"] if not any(c.isspace() for c in k))
    texts = []
    for key in rng.sample(keys, min(n, len(keys))):
        other = rng.choice(keys)
        texts += [
            rng.choice(MARKS) + key + rng.choice(MARKS) + rng.choice(MARKS),
            key + "-" + other,
            key + rng.choice(MARKS) + other,
        ]
    path = shared_data / "langid" / "lingua-sentences" / f"{lang}.txt"
    if path.exists():
        texts += path.read_text(encoding="utf-8").splitlines()[:300]
    return texts


@pytest.mark.parametrize("lang", sorted(LANGS))
def test_special_cases_split_as_datatrove(lang, shared_data):
    words = require("datatrove.utils.word_tokenizers").load_word_tokenizer(LANGS[lang])
    ours = WordSplitter(spacy_tables(lang))
    texts = _chunks(lang, shared_data)
    differ = [t for t in texts if ours.split(t) != words.word_tokenize(t)]
    assert differ == []


def test_french_token_pattern_merged_matches_the_same_strings(shared_data):
    original = spacy_tables("fr")["token_match"]
    merged = shared_tails(original)
    assert len(merged) < len(original) // 10  # the point: far less to compile
    old, new = re.compile(original).match, re.compile(merged).match
    rng = random.Random(7)
    words = (shared_data / "langid" / "lingua-sentences" / "fr.txt").read_text("utf-8").split()
    candidates = set(words) | set(spacy_tables("fr")["specials"])
    links = ["la", "les", "de", "du", "sur", "et", "saint", "l'", "en"]
    for _ in range(20_000):
        a, b = rng.choice(words), rng.choice(words)
        candidates.add(a + rng.choice("-–'’") + b)
        candidates.add(a.lower() + "-" + rng.choice(links) + "-" + b)
    matched = [c for c in candidates if old(c)]
    assert len(matched) > 1000
    assert [c for c in candidates if bool(old(c)) != bool(new(c))] == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aéèsxlit-–'’ABC", max_size=20))
def test_french_token_pattern_merged_on_random_strings(text):
    original = spacy_tables("fr")["token_match"]
    assert bool(_compiled(original)(text)) == bool(_compiled(shared_tails(original))(text))


_COMPILED: dict[str, object] = {}


def _compiled(pattern: str):
    if pattern not in _COMPILED:
        _COMPILED[pattern] = re.compile(pattern).match
    return _COMPILED[pattern]


def test_shared_tails_merges_only_anchored_branches_with_a_tail():
    pattern = "(?iu)(?:^ab(?-i:[x])+$)|(?:^cd(?-i:[x])+$)|(?:^ef(?-i:[y])*$)"
    merged = shared_tails(pattern)
    assert merged == "(?iu)(?:^(?:ab|cd)(?-i:[x])+$)|(?:^ef(?-i:[y])*$)"
    for text in ["abx", "cdxx", "ef", "efy", "ab", "cdy", "ABx", "abX"]:
        assert bool(re.match(pattern, text)) == bool(re.match(merged, text))
    # a branch with an alternation of its own is kept whole: merging it would change it
    own = "(?:^a|b(?-i:[x])$)|(?:^c(?-i:[x])$)"
    assert shared_tails(own) == "(?:^c(?-i:[x])$)|(?:^a|b(?-i:[x])$)"
    # any other shape comes back as it was
    for other in ["abc", "(?:^a)|b", "(?i)x|y", "(?:^a(?-i:[x])$)"]:
        assert shared_tails(other) == other
