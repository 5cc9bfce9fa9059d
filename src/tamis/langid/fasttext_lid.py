"""A user's own fastText language identifier (GlotLID, lid.176), as datatrove runs one.

FineWeb-2 identified languages with GlotLID v3 through datatrove's ``LanguageFilter``: the whole
text with line breaks replaced by spaces, the best label and its probability. GlotLID's labels
are language-script pairs (``__label__fra_Latn``), so a document gets ``language`` (``fra``),
``language_script`` (``Latn``) and the score, as FineWeb-2's metadata; lid.176's labels are
ISO 639-1 codes (``__label__fr``) and carry no script. ``lang``, the code other stages compare,
stays in tamis's langid vocabulary (ISO 639-1 where one exists).

The model is a local file, read by the same loader as the ``classifier`` stage (checked from its
header before any work, loaded once per process); nothing is downloaded.
"""

from __future__ import annotations

from dataclasses import dataclass

from tamis.classify.model import bare, load_model, model_labels
from tamis.langid.codes import UNKNOWN, from_cld2
from tamis.langid.identifier import Detection
from tamis.quality.languages import is_pair, iso639_1


@dataclass(frozen=True, slots=True)
class LabelDetection:
    lang: str
    score: float
    lang2: str
    score2: float
    language: str
    script: str | None

    def as_signals(self) -> dict[str, object]:
        found = Detection(self.lang, self.score, self.lang2, self.score2, "fasttext")
        return found.as_signals() | {"language": self.language, "language_script": self.script}


def _split(label: str) -> tuple[str, str | None, str]:
    """(language as the model names it, script or None, tamis's ``lang`` code)."""
    name = bare(label)
    if is_pair(name):
        language, script = name.split("_")
        return language, script, iso639_1(name)
    if "_" in name:  # a pair datatrove's table does not know (xxx_Zzzz)
        language, script = name.split("_", 1)
        return language, script, language
    return name, None, from_cld2(name)


def check_model(path: str) -> tuple[str, ...]:
    """The model's labels; raises ``ModelError`` naming the problem (not a fastText file...)."""
    return model_labels(path)


class FastTextIdentifier:
    """Predicts the language of whole texts with one local fastText model."""

    def __init__(self, path: str) -> None:
        self.model = load_model(path)

    def identify(self, text: str) -> LabelDetection:
        labels, scores = self.model.predict(text.replace("\n", " "), k=2)
        if not labels:
            return LabelDetection(UNKNOWN, 0.0, UNKNOWN, 0.0, UNKNOWN, None)
        language, script, lang = _split(labels[0])
        lang2, score2 = (
            (_split(labels[1])[2], float(scores[1])) if len(labels) > 1 else (UNKNOWN, 0.0)
        )
        return LabelDetection(lang, float(scores[0]), lang2, score2, language, script)
