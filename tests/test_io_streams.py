"""zstd and gzip streams handed out in long runs, or read on from a start decoded in planning,
lose nothing where a stream breaks."""

from __future__ import annotations

import gzip
import io
import os
import zlib

import pytest
import zstandard
from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.io import streams
from tamis.io.streams import GzipReader, StreamError, ZstdReader, iter_lines

READERS = {"zst": ZstdReader, "gz": GzipReader}


def _read_all(data: bytes, fmt: str = "zst") -> tuple[list[tuple[int, bytes]], int | None]:
    """Every (offset, line) a reader of ``data`` hands out, and the offset of the break."""
    out: list[tuple[int, bytes]] = []
    try:
        for item in iter_lines(READERS[fmt](io.BytesIO(data))):
            out.append(item)
    except StreamError as exc:
        return out, exc.offset
    return out, None


def _compress(part: bytes, fmt: str) -> bytes:
    if fmt == "gz":
        return gzip.compress(part, compresslevel=1, mtime=0)
    return zstandard.ZstdCompressor(level=1).compress(part)


def _damaged(text: bytes, frames: int, damage: str, where: int, fmt: str = "zst") -> bytes:
    """``text`` compressed in ``frames`` frames (gzip members), then ``damage``d (``cut`` or
    ``corrupt``) at a place ``where`` picks."""
    size = len(text) // frames + 1
    data = b"".join(_compress(text[i : i + size], fmt) for i in range(0, len(text), size))
    if damage == "cut" and data:
        data = data[: where % len(data)]
    elif damage == "corrupt" and data:
        at = where % len(data)
        data = data[:at] + bytes([data[at] ^ 0x5A]) + data[at + 1 :]
    return data


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.binary(min_size=0, max_size=40).map(lambda b: b.replace(b"\n", b"")), max_size=60),
    st.integers(1, 4),
    st.sampled_from(["whole", "cut", "corrupt"]),
    st.integers(0, 10_000),
    st.integers(1, 300),
)
def test_long_runs_hand_out_what_single_steps_do(lines, frames, damage, where, run):
    """However many decoded bytes a call gathers (``DECODED_RUN``, the frames' window at
    most), the lines, their offsets and
    where a cut or corrupt stream breaks are those of decoding one step a call: the bytes
    decoded before a break are handed out before it is raised."""
    data = _damaged(b"".join(line + b"\n" for line in lines), frames, damage, where)
    mp = pytest.MonkeyPatch()
    try:
        mp.setattr(streams, "ZSTD_READ", 7)  # many small steps, so a run spans several
        mp.setattr(streams, "SMALL_WINDOW", 0)  # these frames' windows are small
        mp.setattr(streams, "DECODED_RUN", 1)
        want = _read_all(data)
        mp.setattr(streams, "DECODED_RUN", run)
        assert _read_all(data) == want
    finally:
        mp.undo()


@settings(max_examples=40, deadline=None)
@given(
    texts=st.lists(st.binary(min_size=0, max_size=3000), min_size=1, max_size=6),
    order=st.lists(st.integers(0, 5), max_size=30),
    step=st.integers(1, 5000),
)
def test_a_compressor_taken_again_writes_what_a_new_one_writes(
    texts, order, step, tmp_path_factory
):
    """Streams opened one after another and side by side (a worker's kept and rejected
    shards) share the process's idle compressors, and each file holds the bytes a compressor
    of its own writes: a shard's bytes never depend on the shards before it."""
    folder = tmp_path_factory.mktemp("zst")
    open_ = [streams.open_write(folder / f"{i}.zst", "jsonl.zst") for i in range(len(texts))]
    written = [0] * len(texts)
    for i in order:  # interleaved writes, in pieces of ``step`` bytes
        i %= len(texts)
        fh, at = open_[i][0], written[i]
        fh.write(texts[i][at : at + step])
        written[i] = min(len(texts[i]), at + step)
    for i, (fh, closers) in enumerate(open_):
        fh.write(texts[i][written[i] :])
        for c in closers:
            c.close()
        again, closers = streams.open_write(folder / f"again-{i}.zst", "jsonl.zst")
        again.write(texts[-1 - i])  # a context given back is taken for the next file
        for c in closers:
            c.close()
        assert (folder / f"{i}.zst").read_bytes() == _fresh_stream(texts[i])
        assert (folder / f"again-{i}.zst").read_bytes() == _fresh_stream(texts[-1 - i])


def _fresh_stream(text: bytes) -> bytes:
    """``text`` as a stream writer of a new compressor writes it."""
    out = io.BytesIO()
    with zstandard.ZstdCompressor(level=streams.ZSTD_LEVEL).stream_writer(out, closefd=False) as w:
        w.write(text)
    return out.getvalue()


