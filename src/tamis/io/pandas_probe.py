"""pyarrow's probe for pandas, answered "absent" in the processes of a tamis command.

pyarrow asks, the first time it converts Python values (``pa.array``, ``Table.from_pylist``),
whether they are pandas objects, and to ask it imports pandas where pandas is installed: in
every process that writes Parquet, for values that are never pandas objects (a fresh process's
first conversion: 0.37 s of CPU and 54 MB of peak RSS with pandas 2.x, against 0.02 s and 5 MB
with the probe answered). In a process that a tamis command started (the command's own, its pool
workers: ``TAMIS_COMMAND`` is set in their environment), the probe is answered once by a
stand-in pandas too old for pyarrow, which pyarrow answers by not using its pandas
integration for conversions. It then converts tamis's lists without asking again; anything
that needs pandas itself (``Table.to_pandas``, ``Table.from_pandas``) imports the real one
as usual. A program that imports tamis as a library keeps pyarrow's own behaviour.
"""

from __future__ import annotations

import os
import sys
import types
import warnings

#: set in the environment of a tamis command's processes
ENV = "TAMIS_COMMAND"

_answered = False


def mark_command_process() -> None:
    """Mark this process and the processes it starts as a tamis command's."""
    os.environ[ENV] = "1"


def answer_absent() -> None:
    """Answer pyarrow's pandas probe "absent" before its first conversion, in a command's
    process where pandas is not loaded yet; elsewhere, nothing."""
    global _answered
    if _answered or os.environ.get(ENV) != "1" or "pandas" in sys.modules:
        return
    _answered = True
    import pyarrow as pa

    # what pyarrow does with a pandas too old for it: "pandas-specific integration is not used"
    stand_in = types.ModuleType("pandas")
    stand_in.__version__ = "0"  # type: ignore[attr-defined]
    sys.modules["pandas"] = stand_in
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pa.array([], type=pa.null())  # the probe runs here, once a process
    except Exception:  # noqa: BLE001 - a pyarrow that probes otherwise: its own way, then
        pass
    finally:
        del sys.modules["pandas"]
