"""`tamis verify DIR` for a tokenize output: every input document tokenized exactly once.

It trusts ``tokens.json`` only as a claim to check. It re-reads every input shard with the
same reader and the token files with the format's reader, walks both in order, and checks for
each document that one sequence stands for it: framed by the BOS and EOS the run recorded, and
holding the document's ids (the decoded sequence equals the text; where the tokenizer is not
lossless, the text encoded again gives the same ids). It also checks the tokenizer's hash,
the inputs' and files' checksums, that no unlisted token file lies in DIR, and every count.
Memory is bounded by one batch of documents.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from tamis.io.base import Document, ReadOptions, reader_for
from tamis.io.output import file_checksum
from tamis.tokenize.formats import SUFFIXES, read_sequences
from tamis.tokenize.task import document_source
from tamis.tokenize.tokenizer import file_sha256, open_tokenizer

BATCH = 512


def _documents(shard: dict[str, Any], text_field: str) -> Iterator[Document]:
    reader = reader_for(shard["path"])
    opts = ReadOptions(text_field, "id", 50_000_000)
    for item in reader.read(shard["path"], opts, shard["start"], shard["stop"]):
        if type(item) is Document:
            yield item


def _sequences(out: Path, shard: dict[str, Any], fmt: str, dtype: str) -> Iterator[np.ndarray]:
    for f in shard["files"]:
        yield from read_sequences(out / f["name"], fmt, dtype)


def _check_batch(
    tok: Any, framing: tuple[int | None, int | None], pairs: list, problems: list[str]
) -> None:
    bos, eos = framing
    bodies, docs = [], []
    for doc, seq, where in pairs:
        ids = seq.tolist()
        if bos is not None:
            if not ids or ids[0] != bos:
                problems.append(f"{where}: does not start with the BOS id {bos}")
                continue
            ids = ids[1:]
        if eos is not None:
            if not ids or ids[-1] != eos:
                problems.append(f"{where}: does not end with the EOS id {eos}")
                continue
            ids = ids[:-1]
        bodies.append(ids)
        docs.append((doc, where))
    for ids, text, (doc, where) in zip(bodies, tok.decode_batch(bodies), docs, strict=True):
        if text != doc.text and tok.encode(doc.text) != ids:
            problems.append(f"{where}: does not hold the ids of document {doc.id!r}")


def _check_shard(
    out: Path, shard: dict, doc: dict, tok: Any, problems: list[str], seen: Counter
) -> None:
    framing = (
        (doc["tokenizer"]["bos"] or {}).get("id"),
        (doc["tokenizer"]["eos"] or {}).get("id"),
    )
    docs = _documents(shard, doc["text_field"])
    seqs = _sequences(out, shard, doc["format"], doc["dtype"])
    where_shard = f"shard {shard['ordinal']} ({shard['path']})"
    pairs: list = []
    n = tokens = 0
    sources: Counter = Counter()
    while True:
        d = next(docs, None)
        try:
            s = next(seqs, None)
        except (ValueError, OSError) as exc:
            problems.append(f"{where_shard}: token files unreadable ({exc})")
            return
        if d is None and s is None:
            break
        if d is None:
            problems.append(f"{where_shard}: more sequences than input documents ({n} documents)")
            break
        if s is None:
            problems.append(
                f"{where_shard}: document {d.id!r} (record {d.source['index']}) was not tokenized"
            )
            break
        pairs.append((d, s, f"{where_shard}, sequence {n} (document {d.id!r})"))
        src, _ = document_source(d)
        sources[(src, "documents")] += 1
        sources[(src, "tokens")] += len(s)
        n += 1
        tokens += len(s)
        if len(pairs) >= BATCH:
            _check_batch(tok, framing, pairs, problems)
            pairs = []
    if pairs:
        _check_batch(tok, framing, pairs, problems)
    if (n, tokens) != (shard["documents"], shard["tokens"]):
        problems.append(
            f"{where_shard}: {n} documents and {tokens} tokens, tokens.json says "
            f"{shard['documents']} and {shard['tokens']}"
        )
    seen["documents"] += n
    seen["tokens"] += tokens
    for key, value in sources.items():
        seen[key] += value


def verify_tokens(out: Path) -> tuple[list[str], str]:
    path = out / "tokens.json"
    if not path.exists():
        return [f"{path} is missing (not a finished tokenize output)"], ""
    doc = orjson.loads(path.read_bytes())
    problems: list[str] = []
    for inp in doc["inputs"]:
        p = Path(inp["path"])
        if not p.exists():
            problems.append(f"input {p} is missing")
        elif p.stat().st_size != inp["size"] or file_checksum(p) != inp["checksum"]:
            problems.append(f"input {p} changed since the run (size or checksum differs)")
    tinfo = doc["tokenizer"]
    tpath = Path(tinfo["path"])
    if not tpath.is_file():
        problems.append(f"tokenizer {tpath} is missing: documents cannot be checked")
    elif file_sha256(tpath) != tinfo["sha256"]:
        problems.append(f"tokenizer {tpath} changed since the run (sha256 differs)")
    if problems:
        return problems, "inputs or tokenizer changed: documents cannot be checked"

    listed: set[str] = set()
    for shard in doc["shards"]:
        for f in shard["files"]:
            for name, checksum in f["checksums"].items():
                listed.add(name)
                if not (out / name).exists():
                    problems.append(f"{name}: missing")
                elif file_checksum(out / name) != checksum:
                    problems.append(f"{name}: checksum differs from tokens.json")
    suffixes = SUFFIXES[doc["format"]]
    for p in sorted(out.iterdir()):
        if p.name.startswith("part-") and p.name not in listed:
            problems.append(f"{p.name}: not listed in tokens.json (unfinished or foreign)")
        elif p.name.startswith("part-") and not p.name.endswith(suffixes):
            problems.append(f"{p.name}: not a {doc['format']} file")
    if problems:
        return problems, "token files do not match tokens.json"

    tok = open_tokenizer(str(tpath))
    seen: Counter = Counter()
    for shard in doc["shards"]:
        _check_shard(out, shard, doc, tok, problems, seen)
    total = doc["total"]
    if (seen["documents"], seen["tokens"]) != (total["documents"], total["tokens"]):
        problems.append(
            f"total: the files hold {seen['documents']} documents and {seen['tokens']} tokens, "
            f"tokens.json says {total['documents']} and {total['tokens']}"
        )
    for src, c in doc["sources"].items():
        got = (seen[(src, "documents")], seen[(src, "tokens")])
        if got != (c["documents"], c["tokens"]):
            problems.append(f"source {src}: the files hold {got}, tokens.json says {c}")
    summary = (
        f"{seen['documents']:,} documents -> {seen['tokens']:,} tokens in "
        f"{sum(len(s['files']) for s in doc['shards'])} {doc['format']} file sets "
        f"({len(doc['shards'])} shards, {len(doc['inputs'])} inputs)"
    )
    return problems, summary
