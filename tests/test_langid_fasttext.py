"""``langid`` with a user's fastText language identifier (GlotLID-style labels).

The model is trained here, in seconds, on the lingua sentences of four languages with GlotLID's
label format (``__label__fra_Latn``): no model is downloaded. What is checked is the plumbing
FineWeb-2 relies on (the whole text, line breaks as spaces, the best label's language, script
and probability, then the quality stages splitting words for that exact pair), not the
accuracy of a toy model; half of each file is held out of training and judged.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tamis.document import Document
from tamis.stages.base import stage_class
from tests.helpers import require

LANGS = {"fr": "fra_Latn", "de": "deu_Latn", "ru": "rus_Cyrl", "sr": "srp_Cyrl"}


@pytest.fixture(scope="module")
def lid_model(shared_data: Path, tmp_path_factory) -> tuple[Path, dict[str, list[str]]]:
    require("fasttext")
    from tamis.classify.train import fit_in_fresh_process

    lingua = shared_data / "langid" / "lingua-sentences"
    work = tmp_path_factory.mktemp("lid")
    train, held_out = [], {}
    for iso, label in LANGS.items():
        lines = (lingua / f"{iso}.txt").read_text(encoding="utf-8").splitlines()
        train += [f"__label__{label} {line}" for line in lines[::2]]
        held_out[label] = lines[1::2][:40]
    (work / "train.txt").write_text("\n".join(train) + "\n", encoding="utf-8")
    model = work / "lid.bin"
    params = {"epoch": 25, "lr": 0.5, "dim": 16, "minn": 2, "maxn": 4, "thread": 1, "seed": 1}
    fit_in_fresh_process(str(work / "train.txt"), model, params)
    return model, held_out


def _langid(model: Path, text: str) -> Document:
    stage = stage_class("langid")(stage_class("langid").Options(model=str(model), mode="annotate"))
    doc = Document(id="d", text=text, source={"path": "t", "index": 0})
    stage.process_batch([doc])
    return doc


def test_signals_are_fineweb2s_language_script_and_score(lid_model):
    model, held_out = lid_model
    correct = total = 0
    for label, lines in held_out.items():
        for line in lines:
            sig = _langid(model, line).signals["langid"]
            total += 1
            correct += f"{sig['language']}_{sig['language_script']}" == label
    assert correct / total > 0.9
    text = "\n".join(held_out["fra_Latn"][:5])
    sig = _langid(model, text).signals["langid"]
    assert (sig["language"], sig["language_script"], sig["lang"], sig["by"]) == (
        "fra",
        "Latn",
        "fr",
        "fasttext",
    )
    assert 0.5 < sig["score"] <= 1.0 and sig["score2"] <= sig["score"]
    fasttext = require("fasttext")
    labels, probs = fasttext.load_model(str(model)).predict(text.replace("\n", " "), k=1)
    assert labels[0] == "__label__fra_Latn" and round(float(probs[0]), 4) == sig["score"]


def test_quality_stages_split_words_for_the_identified_pair(lid_model):
    model, held_out = lid_model
    text = "\n".join(held_out["srp_Cyrl"][:12])
    doc = _langid(model, text)
    assert doc.signals["langid"]["language_script"] == "Cyrl"
    stage = stage_class("gopher_quality")(stage_class("gopher_quality").Options(mode="annotate"))
    stage.process(doc)
    assert doc.signals["gopher_quality"]["lang"] == "srp_Cyrl"


def test_a_file_that_is_not_a_model_fails_before_work(tmp_path):
    bogus = tmp_path / "lid.bin"
    bogus.write_bytes(b"not a model at all")
    opts = stage_class("langid").Options(model=str(bogus))
    with pytest.raises(ValueError, match=r"stages\[0\]\.langid\.model: .*not a fastText model"):
        stage_class("langid").check_options(opts, "stages[0].langid")
