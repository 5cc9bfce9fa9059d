"""The shortcuts that keep clean text cheap must decide exactly as the full checks would.

``gate_search`` scans one character class before the gate proper, ``needs_any_repair`` one
class before its four checks, and the ftfy pass skips ftfy on stretches its badness test passes;
each is checked here against the long way, on generated text mixing the scripts and symbols
the gate cares about and on every lingua sentence.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.repair import mojibake
from tamis.repair.precheck import (
    ANY_WORK_RE,
    EATEN_A_RE,
    EATEN_CAPITAL_RE,
    GLUED_C_RE,
    GLUED_LETTER_RE,
    GLUED_MACRON_RE,
    VI_FOLD_RE,
    ftfy_gate,
    gate_search,
    needs_any_repair,
    split_syllable,
    unfold_sign,
)

# ASCII, Latin-1 and Windows-1252 letters and symbols, C1 controls, Cyrillic (``вЂ``), Greek,
# combining marks, the fold mark, Vietnamese, CJK, spaces of every kind.
ALPHABET = (
    "ab .,1'\"-\n\t\xa0\u2003\x1b\x85\x9d\ud800\ufffd"
    "ÃÂÅÄÐÑàÀéüœ€™†‡…“”‘’–—¢£¤¥¦§¨©ª«¬®¯°±²³´µ¶·¸¹º»¼½¾¿×÷"
    "вВЂђабрсяΑΒαβγΞΟ\u0301\u0308\u2044ạềờơưĐ中文áoáo"
)
texts = st.text(alphabet=ALPHABET, max_size=40)


def _span(m) -> tuple[int, int] | None:
    return m.span() if m else None


def _needs_any_repair_the_long_way(text: str) -> bool:
    if text.isascii():
        return needs_any_repair(text)  # the ASCII branch has no shortcut
    return (
        ANY_WORK_RE.search(text) is not None
        or ftfy_gate().search(text) is not None
        or unfold_sign(text)
        or VI_FOLD_RE.search(text) is not None
        or split_syllable(text)
        or any(
            r.search(text) is not None
            for r in (EATEN_A_RE, EATEN_CAPITAL_RE, GLUED_C_RE, GLUED_MACRON_RE, GLUED_LETTER_RE)
        )
        or not unicodedata.is_normalized("NFC", text)
    )


@settings(max_examples=400, deadline=None)
@given(texts, st.integers(min_value=0, max_value=40))
def test_gate_search_finds_the_gates_first_match(text: str, pos: int) -> None:
    assert _span(gate_search(text, pos)) == _span(ftfy_gate().search(text, pos))


@settings(max_examples=400, deadline=None)
@given(texts)
def test_needs_any_repair_decides_as_its_checks_do(text: str) -> None:
    assert needs_any_repair(text) == _needs_any_repair_the_long_way(text)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_ftfy_is_skipped_only_where_it_changes_nothing(text: str) -> None:
    from ftfy import fix_and_explain
    from ftfy.badness import is_bad

    line = text.replace("\n", " ")
    gate, config = ftfy_gate(), mojibake._config()
    pieces = [line[a:b] for a, b in mojibake.chunks(line, gate)]
    if any(is_bad(mojibake._C1_RE.sub(" ", p)) for p in pieces):
        return  # ftfy runs on the whole line: no shortcut taken
    changed = [p for p in pieces if fix_and_explain(p, config).text != p]
    if mojibake._CHARACTER_FIX_RE.search(line) is None:
        assert changed == []
        assert mojibake._line_repairs(line, 0, gate, config) == []


def test_shortcuts_agree_on_every_lingua_sentence(shared_data: Path) -> None:
    checked = 0
    for path in sorted((shared_data / "langid" / "lingua-sentences").glob("*.txt")):
        if path.name.startswith("LICENSE"):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.isascii():
                continue
            checked += 1
            assert _span(gate_search(line)) == _span(ftfy_gate().search(line)), line
            assert needs_any_repair(line) == _needs_any_repair_the_long_way(line), line
    assert checked > 50_000
