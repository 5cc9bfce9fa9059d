"""Byte streams by file suffix, and a line splitter that survives a broken stream.

The splitter reads fixed-size chunks and splits them itself instead of relying on
``readline``: when a gzip or zstd stream breaks half-way, the bytes decoded so far (the partial
last line included) are still handed out, and the error is reported with the offset where it
happened, so the reader can quarantine the break rather than lose it.
"""

from __future__ import annotations

import gzip
import io
import os
import zlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, NamedTuple

import zstandard

from tamis.io.storage import is_url, open_input

ZSTD_LEVEL = 3
CHUNK = 1 << 20
#: compressed bytes a zstd stream is fed at a time
ZSTD_READ = 1 << 17
#: decoded bytes a zstd stream of a large window hands out at least, a call (``read1``), at
#: most its frames' window (the decoded bytes a decoder reads back from). Decoding a run at a
#: time, the decoder finds its window still in the CPU's caches rather than evicted by the
#: parsing and writing of a small batch after every step: for files of 8 MB windows (IMDb and
#: Reuters, compressed at a high level) 128 KB steps cost a bare run a sixth more CPU time on a
#: busy machine, the instructions being the same; 8 MB runs raised a worker's peak memory above
#: that of the writers before the typed schema.
DECODED_RUN = 4 << 20
#: the windows small enough for one step a call (zstd's default levels: 2 MB): on files of such
#: windows, runs of 2 and 4 MB cost a bare run more CPU time, not less
SMALL_WINDOW = 2 << 20


def open_read(path: str | Path) -> IO[bytes]:
    """A binary reader that undoes .gz / .zst by suffix (others are read as they are)."""
    name = os.fspath(path).lower()
    raw = open_input(path)
    if name.endswith(".gz"):
        return GzipReader(raw)
    if name.endswith(".zst") or name.endswith(".zstd"):
        return ZstdReader(raw)
    return raw


def _decoded_run(head: bytes) -> int:
    """Decoded bytes to gather a call for a stream starting with ``head``: its first frame's
    window, up to :data:`DECODED_RUN`; one step a call for a small window, or when the header
    does not say."""
    try:
        window = zstandard.get_frame_parameters(head).window_size
    except zstandard.ZstdError:
        return 1
    return 1 if window <= SMALL_WINDOW else min(window, DECODED_RUN)


class _FrameReader(ABC):
    """Decompresses a stream of frames (zstd frames, gzip members) a step of
    :data:`ZSTD_READ` compressed bytes at a time and, unlike the libraries' stream readers,
    hands out every byte decoded before a break, then raises it.

    A frame left unfinished at end of input raises ``EOFError``: python-zstandard's stream
    reader would return a clean end of file there and lose the tail of a broken file without a
    word. The steps are fixed, so what is handed out before a break does not depend on who
    reads: a reader that goes on from a file's start decoded in planning (:meth:`resumed`)
    hands out what a reader from the first byte would.
    """

    #: what a truncated stream's error says
    truncated = "stream ends in the middle of a frame (truncated file)"

    def __init__(self, raw: IO[bytes], head: _Head | None = None) -> None:
        self.raw = raw
        self._error: BaseException | None = None
        self._obj: Any
        self._in_frame: bool
        self._run: int | None  # decoded bytes a read1 gathers (from the first frame)
        self._decoded: bytes  # decoded bytes to hand out before decoding more
        if head is None:
            self._obj, self._in_frame, self._run, self._decoded = self._decoder(), False, None, b""
        else:
            self._obj, self._in_frame = head.decoder, head.in_frame
            self._run, self._decoded = head.run, head.decoded

    @abstractmethod
    def _decoder(self) -> Any:
        """A new decoder of one frame (``decompress``, ``eof``, ``unused_data``)."""

    def _first_run(self, chunk: bytes) -> int:
        return 1

    @classmethod
    def resumed(cls, raw: IO[bytes], head: _Head) -> _FrameReader:
        """A reader of a stream whose start ``head`` decoded (:func:`read_heads`), ``raw``
        placed just past the bytes it was fed: it hands out what the head decoded, then goes on
        with the head's decoder, so the start is not decoded twice."""
        return cls(raw, head)

    def read(self, size: int = -1) -> bytes:
        out: list[bytes] = []
        got = 0
        if self._decoded:
            out.append(self._decoded)
            got = len(self._decoded)
            self._decoded = b""
        while size < 0 or got < size or got == 0:
            chunk = self.raw.read(ZSTD_READ)
            if self._run is None:
                self._run = self._first_run(chunk)
            if not chunk:
                if self._in_frame and got == 0:
                    raise EOFError(self.truncated)
                break  # a truncated tail raises on the next call, after this data is used
            data = self._feed(chunk)
            out.append(data)
            got += len(data)
        return b"".join(out)

    def _feed(self, chunk: bytes) -> bytes:
        parts = []
        while True:
            if not self._in_frame:
                chunk = self._between_frames(chunk)
            if not chunk:
                break
            parts.append(self._obj.decompress(chunk))
            self._in_frame = True
            if not self._obj.eof:
                break
            chunk = self._obj.unused_data
            self._obj = self._decoder()
            self._in_frame = False
        return b"".join(parts)

    def _between_frames(self, chunk: bytes) -> bytes:
        """What of ``chunk``, read where no frame is open, a new frame starts from."""
        return chunk

    def held_bytes(self) -> int:
        """Memory this reader holds between reads: decoded bytes not handed out yet (and, for
        zstd, its decoder's window)."""
        return len(self._decoded)

    def read1(self, size: int = -1) -> bytes:
        """At least the reader's run of decoded bytes (fewer at the end), whatever ``size``.

        A break met after some bytes were decoded in this call is raised by the next call, so
        the bytes before it are handed out first (the reader quarantines the break)."""
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        out: list[bytes] = []
        got = 0
        while got < (self._run or 1):
            try:
                data = self.read(1)
            except (EOFError, OSError, zlib.error, zstandard.ZstdError) as exc:
                if not out:
                    raise
                self._error = exc
                break
            if not data:
                break
            out.append(data)
            got += len(data)
        return b"".join(out)

    def close(self) -> None:
        self.raw.close()

    def __enter__(self) -> _FrameReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ZstdReader(_FrameReader):
    """A multi-frame zstd file; a read gathers up to its frames' window (:func:`_decoded_run`)."""

    truncated = "zstd stream ends in the middle of a frame (truncated file)"

    def __init__(self, raw: IO[bytes], head: _Head | None = None) -> None:
        self._dctx = head.dctx if head is not None else zstandard.ZstdDecompressor()
        super().__init__(raw, head)

    def _decoder(self) -> Any:
        return self._dctx.decompressobj()

    def _first_run(self, chunk: bytes) -> int:
        return _decoded_run(chunk)

    def held_bytes(self) -> int:
        return len(self._decoded) + self._dctx.memory_size()


