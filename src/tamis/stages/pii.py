"""The ``pii`` stage: personal data replaced by typed placeholders, each replacement an edit.

``<EMAIL>``, ``<PHONE>``, ``<IP>``, ``<CARD>`` and ``<IBAN>`` take the place of the value; the
edit's ``rule`` is the kind and its ``pos`` the position. By the project's "loses nothing"
contract the edit's ``removed`` holds the value, so the output record can be undone to the
original: the value lives in exactly one place, the record's edit log, and this stage never
writes it to a log, a signal or an error message.

``keep_removed: false`` trades undo for privacy: ``removed`` then holds a mask of the same
length (``*`` for each character), so ``undo`` still gives a text of the original's shape with
the value masked, but replaying the log on the true original no longer checks.
"""

from __future__ import annotations

from pydantic import field_validator

from tamis.document import Document, Replacement
from tamis.stages.base import Stage, StageOptions, register

ALL_KINDS = ("EMAIL", "PHONE", "IP", "CARD", "IBAN")


class PiiOptions(StageOptions):
    kinds: tuple[str, ...] = ALL_KINDS
    keep_removed: bool = True

    @field_validator("kinds")
    @classmethod
    def _known(cls, kinds: tuple[str, ...]) -> tuple[str, ...]:
        kinds = tuple(k.upper() for k in kinds)
        unknown = [k for k in kinds if k not in ALL_KINDS]
        if unknown:
            raise ValueError(f"unknown PII kinds {unknown}; allowed: {', '.join(ALL_KINDS)}")
        return kinds


@register
class PiiStage(Stage):
    name = "pii"
    Options = PiiOptions
    signals = {kind.lower(): int for kind in ALL_KINDS}

    def process(self, doc: Document) -> None:
        self.process_batch([doc])

    def process_batch(self, docs: list[Document]) -> None:
        from tamis.pii.detectors import find_pii

        kinds = self.options.kinds
        for doc in docs:
            spans = find_pii(doc.text, kinds)
            if spans:
                self._replace(doc, spans)

    def _replace(self, doc: Document, spans: list[tuple[int, int, str]]) -> None:
        first_new = len(doc.edits)
        doc.apply(
            self.name,
            [
                Replacement(s, e, f"<{kind}>", kind.lower(), f"pii:{kind.lower()}")
                for s, e, kind in spans
            ],
        )
        if not self.options.keep_removed:
            for edit in doc.edits[first_new:]:
                edit.removed = "*" * len(edit.removed)
        counts: dict[str, int] = {}
        for _, _, kind in spans:
            counts[kind.lower()] = counts.get(kind.lower(), 0) + 1
        doc.signal(self.name, **counts)
