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
    signals = {"edits": int, "mojibake": int}

    def __init__(self, options: RepairOptions | None = None) -> None:
        super().__init__(options)
        from tamis.repair import RepairConfig, is_mojibake_rule, passes, run_passes

        self.config = RepairConfig(**self.options.model_dump())
        self._passes = passes(self.config)
        self._run = run_passes
        self._is_mojibake = is_mojibake_rule

    def process(self, doc: Document) -> None:
        before = len(doc.edits)
        self._run(doc, self._passes)
        if len(doc.edits) > before:
            new = doc.edits[before:]
            doc.signal(
                self.name,
                edits=len(new),
                mojibake=sum(1 for e in new if self._is_mojibake(e.rule)),
            )