class GzipReader(_FrameReader):
    """A gzip file of one or more members, each checked (CRC and length) by zlib. In steps of
    128 KB rather than ``gzip.GzipFile``'s 8 KB reads, and resumable from a start decoded in
    planning. Zero bytes outside members are padding, skipped as ``GzipFile`` skips them after
    a member; any other bytes that start no gzip member are a break."""

    truncated = "gzip stream ends in the middle of a member (truncated file)"

    @staticmethod
    def _decoder() -> Any:
        return zlib.decompressobj(wbits=31)

    def _between_frames(self, chunk: bytes) -> bytes:
        return chunk.lstrip(b"\0")


#: What a file's start may decode to at most when only its start is read (a guard against a
#: prefix of a highly compressible file filling memory).
HEAD_DECODED_LIMIT = 64 << 20


def read_head(path: str | Path, raw_bytes: int) -> tuple[bytes, int, bool]:
    """The decoded start of a file: ``(decoded bytes, on-disk bytes they came from, whole)``.

    Only the first ``raw_bytes`` bytes on disk are read, so that a plan can estimate a compressed
    file's decoded size and record count (and sample its first records) without decoding the
    whole file. The prefix usually ends inside a frame or block: what it ends in is left out,
    silently, and not counted in the bytes the decoded ones came from; a corrupt start raises.
    ``whole`` says whether the prefix is the whole file.
    """
    return _read_heads(path, raw_bytes, raw_bytes, False)[0]


def read_heads(
    path: str | Path, raw_bytes: int, mark: int
) -> tuple[tuple[bytes, int, bool], tuple[bytes, int, bool]]:
    """:func:`read_head` for ``raw_bytes`` and for a shorter ``mark``, from one read and one
    decoding: the second is exactly what ``read_head(path, mark)`` gives (the same bytes fed
    to the same decoders in the same steps), so a plan that wants both a file's longer start
    (its size estimate) and its shorter one (its field sample) decodes it once."""
    return read_heads_and_rest(path, raw_bytes, mark, resume=False)[:2]


