"""ftfy's own test cases (``../shared/data/encoding/ftfy-test-cases``): every case ftfy passes
still passes through tamis, and the known failures tamis fixes are listed.

ftfy's expected outputs are written for ftfy's defaults, which also change typography (curly
quotes straightened, ligatures and full-width letters folded) and keep no-break spaces; tamis
keeps the typography and normalises spaces, invisible and control characters. So both the expected text
and tamis's output go through the same ``canonical`` form (ftfy's typography fixes, spaces,
invisible and control characters, NFC) before comparison: a case passes when they agree on everything
else, which is everything about the encoding.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from tamis.document import undo
from tamis.repair import fix_text

FILES = ("in-the-wild", "synthetic", "negative", "language-names", "known-failures")


def canonical(text: str) -> str:
    from ftfy import fixes

    text = fixes.uncurl_quotes(fixes.fix_character_width(fixes.fix_latin_ligatures(text)))
    text = re.sub("[\xa0\u2000-\u200a\u202f\u205f]", " ", text)
    text = re.sub("[\u200b\u2060\ufeff\u00ad\u200e\u200f\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]", "", text)
    return unicodedata.normalize("NFC", text)


def load_cases(folder: Path) -> list[dict]:
    out = []
    for name in FILES:
        for case in json.loads((folder / f"{name}.json").read_text(encoding="utf-8")):
            out.append({**case, "file": name})
    return out


def outcomes(folder: Path) -> list[tuple[dict, bool, bool]]:
    """(case, ftfy passes, tamis passes) for every case."""
    import ftfy

    results = []
    for case in load_cases(folder):
        expected = case["fixed"]
        ftfy_ok = ftfy.fix_text(case["original"]) == expected
        fixed, edits = fix_text(case["original"])
        assert undo(fixed, edits) == case["original"]
        tamis_ok = canonical(fixed) == canonical(expected)
        results.append((case, ftfy_ok, tamis_ok))
    return results


@pytest.fixture(scope="module")
def results(shared_data: Path) -> list[tuple[dict, bool, bool]]:
    return outcomes(shared_data / "encoding" / "ftfy-test-cases")


def test_every_case_ftfy_passes_still_passes(results) -> None:
    regressions = [c["label"] for c, ftfy_ok, ok in results if ftfy_ok and not ok]
    assert len(results) >= 150
    assert not regressions, regressions


def test_known_failures_tamis_fixes_are_real_fixes(results) -> None:
    fixed = [c for c, ftfy_ok, ok in results if ok and not ftfy_ok]
    # Whatever tamis fixes beyond ftfy must be cases ftfy itself lists as failures.
    assert all(c["expect"] == "fail" for c in fixed), [c["label"] for c in fixed]
