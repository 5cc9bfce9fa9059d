"""The record that flows through every stage, and the edit log that makes every change undoable.

Every change a stage makes to a document's text is an :class:`Edit`. Edits are stored in the
order they were applied, and each one's ``pos`` is a character offset into the text *as it was
just before that edit*. That single convention means:

* replaying ``edits`` on the original text gives the cleaned text (:func:`replay`), and
* undoing them in reverse on the cleaned text gives back the original (:func:`undo`),

so a kept record carries its original implicitly and nothing is lost by editing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, NamedTuple

import xxhash

KEPT = "kept"
REJECTED = "rejected"
QUARANTINED = "quarantined"


@dataclass(slots=True)
class Edit:
    stage: str
    rule: str
    pos: int
    removed: str
    inserted: str
    reason: str = ""

    @property
    def action(self) -> str:
        if self.removed and self.inserted:
            return "replace"
        return "delete" if self.removed else "insert"

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "rule": self.rule,
            "action": self.action,
            "pos": self.pos,
            "removed": self.removed,
            "inserted": self.inserted,
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Edit:
        return cls(
            d["stage"], d["rule"], d["pos"], d["removed"], d["inserted"], d.get("reason", "")
        )


class Replacement(NamedTuple):
    """One change a stage wants, in coordinates of the text the stage was given."""

    start: int
    end: int
    inserted: str
    rule: str
    reason: str = ""


#: sort key of replacements, read in C rather than by a Python lambda (apply is on the hot path)
_START_END = itemgetter(0, 1)


@dataclass(frozen=True, slots=True)
class Verdict:
    status: str
    stage: str = ""
    reason: str = ""
    details: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "stage": self.stage,
            "reason": self.reason,
            "details": self.details,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Verdict:
        return cls(d["status"], d.get("stage", ""), d.get("reason", ""), d.get("details"))


KEPT_VERDICT = Verdict(KEPT)  # shared and never mutated: reject() replaces it
KEPT_VERDICT_DICT = KEPT_VERDICT.to_dict()  # the one record form of it, shared by every record


@dataclass(slots=True)
class Document:
    """A document on its way through the pipeline.

    ``source`` is ``{"path": str, "index": int}`` (plus reader-specific keys such as ``offset``);
    ``signals`` maps a stage name to what that stage measured; ``order`` is the
    (shard ordinal, record index) pair that gives every document of a run a total, deterministic
    order independent of worker count (global stages use it to break ties).
    """

    id: str
    text: str
    source: dict[str, Any]
    meta: dict[str, Any] = field(default_factory=dict)
    edits: list[Edit] = field(default_factory=list)
    signals: dict[str, dict[str, Any]] = field(default_factory=dict)
    verdict: Verdict = KEPT_VERDICT
    order: tuple[int, int] = (0, 0)

    @property
    def kept(self) -> bool:
        return self.verdict.status == KEPT

    @property
    def uid(self) -> int:
        """A 64-bit key for this input record, stable across runs (path and record index)."""
        return xxhash.xxh3_64_intdigest(f"{self.source['path']}\0{self.source['index']}".encode())

    def reject(self, stage: str, reason: str, details: Any = None) -> None:
        self.verdict = Verdict(REJECTED, stage, reason, details)

    def signal(self, stage: str, **values: Any) -> None:
        self.signals.setdefault(stage, {}).update(values)

    def apply(self, stage: str, replacements: list[Replacement] | tuple[Replacement, ...]) -> None:
        """Apply non-overlapping replacements given in coordinates of the current text.

        Each becomes an :class:`Edit` whose ``pos`` accounts for the earlier ones, so the
        edit log stays replayable. No-op replacements are dropped.
        """
        if not replacements:
            return
        text = self.text
        if len(replacements) > 1:
            replacements = sorted(replacements, key=_START_END)
        parts: list[str] = []
        edits = self.edits
        cursor = 0
        shift = 0
        size = len(text)
        for start, end, inserted, rule, reason in replacements:
            if start < cursor or end < start or end > size:
                raise ValueError(
                    f"{stage}: overlapping or out-of-range replacement "
                    f"{Replacement(start, end, inserted, rule, reason)!r}"
                )
            removed = text[start:end]
            if removed == inserted:
                continue
            parts.append(text[cursor:start])
            parts.append(inserted)
            edits.append(Edit(stage, rule, start + shift, removed, inserted, reason))
            shift += len(inserted) - len(removed)
            cursor = end
        if parts:
            parts.append(text[cursor:])
            self.text = "".join(parts)

    def original_text(self) -> str:
        """The text as it was read, whatever the verdict."""
        return undo(self.text, self.edits)

    def to_record(self) -> dict[str, Any]:
        """The output record. A rejected document carries its original text.

        Built in one call (every record a run writes goes through it)."""
        verdict = self.verdict
        return {  # text first: the column a scan reads (tamis.io.schema.DOCUMENT_FIELDS)
            "text": self.original_text() if verdict.status == REJECTED else self.text,
            "id": self.id,
            "source": self.source,
            "meta": self.meta,
            "edits": [e.to_dict() for e in self.edits] if self.edits else [],
            "signals": self.signals,
            "verdict": KEPT_VERDICT_DICT if verdict is KEPT_VERDICT else verdict.to_dict(),
        }

    def to_state(self) -> tuple:
        """Exact in-flight state (text as edited so far), for the spill between phases: a tuple
        of plain values that pickle writes and reads in C (:mod:`tamis.run.spill`)."""
        verdict = self.verdict
        return (
            self.id,
            self.text,
            self.source,
            self.meta,
            [(e.stage, e.rule, e.pos, e.removed, e.inserted, e.reason) for e in self.edits],
            self.signals,
            None
            if verdict is KEPT_VERDICT
            else (verdict.status, verdict.stage, verdict.reason, verdict.details),
            self.order,
        )

    @classmethod
    def from_state(cls, state: tuple) -> Document:
        """The document :meth:`to_state` saved (a kept one shares :data:`KEPT_VERDICT`)."""
        doc_id, text, source, meta, edits, signals, verdict, order = state
        return cls(
            doc_id,
            text,
            source,
            meta,
            [Edit(*e) for e in edits],
            signals,
            KEPT_VERDICT if verdict is None else Verdict(*verdict),
            order,
        )


def replay(original: str, edits: list[Edit] | list[dict[str, Any]]) -> str:
    """Apply an edit log to the original text; gives the cleaned text."""
    text = original
    for e in edits:
        e = e if isinstance(e, Edit) else Edit.from_dict(e)
        end = e.pos + len(e.removed)
        if text[e.pos : end] != e.removed:
            raise ValueError(f"edit does not match text at {e.pos}: {e!r}")
        text = text[: e.pos] + e.inserted + text[end:]
    return text


def undo(cleaned: str, edits: list[Edit] | list[dict[str, Any]]) -> str:
    """Undo an edit log on the cleaned text; gives the original text."""
    if not edits:
        return cleaned
    text = cleaned
    for e in reversed(edits):
        e = e if isinstance(e, Edit) else Edit.from_dict(e)
        end = e.pos + len(e.inserted)
        if text[e.pos : end] != e.inserted:
            raise ValueError(f"edit does not match text at {e.pos}: {e!r}")
        text = text[: e.pos] + e.removed + text[end:]
    return text
