"""Input metadata JSON cannot hold (Parquet timestamps, bytes) survives every phase of a run."""

from __future__ import annotations

import datetime

import pyarrow as pa
import pyarrow.parquet as pq

from tamis.io.output import read_records, shard_files
from tests.helpers import tamis


def test_non_json_metadata_passes_through_global_stages(tmp_path):
    src = tmp_path / "in.parquet"
    table = pa.table(
        {
            "text": ["one document here", "another one here", "one document here"],
            "when": [datetime.datetime(2020, 1, 1)] * 3,
            "blob": [b"\x00\x01"] * 3,
        }
    )
    pq.write_table(table, src)
    out = tmp_path / "out"
    # exact_dedup is global: documents are spilled between its two phases
    assert (
        tamis("clean", src, "-o", out, "--stages", "exact_dedup,repair", "--quiet", "--no-report")
        == 0
    )
    metas = [r["meta"] for p in shard_files(out, "kept") for r in read_records(p)]
    assert metas == [{"when": "2020-01-01T00:00:00", "blob": {"$base64": "AAE="}}] * 2
    assert tamis("verify", out) == 0
