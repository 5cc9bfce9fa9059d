"""The ``classifier`` stage and ``train-classifier`` on small models trained on real data.

Models are trained here from ``../shared/data`` (Reuters stories against IMDb reviews: easy to
tell apart, which is what a test of the machinery wants), never downloaded.
"""

from __future__ import annotations

import itertools
import json

import numpy as np
import orjson
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.classify.model import model_labels
from tamis.classify.train import read_texts, roc_auc, train_classifier
from tamis.document import Document
from tamis.stages.base import build_stages
from tests.helpers import require, tamis


@pytest.fixture(scope="module")
def model(shared_data, tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "news.bin"
    result = train_classifier(
        [str(shared_data / "text" / "reuters-21578.jsonl.zst")],
        [str(shared_data / "text" / "imdb-reviews.jsonl.zst")],
        path,
        label_positive="news",
        label_negative="review",
        max_per_class=600,
        dim=16,
        bucket=200_000,
        epoch=20,
        lr=0.2,
    )
    assert result.auc > 0.95  # the two sets are easy to tell apart
    return path


@pytest.fixture(scope="module")
def real_texts(shared_data) -> list[str]:
    """Documents of every kind we have, the judged crawl documents most of all."""
    with (shared_data / "quality" / "dclm-human-majority.jsonl").open(encoding="utf-8") as fh:
        dclm = [json.loads(line)["text"] for line in fh]
    reuters = itertools.islice(read_texts([str(shared_data / "text/reuters-21578.jsonl.zst")]), 80)
    imdb = itertools.islice(read_texts([str(shared_data / "text/imdb-reviews.jsonl.zst")]), 80)
    return dclm[:200] + list(reuters) + list(imdb) + ["   \n  ", "one\r\n\r\ntwo\n\n"]


def test_labels_read_from_the_header_are_fasttexts(model):
    fasttext = require("fasttext")
    assert list(model_labels(model)) == list(fasttext.load_model(str(model)).labels)


def _docs(texts):
    return [
        Document(id=str(i), text=t, source={"path": "x", "index": i}) for i, t in enumerate(texts)
    ]


def _stage(name, **opts):
    from tamis.config import parse_stage_item

    return build_stages([parse_stage_item({name: opts}, "test")])[0]


@pytest.mark.parametrize(
    "unit,newline,rule",
    [
        ("document", "", ("keep", "news", 0.5)),
        ("document", " ", ("remove", "review", 0.5)),
        ("paragraph", " ", ("keep", "news", 0.6)),
        ("sentence", "", ("keep", "news", 0.5)),
    ],
)
def test_decisions_and_scores_equal_datatrove(model, real_texts, unit, newline, rule):
    require("datatrove")
    if unit == "sentence":
        require("spacy")
    from datatrove.data import Document as DtDocument
    from datatrove.pipeline.filters import FastTextClassifierFilter

    kind, label, threshold = rule
    dt = FastTextClassifierFilter(
        str(model),
        **{f"{kind}_labels": [(label, threshold)]},
        newline_replacement=newline,
        filter_mode=unit.upper(),
    )
    # the same loader datatrove's model property uses, without its copy of the model into the
    # Hugging Face asset cache
    from fasttext.FastText import _FastText

    dt._model = _FastText(model_path=str(model))
    stage = _stage(
        "classifier", model=str(model), unit=unit, newline=newline, **{kind: {label: threshold}}
    )
    docs = _docs(real_texts)
    stage.process_batch(docs)
    agree = 0
    for doc, text in zip(docs, real_texts, strict=True):
        d = DtDocument(text=text, id="x")
        keep = bool(dt.filter(d))
        assert doc.kept == keep, text[:200]
        agree += 1
        for label in ("news", "review"):
            assert abs(doc.signals["classifier"][label] - d.metadata[f"__label__{label}"]) <= 1e-5
            if unit == "document":
                assert doc.signals["classifier"][label] == d.metadata[f"__label__{label}"]
        if keep and unit != "paragraph":
            assert doc.text == d.text
        if keep and unit == "paragraph":  # datatrove also rewrites line breaks as \n
            assert d.text.rstrip().splitlines() == doc.text.rstrip().splitlines()
    assert agree == len(real_texts)
    assert 0 < sum(d.kept for d in docs) < len(docs)  # the threshold really decides


def test_batch_and_one_by_one_score_the_same(model, real_texts):
    a, b = _docs(real_texts), _docs(real_texts)
    _stage("classifier", model=str(model), mode="annotate").process_batch(a)
    _stage("classifier", model=str(model), mode="annotate", batch=False).process_batch(b)
    assert [d.signals for d in a] == [d.signals for d in b]
    assert all(d.kept for d in a)


def test_paragraph_cuts_are_recorded_and_undoable(model, real_texts):
    docs = _docs(real_texts)
    _stage("classifier", model=str(model), unit="paragraph", keep={"news": 0.6}).process_batch(docs)
    cut = [d for d in docs if d.kept and d.edits]
    assert cut
    for d, text in ((d, real_texts[int(d.id)]) for d in cut):
        assert d.original_text() == text
        assert all(e.rule == "keep_threshold" and not e.inserted for e in d.edits)


def _write_corpus(path, texts):
    with path.open("w", encoding="utf-8") as fh:
        for i, t in enumerate(texts):
            fh.write(json.dumps({"id": f"d{i}", "text": t}) + "\n")


def test_two_named_classifiers_annotate_then_rethreshold(model, real_texts, tmp_path, capsys):
    corpus = tmp_path / "in.jsonl"
    _write_corpus(corpus, real_texts[:-2])
    cfg = tmp_path / "p.yaml"
    cfg.write_text(
        yaml.safe_dump(
            {
                "stages": [
                    {"classifier@news": {"model": str(model), "keep": {"news": 0.5}}},
                    {"classifier@all": {"model": str(model), "mode": "annotate"}},
                ]
            }
        )
    )
    out = tmp_path / "out"
    assert tamis("clean", corpus, "-o", out, "--config", cfg, "--quiet", "--workers", "1") == 0
    stats = orjson.loads((out / "stats.json").read_bytes())
    assert stats["stages"]["classifier@news"]["reasons"]["keep_threshold"] > 0
    assert stats["stages"]["classifier@all"]["rejected"] == 0
    kept_before = stats["kept"]["records"]
    new = tmp_path / "new.yaml"
    new.write_text(yaml.safe_dump({"stages": [{"classifier@news": {"keep": {"news": 0.9}}}]}))
    out2 = tmp_path / "out2"
    assert tamis("rethreshold", out, "--config", new, "-o", out2) == 0
    after = orjson.loads((out2 / "stats.json").read_bytes())["kept"]["records"]
    assert after < kept_before
    assert tamis("verify", out2) == 0
    # the same decisions as a fresh run at the new threshold
    cfg.write_text(cfg.read_text().replace("news: 0.5", "news: 0.9"))
    out3 = tmp_path / "out3"
    assert tamis("clean", corpus, "-o", out3, "--config", cfg, "--quiet", "--workers", "1") == 0
    assert orjson.loads((out3 / "stats.json").read_bytes())["kept"]["records"] == after
    assert "report.html" in {p.name for p in out.iterdir()}


def test_configuration_errors_before_any_work(model, tmp_path, capsys):
    corpus = tmp_path / "in.jsonl"
    _write_corpus(corpus, ["some text here"])
    not_model = tmp_path / "not.bin"
    not_model.write_bytes(b"\x00" * 200)
    cases = [
        ({"model": str(tmp_path / "missing.bin")}, "stages[0].classifier.model: ", "no such file"),
        ({"model": str(not_model)}, "stages[0].classifier.model: ", "not a fastText model"),
        (
            {"model": str(model), "keep": {"hq": 0.5}},
            "stages[0].classifier.keep.hq: ",
            "its labels: news, review",
        ),
        ({}, "stages[0].classifier.model: required", ""),
        ({"model": str(model), "keep": {"news": 1}, "remove": {"news": 1}}, "keep or remove", ""),
    ]
    for opts, where, what in cases:
        cfg = tmp_path / "p.yaml"
        cfg.write_text(yaml.safe_dump({"stages": [{"classifier": opts}]}))
        out = tmp_path / "never"
        assert tamis("clean", corpus, "-o", out, "--config", cfg, "--quiet") == 2
        err = capsys.readouterr().err
        assert where in err and what in err, err
        assert not out.exists()
    cfg.write_text(yaml.safe_dump({"stages": [{"gopher_quality@x": {}}]}))
    assert tamis("clean", corpus, "-o", tmp_path / "n", "--config", cfg) == 2
    assert "does not take an instance name" in capsys.readouterr().err


def test_train_classifier_command(shared_data, tmp_path, capsys):
    out = tmp_path / "m.bin"
    code = tamis(
        "train-classifier",
        "--positive",
        shared_data / "text" / "reuters-21578.jsonl.zst",
        "--negative",
        shared_data / "warc",
        "--max-per-class",
        "300",
        "--dim",
        "8",
        "-o",
        out,
    )
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "ROC AUC of the hq score: " in printed
    assert "threshold keeping 10% of the held-out documents" in printed
    assert [lab for lab in model_labels(out)] in (
        ["__label__hq", "__label__cc"],
        ["__label__cc", "__label__hq"],
    )


@settings(deadline=None)
@given(
    st.lists(st.floats(0, 1), min_size=1, max_size=30),
    st.lists(st.floats(0, 1), min_size=1, max_size=30),
)
def test_roc_auc_equals_sklearn(pos, neg):
    sklearn_metrics = require("sklearn.metrics")
    y = [1] * len(pos) + [0] * len(neg)
    expected = sklearn_metrics.roc_auc_score(y, pos + neg)
    assert np.isclose(roc_auc(pos, neg), expected)


@settings(deadline=None)
@given(
    st.lists(st.sampled_from(["a", "b", " ", "\n", "\r", "\r\n", "\x0b", "\u2028", "é"])).map(
        "".join
    )
)
def test_paragraph_units_tile_the_text_as_datatrove_splits_it(text):
    require("datatrove")
    from datatrove.utils.text import split_into_parts

    from tamis.classify.units import paragraph_units

    units = paragraph_units(text)
    assert "".join(text[a:b] for a, b, _ in units) == text
    assert all(a < b for a, b, _ in units)
    assert [u for _, _, u in units] == split_into_parts(text, "PARAGRAPH")


def test_report_draws_per_label_thresholds_from_the_options():
    from tamis.report.thresholds import option_thresholds

    opts = {"keep": {"hq": 0.018, "edu": 3}, "remove": None, "mode": "filter"}
    assert option_thresholds(opts, "hq") == [("keep.hq", 0.018)]
    assert option_thresholds(opts, "edu") == [("keep.edu", 3.0)]
    assert option_thresholds(opts, "cc") == []


def test_numpy_prediction_equals_the_bindings_on_edge_texts(model, real_texts):
    """Separators fastText splits on (and those it does not), a written </s>, label-like words,
    empty texts: the numpy prediction gives the binding's scores bit for bit."""
    require("fasttext")
    from fasttext.FastText import _FastText

    from tamis.classify.predict import open_model

    edge = ["", "   ", "a </s> b c", "x</s> y", "__label__news stocks fell", "x\0y z"]
    edge += ["é ü \x85 \xa0 a\x1cb \v\f\r\tword", "the " * 3000, "</s>", "stocks\nreviews"]
    texts = edge + [t.strip().replace("\n", " ") for t in real_texts]
    fast = open_model(model)
    assert fast is not None
    scores, scored = fast.predict(texts)
    ft = _FastText(model_path=str(model))
    labels, probs = ft.f.multilinePredict([t.split("\n")[0] + "\n" for t in texts], -1, 0.0, "")
    for i, (ls, ps) in enumerate(zip(labels, probs, strict=True)):
        assert bool(scored[i]) == bool(len(ls)), texts[i][:80]
        got = dict(zip(fast.labels, scores[i].tolist(), strict=True))
        assert all(got[label] == p for label, p in zip(ls, ps.tolist(), strict=True)), texts[i][:80]


@pytest.mark.parametrize(("length", "shared"), [(5, 0), (8, 0), (16, 8), (24, 16), (90, 16)])
def test_vocabulary_finds_each_word_as_itself(length, shared):
    """Words keyed by their first 16 bytes and length: words longer than that with the same
    first 16 bytes (one key, one probe chain) are told apart by their bytes; a word absent from
    the vocabulary is not taken for one in it."""
    from tamis.classify.tokens import PAD, Vocabulary, spans

    rng = np.random.default_rng(length)
    words = rng.integers(97, 123, size=(300, length), dtype=np.uint8)
    words[:, :shared] = ord("a")
    words = words[np.unique(words, axis=0, return_index=True)[1]]  # distinct words
    inside, absent = words[::2], words[1::2]
    data = np.ascontiguousarray(inside).ravel()
    vocab = Vocabulary(
        data, np.arange(len(inside)) * length, np.full(len(inside), length, dtype=np.int64)
    )
    text = b" ".join(w.tobytes() for w in words) + bytes(PAD)
    buf = np.frombuffer(text, dtype=np.uint8)
    s, e = spans(buf)
    found = vocab.lookup(buf, s, e - s).tolist()
    assert found[::2] == list(range(len(inside)))
    assert found[1::2] == [-1] * len(absent)


@pytest.fixture(scope="module")
def real_words(real_texts) -> list[str]:
    """Words of the real documents, the model's vocabulary most of them, unknown ones too."""
    words = sorted({w for t in real_texts[:60] for w in t.split()})
    return words[:: max(1, len(words) // 400)]


@pytest.fixture(scope="module")
def memo_models(model):
    """Three predictions of one model, each with a word memo of its own."""
    from tamis.classify.predict import NumpyModel

    return [NumpyModel(str(model)) for _ in range(3)]


@settings(deadline=None, max_examples=30)
@given(data=st.data())
def test_word_memo_gives_the_same_scores_cold_warm_and_reset(
    model, memo_models, real_texts, real_words, data
):
    """The same batches predicted with a memo emptied before each batch (cold), one that keeps
    every word from batch to batch (warm), and one that starts over mid-run (a limit of a few
    words): the same scores bit for bit, and the binding's."""
    require("fasttext")
    from fasttext.FastText import _FastText

    long_words = sorted({w for t in real_texts for w in t.split() if len(w.encode()) > 16})
    word = st.sampled_from([*real_words, *long_words[:50], "__label__news", "zzqx", "</s>"])
    text = st.lists(word, max_size=40).map(" ".join)
    batches = data.draw(st.lists(st.lists(text, min_size=1, max_size=6), min_size=1, max_size=5))
    cold, warm, small = memo_models
    small.memo.limit = data.draw(st.integers(0, 60))
    got = {"cold": [], "warm": [], "small": []}
    for batch in batches:
        cold.memo.reset()
        for name, m in (("cold", cold), ("warm", warm), ("small", small)):
            scores, scored = m.predict(batch)
            got[name].append((scores.view(np.uint32).tolist(), scored.tolist()))
    assert got["cold"] == got["warm"] == got["small"]
    binding = _FastText(model_path=str(model))
    texts = [t for batch in batches for t in batch]
    labels, probs = binding.f.multilinePredict([t + "\n" for t in texts], -1, 0.0, "")
    rows = [row for scores, _ in got["warm"] for row in scores]
    for t, ls, ps, row in zip(texts, labels, probs, rows, strict=True):
        mine = dict(
            zip(cold.labels, np.array(row, dtype=np.uint32).view(np.float32).tolist(), strict=True)
        )
        assert all(mine[label] == p for label, p in zip(ls, ps.tolist(), strict=True)), t


def _reference_paragraph_filter(text, binding, opts):
    """datatrove's rule one unit at a time, with the per-unit helpers: (kept, text, signals,
    reasons of the cuts)."""
    from tamis.classify.model import bare
    from tamis.classify.options import unit_passes
    from tamis.classify.units import paragraph_units

    kept_spans, reasons, per_label = [], [], {}
    rules = opts.keep or opts.remove
    for start, end, unit in paragraph_units(text):
        labels, probs = binding.predict(unit.strip().replace("\n", opts.newline), k=-1)
        scores = {bare(lab): float(p) for lab, p in zip(labels, probs.tolist(), strict=True)}
        for label, v in scores.items():
            per_label.setdefault(label, []).append(v)
        if unit_passes(scores, opts):
            kept_spans.append(text[start:end])
        else:
            shown = ", ".join(f"{lab} {scores.get(lab, float('nan')):.4g}" for lab in rules)
            reasons.append(f"{'keep' if opts.keep else 'remove'} thresholds {rules}: {shown}")
    signals = {label: float(np.mean(vs)) for label, vs in per_label.items()}
    kept_text = "".join(kept_spans)
    return bool(kept_text.strip()), kept_text, signals, reasons


@settings(deadline=None, max_examples=40)
@given(data=st.data())
def test_vectorised_unit_verdicts_equal_the_per_unit_reference(model, real_words, data):
    """Random documents of real words in paragraphs (blank lines, \\r\\n, empty paragraphs,
    label-like and unknown words): the batch's array verdicts, signals and cuts are those of
    datatrove's rule applied unit by unit with the binding."""
    require("fasttext")
    from fasttext.FastText import _FastText

    word = st.sampled_from([*real_words, "__label__news", "zzqx"])
    line = st.lists(word, max_size=12).map(" ".join)
    brk = st.sampled_from(["\n", "\n\n", "\r\n", "\n \n", "\n\n\n"])
    doc = st.lists(st.tuples(line, brk), max_size=8).map(lambda ps: "".join(a + b for a, b in ps))
    texts = data.draw(st.lists(doc, min_size=1, max_size=6))
    kind = data.draw(st.sampled_from(["keep", "remove"]))
    label = data.draw(st.sampled_from(["news", "review"]))
    threshold = data.draw(st.floats(0, 1))
    newline = data.draw(st.sampled_from(["", " "]))
    stage = _stage(
        "classifier",
        model=str(model),
        unit="paragraph",
        newline=newline,
        **{kind: {label: threshold}},
    )
    docs = _docs(texts)
    stage.process_batch(docs)
    binding = _FastText(model_path=str(model))
    for d, text in zip(docs, texts, strict=True):
        kept, kept_text, signals, reasons = _reference_paragraph_filter(
            text, binding, stage.options
        )
        assert d.kept == kept, text
        assert d.signals["classifier"] == signals, text
        if kept:
            assert d.text == kept_text
            assert [e.reason for e in d.edits] == reasons
            assert d.original_text() == text
        else:
            assert d.verdict.reason == f"{kind}_threshold" and not d.edits


@settings(deadline=None, max_examples=60)
@given(st.lists(st.lists(st.floats(0, 1, width=32), min_size=1, max_size=300), max_size=5))
def test_mean_of_unit_scores_is_numpys_mean_of_each_documents_list(per_doc):
    """The per-document mean taken over slices of one array is np.mean of the document's own
    list, bit for bit (what datatrove stores), whatever the number of units."""
    from tamis.stages.classifier import _mean_scores

    flat = np.array([v for vs in per_doc for v in vs], dtype=np.float64)
    scores = np.stack([flat, 1 - flat], axis=1)
    unit_doc = np.repeat(np.arange(len(per_doc)), [len(vs) for vs in per_doc])
    got = _mean_scores(["a", "b"], scores, np.ones(len(flat), bool), unit_doc, len(per_doc))
    for vs, sig in zip(per_doc, got, strict=True):
        assert sig == {"a": float(np.mean(vs)), "b": float(np.mean([1 - v for v in vs]))}


@settings(deadline=None, max_examples=150)
@given(
    st.lists(
        st.sampled_from(
            [
                "He",
                "said",
                "U.S.",
                "e.g.",
                "3.5",
                ".",
                "!",
                "?",
                "...",
                "!?",
                '"',
                "(",
                ")",
                "'",
                "。",
                "\n",
                "\n\n",
                " ",
                "  ",
                "Mr.",
                "end.Next",
                "a.b",
                "-",
            ]
        )
    ).map(" ".join)
)
def test_sentence_split_equals_spacys_sentencizer(text):
    """The array form of spaCy's sentencizer rule gives its sentences, on punctuation-heavy
    texts (the tokens that start, continue and end a sentence)."""
    require("spacy")
    from tamis.classify.units import as_units, sentence_units, split_sentences

    assert [as_units(p) for p in split_sentences([text])] == [sentence_units(text)]


def test_sentence_split_equals_spacys_sentencizer_on_real_texts(real_texts):
    require("spacy")
    from tamis.classify.units import as_units, sentence_units, split_sentences

    texts = real_texts[::4]
    assert [as_units(p) for p in split_sentences(texts)] == [sentence_units(t) for t in texts]


def test_a_stage_named_as_its_module_is_found_without_importing_the_others():
    """Start-up: ``classifier`` imports its own module alone; every stage is still listed, a
    stage of a shared module is still found, and an unknown name still lists them all."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from tamis.stages.base import CONTRACT_ORDER, stage_class, stage_names\n"
        "stage_class('classifier')\n"
        "print(sorted(m for m in sys.modules if m.startswith('tamis.stages.')))\n"
        "print(set(CONTRACT_ORDER) <= set(stage_names()), stage_class('c4').name)\n"
        "try:\n    stage_class('nope')\nexcept KeyError as e:\n    print('c4' in str(e))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out[0] == "['tamis.stages.base', 'tamis.stages.classifier']"
    assert out[1:] == ["True c4", "True"]
