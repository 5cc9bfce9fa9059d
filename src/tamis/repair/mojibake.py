"""ftfy's mojibake repair, applied only to the lines that need it, as positioned edits.

ftfy does the decoding (UTF-8 read as Windows-1252, Latin-1, MacRoman, Windows-1251...; double
encoding; inconsistent mixes; C1 controls meant as Windows-1252 punctuation). tamis runs it with
its typography-changing fixes off (quotes stay curly, ligatures and full-width forms stay, NFC
and line breaks are separate rules), one line at a time as ftfy itself does, and only on lines
that pass the badness gate of :mod:`tamis.repair.precheck`.
"""

from __future__ import annotations

from functools import lru_cache

from tamis.document import Replacement
from tamis.repair.precheck import ftfy_gate
from tamis.repair.spans import diff_replacements, line_at


@lru_cache(maxsize=1)
def _config():
    import ftfy

    return ftfy.TextFixerConfig(
        unescape_html=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        remove_control_chars=False,
        normalization=None,
        explain=True,
    )


def rule_for(steps) -> tuple[str, str]:
    """An edit-log rule name and reason from ftfy's explanation of one line."""
    steps = list(steps or [])
    if any(s.action == "encode" for s in steps):
        plan = ", ".join(f"{s.action} {s.parameter}" for s in steps)
        return "ftfy:fix_encoding", plan
    names = [s.parameter for s in steps if s.action in ("apply", "transcode")]
    if names:
        return "ftfy:" + names[0], ", ".join(f"{s.action} {s.parameter}" for s in steps)
    return "ftfy:fix_encoding", ", ".join(f"{s.action} {s.parameter}" for s in steps)


def ftfy_repairs(text: str) -> list[Replacement]:
    gate = ftfy_gate()
    m = gate.search(text)
    if m is None:
        return []
    from ftfy import fix_and_explain

    config = _config()
    out: list[Replacement] = []
    while m is not None:
        start, end = line_at(text, m.start())
        line = text[start:end]
        fixed, steps = fix_and_explain(line, config)
        if fixed != line:
            rule, reason = rule_for(steps)
            out += diff_replacements(line, fixed, rule, reason, start)
        m = gate.search(text, end + 1) if end < len(text) else None
    return out
