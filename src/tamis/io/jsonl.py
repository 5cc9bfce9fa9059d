"""JSON Lines input (plain, gzip, zstd), and ``.json`` files holding one array of records.

A record's index is its line number, blank lines included, so indexes never move when a
neighbouring line is bad. Every line that is not a usable record becomes a quarantine item with
its raw bytes; a broken compressed stream yields the records before the break and then one
quarantine item for the break itself.
"""

from __future__ import annotations

import atexit
import contextlib
import os
from collections.abc import Iterator
from typing import IO

import orjson

from tamis.document import KEPT_VERDICT, Document
from tamis.io.base import (
    Item,
    Quarantine,
    Reader,
    ReadOptions,
    Skipped,
    derived_id,
    make_document,
    register_reader,
)
from tamis.io.storage import is_url, pinned_identity, stat
from tamis.io.streams import (
    DecodedFile,
    StreamError,
    iter_line_batches,
    open_read,
    read_head,
    read_heads_and_rest,
)


def parse_record(line: bytes, path: str, index: int, offset: int, opts: ReadOptions) -> Item:
    src = {"path": path, "index": index, "offset": offset}
    if len(line) > opts.max_record_bytes:
        return Quarantine(
            src,
            f"record of {len(line)} bytes exceeds max_record_bytes={opts.max_record_bytes}",
            "record_too_large",
            line,
        )
    try:
        fields = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as uexc:
            return Quarantine(src, f"invalid UTF-8: {uexc}", "invalid_utf8", line)
        return Quarantine(src, f"invalid JSON: {exc}", "invalid_json", line)
    if not isinstance(fields, dict):
        return Quarantine(
            src, f"a JSON {type(fields).__name__} is not a record (object)", "not_an_object", line
        )
    item = make_document(fields, path, index, opts, offset=offset)
    if isinstance(item, Quarantine):
        item.raw = line
    return item


#: On-disk bytes read from a file's start to estimate its record count and decoded size.
HEAD_BYTES = 1 << 19
#: ...and to sample its first records' fields (a prefix may hold fewer than asked).
SAMPLE_BYTES = 1 << 18


#: bytes of a text's start that tell its lines short or long (:func:`count_newlines`)
LINE_PROBE = 1 << 16
#: lines longer than this on average are counted by finds
LONG_LINE = 256


def count_newlines(data: bytes) -> int:
    """``data.count(b"\\n")``, cheaper: ``count`` reads every byte (about five instructions a
    byte), ``find`` skips to the next newline by ``memchr`` (a fraction of an instruction a
    byte) at the cost of a call per line. A run's planning counts the lines of each compressed
    input's decoded start (megabytes of documents a few KB long): finds there, and where the
    start's first bytes hold short lines (sentences, tokens), one ``replace`` in C."""
    n = data.count(b"\n", 0, LINE_PROBE)
    if n * LONG_LINE >= min(len(data), LINE_PROBE):
        # short lines: what a copy without them lacks (``replace`` finds each newline by
        # ``memchr`` and copies the runs between them by ``memcpy``: about a fifth of
        # ``count``'s instructions on lines of a few hundred bytes)
        return len(data) - len(data.replace(b"\n", b""))
    find = data.find
    at = find(b"\n", LINE_PROBE)
    while at >= 0:
        n += 1
        at = find(b"\n", at + 1)
    return n


def _is_json_array(path: str) -> bool:
    if not path.lower().removesuffix(".gz").removesuffix(".zst").endswith(".json"):
        return False
    with open_read(path) as fh:
        head = fh.read(4096).lstrip()
    return head.startswith(b"[")


def _sample_lines(head: bytes, whole: bool) -> list[bytes]:
    """The lines of a file's start, without the one its prefix cuts."""
    lines = head.split(b"\n")
    if not whole:
        lines.pop()
    return lines


#: The sampled start of each file whose size was estimated, kept from that reading for its
#: field sample (:meth:`JsonlReader.sample`, right after in planning): path -> (identity, its
#: first lines, whether they are all the lines of the sampled start, their bytes). Bounded in
#: bytes, so that a plan over many files holds little; a file not kept is read again.
_SAMPLE_HEADS: dict[str, tuple[tuple, list[bytes], bool, int]] = {}
SAMPLE_HEADS_BUDGET = 16 << 20
#: as many lines as the field sample reads (tamis.io.settle.SAMPLE_RECORDS): more were held
#: by the driver for nothing
SAMPLE_LINES_KEPT = 250


