"""Parity with datatrove 0.10.x on real documents, per filter: keep/drop and first reason.

Runs datatrove's four filters and tamis's four stages, each filter on the original text of the
same documents, over every corpus of ``../shared/data/text/`` and ``../shared/data/quality/``.
To keep the suite's runtime reasonable the two large corpora are sampled deterministically
(every 6th Reuters story, every 30th IMDb review: about 5,400 documents in all); the two small
ones are read whole. ``bench/bench_quality.py --parity-all`` compares every document.
Every disagreement is printed with the document id and both verdicts.
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from tamis.document import Document
from tamis.stages.base import stage_class
from tests.helpers import require

STAGES = ("gopher_quality", "gopher_repetition", "c4", "fineweb")
SAMPLE_EVERY = {"reuters-21578": 6, "imdb-reviews": 30}


def _jsonl_zst(path: Path):
    import zstandard

    with path.open("rb") as fh:
        yield from io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(fh), "utf-8")


def parity_documents(data: Path) -> list[tuple[str, str]]:
    docs = []
    for name, every in SAMPLE_EVERY.items():
        for i, line in enumerate(_jsonl_zst(data / "text" / f"{name}.jsonl.zst")):
            if i % every == 0:
                rec = json.loads(line)
                docs.append((str(rec["id"]), rec["text"]))
    for path in sorted((data / "text").glob("cc-en-head-*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            docs.extend((rec["id"], rec["text"]) for rec in map(json.loads, fh))
    for path in sorted((data / "quality").glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            docs.extend((f"{path.stem}-{i}", json.loads(line)["text"]) for i, line in enumerate(fh))
    return docs


def _datatrove_filters():
    filters = require("datatrove.pipeline.filters")
    return {
        "gopher_quality": filters.GopherQualityFilter(),
        "gopher_repetition": filters.GopherRepetitionFilter(),
        "c4": filters.C4QualityFilter(),
        "fineweb": filters.FineWebQualityFilter(),
    }


@pytest.mark.slow
def test_keep_drop_and_first_reason_agree_with_datatrove(shared_data: Path):
    from datatrove.data import Document as DTDoc

    filters = _datatrove_filters()
    docs = parity_documents(shared_data)
    assert len(docs) > 5000
    stages = {name: stage_class(name)() for name in STAGES}
    disagreements: dict[str, list[str]] = {name: [] for name in STAGES}
    reason_mismatch: dict[str, list[str]] = {name: [] for name in STAGES}
    for doc_id, text in docs:
        for name in STAGES:
            dt_doc = DTDoc(text=text, id=doc_id)
            res = filters[name].filter(dt_doc)
            dt_reason = res[1] if isinstance(res, tuple) else None
            doc = Document(id=doc_id, text=text, source={"path": "parity", "index": 0})
            stages[name].process(doc)
            ours = None if doc.kept else doc.verdict.reason
            line = (
                f"{name} {doc_id}: datatrove={dt_reason or 'keep'} tamis={ours or 'keep'} "
                f"signals={doc.signals.get(name)}"
            )
            if (ours is None) != (dt_reason is None):
                disagreements[name].append(line)
            elif ours != dt_reason:
                reason_mismatch[name].append(line)
            elif name == "c4" and ours is None and doc.text != dt_doc.text:
                disagreements[name].append(f"{name} {doc_id}: kept, but the C4 text differs")
    for name in STAGES:
        for line in disagreements[name] + reason_mismatch[name]:
            print(line)
        agree = 1 - len(disagreements[name]) / len(docs)
        print(f"{name}: keep/drop agreement {agree:.5f} on {len(docs)} documents")
    for name in STAGES:
        assert 1 - len(disagreements[name]) / len(docs) >= 0.999, name
        assert not reason_mismatch[name], name
