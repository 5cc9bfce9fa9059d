"""``tamis train-classifier``: a DCLM-style fastText classifier from the user's own reference data.

Positive documents (the kind to keep: DCLM used OpenHermes 2.5 and ELI5) and negative ones (a
random sample of the crawl) are read by tamis's readers, so any input format works; HTML pages
(WARC, ``.html``) go through the ``extract`` stage first. Each text is prepared exactly as the
``classifier`` stage prepares it before predicting (stripped, line breaks replaced by
``newline``), so training and scoring see the same strings.

A held-out share, chosen by a hash of each text (the same split whatever the input order), is
scored after training: the ROC AUC of the positive label's score, and the score threshold that
keeps a chosen share of the held-out documents, ready for ``keep: {LABEL: THRESHOLD}``.
fastText trains on one thread by default, which makes the model the same on every run.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xxhash


def _fit(train_file: str, model_file: str, params: dict) -> None:
    import fasttext

    fasttext.train_supervised(input=train_file, **params).save_model(model_file)


def fit_in_fresh_process(train_file: str, model_file: Path, params: dict) -> None:
    """Train in a new process: fastText's training reads memory it never initialised, so in a
    process whose heap has been used (a second training, a test run) it fails with a spurious
    "Encountered NaN" on some calls and not others. A fresh process gives the same model every
    time."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        pool.submit(_fit, train_file, str(model_file), params).result()


def read_texts(paths: list[str], text_field: str = "text") -> Iterator[str]:
    """The text of every readable document under ``paths`` (HTML pages extracted to text)."""
    from tamis.document import Document
    from tamis.io.base import ReadOptions, reader_for
    from tamis.run.plan import resolve_inputs
    from tamis.stages.base import stage_class
    from tamis.stages.extract import is_html_document

    files, _ = resolve_inputs(paths)
    opts = ReadOptions(text_field=text_field)
    extract = None
    for path in files:
        for item in reader_for(path).read(path, opts):
            if not isinstance(item, Document):
                continue
            if is_html_document(item, sniff=False):
                extract = extract or stage_class("extract")()
                extract.process_batch([item])
                if not item.kept:
                    continue
            if item.text.strip():
                yield item.text


def prepare(text: str, newline: str = "") -> str:
    """What the classifier stage predicts on for a ``document`` unit."""
    return text.strip().replace("\n", newline)


def is_held_out(text: str, share: float, seed: int) -> bool:
    return xxhash.xxh64_intdigest(text.encode("utf-8", "surrogatepass"), seed=seed) / 2**64 < share


def roc_auc(scores_pos: Iterable[float], scores_neg: Iterable[float]) -> float:
    """Probability that a positive outscores a negative (ties count half): the ROC AUC."""
    pos = np.asarray(list(scores_pos), dtype=np.float64)
    neg = np.asarray(list(scores_neg), dtype=np.float64)
    if not len(pos) or not len(neg):
        return float("nan")
    allv = np.concatenate([pos, neg])
    order = np.argsort(allv, kind="mergesort")
    ranks = np.empty(len(allv), dtype=np.float64)
    sorted_v = allv[order]
    # average ranks of ties
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_v)) + 1]
    ends = np.r_[starts[1:], len(allv)]
    for s, e in zip(starts, ends, strict=True):
        ranks[order[s:e]] = (s + e + 1) / 2.0
    r_pos = ranks[: len(pos)].sum()
    return float((r_pos - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def threshold_for_keep_rate(scores: np.ndarray, keep_rate: float) -> float:
    """The highest score threshold that keeps at least ``keep_rate`` of ``scores`` (>= keeps)."""
    s = np.sort(np.asarray(scores, dtype=np.float64))[::-1]
    k = max(1, min(len(s), int(np.ceil(keep_rate * len(s)))))
    return float(s[k - 1])


@dataclass
class TrainResult:
    model_path: Path
    label: str
    n_train: dict[str, int]
    n_held_out: dict[str, int]
    auc: float
    keep_rate: float
    threshold: float
    kept_share: dict[str, float]


def train_classifier(
    positive: list[str],
    negative: list[str],
    output: str | Path,
    *,
    label_positive: str = "hq",
    label_negative: str = "cc",
    text_field: str = "text",
    newline: str = "",
    held_out: float = 0.1,
    keep_rate: float = 0.1,
    seed: int = 0,
    dim: int = 100,
    epoch: int = 5,
    lr: float = 0.1,
    word_ngrams: int = 2,
    min_count: int = 1,
    bucket: int = 2_000_000,
    threads: int = 1,
    max_per_class: int | None = None,
) -> TrainResult:
    import fasttext

    sets = {label_positive: positive, label_negative: negative}
    train_lines: list[str] = []
    held: dict[str, list[str]] = {label_positive: [], label_negative: []}
    n_train = {label_positive: 0, label_negative: 0}
    for label, paths in sets.items():
        taken = 0
        for text in read_texts(paths, text_field):
            if max_per_class is not None and taken >= max_per_class:
                break
            taken += 1
            line = prepare(text, newline)
            if is_held_out(text, held_out, seed):
                held[label].append(line)
            else:
                train_lines.append(f"__label__{label} {line}")
                n_train[label] += 1
    for label, n in n_train.items():
        if n == 0:
            raise ValueError(f"no {label!r} documents left to train on (inputs: {sets[label]})")
    # fastText reads its training data from a file; shuffle deterministically first.
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(train_lines))
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".txt", prefix="tamis-train-", dir=output.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for i in order:
                fh.write(train_lines[i])
                fh.write("\n")
        params = dict(
            dim=dim,
            epoch=epoch,
            lr=lr,
            wordNgrams=word_ngrams,
            minCount=min_count,
            bucket=bucket,
            thread=threads,
            seed=seed,
            verbose=0,
        )
        tmp_model = output.with_name(output.name + ".tmp")
        fit_in_fresh_process(tmp, tmp_model, params)
    except RuntimeError as exc:
        if "NaN" not in str(exc):
            raise
        raise ValueError(
            "fastText's training diverged (NaN); try a lower --lr or more --bucket"
        ) from None
    finally:
        os.unlink(tmp)
    tmp_model.replace(output)
    model = fasttext.load_model(str(output))

    def score(lines: list[str]) -> np.ndarray:
        if not lines:
            return np.zeros(0)
        labels, probs = model.predict(lines, k=-1)
        key = f"__label__{label_positive}"
        return np.array(
            [float(p[list(ls).index(key)]) for ls, p in zip(labels, probs, strict=True)]
        )

    pos_s, neg_s = score(held[label_positive]), score(held[label_negative])
    both = np.concatenate([pos_s, neg_s])
    thr = threshold_for_keep_rate(both, keep_rate) if len(both) else float("nan")
    return TrainResult(
        model_path=output,
        label=label_positive,
        n_train=n_train,
        n_held_out={k: len(v) for k, v in held.items()},
        auc=roc_auc(pos_s, neg_s),
        keep_rate=keep_rate,
        threshold=thr,
        kept_share={
            label_positive: float((pos_s >= thr).mean()) if len(pos_s) else float("nan"),
            label_negative: float((neg_s >= thr).mean()) if len(neg_s) else float("nan"),
        },
    )
