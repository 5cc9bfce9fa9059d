"""``s3://`` through obstore, against moto's real S3 server on 127.0.0.1 (no mocked client):
a download cut mid-stream goes on from the byte reached, and is counted; a throttled upload is
repeated whole, and counted; a refused conditional write is an answer, never retried;
credentials come from the environment (or storage_options) and a profile routes to s3fs."""

from __future__ import annotations

import http.client
import os
from pathlib import Path

import pytest

from tests.helpers import require
from tests.s3server import (
    KEY_ID,
    CuttingProxy,
    ThrottlingProxy,
    aws_env,
    environ,
    start_moto,
)

BUCKET = "tamis-objects"


@pytest.fixture(scope="module")
def endpoint(shared_data, tmp_path_factory):
    """moto on a free port with a bucket, AWS_* pointing at it (restored afterwards), and the
    first 3 MiB of a real corpus file (IMDb reviews, zstd) as the object ``data``."""
    require("moto")
    require("flask")
    require("obstore")
    proc, url = start_moto()
    with environ(aws_env(url), unset=("AWS_PROFILE",)):
        from tamis.io import storage

        storage.set_options(None)
        data = (shared_data / "text" / "imdb-reviews.jsonl.zst").read_bytes()[: 3 << 20]
        host, port = url.rsplit("/", 1)[1].split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        conn.request("PUT", f"/{BUCKET}")  # moto takes an unsigned bucket creation
        assert conn.getresponse().status == 200
        conn.close()
        yield {"url": url, "data": data}
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture()
def through(endpoint):
    """Point ``s3://`` at a proxy for one test: ``through(proxy)``; undone afterwards."""
    from tamis.io import storage

    yield lambda proxy: storage.set_options({"s3": {"endpoint_url": proxy.url}})
    storage.set_options(None)
    storage.take_counts()


