"""The non-mojibake repairs: line breaks, HTML entities, control and invisible characters,
odd spaces and Unicode NFC. Each returns replacements in coordinates of the text it was given,
named by the rule that appears in the edit log. Curly quotes, dashes and ligatures are kept:
they are the author's typography, not damage.
"""

from __future__ import annotations

import html
import re
import unicodedata

from tamis.document import Replacement
from tamis.repair.spans import diff_replacements, line_spans

CRLF_RE = re.compile(r"\r\n?|[\u2028\u2029]")
ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# C0 controls except tab, line feed and form feed; DEL; C1 controls that survived the mojibake
# pass (cp1252's undefined bytes); ANSI terminal escapes; deprecated format characters and
# interlinear/object replacement characters (as ftfy's remove_control_chars).
CONTROL_RE = re.compile(
    r"\x1b\[[0-9;?]*[A-Za-z]|[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\u206a-\u206f\ufff9-\ufffc]"
)
# Zero-width and bidirectional-formatting characters, the byte-order mark and the soft hyphen:
# invisible, and they break tokenisation, matching and deduplication. ZWJ and ZWNJ are kept
# (they change rendering in Indic, Persian and emoji sequences).
ZERO_WIDTH_RE = re.compile("[\u200b\u2060\ufeff\u00ad\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
# No-break and typographic spaces become a plain space. The ideographic space U+3000 is kept:
# it is ordinary full-width spacing in CJK text.
ODD_SPACE_RE = re.compile("[\xa0\u1680\u2000-\u200a\u202f\u205f]")


def _sub(pattern: re.Pattern[str], text: str, rule: str, reason: str, repl) -> list[Replacement]:
    out = []
    for m in pattern.finditer(text):
        new = repl(m.group()) if callable(repl) else repl
        if new != m.group():
            out.append(Replacement(m.start(), m.end(), new, rule, reason))
    return out


def line_breaks(text: str) -> list[Replacement]:
    if "\r" not in text and "\u2028" not in text and "\u2029" not in text:
        return []
    return _sub(CRLF_RE, text, "crlf", "line break normalised to \\n", "\n")


def _unescape(entity: str) -> str:
    out = html.unescape(entity)
    return entity if out == "\ufffd" else out


def entities(text: str) -> list[Replacement]:
    if "&" not in text:
        return []
    return _sub(ENTITY_RE, text, "html_entity", "HTML entity left in text", _unescape)


def controls(text: str) -> list[Replacement]:
    return _sub(CONTROL_RE, text, "control_char", "control character removed", "")


def zero_width(text: str) -> list[Replacement]:
    return _sub(ZERO_WIDTH_RE, text, "zero_width", "invisible formatting character removed", "")


def odd_spaces(text: str) -> list[Replacement]:
    return _sub(ODD_SPACE_RE, text, "odd_space", "non-breaking or typographic space", " ")


def nfc(text: str) -> list[Replacement]:
    if unicodedata.is_normalized("NFC", text):
        return []
    out: list[Replacement] = []
    for start, end in line_spans(text):
        line = text[start:end]
        if not unicodedata.is_normalized("NFC", line):
            fixed = unicodedata.normalize("NFC", line)
            out += diff_replacements(line, fixed, "nfc", "Unicode NFC composition", start)
    return out
