"""The published quality rule sets as stages: ``gopher_quality``, ``gopher_repetition``, ``c4``,
``fineweb``.

Each stage measures every signal of its rule set for every document it sees
(``signals[stage]``), then, in ``mode: filter``, rejects a document that fails any rule:
``reason`` is the first failing rule as datatrove names it, ``details`` lists *all* failing
rules with value and threshold. ``mode: annotate`` stores the signals and changes nothing, so
thresholds can be chosen afterwards with ``tamis rethreshold``.

The four stages share one split of each document (:mod:`tamis.quality.parts`), so running all of
them costs little more than running one.

C4 is the only rule set that edits text: datatrove's ``C4QualityFilter`` rewrites a kept
document as its surviving lines, stripped, with Wikipedia-style citations removed. tamis makes
the same change through ``doc.apply``, one recorded edit per removed line, citation and
stripped margin (rule = why: ``no_terminal_punct``, ``javascript``, ``policy``,
``too_few_words``, ``too_long_word``, ``citation``, ``strip``), so the result equals datatrove's
text and every removal can be seen and undone. ``edit_lines: false`` keeps C4 a pure judge;
annotate mode never edits.
"""

from __future__ import annotations

from typing import Any, ClassVar

from tamis.document import Document, Replacement
from tamis.quality import signals as measure
from tamis.quality.fineweb2 import OptionsByLanguage
from tamis.quality.options import (
    C4Options,
    FineWebOptions,
    GopherQualityOptions,
    GopherRepetitionOptions,
    QualityOptions,
)
from tamis.quality.parts import (
    DocParts,
    doc_language,
    lines_together,
    parts_for,
    parts_of_kept_lines,
    split_units_together,
)
from tamis.quality.rules import decide_batch, decider_of
from tamis.stages.base import Stage, register

#: signals every rule set may add: the language its word lists followed, whose thresholds it
#: applied (FineWeb-2's or a user's directory), and why a rule could not be measured
_COMMON_SIGNALS = {"lang": str, "thresholds": str, "unsupported": str}


class _QualityStage(Stage):
    Options: ClassVar[type[QualityOptions]]
    options: QualityOptions

    def __init__(self, options: QualityOptions | None = None) -> None:
        super().__init__(options)
        self.by_language = OptionsByLanguage(self.name, self.options)
        decider_of(self.name)  # a quality stage has rules: checked once, at construction

    def measure(self, parts: DocParts, doc: Document, opts: QualityOptions) -> dict[str, Any]:
        raise TypeError(f"{self.name} must define measure")

    def parts(self, doc: Document) -> DocParts:
        return parts_for(doc.text, doc_language(doc.signals, self.options.language))

    @property
    def batch_measures(self) -> bool:
        """Whether :meth:`measure_batch` measures a batch's documents without their Document
        (C4 measures and edits one document at a time when it edits: its kept ones are edited
        from what it found)."""
        return True

    def process_batch(self, docs: list[Document]) -> None:
        """The words of the documents split by units, and the lines of all, counted together
        first; then the documents that share options (a language's thresholds) measured and
        judged together."""
        batch = [self.parts(doc) for doc in docs]
        lines_together(batch)  # first: the words' split reads the code points it made
        split_units_together(batch)
        if not self.batch_measures:
            for doc, parts in zip(docs, batch, strict=True):
                self._process(doc, parts)
            return
        for opts, used, members in self._by_options(docs, batch):
            sigs = self.measure_batch([parts for _, parts in members], opts)
            self.judge_batch(members, sigs, opts, used)

    def _by_options(self, docs: list[Document], batch: list[DocParts]) -> list:
        """The documents grouped by the options their language gives: (options, whose
        thresholds, [(document, parts)])."""
        groups: dict[int, tuple[QualityOptions, str | None, list[tuple[Document, DocParts]]]] = {}
        by_language = self.by_language
        for doc, parts in zip(docs, batch, strict=True):
            opts, used = by_language(parts.pair)
            group = groups.get(id(opts))
            if group is None:
                group = groups[id(opts)] = (opts, used, [])
            group[2].append((doc, parts))
        return list(groups.values())

    def measure_batch(self, batch: list[DocParts], opts: QualityOptions) -> list[dict[str, Any]]:
        raise TypeError(f"{self.name} must define measure_batch")

    def judge_batch(
        self,
        members: list[tuple[Document, DocParts]],
        sigs: list[dict[str, Any]],
        opts: QualityOptions,
        used: str | None,
    ) -> None:
        """Store the signals of documents that share options, then keep or reject each by the
        thresholds (the rules checked over all of them together)."""
        name = self.name
        named = bool(self.options.language)
        for (doc, parts), sig in zip(members, sigs, strict=True):
            if named or parts.lang != "en":
                sig["lang"] = parts.pair or parts.lang
            if used:
                sig["thresholds"] = used
            stored = doc.signals.get(name)
            if stored is None:
                doc.signals[name] = sig  # as doc.signal stores it, without two copies
            else:
                stored.update(sig)
        if opts.mode != "filter":
            return
        for (doc, parts), failures in zip(members, decide_batch(name, sigs, opts), strict=True):
            if failures:
                doc.reject(name, failures[0]["rule"], failures)
            else:
                self.on_kept(parts, doc)

    def process(self, doc: Document) -> None:
        self._process(doc, self.parts(doc))

    def _process(self, doc: Document, parts: DocParts) -> None:
        opts, used = self.by_language(parts.pair)
        self.judge_batch([(doc, parts)], [self.measure(parts, doc, opts)], opts, used)

    def on_kept(self, parts: DocParts, doc: Document) -> None:
        """Hook for a stage that changes documents it keeps."""


