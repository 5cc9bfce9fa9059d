"""FineWeb-2 thresholds and language codes on the quality stages: which options a document gets."""

from __future__ import annotations

import json

import pytest
import yaml

from tamis.document import Document
from tamis.quality.fineweb2 import FIXED, OptionsByLanguage, shipped
from tamis.quality.languages import resolve
from tamis.quality.options import GopherQualityOptions, GopherRepetitionOptions, options_for
from tamis.stages.base import stage_class
from tests.helpers import tamis

PT = (
    "O menino foi para a escola de manhã com a irmã e o cão. "
    "Na escola, o professor falou da história do país e da língua portuguesa. "
) * 6


def _run(name: str, text: str, lang: str | None = None, **options) -> Document:
    stage = stage_class(name)(stage_class(name).Options(**options))
    doc = Document(id="d", text=text, source={"path": "t", "index": 0})
    if lang:
        doc.signal("langid", lang=lang)
    stage.process(doc)
    return doc


def test_codes_map_between_langid_and_fineweb2():
    assert resolve("pt") == "por_Latn" and resolve("por") == "por_Latn"
    assert resolve("ar") == "arb_Arab" and resolve("zh") == "cmn_Hani"
    assert resolve("sr", "Ово је реченица на српском.") == "srp_Cyrl"
    assert resolve("sr", "Ovo je rečenica na srpskom.") == "srp_Latn"
    assert resolve("hi", "यह हिंदी है") == "hin_Deva" and resolve("te") == "tel_Telu"
    assert resolve("xx_Zzzz") is None and resolve("qqq") is None


def test_pair_language_brings_its_config_and_fineweb2_settings():
    by = OptionsByLanguage("gopher_repetition", GopherRepetitionOptions(language="por_Latn"))
    opts, used = by("por_Latn")
    config = shipped()["configs"]["por_Latn"]
    assert used == "fineweb2"
    assert opts.dup_line_frac == config["dup_line_frac"]
    assert opts.top_n_grams == [tuple(p) for p in config["top_n_grams"]]
    assert opts.dup_para_frac == FIXED["gopher_repetition"]["dup_para_frac"] == 0


def test_options_set_by_the_user_win_and_defaults_stay_without_a_config():
    opts, used = OptionsByLanguage(
        "gopher_quality", GopherQualityOptions(thresholds="fineweb2", min_avg_word_length=1)
    )("por_Latn")
    assert used == "fineweb2" and opts.min_avg_word_length == 1
    assert opts.stop_words == shipped()["configs"]["por_Latn"]["stopwords"]
    base = GopherQualityOptions(thresholds="fineweb2")
    assert OptionsByLanguage("gopher_quality", base)("eng_Latn") == (base, None)
    assert OptionsByLanguage("gopher_quality", GopherQualityOptions())("por_Latn")[1] is None


def test_a_resolved_configuration_still_takes_fineweb2_values():
    """A manifest names every option: those left at their default still follow FineWeb-2."""
    resolved = options_for("fineweb", {"thresholds": "fineweb2", "short_line_thr": 999})
    dumped = options_for("fineweb", resolved.model_dump())
    opts, _ = OptionsByLanguage("fineweb", dumped)("tur_Latn")
    assert opts.line_punct_thr == shipped()["configs"]["tur_Latn"]["line_punct_thr"]


def test_document_signals_say_which_language_and_thresholds():
    doc = _run("gopher_quality", PT, lang="pt", thresholds="fineweb2", mode="annotate")
    sig = doc.signals["gopher_quality"]
    assert sig["lang"] == "por_Latn" and sig["thresholds"] == "fineweb2"


def test_user_directory_of_configs_is_used(tmp_path):
    config = dict(shipped()["configs"]["por_Latn"], min_avg_word_length=9)
    (tmp_path / "por_Latn.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    doc = _run("gopher_quality", PT, lang="pt", thresholds=str(tmp_path))
    assert not doc.kept and doc.verdict.reason == "gopher_below_avg_threshold"
    assert doc.verdict.details[0]["threshold"] == 9
    assert doc.signals["gopher_quality"]["thresholds"] == "user"
    assert _run("gopher_quality", PT, lang="pt", thresholds="fineweb2").kept


def test_unusable_thresholds_or_language_fail_before_work(tmp_path):
    with pytest.raises(ValueError, match="not a directory"):
        GopherQualityOptions(thresholds=str(tmp_path / "none"))
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(ValueError, match="no FineWeb-2 threshold files"):
        GopherQualityOptions(thresholds=str(tmp_path))
    with pytest.raises(ValueError, match="Stanza"):
        GopherQualityOptions(language="wol_Latn")
    with pytest.raises(ValueError, match="not a language"):
        GopherQualityOptions(language="klingon")


def test_language_needing_a_download_is_exit_2_naming_the_key(tmp_path, capsys):
    inputs = tmp_path / "in.jsonl"
    inputs.write_text(json.dumps({"text": "hello world"}) + "\n")
    cfg = tmp_path / "p.yaml"
    cfg.write_text(yaml.safe_dump({"stages": [{"gopher_repetition": {"language": "wol_Latn"}}]}))
    assert tamis("clean", inputs, "-o", tmp_path / "out", "--config", cfg) == 2
    err = capsys.readouterr().err
    assert "stages[0].gopher_repetition.language" in err and "Stanza" in err
    assert not (tmp_path / "out").exists()


def test_stop_words_counted_distinct_or_as_occurrences():
    text = ("the cat and the dog and the bird sat with the man on the mat today. " * 5).strip()
    distinct = _run("gopher_quality", text, mode="annotate").signals["gopher_quality"]
    older = _run("gopher_quality", text, mode="annotate", stop_words_count="occurrences")
    assert distinct["stop_words"] == 3  # the, and, with
    assert older.signals["gopher_quality"]["stop_words"] == 5 * (5 + 2 + 1)


def test_fineweb2_recipe_loads_and_shows(capsys):
    assert tamis("recipe", "show", "fineweb2") == 0
    shown = capsys.readouterr().out
    order = [shown.index(f"- {n}:") for n in ("gopher_repetition", "fineweb", "gopher_quality")]
    assert order == sorted(order) and shown.count("thresholds: fineweb2") == 3
    assert "short_line_thr: 999" in shown and "char_duplicates_ratio: 0.1" in shown
    assert "- c4:" not in shown


def test_rethreshold_applies_each_records_language_thresholds():
    from tamis.quality.rethreshold import _failures

    opts = options_for("fineweb", {"thresholds": "fineweb2"})
    sig = {"lines": 10, "line_punct_ratio": 0.2, "short_line_ratio": 0.2}
    sig |= {"char_dup_ratio": 0.0, "list_ratio": 0.1}
    # Spanish's FineWeb-2 line_punct_thr is 0.3, Portuguese's 0.154: the same signals fail one
    assert [f["rule"] for f in _failures("fineweb", sig | {"lang": "spa_Latn"}, opts)] == [
        "line_punct_ratio"
    ]
    assert _failures("fineweb", sig | {"lang": "por_Latn"}, opts) == []
