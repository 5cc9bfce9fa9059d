"""Builders shared by the report and inspector tests (this module holds no tests itself).

Two kinds of output are built, both written by code here, never copied data:

* ``run_clean``: a real ``tamis clean`` run (through ``tamis.cli.main``) over a small corpus
  whose documents carry the damage the real stages repair (mojibake, boilerplate lines, empty
  records, a broken JSON line);
* ``synthetic_output``: an output whose records come from the real ``Document``, ``run_stage``,
  ``Stats`` and ``ShardWriter`` driven by small test stages that behave like the stages still
  being written (a quality filter reporting ``{"rule", "value", "threshold"}``, langid signals,
  learned-boilerplate edits, duplicate rejections with ``survivor``/``similarity``/``cluster``
  and a global summary), so every section of the report is exercised.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import orjson

from tamis.cli import main
from tamis.document import Document, Replacement
from tamis.io.base import Quarantine
from tamis.io.output import ShardWriter, shard_name
from tamis.pipeline import Stats, run_stage
from tamis.stages.base import Stage

WORDS = (
    "the council said on monday that new rules for river transport would take effect next "
    "year after a long review of safety records across the region and its ports"
).split()
HOSTS = ["news.example.com", "www.daily.example.org", "blog.example.net", "wire.example.com"]


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def make_corpus(path: Path, n_docs: int = 60, seed: int = 3) -> Path:
    """A JSONL corpus with repairable damage, boilerplate lines, empties and one broken line."""
    rng = random.Random(seed)
    lines = []
    for i in range(n_docs):
        paras = [" ".join(sentence(rng, rng.randint(6, 14)) for _ in range(3)) for _ in range(3)]
        if i % 4 == 0:
            paras[0] = paras[0].replace("the", "â€œtheâ€\x9d", 1)  # mojibake quotes
        if i % 3 == 0:
            paras.append("Comments are closed.")
        if i % 5 == 0:
            paras.insert(1, "Share this article")
        text = "\n\n".join(paras)
        if i % 17 == 0:
            text = "Comments are closed."  # nothing left after cleaning: rejected "empty"
        if i % 23 == 0:
            text = "   "  # empty when read
        rec = {"id": f"doc-{i:03d}", "text": text, "url": f"https://{HOSTS[i % 4]}/a/{i}"}
        lines.append(orjson.dumps(rec))
        if i == 7:
            lines.append(b'{"id": "broken", "text": ')
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def run_clean(
    tmp: Path, fmt: str = "jsonl.zst", stages: str = "repair,clean", n_docs: int = 60
) -> Path:
    corpus = make_corpus(tmp / "corpus.jsonl", n_docs)
    cfg = tmp / "pipeline.yaml"
    # small shards so that the output has several of them
    cfg.write_text(f"shard_size_mb: 0.004\noutput_format: {fmt}\n")
    out = tmp / "out"
    code = main(
        ["clean", str(corpus), "-o", str(out), "--config", str(cfg), "--stages", stages]
        + ["--workers", "1", "--quiet"]
    )
    assert code == 0
    return out


# ---- synthetic output: stages standing in for the ones being written -------------------------


class QualityLike(Stage):
    name = "quality_x"

    def process(self, doc: Document) -> None:
        words = len(doc.text.split())
        mean = sum(len(w) for w in doc.text.split()) / max(words, 1)
        doc.signal(self.name, n_words=words, mean_word_length=round(mean, 3))
        failures = []
        if words < 12:
            failures.append({"rule": "too_few_words", "value": words, "threshold": 12})
        if mean > 7:
            failures.append({"rule": "long_words", "value": round(mean, 3), "threshold": 7})
        if failures:
            doc.reject(self.name, failures[0]["rule"], failures)


class LangLike(Stage):
    name = "langid"

    def process(self, doc: Document) -> None:
        lang = "de" if "und" in doc.text.split() else "en"
        doc.signal(self.name, lang=lang, score=0.9 if lang == "en" else 0.7)


class BoilerplateLike(Stage):
    name = "boilerplate"

    def process(self, doc: Document) -> None:
        i = doc.text.find("Share this article")
        if i >= 0:
            doc.apply(
                self.name,
                [
                    Replacement(
                        i, i + len("Share this article\n"), "", "line", "in 9 of 10 docs of host"
                    )
                ],
            )


class DuplicateLike(Stage):
    """Rejects later copies of a text, as the dedup stages report them."""

    name = "dedup_x"

    def __init__(self) -> None:
        super().__init__()
        self.first: dict[str, tuple[str, int]] = {}

    def process(self, doc: Document) -> None:
        key = doc.text
        if key in self.first:
            survivor, cluster = self.first[key]
            doc.reject(
                self.name,
                "duplicate",
                {"survivor": survivor, "similarity": 1.0, "cluster": cluster},
            )
        else:
            self.first[key] = (doc.id, len(self.first))


def synthetic_docs(n: int = 80, seed: int = 5) -> list[Document]:
    rng = random.Random(seed)
    docs = []
    base_texts: list[str] = []
    for i in range(n):
        if i % 10 == 9 and base_texts:
            text = base_texts[i % len(base_texts)]  # an exact copy of an earlier document
        else:
            n_words = rng.choice([5, 20, 40, 80])
            text = " ".join(rng.choice(WORDS) for _ in range(n_words))
            if i % 6 == 0:
                text = " ".join(["und"] + text.split())
            if i % 4 == 0:
                text = "Share this article\n" + text
            if i % 13 == 0:
                text = " ".join("extraordinarily" for _ in range(20))
            base_texts.append(text)
        docs.append(
            Document(
                id=f"s{i:03d}",
                text=text,
                source={"path": "synthetic.jsonl", "index": i},
                meta={"url": f"https://{HOSTS[i % 3]}/p/{i}"},
                order=(i // 40, i),
            )
        )
    return docs


def synthetic_output(out: Path, fmt: str = "jsonl") -> dict[str, Any]:
    """Write an output dir like the driver does; returns its stats.json dict."""
    stages: list[Stage] = [BoilerplateLike(), LangLike(), QualityLike(), DuplicateLike()]
    docs = synthetic_docs()
    stats = Stats()
    for shard in range(2):
        part = [d for d in docs if d.order[0] == shard]
        shard_stats = Stats()
        shard_stats.input_records = len(part) + 1
        shard_stats.input_chars = sum(len(d.text) for d in part)
        for stage in stages:
            run_stage(stage, part, shard_stats)
        writers: dict[str, ShardWriter] = {}

        def write(kind: str, rec: dict[str, Any], shard: int = shard, writers=writers) -> None:
            if kind not in writers:
                writers[kind] = ShardWriter(out / kind / shard_name(shard, fmt), fmt)
            writers[kind].write(rec)

        for d in part:
            if d.kept:
                shard_stats.kept_records += 1
                shard_stats.kept_chars += len(d.text)
                write("kept", d.to_record())
            else:
                shard_stats.rejected_records += 1
                rec = d.to_record()
                shard_stats.rejected_chars += len(rec["text"])
                write("rejected", rec)
        q = Quarantine(
            {"path": "synthetic.jsonl", "index": 1000 + shard},
            "bad bytes",
            "invalid_json",
            b"\xff{",
        )
        shard_stats.quarantined["invalid_json"] += 1
        write("quarantine", q.to_record())
        for w in writers.values():
            w.close()
        stats.merge_dict(shard_stats.to_dict())
    stats_doc = stats.to_dict()
    stats_doc["global"] = {"dedup_x": {"clusters_by_size": {"2": 4}, "removed": 4}}
    counts = {
        "input": stats.input_records,
        "kept": stats.kept_records,
        "rejected": stats.rejected_records,
        "quarantined": sum(stats.quarantined.values()),
        "skipped": 0,
    }
    manifest = {
        "tamis": "test",
        "versions": {"python": "3"},
        "config": {
            "output_format": fmt,
            "stages": [
                {s.name: {"min_n_words": 12} if s.name == "quality_x" else {}} for s in stages
            ],
        },
        "inputs": [{"path": "synthetic.jsonl", "size": 1, "checksum": "x"}],
        "counts": counts,
        "accounting_holds": True,
    }
    (out / "stats.json").write_bytes(orjson.dumps(stats_doc, option=orjson.OPT_INDENT_2))
    (out / "manifest.json").write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
    return stats_doc


def data_checks(html: str) -> dict[str, str]:
    """The ``data-check`` figures of a page: path -> the text shown."""
    import re

    return dict(re.findall(r'data-check="([^"]+)">([^<]*)<', html))
