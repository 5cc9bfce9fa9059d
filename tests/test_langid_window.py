"""The window walk finds exactly py3langid's features, in its order, on the model it is proven for."""

from __future__ import annotations

from array import array
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.langid.arbiters import ARBITER_SAMPLE_CHARS, naive_bayes_arbiter
from tamis.langid.window import PROVEN_DEPTHS, WindowWalk, fingerprint, trie_depth


@cache
def plain_model():
    """py3langid's own identifier, its own byte walk."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _tables(model):
    return model.tk_nextmove, model._rowbase, model.tk_output


@cache
def window_walk() -> WindowWalk:
    tables = _tables(plain_model())
    return WindowWalk(*tables, PROVEN_DEPTHS[fingerprint(*tables)])


def test_installed_model_is_proven_and_its_depth_is_right():
    tables = _tables(plain_model())
    key = fingerprint(*tables)
    assert key in PROVEN_DEPTHS, f"a new py3langid model ({key}): prove it with trie_depth"
    assert trie_depth(tables[0], tables[1]) == PROVEN_DEPTHS[key]


def _small_automaton(broken: bool = False):
    """Aho-Corasick over "ab" and "b": 0 root, 1 "a", 2 "ab", 3 "b"; one row per state."""
    nxt = array("I", [0] * (4 * 256))
    for state in range(4):
        nxt[state * 256 + ord("a")] = 1
        nxt[state * 256 + ord("b")] = 2 if state == 1 else 3
    if broken:
        nxt[2 * 256 + ord("x")] = 2  # "abx" stays at "ab": a memory longer than the trie
    return nxt, [0, 256, 512, 768]


def test_trie_depth_proves_an_aho_corasick_automaton_and_rejects_another():
    assert trie_depth(*_small_automaton()) == 2
    assert trie_depth(*_small_automaton(broken=True)) is None


def _features(text: bytes) -> tuple[list | None, list | None]:
    """(the window walk's features, py3langid's) of ``text``: counts in their order, or None."""
    from py3langid.langid import visit_counts

    model = plain_model()
    want = visit_counts(model.tk_nextmove, model._rowbase, model.tk_output, text)
    got = window_walk().visits(text)
    return (None if got is None else list(got.items())), (
        None if want is None else list(want.items())
    )


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_give_py3langids_features(data):
    got, want = _features(data)
    assert got == want


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=ARBITER_SAMPLE_CHARS))
def test_any_text_gives_py3langids_features(text):
    got, want = _features(text.encode("utf-8", "surrogatepass"))
    assert got == want


#: The model's deepest features are pairs of CJK characters (six bytes) and words after a line
#: break ("\nThe "): text from these letters meets them often, random text almost never.
DEEP_ALPHABET = "あいうえおかきくけこのはをにがでしたます。日本語中文\n The Die Jeg"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=DEEP_ALPHABET, max_size=120))
def test_text_that_meets_the_deepest_features_gives_py3langids(text):
    got, want = _features(text.encode("utf-8"))
    assert got == want


@pytest.mark.parametrize(
    "text",
    [
        "これはペンです。ありがとうございます。日本語の文章です。",
        "\nThe committee met.\nThe budget was agreed.\nDie Schule ist neu.",
    ],
)
def test_deep_features_in_prose(text):
    got, want = _features(text.encode("utf-8"))
    assert got == want


@pytest.mark.parametrize(
    "text",
    [
        "",
        "a",
        "Shr 12 cts vs 10 cts Net 1,234,000 vs 987,000 Revs 45.6 mln vs 40.1 mln",
        "El comité se reunió el martes para hablar del presupuesto del año que viene.",
        "Комитет собрался во вторник, чтобы обсудить бюджет на следующий год.",
        "   \n\n\t  ",
    ],
)
def test_the_arbiter_ranks_as_py3langid_does(text):
    arbiter = naive_bayes_arbiter()
    assert arbiter._model._walk is not None
    want = plain_model()._decide(text[:ARBITER_SAMPLE_CHARS]).tolist()
    got = arbiter._model._decide(text[:ARBITER_SAMPLE_CHARS]).tolist()
    assert got == want