def _keep_sample_head(
    path: str, sample: tuple[bytes, int, bool], lines: list[bytes] | None = None
) -> None:
    """Keep the first lines of a sampled start; ``lines``: all the lines of a sample that is
    the whole file, already split."""
    head, _, whole = sample
    if lines is not None:
        complete = len(lines) <= SAMPLE_LINES_KEPT
        kept = lines[:SAMPLE_LINES_KEPT]
    else:
        # the first lines only: the same as the first of all the lines, without splitting
        # them all
        parts = head.split(b"\n", SAMPLE_LINES_KEPT)
        complete = len(parts) <= SAMPLE_LINES_KEPT
        if complete:
            kept = parts if whole else parts[:-1]
        else:
            kept = parts[:SAMPLE_LINES_KEPT]
    size = sum(map(len, kept))
    if sum(entry[3] for entry in _SAMPLE_HEADS.values()) + size > SAMPLE_HEADS_BUDGET:
        return
    with contextlib.suppress(OSError):
        _SAMPLE_HEADS[path] = (_identity(path), kept, complete, size)


def _kept_sample_lines(path: str, n: int) -> list[bytes] | None:
    """The first lines of ``path``'s sampled start when kept for at least ``n`` lines and the
    file is unchanged (given once: the entry is dropped)."""
    kept = _SAMPLE_HEADS.pop(path, None)
    if kept is None:
        return None
    identity, lines, complete, _ = kept
    try:
        same = identity == _identity(path)
    except OSError:
        return None
    return lines if same and (complete or n <= len(lines)) else None


class _Cursor:
    """The lines of one open JSON Lines stream, a batch at a time, from where a read stopped.

    A file cut into record ranges is read range after range by the same worker (tasks are
    handed out in order), so a read that ends at its range's ``stop`` parks its stream here and
    the next read of the same file, from that record on, goes on from it instead of
    decompressing and splitting the file again from its first byte. Only speed depends on it:
    a read that cannot go on from a parked stream opens the file again.
    """

    __slots__ = ("path", "identity", "fh", "batches", "next_index", "pending", "held")

    def __init__(
        self,
        path: str,
        fh: IO[bytes] | None = None,
        identity: tuple | None = None,
        lines: list[bytes] | None = None,
    ) -> None:
        self.path = path
        url = is_url(path)
        if identity is None and not url:
            identity = _identity(path)  # before the file is opened: a later file is not this one
        self.fh = open_read(path) if fh is None else fh
        # an object read through a stream pinned to its version: that version, asked of no one
        self.identity = identity or (pinned_identity(self.fh) if url else None) or _identity(path)
        # the lines of a whole file split in planning, else the stream's, a chunk at a time
        self.batches: Iterator[tuple[int, list[bytes]]] = (
            iter_line_batches(self.fh) if lines is None else iter([(0, lines)])
        )
        self.next_index = 0  # the index of the first line of the stream's next batch
        # (index, offset, lines): the rest of a batch that the last read stopped in
        self.pending: tuple[int, int, list[bytes]] | None = None
        # bytes a start decoded in planning holds (its decoded start and decoder), 0 for a
        # stream parked by a read
        self.held = 0

    def position(self) -> int:
        return self.pending[0] if self.pending is not None else self.next_index

    def next_batch(self) -> tuple[int, int, list[bytes]] | None:
        """(index of the first line, its decoded offset, lines); None at the end; raises
        :class:`StreamError` where the stream breaks (after handing out its partial line)."""
        if self.pending is not None:
            batch, self.pending = self.pending, None
            return batch
        got = next(self.batches, None)
        if got is None:
            return None
        first = self.next_index
        self.next_index += len(got[1])
        return first, got[0], got[1]

    def close(self) -> None:
        self.pending = None
        self.fh.close()


def _identity(path: str) -> tuple:
    """What tells a file apart from a later version of it: size, mtime and inode for a local
    file, size and ETag (or its store's version stamp) for an object."""
    if is_url(path):
        st = stat(path)
        return st["size"], st["version"]
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns, st.st_ino


_PARKED: dict[str, _Cursor] = {}


