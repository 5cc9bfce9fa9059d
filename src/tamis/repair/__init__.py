"""Encoding repair that goes past ftfy, and says what it did.

``fix_text(text)`` returns the repaired text and the edit log that explains it (one
:class:`~tamis.document.Edit` per change, stage ``repair``, with the rule that made it), so
``tamis.document.undo(fixed, edits) == text`` always. The passes run in this order, each on the
output of the previous one:

1. ``crlf``: ``\\r\\n``, lone ``\\r`` and Unicode line separators become ``\\n``;
2. ``html_entity``: entities left in text (``&amp;``, ``&#8217;``, ``&nbsp;``);
3. ``folded_mojibake`` / ``lost_byte_mojibake``: UTF-8 read as Windows-1252 whose bytes NFKC
   folded or a strict decoder dropped, rebuilt and verified by re-damage (:mod:`.unfold`);
   Vietnamese syllables ftfy split at an ``à`` whose A0 NFKC folded, rejoined (:mod:`.syllables`);
   ``lossy_mojibake`` / ``dagger_quote``: mojibake whose bytes were lost or folded
   (:mod:`tamis.repair.lossy`), before ftfy can turn it into daggers;
4. ``c1_macroman``: C1 controls inside words that are MacRoman letters (:mod:`.legacy`);
5. ``ftfy:*``: ftfy's decoding of the remaining mojibake, on gated lines only, then the
   ``Å¡``-like pairs it left beside what it decoded, Cyrillic letters whose ``™`` NFKC
   folded (``мÓTMлі``) and Vietnamese ones whose ``º`` it folded (``đáo1p``), once ftfy
   decoded their neighbours (``folded_mojibake``, :mod:`.unfold`), and a Cyrillic ``А`` whose
   byte was dropped and whose space ftfy read with it as ``Р`` (``Ртолько``; ``БАРще``, the
   last capital of an abbreviation), and ``я”`` read
   with its space as ``ц`` (``деревнцСилланкорва``) or with a ``’`` as ``ђ`` (``агенциђ``),
   and ``č”`` read with its space as ``Ć`` (``namreĆsladka``) or ``č’`` as ``Ē`` (``niĒ``),
   ``čš`` as ``Ě`` (``najväĚí``, :mod:`.eaten`), and whole punctuation
   mojibake ftfy leaves beside letters it cannot re-encode (``праціâ€™``, :mod:`.marks`);
6. ``control_char``, ``zero_width``, ``odd_space``, ``nfc``.

Raw bytes of unknown encoding are decoded first by :func:`tamis.repair.decode.decode_bytes`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tamis.document import Document, Edit, Replacement
from tamis.repair import normalize, syllables
from tamis.repair.eaten import (
    eaten_a,
    eaten_apostrophe,
    eaten_capital,
    eaten_latin_apostrophe,
    eaten_latin_letter,
    eaten_latin_quote,
    eaten_quote,
)
from tamis.repair.legacy import macroman_repairs
from tamis.repair.lossy import lossy_repairs
from tamis.repair.marks import leftover_marks
from tamis.repair.mojibake import ftfy_repairs
from tamis.repair.precheck import needs_any_repair
from tamis.repair.unfold import leftover_folds, leftover_pairs, unfold_repairs

STAGE = "repair"
# Rules that change characters because they were mis-decoded (the ones that must never fire on
# clean text); the others normalise representation.
MOJIBAKE_RULE_PREFIXES = (
    "ftfy:",
    "lossy_mojibake",
    "dagger_quote",
    "c1_macroman",
    "folded_mojibake",
    "lost_byte_mojibake",
)


def is_mojibake_rule(rule: str) -> bool:
    return rule.startswith(MOJIBAKE_RULE_PREFIXES)


@dataclass(frozen=True, slots=True)
class RepairConfig:
    """Which passes run. Every pass is on by default."""

    mojibake: bool = True
    lossy_mojibake: bool = True
    entities: bool = True
    controls: bool = True
    zero_width: bool = True
    normalize_whitespace: bool = True
    nfc: bool = True


DEFAULT = RepairConfig()


def passes(config: RepairConfig) -> list[Callable[[str], list[Replacement]]]:
    chosen: list[tuple[bool, Callable[[str], list[Replacement]]]] = [
        (config.normalize_whitespace, normalize.line_breaks),
        (config.entities, normalize.entities),
        (config.lossy_mojibake, unfold_repairs),
        (config.lossy_mojibake, syllables.repairs),
        (config.lossy_mojibake, lossy_repairs),
        (config.mojibake, macroman_repairs),
        (config.mojibake, ftfy_repairs),
        (config.mojibake, eaten_a),
        (config.mojibake, eaten_capital),
        (config.mojibake, eaten_quote),
        (config.mojibake, eaten_apostrophe),
        (config.mojibake, eaten_latin_quote),
        (config.mojibake, eaten_latin_apostrophe),
        (config.mojibake, eaten_latin_letter),
        (config.mojibake, leftover_pairs),
        (config.mojibake, leftover_folds),
        (config.mojibake, leftover_marks),
        (config.controls, normalize.controls),
        (config.zero_width, normalize.zero_width),
        (config.normalize_whitespace, normalize.odd_spaces),
        (config.nfc, normalize.nfc),
    ]
    return [fn for on, fn in chosen if on]


def run_passes(doc: Document, chosen: list[Callable[[str], list[Replacement]]]) -> None:
    """Run ``chosen`` passes on ``doc``, each on the text the previous one left."""
    if not needs_any_repair(doc.text):
        return
    for run in chosen:
        replacements = run(doc.text)
        if replacements:
            doc.apply(STAGE, replacements)


def repair_document(doc: Document, config: RepairConfig = DEFAULT) -> None:
    """Repair ``doc.text`` in place, recording every change through ``doc.apply``."""
    run_passes(doc, passes(config))


def fix_text(text: str, config: RepairConfig = DEFAULT) -> tuple[str, list[Edit]]:
    """Repair ``text``; return the fixed text and the edit log (stage ``repair``)."""
    scratch = Document(id="", text=text, source={"path": "", "index": 0})
    repair_document(scratch, config)
    return scratch.text, scratch.edits


__all__ = [
    "RepairConfig",
    "fix_text",
    "is_mojibake_rule",
    "passes",
    "repair_document",
    "run_passes",
]
