"""The manifest's input checksums, read in a thread while the tasks work."""

from __future__ import annotations

import gzip
import io
import threading

import pytest
import xxhash
from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.io.hashed import HashedStream, take_checksums
from tamis.io.output import file_checksum
from tamis.run.checksums import InputChecksums


def test_checksums_read_in_a_thread_are_those_of_the_bytes(shared_data):
    text = shared_data / "text"
    files = [str(text / "reuters-21578.jsonl.zst"), str(text / "cc-en-head-0091.jsonl.gz")]
    sums = InputChecksums(files).result()
    assert list(sums) == files
    for path in files:
        with open(path, "rb") as fh:
            want = "xxh3_128:" + xxhash.xxh3_128(fh.read()).hexdigest()
        assert sums[path] == want == file_checksum(path)


def test_a_failed_read_is_raised_where_the_checksums_are_wanted(tmp_path):
    there = tmp_path / "a.jsonl"
    there.write_bytes(b'{"text": "x"}\n')
    checksums = InputChecksums([str(there), str(tmp_path / "gone.jsonl")])
    with pytest.raises(FileNotFoundError, match="gone.jsonl"):
        checksums.result()


def test_a_cancelled_read_stops_at_the_next_block(tmp_path):
    files = []
    for i in range(3):
        files.append(tmp_path / f"big{i}.jsonl")
        with open(files[-1], "wb") as fh:
            fh.truncate(32 << 20)
    stop = threading.Event()
    stop.set()
    assert file_checksum(files[0], stop) is None  # gives up instead of reading 32 MB
    checksums = InputChecksums([str(f) for f in files])
    checksums.cancel()
    got = checksums.result()  # returns at once, with no error, and only whole checksums
    whole = file_checksum(files[0])
    assert set(got) <= {str(f) for f in files} and set(got.values()) <= {whole}


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=5000), sizes=st.lists(st.integers(1, 700), min_size=1))
def test_an_object_read_in_order_to_its_end_leaves_its_checksum(data, sizes):
    """However a stream is read in order (any read sizes, through a decompressor or not), the
    checksum left at its end is that of every byte; one that stops early leaves none."""
    take_checksums()
    stream = HashedStream(io.BytesIO(data), "s3://b/x.jsonl", "etag-1", len(data))
    for n in sizes:
        stream.read(n)
    whole = sum(sizes) >= len(data)
    got = take_checksums()
    want = "xxh3_128:" + xxhash.xxh3_128(data).hexdigest()
    assert got == ({"s3://b/x.jsonl": ("etag-1", want)} if whole else {})
    while stream.read(333):
        pass
    assert take_checksums() == ({} if whole else {"s3://b/x.jsonl": ("etag-1", want)})


def test_a_stream_read_out_of_order_or_through_gzip_keeps_its_word(tmp_path):
    data = b"".join(b'{"text": "line %d"}\n' % i for i in range(3000))
    packed = gzip.compress(data, mtime=0)
    take_checksums()
    with gzip.GzipFile(
        fileobj=HashedStream(io.BytesIO(packed), "s3://b/a.gz", "e", len(packed))
    ) as fh:
        assert fh.read() == data
    assert take_checksums()["s3://b/a.gz"][1] == "xxh3_128:" + xxhash.xxh3_128(packed).hexdigest()
    stream = HashedStream(io.BytesIO(packed), "s3://b/a.gz", "e", len(packed))
    stream.read(10)
    stream.seek(20)  # a skip: what follows is not the object in order
    while stream.read(1000):
        pass
    assert take_checksums() == {}


def test_a_stream_read_line_by_line_uses_the_objects_own_lines_and_keeps_its_checksum():
    """ARC files are read line by line: the object's buffered readline does it (not io's byte
    at a time), and the checksum still covers every byte."""
    data = b"".join(b"line %d\n" % i for i in range(500)) + b"tail without newline"

    class Whole(io.BytesIO):
        calls = 0

        def readline(self, *size):
            Whole.calls += 1
            return super().readline(*size)

    take_checksums()
    stream = HashedStream(Whole(data), "s3://b/a.arc", "e", len(data))
    assert list(stream) == data.splitlines(keepends=True)
    assert Whole.calls == 502  # 501 lines and the empty read at the end
    want = "xxh3_128:" + xxhash.xxh3_128(data).hexdigest()
    assert take_checksums() == {"s3://b/a.arc": ("e", want)}
