"""A tamis command's processes write Parquet without loading pandas; a library user's process
keeps pyarrow's own behaviour, and pandas stays usable in both."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

SCRIPT = """
import json, sys, tempfile, pathlib
from tamis.io.output import ParquetSink
import pyarrow as pa
schema = pa.schema([("text", pa.string()), ("score", pa.float64())])
path = pathlib.Path(tempfile.mkdtemp()) / "f.parquet"
sink = ParquetSink(path, schema)
sink.write([{"text": "a", "score": float("nan")}, {"text": None, "score": 1.5}])
sink.close()
loaded = "pandas" in sys.modules
import pyarrow.parquet as pq
table = pq.read_table(path)
frame = table.to_pandas()  # pandas itself, when asked for
import pandas as pd
series = pa.array(pd.Series([2.0, float("nan")])).to_pylist()  # pandas' NaN as null
print(json.dumps({"loaded": loaded, "rows": len(frame), "series": series,
                  "score": ["nan" if v != v else v for v in table.column("score").to_pylist()]}))
"""


def _run(env_extra: dict[str, str]) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "TAMIS_COMMAND"}
    env.update(env_extra)
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def test_a_commands_process_writes_parquet_without_loading_pandas():
    pytest.importorskip("pandas")
    got = _run({"TAMIS_COMMAND": "1"})
    assert got["loaded"] is False
    assert got["rows"] == 2
    assert got["series"] == [2.0, None]
    assert got["score"] == ["nan", 1.5]  # a float NaN stays NaN, as from a list, not null


def test_a_library_users_process_keeps_pyarrows_probe():
    pytest.importorskip("pandas")
    got = _run({})
    assert got["loaded"] is True
    assert got["rows"] == 2
    assert got["series"] == [2.0, None]
