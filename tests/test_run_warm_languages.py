"""The warm-up's sample spread over the whole input, and one document per language it holds."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import orjson
import pytest
import zstandard
from hypothesis import given
from hypothesis import strategies as st

from tamis.io.base import ReadOptions
from tamis.run.warm_languages import one_per_language, spread, spread_documents


@given(st.lists(st.integers(), max_size=300), st.integers(1, 64))
def test_a_spread_keeps_the_first_item_and_the_order_and_takes_as_many_as_asked(items, n):
    got = spread(items, n)
    assert len(got) == min(n, len(items))
    places = [i * len(items) // n for i in range(n)] if len(items) > n else range(len(items))
    assert got == [items[p] for p in places]
    assert not items or got[0] == items[0]


def _write(path, texts, compress=False):
    lines = "".join(
        orjson.dumps({"id": f"d{i}", "text": t}).decode() + "\n" for i, t in enumerate(texts)
    )
    if compress:
        path.write_bytes(zstandard.ZstdCompressor().compress(lines.encode()))
    else:
        path.write_text(lines, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["docs.jsonl", "docs.jsonl.zst"])
def test_the_sample_reaches_the_end_of_a_file_and_leaves_no_stream_open(tmp_path, name):
    """Documents at evenly spaced records of the whole file, not its head; a compressed file's
    stream is not left parked for a next range (a forked worker would inherit it)."""
    from tamis.io import jsonl

    path = _write(tmp_path / name, [f"text {i}" for i in range(2000)], name.endswith(".zst"))
    docs = spread_documents([str(path)], ReadOptions(), 16)
    indexes = [d.source["index"] for d in docs]
    assert indexes == sorted(indexes) and len(indexes) == 16
    assert indexes[0] == 0 and indexes[-1] >= 1800
    assert [d.text for d in docs] == [f"text {i}" for i in indexes]
    assert not jsonl._PARKED


def test_the_sample_reaches_records_past_a_compressed_file_s_estimated_count(tmp_path):
    """A compressed file's count is a guess from its start: long records first, short ones
    after, and the guess falls far short. The sample still reaches the file's last records
    (where an input often holds what its start does not)."""
    import random

    from tamis.io.base import reader_for

    rng = random.Random(7)
    words = [f"w{k}" for k in range(5000)]
    head = [" ".join(rng.choices(words, k=400)) for _ in range(600)]
    path = _write(tmp_path / "docs.jsonl.zst", head + [f"short {i}" for i in range(6000)], True)
    estimate = reader_for(str(path)).extent(str(path), path.stat().st_size)[0]
    assert estimate < 3000  # the premise: the count is underestimated
    docs = spread_documents([str(path)], ReadOptions(), 64)
    assert max(d.source["index"] for d in docs) >= 6000
    assert len(docs) == 64


def test_the_sample_is_spread_over_a_folder_s_files(tmp_path):
    """Files evenly over the folder's files (in the plan's order), not its first ones."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for k in range(40):
        _write(folder / f"{k:02d}.jsonl", [f"file {k} doc {i}" for i in range(10)])
    docs = spread_documents([str(folder)], ReadOptions(), 16)
    files = sorted({d.source["path"].rsplit("/", 1)[1] for d in docs})
    assert files == [f"{k:02d}.jsonl" for k in range(0, 40, 5)]
    assert len(docs) == 16


def _sentences(shared_data, lang: str, n: int) -> list[str]:
    path = shared_data / "langid" / "lingua-sentences" / f"{lang}.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return [" ".join(lines[k : k + 8]) for k in range(0, 8 * n, 8)]


def test_one_document_stands_for_each_language_found(shared_data):
    from tamis.config import load_config
    from tamis.document import Document
    from tamis.run.worker import pipeline_for

    texts = _sentences(shared_data, "en", 5) + _sentences(shared_data, "ko", 3)
    texts += _sentences(shared_data, "de", 2) + _sentences(shared_data, "en", 2)
    docs = [Document(f"d{i}", t, {"path": "x", "index": i}) for i, t in enumerate(texts)]
    cfg = load_config(None, None, {"inputs": ["x"], "output": "o"})
    pipeline = pipeline_for(cfg.resolved())
    picked = one_per_language(pipeline, docs)
    assert [d.id for d in picked] == ["d0", "d5", "d8"]
    assert all(d.kept and not d.signals and not d.edits for d in picked)


PROBE = """
import concurrent.futures as cf, json, multiprocessing, sys
from tamis.config import load_config
from tamis.run.warm import warm_run, warm_workers
cfg = load_config(None, None, {"inputs": [sys.argv[1]], "output": sys.argv[2], "workers": 2})
warm_workers([sys.argv[1], sys.argv[2]], warm_run(cfg))
ctx = multiprocessing.get_context("forkserver")
with cf.ProcessPoolExecutor(1, mp_context=ctx) as pool:
    print(json.dumps(pool.submit(eval, "'kiwipiepy' in __import__('sys').modules").result()))
"""


