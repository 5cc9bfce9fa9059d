"""Every Reuters-21578 story: sign-off and wire control codes gone, none of its own sentences lost.

How "no sentence lost" is checked: the story's text minus what the wire rules removed (the
sign-off at the end and caret control codes) is split into sentences; each sentence, with its
words in order (wrap joins only change spacing), must still be found in the cleaned story.
A paragraph the wire sent twice counts as kept when one copy remains.
"""

from __future__ import annotations

import json
import re

import zstandard

from tamis.document import Document, undo
from tamis.stages.base import stage_class

# a sentence ends at . ! ? (possibly inside a closing quote); a wire paragraph at an indent
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[.!?][\"')])\s+|\n(?=\s)")
_SIGNOFF_LEFT = re.compile(r"(?i)(?:^|\n)\s*reuters?\W*\Z|\^M|\s(?:REUTER|Reuter)\s*\Z")
WIRE_RULES = {"wire_signoff", "control_chars"}


def _stories(shared_data):
    path = shared_data / "text" / "reuters-21578.jsonl.zst"
    with zstandard.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def _words(text: str) -> str:
    """Word tokens only: wrap joins and blank-line changes do not count as a change."""
    return " ".join(re.findall(r"\w+", text))


def test_every_story_loses_its_signoff_and_no_sentence(shared_data):
    stage = stage_class("clean")()
    stories = 0
    signoffs = 0
    for i, rec in enumerate(_stories(shared_data)):
        original = rec["text"]
        doc = Document(rec["id"], original, {"path": "reuters", "index": i})
        stage.process(doc)
        stories += 1
        assert undo(doc.text, doc.edits) == original
        assert not _SIGNOFF_LEFT.search(doc.text), (rec["id"], doc.text[-80:])
        assert "\x03" not in doc.text and "^M" not in doc.text
        signoffs += any(e.rule == "wire_signoff" for e in doc.edits)
        # the story's own text: the original without what the wire rules took
        own_text = original
        for e in doc.edits:
            if e.rule == "wire_signoff":
                own_text = own_text[: own_text.rfind(e.removed)]
            elif e.rule == "control_chars":
                own_text = own_text.replace(e.removed, "", 1)
        cleaned = _words(doc.text)
        for sentence in _SENTENCE_END.split(own_text):
            words = _words(sentence)
            if words:
                assert words in cleaned, (rec["id"], sentence)
    assert stories == 14110
    # a handful of stories end on a continuation marker or nothing at all
    assert signoffs >= 13900