@register
class GopherQuality(_QualityStage):
    """Gopher's quality heuristics (Rae et al. 2021, Table A1), as datatrove implements them."""

    name = "gopher_quality"
    Options = GopherQualityOptions
    signals = {
        "bullet_lines_ratio": float,
        "end_ellipsis_lines_ratio": float,
        "n_words": int,
        "n_non_symbol_words": int,
        "avg_word_length": float,
        "hash_ratio": float,
        "ellipsis_ratio": float,
        "alpha_words_ratio": float,
        "stop_words": int,
        **_COMMON_SIGNALS,
    }

    def measure(self, parts: DocParts, doc: Document, opts: QualityOptions) -> dict[str, Any]:
        return measure.gopher_quality(parts, opts)

    def measure_batch(self, batch: list[DocParts], opts: QualityOptions) -> list[dict[str, Any]]:
        gopher_quality = measure.gopher_quality
        return [gopher_quality(parts, opts) for parts in batch]


@register
class GopherRepetition(_QualityStage):
    """Gopher's repetition rules: duplicate lines, paragraphs and n-grams."""

    name = "gopher_repetition"
    Options = GopherRepetitionOptions
    signals = {
        "chars": int,
        "dup_para_frac": float,
        "dup_para_char_frac": float,
        "dup_line_frac": float,
        "dup_line_char_frac": float,
        **_COMMON_SIGNALS,
    }

    def signal_types(self) -> dict[str, Any]:
        """The n-gram signals are named after the n-gram sizes the options choose."""
        opts = self.options
        return {
            **self.signals,
            **{f"top_{n}_gram": float for n, _ in opts.top_n_grams},
            **{f"duplicated_{n}_n_grams": float for n, _ in opts.dup_n_grams},
        }

    def measure(self, parts: DocParts, doc: Document, opts: QualityOptions) -> dict[str, Any]:
        return measure.gopher_repetition(parts, opts)

    def measure_batch(self, batch: list[DocParts], opts: QualityOptions) -> list[dict[str, Any]]:
        """The n-grams of the batch are counted together (one set of array operations per
        group of documents that share options, that is, a language's thresholds)."""
        return measure.gopher_repetition_batch(batch, opts)


@register
class FineWeb(_QualityStage):
    """FineWeb's line-level quality rules."""

    name = "fineweb"
    Options = FineWebOptions
    signals = {
        "lines": int,
        "line_punct_ratio": float,
        "short_line_ratio": float,
        "char_dup_ratio": float,
        "list_ratio": float,
        **_COMMON_SIGNALS,
    }

    def measure(self, parts: DocParts, doc: Document, opts: QualityOptions) -> dict[str, Any]:
        return measure.fineweb(parts, opts)

    def measure_batch(self, batch: list[DocParts], opts: QualityOptions) -> list[dict[str, Any]]:
        fineweb = measure.fineweb
        return [fineweb(parts, opts) for parts in batch]


