"""The ``repair`` stage: encoding repair and text normalisation, every fix in the edit log.

The work is done by :mod:`tamis.repair`; this module only maps stage options onto it and
records per-document counts (signals ``repair.edits`` and ``repair.mojibake``) so statistics
can say how much of a corpus was damaged.
"""

from __future__ import annotations

from tamis.document import Document
from tamis.stages.base import Stage, StageOptions, register


class RepairOptions(StageOptions):
    mojibake: bool = True
    """ftfy's decoding of mojibake (UTF-8 read as Windows-1252, Latin-1, MacRoman...)."""
    lossy_mojibake: bool = True
    """Mojibake with lost or folded bytes, and ftfy's dagger artefact."""
    entities: bool = True
    """HTML entities left in text."""
    controls: bool = True
    """Control characters and terminal escapes."""
    zero_width: bool = True
    """Zero-width, bidi-formatting characters, byte-order marks, soft hyphens."""
    normalize_whitespace: bool = True
    """\\r\\n and line separators to \\n; no-break and typographic spaces to a space."""
    nfc: bool = True
    """Unicode NFC composition."""


@register
class RepairStage(Stage):
    name = "repair"
    Options = RepairOptions

    def __init__(self, options: RepairOptions | None = None) -> None:
        super().__init__(options)
        from tamis.repair import RepairConfig, is_mojibake_rule, passes
        from tamis.repair.precheck import needs_any_repair

        self.config = RepairConfig(**self.options.model_dump())
        self._passes = passes(self.config)
        self._needs_repair = needs_any_repair
        self._is_mojibake = is_mojibake_rule

    def process(self, doc: Document) -> None:
        if not self._needs_repair(doc.text):
            return
        before = len(doc.edits)
        for run in self._passes:
            replacements = run(doc.text)
            if replacements:
                doc.apply(self.name, replacements)
        new = doc.edits[before:]
        if new:
            doc.signal(
                self.name,
                edits=len(new),
                mojibake=sum(1 for e in new if self._is_mojibake(e.rule)),
            )
