"""``text_scripts`` counts each distinct character once: the same counts, in the same order, as
a count letter by letter (the order decides ties in ``most_common``, which picks the script of
a language written in several)."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.quality.languages import _SCRIPT_SAMPLE, _char_script, text_scripts


def _letter_by_letter(text: str) -> Counter[str]:
    return Counter(_char_script(ch) for ch in text[:_SCRIPT_SAMPLE] if ch.isalpha())


LETTERS = "abcабвαβγあア漢한กअ١ب0 .,\n" + "x" * 5


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=LETTERS, max_size=3000) | st.text(max_size=200))
def test_same_counts_in_the_same_order(text):
    expected = _letter_by_letter(text)
    found = text_scripts(text)
    assert list(found.items()) == list(expected.items())
    assert found.most_common() == expected.most_common()


def test_only_the_first_characters_count():
    text = "a" * _SCRIPT_SAMPLE + "б" * 10
    assert text_scripts(text) == Counter({"Latn": _SCRIPT_SAMPLE})
