"""Property tests of the token writers: whatever the documents, framing and file cap, every
format's files read back as exactly the framed documents, in order, none lost or repeated."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.tokenize.formats import FORMATS, read_megatron_index, read_sequences, si_metric
from tamis.tokenize.task import TokenizeTask, _Files, frame

documents = st.lists(st.lists(st.integers(0, 65533), max_size=40), max_size=30)


@settings(max_examples=60, deadline=None)
@given(
    batches=st.lists(documents, min_size=1, max_size=4),
    fmt=st.sampled_from(FORMATS),
    bos=st.sampled_from([None, 65534]),
    eos=st.sampled_from([None, 65535]),
    cap=st.sampled_from([None, 1, 7, 50]),
)
def test_files_read_back_as_the_framed_documents(batches, fmt, bos, eos, cap) -> None:
    expected = [[*([bos] if bos is not None else []), *d, *([eos] if eos is not None else [])]
                for batch in batches for d in batch]  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        task = TokenizeTask(
            tmp,
            {"shard_tokens": cap, "format": fmt, "dtype": "uint16", "tokenizer_name": "t.json"},
            {"ordinal": 3},
        )
        files = _Files(task)
        n = 0
        for batch in batches:
            if not batch:
                continue
            flat, lengths = frame(batch, bos, eos)
            rows = [(f"doc{n + i}", "src.jsonl", n + i) for i in range(len(batch))]
            files.add(flat, lengths, rows if fmt == "npy" else None)
            n += len(batch)
        written = files.close()
        got = []
        for f in written:
            seqs = [s.tolist() for s in read_sequences(Path(tmp) / f["name"], fmt, "uint16")]
            assert len(seqs) == f["documents"] and sum(map(len, seqs)) == f["tokens"]
            if cap is not None and len(seqs) > 1:
                assert f["tokens"] <= cap
            got += seqs
        assert got == expected
        assert not list(Path(tmp).glob("*.tmp"))


def test_megatron_index_of_no_documents_is_valid() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        task = TokenizeTask(
            tmp,
            {"shard_tokens": None, "format": "megatron", "dtype": "int32", "tokenizer_name": "t"},
            {"ordinal": 0},
        )
        (f,) = _Files(task).close()
        code, lengths, pointers = read_megatron_index(Path(tmp) / "part-00000.idx")
        assert (code, len(lengths), len(pointers), f["documents"]) == (4, 0, 0, 0)
        assert (Path(tmp) / "part-00000.idx").stat().st_size == 34 + 8


@given(st.integers(0, 10**31))
def test_si_metric_is_humanize_metric(count: int) -> None:
    import humanize

    assert si_metric(count) == humanize.metric(count, unit="T")


def test_frame_puts_bos_and_eos_around_each_document() -> None:
    flat, lengths = frame([[1, 2], [], [3]], 7, 9)
    assert flat.tolist() == [7, 1, 2, 9, 7, 9, 7, 3, 9] and lengths.tolist() == [4, 2, 3]
    flat, lengths = frame([[1, 2], [3]], None, None)
    assert flat.dtype == np.int64 and flat.tolist() == [1, 2, 3]
