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