@register
class C4(_QualityStage):
    """C4's quality rules (Raffel et al. 2020), as datatrove's ``C4QualityFilter``."""

    name = "c4"
    Options = C4Options
    signals = {
        "lines": int,
        "lines_kept": int,
        "sentences": int,
        "lorem_ipsum_line": int,
        "curly_bracket_line": int,
        **{f"lines_{reason}": int for reason in measure.C4_LINE_REASONS},
        **_COMMON_SIGNALS,
    }

    @property
    def batch_measures(self) -> bool:
        """A C4 that never edits (``edit_lines: false``, as the default recipe runs it) keeps
        nothing of a document's lines after its signals: its documents are measured and
        judged as a batch, one rule check for all instead of one per document."""
        return not self.options.edit_lines

    def measure(self, parts: DocParts, doc: Document, opts: QualityOptions) -> dict[str, Any]:
        self._result = measure.c4(parts, opts)  # its lines are read by on_kept, if kept
        return self._result.signals

    def measure_batch(self, batch: list[DocParts], opts: QualityOptions) -> list[dict[str, Any]]:
        c4 = measure.c4
        return [c4(parts, opts).signals for parts in batch]

    def on_kept(self, parts: DocParts, doc: Document) -> None:
        if self.options.edit_lines and parts.chunked:
            result = self._result
            doc.apply(self.name, c4_edits(parts.text, result.lines))
            if result.plain is not None and doc.text != parts.text:
                # the edited text's chunks are its kept lines' chunks: the next stage reuses
                # their words instead of splitting the text again
                _, reasons, _, line_chunks = result.plain
                parts_of_kept_lines(parts, doc.text, line_chunks, [not r for r in reasons])


def c4_edits(text: str, lines: list[measure.C4Line]) -> list[Replacement]:
    """Replacements that turn ``text`` into datatrove's C4 output: kept lines joined by ``\\n``.

    A dropped line goes with its line break; a kept line loses its margins and citations and
    its break becomes ``\\n`` (none after the last kept line); the result is stripped as a whole.
    """
    kept = [i for i, line in enumerate(lines) if not line.dropped]
    out: list[Replacement] = []
    if not kept:
        if text:
            out.append(Replacement(0, len(text), "", "no_line_kept", "C4 kept no line"))
        return out
    last = kept[-1]
    for i, line in enumerate(lines):
        if line.dropped:
            out.append(Replacement(line.start, line.next_start, "", line.dropped, "C4 line filter"))
            continue
        raw = text[line.start : line.end]
        target = line.kept_text
        if i == kept[0]:
            target = target.lstrip()
        if i == last:
            target = target.rstrip()
        out.extend(_line_edits(raw, target, line.start))
        brk = text[line.end : line.next_start]
        want = "" if i == last else "\n"
        if brk != want:
            out.append(Replacement(line.end, line.next_start, want, "strip", "line break"))
    return out


def _line_edits(raw: str, target: str, offset: int) -> list[Replacement]:
    """Deletions from a raw line to its kept form (margins, citations, and the whitespace a
    citation leaves at the document's edges), each a recorded edit."""
    if raw == target:
        return []  # most lines: nothing to strip, no citation
    left = len(raw) - len(raw.lstrip())
    right = len(raw.rstrip())
    cuts = []  # (start, end, rule) in raw coordinates, in order
    if left:
        cuts.append((0, left, "strip"))
    pos = left
    for m in measure.CITATION.finditer(raw, left, right) if "[" in raw else ():
        if m.start() < m.end():
            cuts.append((m.start(), m.end(), "citation"))
            pos = m.end()
    if right < len(raw):
        cuts.append((right, len(raw), "strip"))
    kept_spans = []
    pos = 0
    for start, end, _ in cuts:
        if start > pos:
            kept_spans.append((pos, start))
        pos = end
    if pos < len(raw):
        kept_spans.append((pos, len(raw)))
    after = "".join(raw[a:b] for a, b in kept_spans)
    if after != target:
        # A citation at a line edge leaves whitespace that the final strip removes.
        lead = (
            len(after) - len(after.lstrip())
            if target == after.lstrip() or target == after.strip()
            else 0
        )
        trail = len(after) - len(after.rstrip()) if target in (after.rstrip(), after.strip()) else 0
        for a, b in kept_spans:
            take = min(lead, b - a)
            if take:
                cuts.append((a, a + take, "strip"))
                lead -= take
        for a, b in reversed(kept_spans):
            take = min(trail, b - a)
            if take:
                cuts.append((b - take, b, "strip"))
                trail -= take
    return [
        Replacement(offset + a, offset + b, "", rule, "C4 line clean-up") for a, b, rule in cuts
    ]
