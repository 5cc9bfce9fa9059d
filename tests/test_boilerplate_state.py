"""A shard's boilerplate state: batches of keys merged into sorted, distinct keys with counts."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.stages.boilerplate import ShardState

_batch = st.dictionaries(
    st.integers(min_value=0, max_value=(1 << 64) - 1) | st.integers(min_value=0, max_value=40),
    st.integers(min_value=1, max_value=1000),
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_batch, max_size=8))
def test_batches_merge_into_every_key_once_with_its_total(batches):
    state = ShardState()
    want: dict[int, int] = {}
    for batch in batches:
        if not batch:
            continue  # observe adds only a batch that found keys
        keys = np.array(sorted(batch), dtype=np.uint64)
        counts = np.array([batch[k] for k in sorted(batch)], dtype=np.uint32)
        state.add(keys, counts)
        for key, n in batch.items():
            want[key] = want.get(key, 0) + n
    if not want:
        assert state.keys is None
        return
    assert state.keys.dtype == np.uint64 and state.counts.dtype == np.uint32
    assert state.keys.tolist() == sorted(want)
    assert state.counts.tolist() == [want[k] for k in sorted(want)]
