"""Fuzzing the readers and the configuration loader (hypothesis), bounded in time for CI.

Real files are the seeds (Reuters JSONL, a Common Crawl WARC and WET, a 2008 ARC, a saved news
page); hypothesis cuts, flips, inserts and deletes bytes in them, before or after compression.
Whatever comes out, a reader must:

- raise nothing: every unreadable part is a quarantine item, never an exception;
- finish: each read runs under an alarm of ``ALARM_SECONDS``;
- stay in bounded memory: the peak Python allocation of a read stays under
  ``MEMORY_FLOOR + MEMORY_PER_BYTE`` times the file's decompressed size;
- account exactly: record indexes are distinct and increasing, and reading a splittable file in
  two record ranges gives exactly the items of one whole read.

The configuration loader must answer any YAML (or any bytes) with a config or a
``ConfigError`` naming the key, never another exception.

``TAMIS_FUZZ_EXAMPLES`` sets the examples per target (default 40: about a minute in all).
"""

from __future__ import annotations

import gzip
import io
import os
import re
import signal
import tracemalloc
from contextlib import contextmanager
from pathlib import Path

import orjson
import pytest
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tamis.config import ConfigError, load_config
from tamis.document import Document
from tamis.io.base import Quarantine, ReadOptions, Skipped, reader_for
from tamis.run.plan import InputError, plan_shards

EXAMPLES = int(os.environ.get("TAMIS_FUZZ_EXAMPLES", "40"))
ALARM_SECONDS = 20
MEMORY_FLOOR = 48 << 20
MEMORY_PER_BYTE = 40
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# --- seeds: real files, small ---------------------------------------------------------------


class Seeds(dict):
    def __repr__(self) -> str:  # hypothesis prints the arguments of a failing example
        return f"Seeds({', '.join(f'{k}: {len(v):,} bytes' for k, v in self.items())})"


@pytest.fixture(scope="module")
def seeds(shared_data) -> Seeds:
    """Plain (uncompressed) seed bytes per kind, cut from the real corpora."""
    out = Seeds()
    with open(shared_data / "text" / "reuters-21578.jsonl.zst", "rb") as fh:
        reader = io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(fh))
        lines = [reader.readline() for _ in range(12)]
    out["jsonl"] = b"".join(lines)
    out["txt"] = orjson.loads(lines[0])["text"].encode()
    warc = shared_data / "warc"
    out["warc"] = gzip.decompress((warc / "cc-whirlwind.warc.gz").read_bytes())
    out["wet"] = gzip.decompress((warc / "cc-whirlwind.warc.wet.gz").read_bytes())
    with open(warc / "cc-2008-small-sample-1213893279526_0.arc", "rb") as fh:
        out["arc"] = fh.read(40_000)
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [orjson.loads(line) for line in lines]
    table = pa.table({k: [r.get(k) for r in rows] for k in ("id", "title", "text", "date")})
    sink = io.BytesIO()
    pq.write_table(table, sink, row_group_size=4)  # several row groups: ranges cross them
    out["parquet"] = sink.getvalue()
    pages = sorted((shared_data / "extraction" / "scrapinghub-aeb" / "html").glob("*.html.gz"))
    out["html"] = gzip.decompress(pages[0].read_bytes())
    return out


# suffix written -> (seed kind, compression)
TARGETS = {
    ".jsonl": ("jsonl", None),
    ".jsonl.gz": ("jsonl", "gz"),
    ".jsonl.zst": ("jsonl", "zst"),
    ".json": ("jsonl", None),
    ".txt": ("txt", None),
    ".warc": ("warc", None),
    ".warc.gz": ("warc", "gz"),
    ".warc.wet.gz": ("wet", "gz"),
    ".arc": ("arc", None),
    ".arc.gz": ("arc", "gz"),
    ".html": ("html", None),
    ".html.gz": ("html", "gz"),
    ".parquet": ("parquet", None),
}


def compress(data: bytes, codec: str | None) -> bytes:
    if codec == "gz":
        return gzip.compress(data, mtime=0)
    if codec == "zst":
        return zstandard.ZstdCompressor().compress(data)
    return data


# --- mutations --------------------------------------------------------------------------

position = st.floats(min_value=0, max_value=1, allow_nan=False)
mutation = st.one_of(
    st.tuples(st.just("cut"), position),
    st.tuples(st.just("flip"), position, st.integers(0, 255)),
    st.tuples(st.just("insert"), position, st.binary(min_size=1, max_size=64)),
    st.tuples(
        st.just("insert"),
        position,
        st.sampled_from(
            [
                b"\n",
                b"\r\n",
                b"\x00",
                b"{",
                b'"text":',
                b"\xff\xfe",
                b"WARC/1.0\r\n",
                b"\x1f\x8b",
                b"Content-Length: 99999999\r\n",
                b"<html><meta charset=utf-7>",
                b"\xc3",
                b"}\n{",
            ]
        ),
    ),
    st.tuples(st.just("delete"), position, st.integers(1, 512)),
)