def read_heads_and_rest(
    path: str | Path, raw_bytes: int, mark: int, resume: bool = True
) -> tuple[tuple[bytes, int, bool], tuple[bytes, int, bool], _FrameReader | DecodedFile | None]:
    """:func:`read_heads`, and (``resume``) a reader of the whole file that goes on from the
    longer decoding (:meth:`ZstdReader.resumed`), or the whole file's decoding when the
    prefix is the whole file and every frame (or gzip member) of it ended
    (:class:`DecodedFile`): where the file is read from its start soon after (its first range,
    read by the process that planned it), its start is not decoded twice. None where there is
    no such reader: a file not local, a gzip or unfinished file of which the prefix is not the
    whole, a decoding stopped short of the prefix, or a prefix that is not a whole number of
    the steps a reader feeds its decoder (:data:`ZSTD_READ`): what a reader hands out before a
    break depends on where its steps end."""
    if mark > raw_bytes or (mark < raw_bytes and mark % _HEAD_STEP):
        # not a point the longer decoding passes through: two reads
        longer, _, rest = _read_heads(path, raw_bytes, raw_bytes, resume)
        return longer, _read_heads(path, mark, mark, False)[0], rest
    return _read_heads(path, raw_bytes, mark, resume)


def _read_heads(
    path: str | Path, raw_bytes: int, mark: int, resume: bool
) -> tuple[tuple[bytes, int, bool], tuple[bytes, int, bool], _FrameReader | DecodedFile | None]:
    with open_input(path) as raw:
        data = raw.read(raw_bytes + 1)
    whole, whole_at_mark = len(data) <= raw_bytes, len(data) <= mark
    data = data[:raw_bytes]
    name = os.fspath(path).lower()
    rest: _FrameReader | DecodedFile | None = None
    dctx = None
    if name.endswith(".gz"):
        reader: type[_FrameReader] | None = GzipReader
        decoded, used, at_mark, live = _decode_head(data, GzipReader._decoder, mark)
    elif name.endswith(".zst") or name.endswith(".zstd"):
        reader = ZstdReader
        dctx = zstandard.ZstdDecompressor()
        decoded, used, at_mark, live = _decode_head(data, dctx.decompressobj, mark)
    else:
        reader, live = None, None
        decoded, used, at_mark = data, len(data), (min(len(data), mark),) * 2
    if not resume or live is None or is_url(path):
        pass
    elif whole:
        if not live[1]:
            # the whole file decoded, its last frame (or gzip member) ended at its last byte: a
            # reader of the file would hand out these bytes and no error
            rest = DecodedFile(decoded)
    elif raw_bytes % ZSTD_READ == 0 and reader is not None:
        # a prefix of whole steps of a reader: a break a reader of its own meets in a step
        # after the prefix loses what that step decoded, and so does a reader going on from it
        # (a break inside the prefix is met here, and raises)
        run = _decoded_run(data) if dctx is not None else 1
        rest = reader.resumed(open_input(path), _Head(decoded, dctx, live[0], live[1], run))
        rest.raw.seek(len(data))
    got, used_at_mark = at_mark
    return (decoded, used, whole), (decoded[:got], used_at_mark, whole_at_mark), rest


class DecodedFile(io.BytesIO):
    """A small compressed file that planning decoded whole, read again from memory by the
    process that reads its first range, instead of decoded a second time."""

    def held_bytes(self) -> int:
        return len(self.getbuffer())


class _Head(NamedTuple):
    """Where the decoding of a zstd or gzip file's start stopped: what it decoded, its decoder
    (and, for zstd, that decoder's context) fed every byte of the prefix, whether that decoder
    is inside a frame, and the decoded bytes a reader of the file gathers a call
    (:func:`_decoded_run`)."""

    decoded: bytes
    dctx: zstandard.ZstdDecompressor | None
    decoder: Any
    in_frame: bool
    run: int


#: A prefix is fed to its decoder this many bytes at a time, so that the on-disk bytes behind
#: what was decoded are known to this precision (a decoder holds back an unfinished block).
_HEAD_STEP = 4096


def _decode_head(
    data: bytes, new_decoder: Callable[[], Any], mark: int
) -> tuple[bytes, int, tuple[int, int], tuple[Any, bool] | None]:
    """A compressed prefix decoded frame after frame (gzip members, zstd frames), the bytes
    of it that produced output, both figures as they stood once its first ``mark`` bytes
    were fed (a multiple of the step, or the whole prefix), and the decoder fed all of the
    prefix with whether it is inside a frame (None when decoding stopped short of it)."""
    parts: list[bytes] = []
    got = used = 0
    at_mark: tuple[int, int] | None = None
    decoder = new_decoder()
    fed = False
    for at in range(0, len(data), _HEAD_STEP):
        if at_mark is None and at >= mark:
            at_mark = (got, used)
        chunk = data[at : at + _HEAD_STEP]
        end = at + len(chunk)
        while chunk:
            out = decoder.decompress(chunk)
            fed = True
            if out:
                parts.append(out)
                got += len(out)
                used = end
            if not decoder.eof:
                break
            chunk = decoder.unused_data
            decoder = new_decoder()
            fed = False
        if got >= HEAD_DECODED_LIMIT and end < len(data):
            return b"".join(parts), used, at_mark or (got, used), None
    return b"".join(parts), used, at_mark or (got, used), (decoder, fed)


