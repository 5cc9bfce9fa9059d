"""The ``clean`` stage: line-level cleaning of one document, every removal an edit with its rule.

The rules run in a fixed order so that each sees the text the previous ones left: wire residue
and markup first (so lines are lines), then whole-line furniture, then repeats, then the
truncated last sentence and the wrap joins (which need the furniture gone to see the true last
line), and whitespace last.
"""

from __future__ import annotations

from functools import cached_property

from pydantic import Field

from tamis.document import Document
from tamis.stages.base import Stage, StageOptions, register

ALL_LANGUAGES = ("en", "de", "fr", "es", "pt", "it", "ru")


class CleanOptions(StageOptions):
    line_endings: bool = True
    control_chars: bool = True
    markup_breaks: bool = True
    wire_signoff: bool = True
    trailing_space: bool = True
    symbol_lines: bool = True
    boilerplate_lines: bool = True
    languages: tuple[str, ...] = Field(
        ALL_LANGUAGES,
        description="which maintained furniture lists to match (tamis.clean.patterns)",
    )
    repeated_title: bool = True
    repeated_paragraph_min_words: int = Field(
        12,
        ge=0,
        description="later copies of a line with at least this many words are removed (0 turns it off)",
    )
    glued_tag: bool = Field(
        True,
        description="site tags glued to a paragraph's last sentence ('...in.”Site News”.'), and "
        "a cut last sentence before one, recognised in the document alone (tamis.clean.tags)",
    )
    truncated_sentence: bool = True
    hard_wrap: bool = True
    blank_lines: bool = True
    # The C4 line rules (Raffel et al. 2020). Off by default: they drop lines by shape alone
    # (every heading, list item and table row fails "terminal punctuation"), which contradicts
    # repairing rather than dropping; a C4-style recipe turns them on.
    c4_terminal_punct: bool = False
    c4_min_words: int = Field(0, ge=0)
    c4_javascript: bool = False
    c4_policy: bool = False
    c4_lorem_ipsum: bool = False
    c4_citations: bool = False


@register
class CleanStage(Stage):
    name = "clean"
    Options = CleanOptions
    signals = {"removed_chars": int}

    @cached_property
    def rules(self):
        from tamis.clean import rules as r
        from tamis.clean.patterns import line_matcher

        o = self.options
        chosen = []
        if o.line_endings:
            chosen.append(r.line_endings)
        if o.control_chars:
            chosen.append(r.control_chars)
        if o.markup_breaks:
            chosen.append(r.markup_breaks)
        if o.wire_signoff:
            chosen.append(r.wire_signoff)
        if o.trailing_space:
            chosen.append(r.trailing_space)
        if o.hard_wrap:
            from tamis.clean.wraps import hard_wraps_batch

            # before line rules: a wrapped "share." is not a line
            chosen.append(_BatchRule(r.hard_wraps, hard_wraps_batch))
        if o.symbol_lines:
            chosen.append(r.symbol_lines)
        if o.boilerplate_lines:
            chosen.append(r.pattern_lines(line_matcher(tuple(o.languages))))
        if o.c4_citations:
            chosen.append(r.c4_citations)
        if (
            o.c4_terminal_punct
            or o.c4_javascript
            or o.c4_policy
            or o.c4_lorem_ipsum
            or o.c4_min_words
        ):
            chosen.append(
                r.c4_lines(
                    o.c4_terminal_punct,
                    o.c4_javascript,
                    o.c4_policy,
                    o.c4_lorem_ipsum,
                    o.c4_min_words,
                )
            )
        if o.repeated_title:
            chosen.append(r.repeated_title)
        if o.repeated_paragraph_min_words:
            n = o.repeated_paragraph_min_words
            chosen.append(lambda text: r.repeated_paragraphs(text, n))
        if o.wire_signoff:
            chosen.append(r.wire_signoff)  # furniture removed above may have hidden a sign-off
        if o.glued_tag:
            from tamis.clean.tags import glued_tags

            chosen.append(glued_tags)  # after the furniture lines, which hide the last paragraph
        if o.truncated_sentence:
            chosen.append(r.truncated_end)
        if o.blank_lines:
            chosen.append(r.blank_lines)
        return chosen

    def process(self, doc: Document) -> None:
        self.process_batch([doc])

    def process_batch(self, docs: list[Document]) -> None:
        """Rule by rule over the batch (each document sees the rules in the same order as
        alone), so a rule with a batch form reads all documents at once."""
        name = self.name
        before = [len(doc.text) for doc in docs]
        for rule in self.rules:
            if isinstance(rule, _BatchRule):
                found = rule.batch([doc.text for doc in docs])
                for doc, replacements in zip(docs, found, strict=True):
                    if replacements:
                        doc.apply(name, replacements)
                continue
            for doc in docs:
                replacements = rule(doc.text)
                if replacements:
                    doc.apply(name, replacements)
        for doc, n in zip(docs, before, strict=True):
            doc.signal(name, removed_chars=n - len(doc.text))


class _BatchRule:
    """A rule (``text -> replacements``) with a form that reads many texts at once and gives
    each the same replacements."""

    def __init__(self, rule, batch) -> None:
        self.rule, self.batch = rule, batch
        self.__name__ = rule.__name__

    def __call__(self, text: str):
        return self.rule(text)
