"""Cross-document line (or paragraph) deduplication, the cc_net / RefinedWeb method.

A unit (line or paragraph) whose normalised form is at least ``min_length`` characters and
occurs at least ``min_count`` times across the corpus is kept at its first occurrence (by
``doc.order``, then position in the document) and removed everywhere else. States hold one
64-bit hash and the occurrence's position per unit; the decision is the sorted array of
frequent hashes with their first occurrence, memory-mapped by workers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import xxhash

from tamis.dedup.normalize import Normalization, normalize
from tamis.dedup.spill import KeyedSpill, group_bounds

LINE_RECORD = np.dtype(
    [("key", np.uint64), ("o0", np.int64), ("o1", np.int64), ("pos", np.int64), ("uid", np.uint64)]
)
_PARAGRAPH = re.compile(r"\S.*?(?=\n[ \t\r\f\v]*\n|\Z)", re.S)
_OPEN: dict[tuple, dict[str, np.ndarray]] = {}


def units(text: str, unit: str) -> Iterator[tuple[int, int, int, str]]:
    """(span start, span end, content end, content) of each line or paragraph.

    The span runs to the start of the next unit, so removing it removes its line break too.
    """
    if unit == "line":
        start = 0
        n = len(text)
        while start < n:
            nl = text.find("\n", start)
            end = n if nl < 0 else nl + 1
            content_end = n if nl < 0 else nl
            yield start, end, content_end, text[start:content_end]
            start = end
    elif unit == "paragraph":
        matches = list(_PARAGRAPH.finditer(text))
        for i, m in enumerate(matches):
            end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
            content = m.group(0).rstrip()
            yield m.start(), end, m.start() + len(content), content
    else:
        raise ValueError(f"unit must be 'line' or 'paragraph', got {unit!r}")


_OPEN_ENDING = tuple(",;:-\u2013\u2014(/&")
_CLOSED_ENDING = tuple(".!?\"'\u201d\u2019)]\u2026")


def is_wrap_fragment(content: str, next_content: str | None) -> bool:
    """A hard-wrapped piece of a sentence (newswire, e-mail, fixed-width text), not a unit.

    It goes on from the line before (starts in lower case), ends on a comma, dash or other
    open ending, or ends on a word while the next line goes on in lower case.
    """
    text = content.strip()
    if not text:
        return False
    if text[0].islower() or text.endswith(_OPEN_ENDING):
        return True
    if next_content is None or not text[-1].isalnum():
        return False
    return next_content.lstrip()[:1].islower()


def _whole_units(contents: list[str]) -> list[bool]:
    """Which lines are whole units. In a hard-wrapped document (a fifth or more of its lines go
    on from the line before), only a line that is a whole sentence on its own counts: it ends
    closed and so does the line before it."""
    n = len(contents)
    fragment = [
        is_wrap_fragment(c, contents[i + 1] if i + 1 < n else None) for i, c in enumerate(contents)
    ]
    nonblank = [i for i, c in enumerate(contents) if c.strip()]
    continued = sum(1 for i in nonblank if contents[i].strip()[0].islower())
    wrapped = len(nonblank) >= 4 and continued * 5 >= len(nonblank)
    whole = []
    for i, c in enumerate(contents):
        ok = not fragment[i]
        if ok and wrapped:
            prev = contents[i - 1].strip() if i else ""
            ok = c.strip().endswith(_CLOSED_ENDING) and (not prev or prev.endswith(_CLOSED_ENDING))
        whole.append(ok)
    return whole


def hashed_units(
    text: str, unit: str, min_length: int, norm: Normalization, whole_only: bool = True
) -> list[tuple[int, int, int, int]]:
    """(unit ordinal, span start, span end, hash) of the units long enough to count.

    With ``whole_only``, hard-wrapped sentence pieces (:func:`is_wrap_fragment`) never count.
    """
    found = list(units(text, unit))
    whole = _whole_units([f[3] for f in found]) if whole_only and unit == "line" else None
    out = []
    for i, (start, end, _content_end, content) in enumerate(found):
        if whole is not None and not whole[i]:
            continue
        folded = normalize(content, norm)
        if len(folded) < min_length:
            continue
        h = xxhash.xxh3_64_intdigest(folded.encode("utf-8", "surrogatepass"))
        out.append((i, start, end, h))
    return out


@dataclass
class LineState:
    records: list[np.ndarray] = field(default_factory=list)


@dataclass
class LineDecision:
    stage: str
    directory: str
    summary: dict[str, Any] = field(default_factory=dict)

    def arrays(self) -> dict[str, np.ndarray]:
        # keyed by the file's identity too: a rerun may rewrite the same directory in-process
        st = (Path(self.directory) / "key.npy").stat()
        key = (self.directory, st.st_ino, st.st_mtime_ns)
        cached = _OPEN.get(key)
        if cached is None:
            cached = {p.stem: np.load(p, mmap_mode="r") for p in Path(self.directory).glob("*.npy")}
            if len(_OPEN) >= 8:  # a few stages per run; drop maps of finished runs
                _OPEN.clear()
            _OPEN[key] = cached
        return cached


def merge_lines(
    states: Iterator[LineState], workdir: Path, min_count: int, budget_bytes: int, stage: str
) -> LineDecision:
    spill = KeyedSpill(workdir / "spill", LINE_RECORD, budget_bytes, ties=("o0", "o1", "pos"))
    for state in states:
        for rec in state.records:
            spill.add(rec)
    keys, first_uid, first_pos, counts = [], [], [], []
    for chunk in spill.sorted_chunks():
        starts, stops = group_bounds(chunk["key"])
        sizes = stops - starts
        frequent = sizes >= min_count
        s = starts[frequent]
        keys.append(chunk["key"][s])
        first_uid.append(chunk["uid"][s])
        first_pos.append(chunk["pos"][s])
        counts.append(sizes[frequent])
    directory = workdir / "decision"
    directory.mkdir(parents=True, exist_ok=True)

    def cat(parts: list[np.ndarray], dtype: type) -> np.ndarray:
        return np.concatenate(parts).astype(dtype) if parts else np.empty(0, dtype=dtype)

    key_arr = cat(keys, np.uint64)
    count_arr = cat(counts, np.int64)
    np.save(directory / "key.npy", key_arr)
    np.save(directory / "first_uid.npy", cat(first_uid, np.uint64))
    np.save(directory / "first_pos.npy", cat(first_pos, np.int64))
    np.save(directory / "count.npy", count_arr)
    summary = {
        "units_seen": int(spill.records),
        "repeated_units": int(len(key_arr)),
        "units_removed": int((count_arr - 1).sum()) if len(count_arr) else 0,
        "spilled_bytes": int(spill.spilled_bytes),
    }
    return LineDecision(stage, str(directory), summary)