def open_write(path: Path, fmt: str, raw: Any = None) -> tuple[IO[bytes], list[IO[bytes]]]:
    """A binary writer for ``jsonl``, ``jsonl.gz`` or ``jsonl.zst``, and what to close, in order;
    ``raw``: the file object to write to (``path`` opened by the caller), if not ``path``.

    gzip gets no name and a zero timestamp, zstd a fixed level: the bytes depend on the data only.
    """
    if raw is None:
        raw = open(path, "wb")  # noqa: SIM115 - closed by the caller through the returned list
    if fmt == "jsonl":
        return raw, [raw]
    if fmt == "jsonl.gz":
        gz = gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6, mtime=0)
        return gz, [gz, raw]
    if fmt == "jsonl.zst":
        cctx = _compressor()
        zw = cctx.stream_writer(raw, closefd=False)
        return zw, [zw, _GiveBack(cctx), raw]
    raise ValueError(f"not a line format: {fmt!r}")


#: compressors of finished zstd streams, for the next stream of this process to take: a run
#: writes dozens of shards, and each new context allocates and clears its match tables (at
#: level 3 about 1 MB) before its first byte. A stream writer begins a new frame from a clean
#: session, so a context taken again writes the bytes a new one would (tested).
_IDLE_COMPRESSORS: list[zstandard.ZstdCompressor] = []


def _compressor() -> zstandard.ZstdCompressor:
    """An idle compressor of this process, or a new one."""
    try:
        return _IDLE_COMPRESSORS.pop()
    except IndexError:  # none idle (or another thread took the last)
        return zstandard.ZstdCompressor(level=ZSTD_LEVEL)


def release_compressors() -> None:
    """Free the idle compressors (about 3.5 MB each at level 3) of a process done writing
    shards, and give the freed heap back to the system: a context kept through the run sits
    among the heap's later blocks, so that freeing it alone returned nothing, and the run's
    last steps (settling the schema, the manifest) peaked 3-4 MB higher than with a context a
    shard (IMDb + Reuters, 1 worker)."""
    _IDLE_COMPRESSORS.clear()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: its allocator returns memory its own way
        pass


class _GiveBack:
    """A closer that hands its finished stream's compressor back to :data:`_IDLE_COMPRESSORS`
    (closed after the stream writer, so never while a frame is open)."""

    def __init__(self, cctx: zstandard.ZstdCompressor) -> None:
        self._cctx: zstandard.ZstdCompressor | None = cctx

    def close(self) -> None:
        if self._cctx is not None:
            _IDLE_COMPRESSORS.append(self._cctx)
            self._cctx = None


class StreamError(Exception):
    """The stream broke; ``offset`` is the decoded byte offset where it happened."""

    def __init__(self, offset: int, cause: BaseException) -> None:
        super().__init__(f"{type(cause).__name__}: {cause} (at decoded byte offset {offset})")
        self.offset = offset
        self.cause = cause


def iter_line_batches(fh: IO[bytes]) -> Iterator[tuple[int, list[bytes]]]:
    """Yield ``(offset of the first line, lines)`` per chunk read; raise on a break.

    On a break, the partial line read so far is yielded first as a batch of its own (it ends
    without a newline), then :class:`StreamError` is raised.
    """
    offset = 0
    rest = b""
    # read1 returns what one underlying read decoded, so a break loses no decoded bytes
    read = getattr(fh, "read1", fh.read)
    while True:
        try:
            chunk = read(CHUNK)
        except (EOFError, OSError, zlib.error, zstandard.ZstdError) as exc:
            if rest:
                yield offset, [rest]
            raise StreamError(offset + len(rest), exc) from exc
        if not chunk:
            break
        # the chunk split as it is, the line it continues joined to its first part: the same
        # lines as splitting rest + chunk, without copying the whole chunk once more
        lines = chunk.split(b"\n")
        if rest:
            lines[0] = rest + lines[0]
        size = len(rest) + len(chunk)
        rest = lines.pop()
        if lines:
            yield offset, lines
            offset += size - len(rest)
    if rest:
        yield offset, [rest]


def iter_lines(fh: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    """Yield ``(offset, line)`` without the newline; see :func:`iter_line_batches`."""
    for offset, lines in iter_line_batches(fh):
        for line in lines:
            yield offset, line
            offset += len(line) + 1
