"""The write and read paths' shortcuts give what the plain way gives, byte for byte.

- A writer leaves an object whose keys already are the sampled fields, in their order, as it
  is (no new dict); the bytes and the recorded kinds must be those of filling every record
  alone, whatever the batch mixes: the sampled order, subsets, other orders, extra keys,
  nested values, values whose types disagree across records, missing or null objects.
- The line splitter joins a line cut by a chunk boundary to the chunk's first part instead of
  copying the chunk; the JSON Lines reader cuts a range's stop once a batch. Whatever the chunk
  sizes and ranges, every line, index and offset must be those of splitting the whole file.
"""

from __future__ import annotations

import io
from itertools import pairwise
from pathlib import Path

import orjson
import pytest
import zstandard
from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.document import Document
from tamis.io import jsonl, streams
from tamis.io.base import ReadOptions, Skipped
from tamis.io.output import ShardWriter
from tests.test_io_writers import values, write_and_fill_alone

field_names = st.lists(st.sampled_from(["a", "b", "c", "d"]), unique=True, min_size=1, max_size=4)


@st.composite
def sampled_and_records(draw):
    """The sampled fields of ``source`` and ``meta``, and batches whose objects mostly hold
    exactly those fields in that order (as the JSON Lines reader builds ``source``)."""
    fields = {"source": draw(field_names), "meta": draw(field_names)}
    batches = []
    for _ in range(draw(st.integers(1, 3))):
        records = []
        for i in range(draw(st.integers(1, 10))):
            rec = {"text": f"t{i}", "id": str(i)}
            for name, sampled in fields.items():
                shape = draw(st.integers(0, 9))
                if shape < 6:
                    keys = list(sampled)  # the sampled order itself: left as it is
                elif shape == 6:
                    keys = draw(st.permutations(sampled))  # another order
                elif shape == 7:
                    keys = [k for k in sampled if draw(st.booleans())]  # absent keys
                elif shape == 8:
                    keys = [*sampled, "z"]  # a field the sample missed
                else:
                    keys = draw(field_names)
                obj = {k: draw(values) for k in keys}
                gone = draw(st.integers(0, 19))
                if gone == 0:
                    continue
                rec[name] = None if gone == 1 else obj
            rec["signals"] = {}
            rec["verdict"] = {"status": "kept", "stage": "", "reason": "", "details": None}
            records.append(rec)
        batches.append(records)
    return fields, batches


@settings(max_examples=150, deadline=None)
@given(sampled_and_records())
def test_objects_already_in_the_sampled_order_are_written_as_filling_alone_gives(
    tmp_path_factory, case
):
    fields, batches = case
    written, profile, want, want_kinds = write_and_fill_alone(
        Path(tmp_path_factory.mktemp("w")), batches, fields
    )
    assert written == want
    assert profile == want_kinds


def test_a_signal_stored_without_a_declaration_is_refused_whatever_its_place_in_a_batch(
    tmp_path,
):
    writer = ShardWriter(tmp_path / "kept" / "p.jsonl", "jsonl", signals={}, fields={})
    records = [
        {"text": "x", "source": {}, "meta": {}, "signals": {}, "verdict": None} for _ in range(5)
    ]
    records[3]["signals"] = {"undeclared": {"n": 1}}
    with pytest.raises(ValueError, match="'undeclared' stored signals but declares none"):
        writer.write_many(records)
    writer.abort()


lines = st.lists(
    st.one_of(
        st.builds(
            lambda n, t: orjson.dumps({"id": str(n), "text": t}),
            st.integers(0, 99),
            st.text(max_size=40),
        ),
        st.sampled_from([b"", b"not json", b"[1]", b'{"text": 3}', b"   "]),
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(
    lines,
    st.booleans(),
    st.integers(1, 64),
    st.lists(st.integers(0, 45), max_size=4),
)
def test_lines_indexes_and_offsets_match_the_whole_file_whatever_the_chunks_and_ranges(
    tmp_path_factory, body, newline_at_end, chunk, cuts
):
    data = b"\n".join(body) + (b"\n" if newline_at_end else b"")
    folder = Path(tmp_path_factory.mktemp("r"))
    path = folder / "in.jsonl.zst"
    raw = io.BytesIO()
    with zstandard.ZstdCompressor(level=1).stream_writer(raw, closefd=False) as zw:
        for at in range(0, len(data), 7):  # several blocks' worth of flushes
            zw.write(data[at : at + 7])
            zw.flush(zstandard.FLUSH_BLOCK)
    path.write_bytes(raw.getvalue())
    # what the plain split of the whole decoded file gives
    whole = data.split(b"\n")
    if whole[-1] == b"":
        whole.pop()
    offsets, at = [], 0
    for line in whole:
        offsets.append(at)
        at += len(line) + 1
    opts = ReadOptions("text", "id", 1 << 20)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(streams, "CHUNK", chunk)
        mp.setattr(streams, "ZSTD_READ", max(1, chunk // 3))
        got = []
        bounds = sorted({0, *(c for c in cuts if c < len(whole))})
        for i, start in enumerate(bounds):  # consecutive ranges: the parked stream goes on
            stop = bounds[i + 1] if i + 1 < len(bounds) else None
            items = list(jsonl.JsonlReader().read(str(path), opts, start, stop))
            assert all(start <= it.source["index"] < (stop or len(whole)) for it in items)
            got += items
        jsonl.JsonlReader().release(str(path))
    assert [it.source["index"] for it in got] == list(range(len(whole)))
    for it in got:
        index = it.source["index"]
        if type(it) is Document:
            assert it.source == {"path": str(path), "index": index, "offset": offsets[index]}
            assert orjson.loads(whole[index])["text"] == it.text
        elif type(it) is Skipped:
            assert not whole[index].strip()
        else:
            assert it.raw == whole[index]
            assert it.source["offset"] == offsets[index]


@settings(max_examples=12, deadline=None)
@given(
    st.sampled_from(["jsonl", "jsonl.gz", "jsonl.zst"]), st.lists(st.integers(1, 400), max_size=6)
)
def test_a_shard_is_the_same_bytes_however_its_records_are_batched(tmp_path_factory, fmt, cuts):
    """Line formats go to their compressor as each batch comes; what comes out must not depend on
    where batches end (a zstd block is 128 KB: the records span several)."""
    words = [f"w{i % 997}x{i % 13}" for i in range(60_000)]
    records = [
        {"text": " ".join(words[i * 150 : i * 150 + 150]), "source": {}, "signals": {}}
        for i in range(400)
    ]  # about 480 KB of text in all
    folder = Path(tmp_path_factory.mktemp("b"))
    files = []
    for name, bounds in (("one", [0, 400]), ("cut", sorted({0, 400, *cuts}))):
        writer = ShardWriter(folder / name / f"part-00000.{fmt}", fmt, signals={}, fields={})
        for a, b in pairwise(bounds):
            writer.write_many([dict(r) for r in records[a:b]])
        writer.close()
        files.append(writer.path.read_bytes())
    assert files[0] == files[1]
