"""The report's summaries of one shard, computed where the shard is written, merged at the end.

Reading every output record after the run was the last serial step of a run (a few seconds on
a 32 MB file while every other worker waits). Each final task instead summarises the output
files of its own shard (:func:`~tamis.report.collect.collect_file`, the same pass ``tamis
report`` makes over the outputs) and leaves the result beside its marker; the driver merges
those parts in shard order. The report is then the same for any worker count, on resume, and
when rebuilt from the outputs alone.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable
from pathlib import Path

from tamis.io.output import KINDS
from tamis.report.collect import Collected, collect_file, merge_parts
from tamis.report.scan import shard_path

ShardPart = dict[str, Collected]  # output kind -> the summaries of that kind's shard file


def shard_part(out: Path, ordinal: int) -> ShardPart:
    """The summaries of each output file of shard ``ordinal``."""
    part: ShardPart = {}
    for kind in KINDS:
        path = shard_path(out, kind, ordinal)
        if path is not None:
            part[kind] = collect_file(kind, path)
    return part


def load_part(path: Path) -> ShardPart | None:
    """A stored part, or None when it is missing or unreadable (it is then computed again)."""
    try:
        with open(path, "rb") as fh:
            part = pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, AttributeError, TypeError):
        return None
    return part if isinstance(part, dict) else None


def merge_shards(out: Path, ordinals: Iterable[int], stored: Iterable[Path]) -> Collected:
    """The whole output's summaries from the stored part of each shard (``stored[i]`` for
    ``ordinals[i]``), each part missing or unreadable computed from the shard's files."""
    parts = [
        load_part(path) or shard_part(out, ordinal)
        for ordinal, path in zip(ordinals, stored, strict=True)
    ]
    return merge_parts(part[kind] for kind in KINDS for part in parts if kind in part)
