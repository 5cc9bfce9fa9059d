"""The dedup index a run leaves: exactly the kept rows' ids, signatures and shingle sets."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.dedup import index as index_module
from tamis.dedup.index import load_index, write_index
from tamis.dedup.table import DocTable

WIDTH = 3


def _table(folder: Path, ids: list[str], shingles: list[list[int]] | None) -> DocTable:
    n = len(ids)
    table = DocTable(folder, WIDTH, with_shingles=shingles is not None)
    table.append(
        uid=np.arange(n, dtype=np.uint64) * 7 + 1,
        quality=np.zeros(n),
        length=np.arange(n, dtype=np.int64),
        order=np.stack([np.zeros(n, np.int64), np.arange(n)], axis=1),
        sig=(np.arange(n * WIDTH, dtype=np.uint32) * 3).reshape(n, WIDTH),
        ids=ids,
        external=False,
        shingles=None if shingles is None else [np.array(s, np.uint64) for s in shingles],
    )
    table.finish()
    return table


@settings(deadline=None, max_examples=60)
@given(
    st.lists(
        st.tuples(
            st.text(
                alphabet=st.characters(codec="utf-8") | st.sampled_from("\ud800é字"), max_size=5
            ),
            st.lists(st.integers(0, 2**64 - 1), max_size=4),
            st.booleans(),
        ),
        min_size=1,
        max_size=40,
    ),
    st.booleans(),
    st.integers(1, 7),
)
def test_index_holds_each_kept_row_and_reads_back(rows, with_shingles, chunk):
    """Chunks of any size (set small so that rows straddle them) write the kept rows' ids,
    surrogates included, signatures and shingle sets, and a later run's table reads them back."""
    ids = [r[0] for r in rows]
    shingles = [r[1] for r in rows] if with_shingles else None
    keep = np.flatnonzero([r[2] for r in rows])
    old = index_module._CHUNK, index_module._SHINGLE_CHUNK
    index_module._CHUNK, index_module._SHINGLE_CHUNK = chunk, max(1, chunk // 2)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            table = _table(Path(tmp) / "table", ids, shingles)
            write_index(Path(tmp) / "index", table, keep, {"p": 1})
            again = DocTable(Path(tmp) / "again", WIDTH, with_shingles=with_shingles)
            assert load_index(Path(tmp) / "index", again) == len(keep)
            again.finish()
            blob = (Path(tmp) / "index" / "ids.bin").read_bytes()
            assert blob == b"".join(ids[i].encode("utf-8", "surrogatepass") for i in keep)
            assert [again.id_of(j) for j in range(len(keep))] == [ids[i] for i in keep]
            assert np.array_equal(again.uid, table.uid[keep])
            assert np.array_equal(again.sig_chunk(0, len(keep)), table.sig_chunk(0, table.n)[keep])
            if with_shingles:
                got = [again.shingles_of(j).tolist() for j in range(len(keep))]
                assert got == [shingles[i] for i in keep]
    finally:
        index_module._CHUNK, index_module._SHINGLE_CHUNK = old