def _take_cursor(path: str, start: int) -> _Cursor:
    """The parked stream of ``path`` when it has not passed ``start`` and the file is the same
    file, else the file opened again from its start."""
    parked = _PARKED.pop(path, None)
    if parked is not None:
        try:
            same = parked.identity == _identity(path)
        except OSError:
            same = False
        if same and parked.position() <= start:
            return parked
        parked.close()
    return _Cursor(path)


#: Bytes that the starts decoded in planning may hold (each its decoded start and its decoder's
#: window) for the process that reads those files next; a file past it is decoded again.
PLANNED_STARTS_BUDGET = 24 << 20


#: A whole file decoded in planning up to this size is kept split into its lines (each a bytes
#: object: :data:`_LINE_OVERHEAD` more a line), a larger one as its decoded bytes
SPLIT_WHOLE_BYTES = 8 << 20
_LINE_OVERHEAD = 41  # an empty bytes object and its pointer in the list


def _park(cursor: _Cursor) -> bool:
    """Keep ``cursor`` for the next range of its file: one stream a read left, besides the
    starts planning decoded for files not read yet (read in path order, each when its turn
    comes)."""
    for path, other in list(_PARKED.items()):
        if not other.held:
            other.close()
            del _PARKED[path]
    cursor.held = 0
    _PARKED[cursor.path] = cursor
    return True


def _planned_room() -> bool:
    """Whether planning may keep one more file's decoded start (:data:`PLANNED_STARTS_BUDGET`)."""
    return sum(c.held for c in _PARKED.values()) < PLANNED_STARTS_BUDGET


@atexit.register
def close_parked() -> None:
    """Close the stream parked for a next range (a process that reads no more ranges)."""
    for cursor in _PARKED.values():
        cursor.close()
    _PARKED.clear()