def test_a_download_cut_mid_stream_goes_on_from_the_byte_reached(endpoint, through):
    from tamis.io import hashed, storage

    data, url = endpoint["data"], f"s3://{BUCKET}/cut/imdb-head.jsonl.zst"
    storage.write_bytes(url, data)
    storage.take_counts()
    hashed.take_checksums()
    with CuttingProxy(endpoint["url"], cut=len(data) * 2 // 3) as proxy:
        through(proxy)
        with storage.open_input(url) as fh:
            got = fh.read()
    assert got == data
    assert storage.take_counts() == {"dropped_connections": 1}
    first, again = proxy.gets[0], proxy.gets[1:]
    assert first[0] is None  # the whole object asked for, and cut
    assert len(again) == 1
    offset = int(again[0][0].removeprefix("bytes=").rstrip("-"))
    assert 0 < offset <= len(data) * 2 // 3  # taken up where the stream broke, not from 0
    assert again[0][1] == storage.stat(url)["version"].join('""')  # the same version only
    # read whole and in order across the break: its checksum is the object's
    import xxhash

    want = "xxh3_128:" + xxhash.xxh3_128(data).hexdigest()
    assert hashed.take_checksums()[url][1] == want


def test_a_throttled_upload_is_repeated_whole_and_counted(endpoint, through, tmp_path):
    from tamis.io import storage

    local = tmp_path / "part.jsonl.zst"
    local.write_bytes(endpoint["data"])
    url = f"s3://{BUCKET}/throttled/part.jsonl.zst"
    with ThrottlingProxy(endpoint["url"], every=1, limit=2) as proxy:
        through(proxy)
        storage.put_file(local, url)
        assert proxy.throttled == 2
        assert storage.take_counts() == {"throttled": 2}
        assert storage.read_bytes(url) == endpoint["data"]


def test_a_refused_conditional_write_is_an_answer_not_retried(endpoint, through):
    from tamis.io import s3_objects, storage

    url = f"s3://{BUCKET}/lock/held"
    with CuttingProxy(endpoint["url"], cut=None) as proxy:
        through(proxy)
        options = storage.objects(url)
        assert options is not None
        storage.remove(url)
        etag = s3_objects.put_bytes(url, b"first", options, None)
        proxy.take()
        with pytest.raises(s3_objects.Refused):
            s3_objects.put_bytes(url, b"second", options, None)  # create-only: it exists
        assert proxy.take() == {"PUT": 1}
        newer = s3_objects.put_bytes(url, b"third", options, etag)  # over our version
        with pytest.raises(s3_objects.Refused):
            s3_objects.put_bytes(url, b"fourth", options, etag)  # over a stale one
        assert proxy.take() == {"PUT": 2}
        assert s3_objects.read_bytes(url, options) == (b"third", newer)
    assert storage.take_counts() == {}


def test_credentials_come_from_the_environment_or_the_options(endpoint, through, monkeypatch):
    from tamis.io import storage

    url = f"s3://{BUCKET}/creds/one"
    with CuttingProxy(endpoint["url"], cut=None) as proxy:
        through(proxy)
        storage.write_bytes(url, b"x")
        assert proxy.signed and all(f"Credential={KEY_ID}/" in a for a in proxy.signed)
        proxy.signed.clear()
        storage.set_options(
            {"s3": {"endpoint_url": proxy.url, "key": "OPTIONSKEY", "secret": "optsecret"}}
        )
        assert storage.read_bytes(url) == b"x"  # moto takes any signature
        assert proxy.signed and all("Credential=OPTIONSKEY/" in a for a in proxy.signed)
    storage.set_options({"s3": {"client_kwargs": {"verify": False}}})
    assert storage.objects(url) is None  # a botocore setting obstore has no word for: s3fs
    storage.set_options({"s3": {"client_kwargs": {"region_name": "eu-west-1"}}})
    assert storage.objects(url) == {"client_kwargs": {"region_name": "eu-west-1"}}
    storage.set_options(None)
    assert storage.objects(url) is not None
    monkeypatch.setenv("AWS_PROFILE", "research")  # profiles are s3fs's to read
    assert storage.objects(url) is None
    monkeypatch.delenv("AWS_PROFILE")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")  # no key pair: s3fs looks further
    assert storage.objects(url) is None
    assert storage.objects(f"gs://{BUCKET}/x") is None


def test_a_profile_run_goes_through_s3fs_to_the_same_objects(endpoint, monkeypatch, tmp_path):
    """A profile (here in a shared credentials file) is read by s3fs, the general path; the
    same listing, reads and writes as through obstore."""
    require("s3fs")
    from tamis.io import storage

    base = f"s3://{BUCKET}/profile"
    storage.write_bytes(f"{base}/a/one.txt", b"one")
    storage.write_bytes(f"{base}/a/two.txt", b"two")
    through_obstore = storage.walk_files(f"{base}/a/*.txt")
    creds = tmp_path / "credentials"
    creds.write_text(f"[research]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = other\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(creds))
    monkeypatch.setenv("AWS_PROFILE", "research")
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    assert storage.objects(base) is None
    assert (
        storage.walk_files(f"{base}/a/*.txt")
        == through_obstore
        == [
            f"{base}/a/one.txt",
            f"{base}/a/two.txt",
        ]
    )
    local = tmp_path / "three.txt"
    local.write_bytes(b"three")
    storage.put_file(local, f"{base}/b/three.txt")
    assert storage.read_bytes(f"{base}/b/three.txt") == b"three"
    assert storage.list_names(base) == ["a", "b"]
    Path(tmp_path / "got").mkdir()
    storage.get_file(f"{base}/a/two.txt", tmp_path / "got" / "two.txt")
    assert (tmp_path / "got" / "two.txt").read_bytes() == b"two"


def test_an_object_read_with_any_seeks_and_sizes_gives_its_bytes(endpoint):
    """The streamed reader never loses, repeats or shifts a byte, whatever the reader asks:
    reads of any size, seeks anywhere (relative, from the end, past the end)."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from tamis.io import s3_objects, storage

    data = endpoint["data"][: 300 << 10]
    url = f"s3://{BUCKET}/reads/imdb-head.zst"
    storage.write_bytes(url, data)
    options = storage.objects(url)
    steps = st.lists(
        st.one_of(
            st.tuples(st.just("read"), st.integers(-1, 200 << 10)),
            st.tuples(st.just("seek"), st.integers(0, len(data) + 10), st.integers(0, 2)),
        ),
        max_size=8,
    )

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(steps)
    def check(plan):
        reader, _ = s3_objects.open_input(url, options)
        at = 0
        with reader:
            for step in plan:
                if step[0] == "read":
                    got = reader.read(step[1])
                    end = len(data) if step[1] < 0 else min(len(data), at + step[1])
                    assert got == data[at:end]
                    at = max(at, end)
                else:
                    _, offset, whence = step
                    base = {0: 0, 1: at, 2: len(data)}[whence]
                    target = max(0, base + (offset if whence == 0 else offset - len(data) // 2))
                    assert reader.seek(target - base, whence) == target
                    at = target
            assert reader.read() == data[at:]

    check()


def test_a_denied_key_fails_before_any_work_naming_the_url(tmp_path, capsys, monkeypatch):
    """SeaweedFS checks signatures (moto does not): a wrong secret is refused at once, exit 2,
    in one line naming the URL and not the secret."""
    require("obstore")
    from tests.helpers import tamis
    from tests.s3server import start_seaweedfs

    try:
        proc, url = start_seaweedfs(tmp_path / "weed")
    except RuntimeError as exc:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(str(exc))
    try:
        for k, v in aws_env(url).items():
            monkeypatch.setenv(k, v)
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "notTHEsecret42")
        monkeypatch.delenv("AWS_PROFILE", raising=False)
        from tamis.io import storage

        storage.set_options(None)
        assert storage.objects("s3://corpus/in") is not None
        assert tamis("clean", "s3://corpus/in", "-o", tmp_path / "out") == 2
        err = capsys.readouterr().err
        assert "s3://corpus/in: access denied" in err
        assert "notTHEsecret42" not in err
        assert not (tmp_path / "out").exists()
    finally:
        proc.kill()
        proc.wait()


def test_a_stalled_download_times_out_and_goes_on_from_the_byte_reached(
    endpoint, through, monkeypatch
):
    """One client serves streams and short requests: a stream whose server stops sending is
    caught by the read timeout (not the request's whole-life one) and taken up where it was."""
    from tamis.io import s3_objects, storage

    monkeypatch.setattr(s3_objects, "READ_TIMEOUT", "1s")
    data, url = endpoint["data"], f"s3://{BUCKET}/stall/imdb-head.jsonl.zst"
    storage.write_bytes(url, data)
    storage.take_counts()
    with CuttingProxy(endpoint["url"], cut=len(data) // 2, stall=4.0) as proxy:
        through(proxy)  # a new endpoint: a new store, made with the 1 s read timeout
        with storage.open_input(url) as fh:
            got = fh.read()
    assert got == data
    assert storage.take_counts() == {"dropped_connections": 1}
    assert len(proxy.gets) == 2
    offset = int(proxy.gets[1][0].removeprefix("bytes=").rstrip("-"))
    assert 0 < offset <= len(data) // 2


def test_a_reader_slower_than_the_read_timeout_is_not_cut(endpoint, through, monkeypatch):
    """The read timeout runs only while a read waits on the server: a worker that takes its
    time over its records between two reads keeps its one stream."""
    import time

    from tamis.io import s3_objects, storage

    monkeypatch.setattr(s3_objects, "READ_TIMEOUT", "1s")
    data, url = endpoint["data"], f"s3://{BUCKET}/slow/imdb-head.jsonl.zst"
    storage.write_bytes(url, data)
    storage.take_counts()
    with CuttingProxy(endpoint["url"], cut=None) as proxy:
        through(proxy)
        with storage.open_input(url) as fh:
            got = fh.read(100_000)
            time.sleep(2.5)
            got += fh.read()
    assert got == data
    assert storage.take_counts() == {}
    assert len(proxy.gets) == 1


def test_a_multipart_upload_throttled_on_a_part_is_repeated_whole(
    endpoint, through, shared_data, tmp_path
):
    """Past one part, an upload goes in parts; a part refused by throttling makes the whole
    upload start again (counted), and the object is the file, never a mix of two tries."""
    from tamis.io import storage

    with open(shared_data / "text" / "imdb-reviews.jsonl.zst", "rb") as fh:
        data = fh.read(2 * storage.UPLOAD_PART + 12345)
    local = tmp_path / "big.jsonl.zst"
    local.write_bytes(data)
    url = f"s3://{BUCKET}/multipart/big.jsonl.zst"
    # the 3rd request of the upload: a part's PUT, after the POST that starts the upload and
    # the first part
    with ThrottlingProxy(endpoint["url"], every=3, limit=3) as proxy:
        through(proxy)
        storage.put_file(local, url)
        assert proxy.throttled == 1
        # the first upload: begun, one part, one refused, then aborted (nothing left half
        # done on the server); the second: begun, three parts, completed
        assert proxy.take() == {"POST": 3, "PUT": 5, "DELETE": 1}
    assert storage.take_counts() == {"throttled": 1}
    assert storage.read_bytes(url) == data


MEMORY_PROBE = """
import sys
from pathlib import Path
from bench.machine import peak_rss_kb
from tamis.io import storage
source, url = Path(sys.argv[1]), sys.argv[2]
with storage.open_input(url) as fh:  # the client and its threads, without a chunk's buffer
    fh.read(100)
before = peak_rss_kb()
with storage.open_input(url) as fh:
    while fh.read(1 << 16):
        pass
after_read = peak_rss_kb()
storage.put_file(source, url + ".again")
print(before, after_read, peak_rss_kb())
"""


def test_an_upload_and_a_read_hold_one_part_not_the_object(endpoint, shared_data, tmp_path):
    """No whole-object buffer: uploading a 24 MB object raises a process's peak memory by
    about one 5 MB part (not 24 MB), and reading it back streamed by about a chunk."""
    import subprocess
    import sys

    from tamis.io import storage

    source = tmp_path / "imdb-head.jsonl.zst"
    with open(shared_data / "text" / "imdb-reviews.jsonl.zst", "rb") as fh:
        source.write_bytes(fh.read(24 << 20))
    url = f"s3://{BUCKET}/memory/imdb-head"
    storage.put_file(source, url)
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": f"{root / 'src'}{os.pathsep}{root}"}
    out = subprocess.run([sys.executable, "-c", MEMORY_PROBE, str(source), url], env=env,
                         capture_output=True, text=True, check=True, timeout=120)  # fmt: skip
    before, after_read, after_upload = (int(x) for x in out.stdout.split())
    assert (after_read - before) * 1024 < 4 << 20  # a chunk or two, not 24 MB
    # one part (obstore handed the file's path read the next part while one was sent: 10 MB)
    assert (after_upload - before) * 1024 < storage.UPLOAD_PART + (2 << 20)
