"""Vietnamese words without spaCy or scikit-learn equal ``spacy.blank("vi")``'s, datatrove's call.

:mod:`tamis.quality.segment_vi` reads pyvi's CRF model with python-crfsuite alone and runs
spaCy's ``pyvi_tokenize`` around it. Compared here with spaCy's own pipeline (stripped, blanks
dropped, as datatrove's ``SpaCyTokenizer`` returns words) on the lingua Vietnamese sentences,
one by one and joined into documents, on English Reuters stories (langid sometimes calls one
Khasi, which datatrove also splits as Vietnamese), on sentences of other scripts, and on random
text of Vietnamese letters, digits, marks, e-mail and URL pieces and whitespace.
"""

from __future__ import annotations

import json
import sys

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.helpers import require


@pytest.fixture(scope="module")
def spacy_words():
    spacy = require("spacy")
    require("pyvi")
    nlp = spacy.blank("vi")

    def words(text: str) -> list[str]:
        nlp.max_length = len(text) + 10
        return [s for s in (tok.text.strip() for tok in nlp(text)) if s]

    return words


@pytest.fixture(scope="module")
def ours():
    require("pycrfsuite")
    from tamis.quality.segment_vi import VietnameseWords

    return VietnameseWords().words


@pytest.fixture(scope="module")
def vietnamese(shared_data) -> list[str]:
    path = shared_data / "langid" / "lingua-sentences" / "vi.txt"
    return path.read_text(encoding="utf-8").splitlines()


def test_lingua_sentences_and_documents(vietnamese, spacy_words, ours):
    docs = vietnamese[:400] + ["\n".join(vietnamese[i : i + 7]) for i in range(0, 700, 7)]
    differ = [d for d in docs if ours(d) != spacy_words(d)]
    assert differ == []
    # the CRF joins syllables into words: a model read wrong would leave them apart
    assert any(" " in w for w in ours(vietnamese[0] + " " + vietnamese[1]))


def test_english_news_and_other_scripts(shared_data, spacy_words, ours):
    zstandard = require("zstandard")
    docs = []
    with zstandard.open(shared_data / "text" / "reuters-21578.jsonl.zst", "rt") as fh:
        for _, line in zip(range(300), fh, strict=False):
            docs.append(json.loads(line)["text"])
    for lang in ("fr", "ru", "zh", "ja", "th", "ar"):
        path = shared_data / "langid" / "lingua-sentences" / f"{lang}.txt"
        docs += path.read_text(encoding="utf-8").splitlines()[:60]
    differ = [d[:80] for d in docs if ours(d) != spacy_words(d)]
    assert differ == []


VI_ALPHABET = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
    "AĂÂĐÊÔƠƯTPHMNVỆ0123456789.,;:!?-_/@'\"()“”…=> \n\t"
)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=VI_ALPHABET, max_size=80))
@example("")
@example("   \n ")
@example("Tp. Hồ Chí Minh, Mr. Nam ==> http://a.vn/x?y=1 a.b@c.vn 1.000,5 ... >> ThS. Đ.")
def test_random_vietnamese_text(spacy_words, ours, text):
    assert ours(text) == spacy_words(text)


def test_no_spacy_or_scikit_learn_loaded(ours):
    """The point of the module: neither is imported to split Vietnamese."""
    import subprocess

    code = (
        "import sys; from tamis.quality.segment_vi import VietnameseWords; "
        "w = VietnameseWords().words('Hà Nội là thủ đô của Việt Nam.'); "
        "print(len(w), 'sklearn' in sys.modules, 'spacy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    count, sklearn, spacy = out.stdout.split()
    assert int(count) >= 5 and sklearn == "False" and spacy == "False"
