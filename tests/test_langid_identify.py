"""The detector's contract on text the project writes itself: codes, bounds, odd input."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.langid import identify
from tamis.langid.codes import UNKNOWN, from_cld2
from tamis.langid.sample import bounded_sample, detector_safe

ENGLISH = (
    "The committee met on Tuesday to discuss the budget for next year, and most of its members "
    "agreed that the schools in the northern district needed more teachers before anything else. "
)
GERMAN = (
    "Der Ausschuss hat sich am Dienstag getroffen, um über den Haushalt des nächsten Jahres zu "
    "sprechen, und die meisten Mitglieder waren sich einig, dass die Schulen mehr Lehrer brauchen. "
)


def test_cld2_codes_fold_to_iso_639_1():
    assert from_cld2("iw") == "he"
    assert from_cld2("no") == "nb"
    assert from_cld2("zh-Hant") == "zh"
    assert from_cld2("xx-Qaai") == UNKNOWN
    assert from_cld2("de") == "de"


def test_plain_text_angle_brackets_are_not_markup():
    """CLD2 parses HTML by default; Reuters writes company names as <Company Inc>."""
    text = "<Scott's Hospitality Inc> said it acquired Capital Food Services Ltd, Ottawa's largest catering company"
    assert identify(text).lang == "en"


def test_long_documents_are_judged_on_their_beginning():
    text = ENGLISH * 30 + GERMAN * 200
    assert len(bounded_sample(text)) <= 2000
    assert identify(text).lang == "en"
    assert identify(text, sample_chars=len(text)).lang == "de"


def test_sample_is_a_prefix_cut_between_words():
    text = ENGLISH * 40
    sample = bounded_sample(text, 500)
    assert text.startswith(sample)
    assert 500 - 64 <= len(sample) <= 500
    assert text[len(sample)] == " "


def test_control_characters_and_surrogates_do_not_break_detection():
    damaged = ENGLISH.replace(" ", "\x00 ", 3) + "\x96\x85\ud800" + ENGLISH
    assert "\x00" not in detector_safe(damaged)
    assert identify(damaged).lang == "en"


def test_text_without_letters_has_no_language():
    for text in ("", "   \n\t", "12 345 678 -- 9.5%"):
        found = identify(text)
        assert found.lang == UNKNOWN, text


def test_south_slavic_goes_to_lingua():
    croatian = "Hrvatski sabor je danas izglasao novi zakon o obrazovanju, koji će stupiti na snagu sljedeće godine."
    found = identify(croatian)
    assert found.by == "lingua"
    assert found.lang in {"hr", "bs", "sr"}
    assert found.lang2 in {"hr", "bs", "sr"} - {found.lang}


def test_russian_is_russian():
    assert identify("Это предложение написано по-русски, и его легко узнать.").lang == "ru"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_any_text_gets_a_bounded_answer(text):
    found = identify(text)
    assert isinstance(found.lang, str) and found.lang
    assert 0.0 <= found.score <= 1.0
    assert 0.0 <= found.score2 <= 1.0
    signals = found.as_signals()
    assert set(signals) == {"lang", "score", "lang2", "score2", "by"}


def test_naive_bayes_ranking_is_py3langids_own_filtered(shared_data):
    """The arbiter's shortcut (only ISO 639-1 columns sorted) gives py3langid's ranking of
    them, order and probabilities alike, on real sentences of many languages."""
    from tamis.langid.arbiters import naive_bayes_arbiter

    arbiter = naive_bayes_arbiter()
    folder = shared_data / "langid" / "lingua-sentences"
    sentences = [""]
    for path in sorted(folder.iterdir())[::3]:
        lines = path.read_text(encoding="utf-8").split("\n")
        sentences += lines[:4] + [line[:25] for line in lines[4:8]]
    for text in sentences:
        ranked = [(c, float(p)) for c, p in arbiter._model.rank(text[:600]) if len(c) == 2]
        total = sum(p for _, p in ranked) or 1.0
        assert arbiter.rank(text) == [(c, p / total) for c, p in ranked[:2]], text