@register_reader
class JsonlReader(Reader):
    suffixes = (".jsonl", ".jsonl.gz", ".jsonl.zst", ".json", ".json.gz", ".json.zst", ".ndjson")
    splittable = True

    def count(self, path: str) -> int:
        if _is_json_array(path):
            with open_read(path) as fh:
                return len(orjson.loads(fh.read()))
        n = 0
        last = b"\n"
        with open_read(path) as fh:
            try:
                while chunk := fh.read(1 << 22):
                    n += chunk.count(b"\n")
                    last = chunk[-1:]
            except Exception:  # a broken stream: the reader quarantines the break
                return n + 1
        return n + (last != b"\n")

    def extent(self, path: str, size: int) -> tuple[int, int]:
        # counting a compressed file decodes all of it, serially, before any worker starts:
        # estimate from its start instead (lines and decoded bytes per byte on disk); a plain
        # file is counted (no decoding: about as cheap as reading it)
        if _is_json_array(path) or not path.lower().endswith((".gz", ".zst")):
            return super().extent(path, size)
        # a file planned keeps its decoding of its start for its first range (read by this
        # process when it runs the tasks or takes a head start), as many files as a budget
        # allows: a plan of many files holds a few decoders' windows, not one per file
        resume = path not in _PARKED and _planned_room()
        try:
            identity = _identity(path)
            (head, read, whole), sample, rest = read_heads_and_rest(
                path, HEAD_BYTES, SAMPLE_BYTES, resume
            )
        except Exception:  # a corrupt start: the exact count knows how to count a break
            return self.count(path), size
        if isinstance(rest, DecodedFile) and len(head) <= SPLIT_WHOLE_BYTES:
            # the whole file, decoded: split once, for its count, its sample and its reading
            lines = head.split(b"\n")
            if not lines[-1]:
                lines.pop()  # the end of the last line, not a line
            cursor = _PARKED[path] = _Cursor(path, rest, identity, lines)
            rest.close()  # its bytes are the lines' now
            cursor.held = len(head) + _LINE_OVERHEAD * len(lines)
            _keep_sample_head(path, sample, lines if sample[2] else None)
            return len(lines), len(head)
        if rest is not None:
            cursor = _PARKED[path] = _Cursor(path, rest, identity)
            cursor.held = rest.held_bytes()
        _keep_sample_head(path, sample)
        if whole and read:  # the start is the whole file, decoded: counted, not decoded again
            return count_newlines(head) + (head[-1:] not in (b"\n", b"")), len(head)
        if not read:
            return self.count(path), len(head)
        lines = count_newlines(head)
        return max(1, round(lines * size / read)), round(len(head) * size / read)

    def sample(self, path: str, opts: ReadOptions, n: int) -> list[Item]:
        if _is_json_array(path):
            return super().sample(path, opts, n)
        lines = _kept_sample_lines(path, n)
        if lines is None:
            head, _, whole = read_head(path, SAMPLE_BYTES)
            lines = _sample_lines(head, whole)
        items: list[Item] = []
        offset = 0
        for index, line in enumerate(lines[:n]):
            if line.strip():
                items.append(parse_record(line, path, index, offset, opts))
            offset += len(line) + 1
        return items

    def range_starts(self, path: str) -> list[int] | None:
        # a JSON array is parsed whole whatever range is read: cut it no finer than it must be
        return [0] if _is_json_array(path) else None

    def release(self, path: str) -> None:
        parked = _PARKED.pop(path, None)
        if parked is not None:
            parked.close()

    def read(
        self, path: str, opts: ReadOptions, start: int = 0, stop: int | None = None
    ) -> Iterator[Item]:
        if _is_json_array(path):
            yield from self._read_array(path, opts, start, stop)
            return
        tf, idf, maxb = opts.text_field, opts.id_field, opts.max_record_bytes
        loads = orjson.loads
        cursor = _take_cursor(path, start)
        parked = False
        try:
            while (batch := cursor.next_batch()) is not None:
                first, offset, lines = batch
                if first + len(lines) <= start:  # the whole batch before the range
                    continue
                if first < start:
                    skip = start - first
                    offset += sum(map(len, lines[:skip])) + skip
                    lines = lines[skip:]
                    first = start
                rest = None  # the lines of this batch past the range's stop
                if stop is not None and first + len(lines) > stop:
                    cut = max(0, stop - first)
                    lines, rest = lines[:cut], lines[cut:]
                for index, line in enumerate(lines, first):
                    line_offset = offset
                    size = len(line)
                    offset += size + 1
                    # fast path: a well-formed record; anything else takes parse_record's
                    # careful path, which names what is wrong (parsing the line again)
                    if size <= maxb:
                        try:
                            fields = loads(line)
                        except orjson.JSONDecodeError:
                            fields = None
                        text = fields.pop(tf, None) if type(fields) is dict else None
                        if type(text) is str:
                            rid = fields.pop(idf, None)
                            if type(rid) is not str or not rid:  # (most ids are text already)
                                rid = derived_id(path, index) if rid in (None, "") else str(rid)
                            yield Document(
                                rid,
                                text,
                                {"index": index, "offset": line_offset, "path": path},
                                fields,
                                [],
                                {},
                                KEPT_VERDICT,
                            )
                            continue
                    if not line.strip():
                        yield Skipped("blank_line", {"path": path, "index": index})
                        continue
                    yield parse_record(line, path, index, line_offset, opts)
                if rest is not None:
                    cursor.pending = (first + len(lines), offset, rest)
                    parked = _park(cursor)
                    return
            # a clean end: ranges planned past it (a count estimated too high) find it at once
            parked = _park(cursor)
        except StreamError as exc:
            index = cursor.next_index  # the break counts as one record after the last line
            if index >= start and (stop is None or index < stop):
                yield Quarantine(
                    {"path": path, "index": index, "offset": exc.offset},
                    f"stream broken: {exc}",
                    "truncated_stream",
                )
        finally:
            if not parked:
                cursor.close()

    def _read_array(
        self, path: str, opts: ReadOptions, start: int, stop: int | None
    ) -> Iterator[Item]:
        with open_read(path) as fh:
            data = fh.read()
        try:
            records = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            yield Quarantine(
                {"path": path, "index": 0}, f"invalid JSON array: {exc}", "invalid_json", data
            )
            return
        for index, fields in enumerate(records[start:stop], start):
            if not isinstance(fields, dict):
                yield Quarantine(
                    {"path": path, "index": index},
                    f"a JSON {type(fields).__name__} is not a record (object)",
                    "not_an_object",
                    orjson.dumps(fields),
                )
                continue
            item = make_document(fields, path, index, opts)
            if isinstance(item, Quarantine):
                item.raw = orjson.dumps(fields)
            yield item