@settings(max_examples=80, deadline=None)
@given(
    lines=st.lists(
        st.binary(min_size=0, max_size=300).map(lambda b: b.replace(b"\n", b"")),
        min_size=40,
        max_size=80,
    ),
    frames=st.integers(1, 4),
    damage=st.sampled_from(["whole", "cut", "corrupt", "cut past the start"]),
    where=st.integers(0, 100_000),
    head=st.integers(1, 16).map(lambda k: k * 64),
    fmt=st.sampled_from(["zst", "gz"]),
)
def test_a_reader_resumed_from_a_decoded_start_reads_what_a_new_one_reads(
    tmp_path_factory, lines, frames, damage, where, head, fmt
):
    """A file's start decoded for a plan, then read on by a reader that goes on from that
    decoding (its first range), gives the lines, offsets and break of a reader of its own,
    whatever frame the start ends in, and whether the break is before or after it; a file the
    start holds whole is read from that decoding only when it ends cleanly."""
    # each line numbered, so that a stream of any lines is longer than its start
    text = b"".join(b"%d %s\n" % (i, line) for i, line in enumerate(lines))
    if damage == "cut past the start":  # a few bytes past what the start decoded, if any
        data = _damaged(text, frames, "whole", where, fmt)[: head + where % 16]
    else:
        data = _damaged(text, frames, damage, where, fmt)
    path = tmp_path_factory.mktemp("resume") / f"f.jsonl.{fmt}"
    path.write_bytes(data)
    mp = pytest.MonkeyPatch()
    try:
        mp.setattr(streams, "_HEAD_STEP", 64)  # a start of a few steps
        mp.setattr(streams, "ZSTD_READ", 64)  # a start of whole steps of a reader
        try:
            longer, shorter, rest = streams.read_heads_and_rest(path, head, 64)
        except (zstandard.ZstdError, zlib.error):  # a corrupt start: planned without it
            return
        assert (longer, shorter) == streams.read_heads(path, head, 64)
        want = _read_all(data, fmt)
    finally:
        mp.undo()
    if len(data) <= head and rest is None:  # the whole file, cut inside a frame
        assert want[1] is not None
        return
    assert rest is not None
    got: list[tuple[int, bytes]] = []
    broke = None
    mp.setattr(streams, "ZSTD_READ", 64)
    try:
        for item in iter_lines(rest):
            got.append(item)
    except StreamError as exc:
        broke = exc.offset
    finally:
        rest.close()
        mp.undo()
    assert (got, broke) == want


@settings(max_examples=60, deadline=None)
@given(
    parts=st.lists(st.binary(min_size=0, max_size=2000), min_size=1, max_size=5),
    padding=st.lists(st.integers(0, 40), min_size=5, max_size=5),
    damage=st.sampled_from(["whole", "cut", "corrupt"]),
    where=st.integers(0, 100_000),
)
def test_the_gzip_reader_reads_what_gzipfile_reads(parts, padding, damage, where):
    """Members one after another, zero bytes between and after them: the bytes
    ``gzip.GzipFile`` decodes. Cut, the same bytes and a break; corrupt, a prefix of the
    text and a break, unless the damage is in a field no check covers."""
    data = b"".join(
        gzip.compress(part, compresslevel=1, mtime=0) + b"\0" * pad
        for part, pad in zip(parts, padding, strict=False)
    )
    text = b"".join(parts)
    if damage == "whole":
        assert GzipReader(io.BytesIO(data)).read() == gzip.GzipFile(fileobj=io.BytesIO(data)).read()
        return
    at = where % len(data)
    data = data[:at] if damage == "cut" else data[:at] + bytes([data[at] ^ 0x5A]) + data[at + 1 :]
    reader = GzipReader(io.BytesIO(data))
    got, broke = [], None
    try:
        while chunk := reader.read1(1 << 20):
            got.append(chunk)
    except (EOFError, zlib.error) as exc:
        broke = exc
    got = b"".join(got)
    assert text.startswith(got)
    if damage == "cut":
        theirs = gzip.GzipFile(fileobj=io.BytesIO(data))
        try:
            want = theirs.read()
        except (EOFError, OSError):  # GzipFile raises without handing out its decoded bytes
            want = None
        if want is not None:  # a cut inside padding, or at a member's end
            assert (got, broke) == (want, None)
        else:
            assert broke is not None
    else:
        assert broke is not None or got == text


def test_a_start_of_part_of_a_readers_step_is_not_read_on(tmp_path, monkeypatch):
    """A reader's step that the start ends inside would, at a break in it, lose what the
    start decoded before the break: such a start is no reader's beginning."""
    path = tmp_path / "f.jsonl.zst"
    path.write_bytes(zstandard.ZstdCompressor(level=1).compress(os.urandom(1 << 16)))
    monkeypatch.setattr(streams, "ZSTD_READ", 8192)
    assert streams.read_heads_and_rest(path, 3 * 4096, 4096)[2] is None
    rest = streams.read_heads_and_rest(path, 4 * 4096, 4096)[2]
    assert rest is not None
    rest.close()
