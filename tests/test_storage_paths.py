"""URL handling without a server: schemes, joins, which file system serves which URL, the
extras a missing package names, read-only schemes. (No local server for hf:// or gs:// runs in
these tests: hf:// has none, and the GCS emulator on PyPI does not answer current gcsfs's calls.)
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tamis.io import storage
from tests.helpers import tamis


@given(st.text(alphabet=st.characters(blacklist_characters=":"), max_size=40))
def test_a_local_path_is_never_taken_for_a_url(text):
    assert not storage.is_url(text)
    assert storage.join(text or ".", "kept") == Path(text or ".") / "kept"


@pytest.mark.parametrize(
    ("url", "scheme", "name"),
    [
        ("s3://bucket/corpus/a.jsonl.zst", "s3", "bucket/corpus/a.jsonl.zst"),
        ("gs://bucket/out", "gs", "bucket/out"),
        ("abfs://container/out", "abfs", "container/out"),
        ("hf://datasets/org/name/data/train.parquet", "hf", "datasets/org/name/data/train.parquet"),
        ("https://example.org/a.warc.gz", "https", "https://example.org/a.warc.gz"),
    ],
)
def test_schemes_and_names(url, scheme, name):
    assert storage.scheme(url) == scheme
    assert storage.strip(url) == name
    assert storage.with_scheme(url, name) == url
    assert (
        storage.join(url + "/", "/kept", "part-00000.jsonl.zst")
        == f"{url}/kept/part-00000.jsonl.zst"
    )


def test_gs_and_hf_urls_get_their_file_systems(monkeypatch):
    gcsfs = pytest.importorskip("gcsfs")
    hf = pytest.importorskip("huggingface_hub")
    storage.set_options({"gs": {"token": "anon", "project": "tamis-test"}})
    try:
        assert isinstance(storage.filesystem("gs://bucket/in"), gcsfs.GCSFileSystem)
    finally:
        storage.set_options(None)
    monkeypatch.setenv("HF_TOKEN", "hf_tamisTESTtoken")
    assert storage._options_for("hf")["token"] == "hf_tamisTESTtoken"
    assert isinstance(storage.filesystem("hf://datasets/org/name"), hf.HfFileSystem)


def test_a_missing_package_names_the_extra_to_install(tmp_path, capsys):
    if importlib.util.find_spec("adlfs") is not None:
        pytest.skip("adlfs is installed here: nothing is missing")
    assert tamis("clean", "az://container/corpus/", "-o", tmp_path / "out") == 2
    err = capsys.readouterr().err
    assert "az://container/corpus/" in err and "pip install 'tamis[azure]'" in err
    assert not (tmp_path / "out").exists()


def test_unknown_scheme_and_read_only_output(tmp_path, capsys):
    src = tmp_path / "a.jsonl"
    src.write_text('{"id": "1", "text": "hello"}\n')
    assert tamis("clean", "ftp2://host/a.jsonl", "-o", tmp_path / "o") == 2
    assert "unknown storage scheme ftp2://" in capsys.readouterr().err
    assert tamis("clean", src, "-o", "https://example.org/out") == 2
    assert "read-only" in capsys.readouterr().err


def test_an_http_input_is_read_from_a_real_web_server(shared_data, tmp_path):
    """http(s):// inputs are read (streamed) from a web server: here Python's, on 127.0.0.1."""
    import functools
    import http.server
    import threading

    import orjson

    pytest.importorskip("aiohttp")
    src = shared_data / "text"
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(src))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/cc-en-head-0091.jsonl.gz"
        out = tmp_path / "out"
        assert tamis("clean", url, "-o", out, "--stages", "repair", "--workers", "1",
                     "--no-report") == 0  # fmt: skip
        manifest = orjson.loads((out / "manifest.json").read_bytes())
        assert manifest["inputs"][0]["path"] == url
        assert manifest["counts"]["input"] == 10
        assert tamis("verify", out) == 0
    finally:
        server.shutdown()
        server.server_close()


def test_the_clients_a_run_needs_are_those_of_its_urls(monkeypatch):
    """What the forkserver imports ahead for the workers: the packages serving the run's URLs,
    never one for a local path, and none that is not installed; for S3, obstore when it can
    carry the credentials (keys in the environment), s3fs and its session for a profile."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "example-secret")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    assert storage.client_packages(["corpus/a.jsonl", Path("/out")]) == []
    assert storage.client_packages(["s3://b/in", "/local/out"]) == ["obstore"]
    monkeypatch.setenv("AWS_PROFILE", "research")
    s3 = ["s3fs", "tamis.run.s3_session"]
    assert storage.client_packages(["s3://b/in", "s3a://b/x", "/local/out"]) == s3
    installed = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name: None if name == "gcsfs" else installed(name)
    )
    assert storage.client_packages(["gs://b/in", "s3://b/out"]) == s3


def test_uploads_in_flight_together_hold_no_more_than_one_big_upload(tmp_path):
    """Small files are published many at a time, but never more bytes at once than one file
    just below the multipart size (which a client reads whole); a bigger file goes alone."""
    part = storage.UPLOAD_PART
    sizes = [1 << 20, 3 * part, 5 << 20, 2 * part - 1, 1 << 10, 0, part, part]
    pairs = []
    for i, n in enumerate(sizes):
        path = tmp_path / f"f{i}"
        with open(path, "wb") as fh:
            fh.truncate(n)
        pairs.append((path, f"s3://b/f{i}"))
    groups = storage._upload_groups(pairs)
    assert [p for g in groups for p in g] == pairs  # each once, in order
    for group in groups:
        held = sum(p.stat().st_size for p, _ in group)
        assert len(group) == 1 or held <= 2 * part
    assert [len(g) for g in groups] == [1, 1, 1, 1, 3, 1]


def test_a_run_on_local_files_loads_no_storage_client():
    """Every reader and stage module is imported by discovery: none of them may pull in the
    S3 client (a local run would pay its import time and memory in every process)."""
    import subprocess
    import sys

    code = (
        "import sys; from tamis.io.base import reader_for; from tamis.stages.base import "
        "stage_class; reader_for('a.jsonl'); stage_class('clean'); "
        "print(sorted(m for m in ('s3fs', 'botocore', 'aiobotocore', 'gcsfs') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