def mutate(data: bytes, ops: list[tuple]) -> bytes:
    buf = bytearray(data)
    for op in ops:
        at = int(op[1] * len(buf))
        if op[0] == "cut":
            del buf[at:]
        elif op[0] == "flip" and buf:
            buf[min(at, len(buf) - 1)] = op[2]
        elif op[0] == "insert":
            buf[at:at] = op[2]
        elif op[0] == "delete":
            del buf[at : at + op[2]]
    return bytes(buf)


case = st.tuples(
    st.sampled_from(sorted(TARGETS)),
    st.lists(mutation, max_size=4),
    st.booleans(),  # mutate the compressed bytes (True) or the plain ones before compressing
    position,  # where to split a splittable file into two record ranges
)


# --- the checks --------------------------------------------------------------------------


class Hang(Exception):
    pass


@contextmanager
def alarm(seconds: int):
    def fire(*_):
        raise Hang(f"a read took more than {seconds} s")

    old = signal.signal(signal.SIGALRM, fire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def read(path: Path, start: int = 0, stop: int | None = None) -> list[tuple]:
    """(kind, index) of every item, checking each item's shape on the way."""
    reader = reader_for(str(path))
    out = []
    for item in reader.read(str(path), ReadOptions(max_record_bytes=1_000_000), start, stop):
        if isinstance(item, Document):
            assert isinstance(item.text, str) and isinstance(item.id, str)
            out.append(("doc", item.source["index"]))
        elif isinstance(item, Quarantine):
            assert item.reason and isinstance(item.raw, bytes)
            assert len(item.raw) <= 2_000_000
            out.append(("quarantine", item.source["index"]))
        else:
            assert isinstance(item, Skipped)
            out.append(("skipped", item.source.get("index")))
    return out


@FUZZ
@given(spec=case)
def test_readers_never_raise_hang_or_lose_a_record(seeds, tmp_path_factory, spec):
    suffix, ops, after, split = spec
    kind, codec = TARGETS[suffix]
    plain = seeds[kind]
    data = mutate(compress(plain, codec), ops) if after else compress(mutate(plain, ops), codec)
    path = tmp_path_factory.mktemp("fuzz") / f"input{suffix}"
    path.write_bytes(data)
    reader = reader_for(str(path))

    tracemalloc.start()
    try:
        with alarm(ALARM_SECONDS):
            whole = read(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak <= MEMORY_FLOOR + MEMORY_PER_BYTE * max(len(data), len(plain)), peak

    indexes = [i for k, i in whole if k != "skipped"]
    assert indexes == sorted(indexes) and len(set(indexes)) == len(indexes)

    if reader.splittable:
        try:
            n = reader.count(str(path))
        except Exception:
            # unreadable as a whole: one quarantined record when read as one shard, and a
            # file big enough to be split is refused by planning, before any work, by name
            assert whole == [("quarantine", 0)]
            if data:
                with pytest.raises(InputError, match="cannot be read"):
                    plan_shards([str(path)], shard_size_mb=1e-6)
            return
        with alarm(ALARM_SECONDS):
            k = int(split * n)
            parts = read(path, 0, k) + read(path, k, None)
        assert [x for x in parts if x[0] != "skipped"] == [x for x in whole if x[0] != "skipped"]


# --- the configuration loader ------------------------------------------------------------

scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.sampled_from(["clean", "repair", "jsonl", "parquet", "64", "-1"]),
)
KEYS = [
    "inputs",
    "output",
    "output_format",
    "workers",
    "text_field",
    "id_field",
    "executor",
    "max_record_bytes",
    "shard_size_mb",
    "batch_size",
    "stages",
    "report",
    "min_doc_words",
    "threshold",
    "mode",
    "extractor",
    "clean",
    "gopher_quality",
    "minhash_dedup",
    "langid",
]
value = st.recursive(
    scalar,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)
stage_items = st.lists(
    st.dictionaries(st.sampled_from(KEYS), value, min_size=1, max_size=1) | scalar, max_size=4
)
document = st.dictionaries(st.sampled_from(KEYS), value, max_size=6).flatmap(
    lambda d: (
        st.builds(lambda items: {**d, "stages": items}, stage_items)
        if "stages" in d
        else st.just(d)
    )
)


@FUZZ
@given(doc=document)
def test_config_loader_answers_any_mapping_with_a_config_or_a_config_error(tmp_path_factory, doc):
    import yaml

    path = tmp_path_factory.mktemp("cfg") / "p.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    try:
        cfg = load_config(str(path), None, {})
    except ConfigError as exc:
        for line in str(exc).splitlines():  # one line per wrong key, each naming its path
            assert re.match(r"^[^\s:]*: \S", line), line
    else:
        assert cfg.resolved()["stages"] is not None


@FUZZ
@given(raw=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_config_loader_answers_any_bytes_with_a_config_or_a_config_error(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("cfg") / "p.yaml"
    path.write_bytes(raw)
    try:
        cfg = load_config(str(path), None, {})
    except ConfigError as exc:
        assert str(exc).strip(), "a configuration error says what is wrong"
    else:
        assert cfg.resolved()["stages"] is not None
