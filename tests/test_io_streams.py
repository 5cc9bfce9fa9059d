"""zstd streams handed out in long runs lose nothing where a stream breaks."""

from __future__ import annotations

import io

import pytest
import zstandard
from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.io import streams
from tamis.io.streams import StreamError, ZstdReader, iter_lines


def _read_all(data: bytes) -> tuple[list[tuple[int, bytes]], int | None]:
    """Every (offset, line) a reader of ``data`` hands out, and the offset of the break."""
    out: list[tuple[int, bytes]] = []
    try:
        for item in iter_lines(ZstdReader(io.BytesIO(data))):
            out.append(item)
    except StreamError as exc:
        return out, exc.offset
    return out, None


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
    text = b"".join(line + b"\n" for line in lines)
    cctx = zstandard.ZstdCompressor(level=1)
    size = len(text) // frames + 1
    data = b"".join(cctx.compress(text[i : i + size]) for i in range(0, len(text), size))
    if damage == "cut" and data:
        data = data[: where % len(data)]
    elif damage == "corrupt" and data:
        at = where % len(data)
        data = data[:at] + bytes([data[at] ^ 0x5A]) + data[at + 1 :]
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
