"""The funnel: documents and characters entering and leaving each stage, in pipeline order.

Documents come straight from stats.json. Characters need one more figure stats.json does not
hold: how long a rejected document was *when* it was rejected (after the edits of the stages
before). The report's pass over the records measures that (``rejected_chars_at``); with the
net characters each stage's edits removed (stats.json rules), the characters leaving the last
stage must equal stats.json's kept characters, which the report checks and shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

READ = "read"  # the pseudo-stage of records rejected while reading (empty text)


@dataclass
class FunnelRow:
    stage: str
    docs_in: int
    rejected: int
    docs_edited: int
    edits: int
    chars_in: int
    chars_rejected: int
    chars_edited_away: int  # net: removed minus inserted by this stage's edits

    @property
    def docs_out(self) -> int:
        return self.docs_in - self.rejected

    @property
    def chars_out(self) -> int:
        return self.chars_in - self.chars_rejected - self.chars_edited_away


def stage_order(stats: dict[str, Any], manifest: dict[str, Any]) -> list[str]:
    """Stages in pipeline order: ``read`` first, then the configuration's order, then any other."""
    configured: list[str] = []
    for item in (manifest.get("config") or {}).get("stages") or []:
        if isinstance(item, dict):
            configured.extend(item)
        elif isinstance(item, str):
            configured.append(item)
    in_stats = list((stats.get("stages") or {}).keys())
    order = [READ] if READ in in_stats else []
    order += [s for s in configured if s not in order]
    order += [s for s in in_stats if s not in order]
    return order


def funnel_rows(
    stats: dict[str, Any], manifest: dict[str, Any], rejected_chars_at: dict[str, int]
) -> list[FunnelRow]:
    stages = stats.get("stages") or {}
    quarantined = (stats.get("quarantined") or {}).get("records", 0)
    docs = (stats.get("input") or {}).get("records", 0) - quarantined
    chars = (stats.get("input") or {}).get("chars", 0)
    rows = []
    for name in stage_order(stats, manifest):
        st = stages.get(name) or {}
        rules = st.get("rules") or {}
        net = sum(r.get("chars_removed", 0) - r.get("chars_inserted", 0) for r in rules.values())
        docs_in = docs if name == READ else st.get("docs_in", 0)
        row = FunnelRow(
            stage=name,
            docs_in=docs_in,
            rejected=st.get("rejected", 0),
            docs_edited=st.get("docs_edited", 0),
            edits=st.get("edits", 0),
            chars_in=chars,
            chars_rejected=rejected_chars_at.get(name, 0),
            chars_edited_away=net,
        )
        rows.append(row)
        docs, chars = row.docs_out, row.chars_out
    return rows