def test_a_worker_is_forked_with_the_splitter_of_a_language_met_far_into_the_input(
    shared_data, tmp_path
):
    """The input's first documents are English, Korean pages come after them: the worker is
    forked with Korean's word splitter (kiwipiepy's model) already loaded."""
    pytest.importorskip("kiwipiepy")
    texts = _sentences(shared_data, "en", 120) + _sentences(shared_data, "ko", 4)
    path = _write(tmp_path / "in.jsonl.zst", texts, compress=True)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(path), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) is True


URL_PROBE = """
import concurrent.futures as cf, json, multiprocessing, os, sys
from tamis.config import load_config
from tamis.io import storage
from tamis.pipeline import Pipeline
from tamis.run.plan import resolve_inputs
from tamis.run.warm import warm_run, warm_workers
from tamis.run.worker import read_options
given = json.loads(sys.argv[3])
cfg = load_config(None, None, {"inputs": [sys.argv[1]], "output": sys.argv[2], "workers": 2,
                               "storage_options": given})
storage.set_options(cfg.run.storage_options)
# the driver's steps (tamis.run.driver.run_pipeline): forkserver started, inputs listed, sample
with warm_workers([sys.argv[1], sys.argv[2]], warm_run(cfg)) as handoff:
    files, _ = resolve_inputs(cfg.run.inputs)
    handoff.send(files, Pipeline(cfg), read_options(cfg))
    ctx = multiprocessing.get_context("forkserver")
    with cf.ProcessPoolExecutor(1, mp_context=ctx) as pool:
        loaded = pool.submit(eval, "'kiwipiepy' in __import__('sys').modules").result()
        started = pool.submit(
            eval, "open('/proc/' + str(__import__('os').getppid()) + '/environ').read()"
        ).result()
        secret = given["s3"]["secret"]
        print(json.dumps({"splitter": loaded, "secret": secret in started}))
"""


def _put(url: str, key: str, body: bytes = b"") -> None:
    """A plain PUT to the S3 server at ``url`` (a bucket, or an object in one): this process's
    environment and clients are left as they are (another module's server may be named there)."""
    import http.client

    host, port = url.rsplit("//", 1)[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.request("PUT", f"/{key}", body=body)
    reply = conn.getresponse()
    reply.read()
    conn.close()
    assert reply.status == 200, (key, reply.status)


@pytest.fixture(scope="module")
def s3_url():
    """moto's S3 server on 127.0.0.1 (a real endpoint) with an empty bucket."""
    from tests.helpers import require
    from tests.s3server import start_moto

    require("moto")
    proc, url = start_moto()
    try:
        _put(url, "tamis-warm")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_a_worker_warmed_on_s3_input_holds_the_splitter_of_a_language_the_input_holds(
    shared_data, s3_url, tmp_path
):
    """Input on S3, Korean pages far into it: the driver reads the sample and hands it to the
    forkserver, so the worker is forked with Korean's word splitter loaded. The credentials,
    given as the run's storage options only, are in no environment the forkserver has."""
    pytest.importorskip("kiwipiepy")
    from tests.s3server import KEY_ID, SECRET

    texts = _sentences(shared_data, "en", 120) + _sentences(shared_data, "ko", 4)
    path = _write(tmp_path / "in.jsonl.zst", texts, compress=True)
    _put(s3_url, "tamis-warm/in.jsonl.zst", path.read_bytes())
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_ENDPOINT_URL": s3_url, "AWS_REGION": "us-east-1"})
    given = {"s3": {"key": KEY_ID, "secret": SECRET}}
    done = subprocess.run(
        [sys.executable, "-c", URL_PROBE, "s3://tamis-warm/in.jsonl.zst", str(tmp_path / "out")]
        + [orjson.dumps(given).decode()],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"splitter": True, "secret": False}


def test_the_handed_sample_keeps_each_document_s_text_source_and_fields():
    from tamis.document import Document
    from tamis.run.warm_sample import decode, encode

    docs = [
        Document(
            "a", "Hallo Welt", {"path": "s3://b/x.jsonl", "index": 3, "offset": 9}, {"url": "u"}
        ),
        Document("b", "키위", {"path": "s3://b/x.jsonl", "index": 4}, {"when": b"\x00"}),
    ]
    back = decode(encode(docs))
    assert [(d.id, d.text, d.source, d.meta, d.kept) for d in back] == [
        ("a", "Hallo Welt", docs[0].source, {"url": "u"}, True),
        ("b", "키위", docs[1].source, {}, True),
    ]
