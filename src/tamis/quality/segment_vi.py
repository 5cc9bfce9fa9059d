"""Vietnamese words as spaCy's pyvi tokenizer gives them, without spaCy or scikit-learn.

datatrove splits Vietnamese with ``spacy.blank("vi")``, whose tokenizer runs pyvi's CRF word
segmenter. Loading that path costs a process about three seconds before its first word: spaCy's
import, then pyvi's model, a pickled ``sklearn_crfsuite.CRF`` whose unpickling imports
scikit-learn, although tagging only ever calls python-crfsuite's tagger. That cost falls on
every run holding a Vietnamese page, and on English ones too: langid sometimes calls a short
English story Khasi, which datatrove's table also splits with spaCy's Vietnamese tokenizer.

Here pyvi's pickle is read with its two scikit-learn classes stood in by plain records (the
model file's bytes are all that is kept of them), and the bytes are opened with
python-crfsuite's ``Tagger``: the tagger ``sklearn_crfsuite.CRF.predict`` calls. Around it,
spaCy's ``VietnameseTokenizer.pyvi_tokenize`` and pyvi's feature function, as written in those
packages (spaCy 3.8 ``lang/vi``, pyvi 0.1.1 ``ViTokenizer``, both MIT-licensed, the second
adapted by the first), then spaCy's word alignment and datatrove's stripping. The tests compare
the words with spaCy's pipeline on real and generated text.
"""

from __future__ import annotations

import pickle
import re
import string
from functools import cache
from importlib.util import find_spec
from pathlib import Path

#: spaCy's ``pyvi_sylabelize_with_ws``: whitespace runs kept as tokens, no normalisation
_SYLLABLES = re.compile(
    r"(\s+|"
    + "|".join(
        [
            r"[A-ZĐ]+\.",
            r"Tp\.",
            r"Mr\.",
            r"Mrs\.",
            r"Ms\.",
            r"Dr\.",
            r"ThS\.",
            r"==>",
            r"->",
            r"\.\.\.",
            r">>",
            r"\w+://[^\s]+",
            r"([a-zA-Z0-9_.+-]+@([a-zA-Z0-9-]+\.)+[a-zA-Z0-9-]+)",
            r"\d+([\.,_]\d+)+",
            r"[^\w\s]",
            r"\w+",
        ]
    )
    + ")",
    re.UNICODE,
)

#: the scikit-learn classes pyvi's pickle names, read as plain records
_STAND_INS = {
    ("sklearn_crfsuite.estimator", "CRF"),
    ("sklearn_crfsuite._fileresource", "FileResource"),
    ("pycrfsuite._logparser", "TrainLogParser"),
}


class _Record:
    """An unpickled object's state, nothing more."""

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)


class _ModelUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> type:
        if (module, name) in _STAND_INS:
            return _Record
        return super().find_class(module, name)


def pyvi_folder() -> Path:
    """Where pyvi's model files are (its package folder, found without importing it: its
    tokenizer module loads the scikit-learn model at import)."""
    spec = find_spec("pyvi")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("pyvi is not installed (pip install 'tamis[multilingual]')")
    return Path(next(iter(spec.submodule_search_locations)))


class VietnameseWords:
    """``words(text)``: the words datatrove's Vietnamese tokenizer gives."""

    def __init__(self, folder: Path | None = None) -> None:
        import pycrfsuite

        folder = folder or pyvi_folder()
        models = folder / "models"
        self.bi_grams: set[str] = set()
        self.tri_grams: set[str] = set()
        text = (models / "words.txt").read_text(encoding="utf-8")
        for token in text.split("\n"):
            parts = len(token.split(" "))
            if parts == 2:
                self.bi_grams.add(token)
            elif parts == 3:
                self.tri_grams.add(token)
        with open(models / "pyvi3.pkl", "rb") as fh:
            crf = _ModelUnpickler(fh).load()
        data = crf.modelfile.__dict__.get("__FILE_RESOURCE_DATA__")
        if not data:
            raise ValueError(f"{models / 'pyvi3.pkl'}: no CRF model inside")
        self._model = data  # the tagger reads these bytes in place: they must outlive it
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open_inmemory(self._model)

    def _features(self, sent: list[str], i: int) -> dict:
        """pyvi's ``ViTokenizer.word2features`` (not training)."""
        word = sent[i]
        features = {
            "bias": 1.0,
            "word.lower()": word.lower(),
            "word.isupper()": word.isupper(),
            "word.istitle()": word.istitle(),
            "word.isdigit()": word.isdigit(),
        }
        if i > 0:
            word1 = sent[i - 1]
            features.update(
                {
                    "-1:word.lower()": word1.lower(),
                    "-1:word.istitle()": word1.istitle(),
                    "-1:word.isupper()": word1.isupper(),
                    "-1:word.bi_gram()": " ".join([word1, word]).lower() in self.bi_grams,
                }
            )
            if i > 1:
                word2 = sent[i - 2]
                features["-2:word.tri_gram()"] = (
                    " ".join([word2, word1, word]).lower() in self.tri_grams
                )
        if i < len(sent) - 1:
            word1 = sent[i + 1]
            features.update(
                {
                    "+1:word.lower()": word1.lower(),
                    "+1:word.istitle()": word1.istitle(),
                    "+1:word.isupper()": word1.isupper(),
                    "+1:word.bi_gram()": " ".join([word, word1]).lower() in self.bi_grams,
                }
            )
            if i < len(sent) - 2:
                word2 = sent[i + 2]
                features["+2:word.tri_gram()"] = (
                    " ".join([word, word1, word2]).lower() in self.tri_grams
                )
        return features

    def tokens(self, text: str) -> list[str]:
        """spaCy's ``VietnameseTokenizer.pyvi_tokenize``: syllables joined into words by the
        CRF's labels, each with the whitespace that preceded it inside the word."""
        if len(text) == 0:
            return []
        if text.isspace():
            return [text]
        segs = [m[0] for m in _SYLLABLES.findall(text)]
        words: list[str] = []
        preceding_ws: list[str] = []
        for i, token in enumerate(segs):
            if not token.isspace():
                words.append(token)
                preceding_ws.append("" if (i == 0 or not segs[i - 1].isspace()) else segs[i - 1])
        labels = self._tagger.tag([self._features(words, i) for i in range(len(words))])
        token = words[0]
        tokens = []
        punctuation = string.punctuation
        for i in range(1, len(labels)):
            if (
                labels[i] == "I_W"
                and words[i] not in punctuation
                and words[i - 1] not in punctuation
                and not words[i][0].isdigit()
                and not words[i - 1][0].isdigit()
                and not (words[i][0].istitle() and not words[i - 1][0].istitle())
            ):
                token = token + preceding_ws[i] + words[i]
            else:
                tokens.append(token)
                token = words[i]
        tokens.append(token)
        return tokens

    def words(self, text: str) -> list[str]:
        """The Doc's token texts after ``spacy.util.get_words_and_spaces`` (which only adds the
        whitespace between words as tokens of their own), stripped, blanks dropped. Its check
        that the words spell the text cannot fail here: the syllable pattern's last three
        alternatives (whitespace, a mark, a word) take every character, so it is not repeated."""
        return [s for s in map(str.strip, self.tokens(text)) if s]


@cache
def vietnamese_words() -> VietnameseWords:
    return VietnameseWords()
