"""The repair stage on real corpora: no false mojibake repairs, and a gate that never skips a
line ftfy would fix.

False repairs are counted per document (every document of ``../shared/data/text/``, the title
and main text of every extraction benchmark page, and every lingua sentence) among the edits of mojibake rules only (not entities, spaces, controls, NFC).
Real corpora do carry real mojibake (PEERS.md: IMDb reviews with Windows-1252 punctuation stored
as C1 controls, lingua sentences in French, Czech, Romanian... that were decoded with the wrong
code page). So an edit counts as a *verified* repair when the characters it removed are exactly
what a known wrong decoding makes of the characters it inserted: the inserted text's UTF-8 bytes
read as Windows-1252, Latin-1, Windows-1250/1251, ISO-8859-2 or MacRoman (once or twice), or C1 controls
that are those bytes in Windows-1252 or MacRoman. Any other mojibake edit is a false repair unless listed
in ``JUSTIFIED`` with the reason.
"""

from __future__ import annotations

import gzip
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tamis.document import Edit, undo
from tamis.repair import fix_text, is_mojibake_rule
from tamis.repair.mojibake import _config
from tamis.repair.precheck import ftfy_gate

_WRONG_DECODINGS = (
    "sloppy-windows-1252",
    "latin-1",
    "sloppy-windows-1250",
    "sloppy-windows-1251",
    "iso-8859-2",
    "macroman",
)

# Documents whose mojibake edits are not round-trip verified, and why they are right to make.
JUSTIFIED: dict[str, str] = {}


def iter_documents(shared_data: Path) -> Iterator[tuple[str, str]]:
    """(source label, text) for every document of text/, every extraction page's ground-truth
    text and every lingua sentence."""
    import zstandard

    for path in sorted((shared_data / "text").glob("*.jsonl.zst")):
        with path.open("rb") as fh:
            reader = io.TextIOWrapper(
                zstandard.ZstdDecompressor().stream_reader(fh), encoding="utf-8"
            )
            for i, line in enumerate(reader):
                yield f"{path.name}:{i}", json.loads(line)["text"]
    for path in sorted((shared_data / "text").glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                yield f"{path.name}:{i}", json.loads(line)["text"]
    aeb = shared_data / "extraction" / "scrapinghub-aeb" / "ground-truth.json"
    if aeb.exists():
        for key, item in sorted(json.loads(aeb.read_text(encoding="utf-8")).items()):
            yield f"extraction/aeb:{key[:12]}", item.get("articleBody") or ""
    for path in sorted((shared_data / "extraction" / "wcxb-dev" / "ground-truth").glob("*.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))["ground_truth"]
        text = (truth.get("title") or "") + "\n" + (truth.get("main_content") or "")
        yield f"extraction/wcxb:{path.stem}", text
    for path in sorted((shared_data / "langid" / "lingua-sentences").glob("*.txt")):
        if path.name.startswith("LICENSE"):
            continue
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            yield f"lingua/{path.name}:{i}", line


def verified(edit: Edit) -> bool:
    """Whether ``edit.removed`` is a known wrong decoding of ``edit.inserted``."""
    import ftfy.bad_codecs  # noqa: F401

    from tamis.repair.unfold import DAMAGE

    removed, inserted = edit.removed, edit.inserted
    if any(damage(inserted) == removed for damage in DAMAGE.values()):
        return True  # bytes folded by NFKC or dropped by a strict decoder (repair.unfold)
    for single_byte in ("cp1252", "mac-roman"):
        try:
            if removed.encode("latin-1").decode(single_byte) == inserted:
                return True
        except UnicodeError:
            pass
    for enc in _WRONG_DECODINGS:
        for layers in (1, 2):
            text = inserted
            try:
                for _ in range(layers):
                    text = text.encode("utf-8").decode(enc)
            except UnicodeError:
                break
            if text == removed:
                return True
    return False


def _stray_lead(edit: Edit, text: str) -> bool:
    """A lone ``Â`` removed before a Latin-1 sign (``xÂ³`` is ``x³``: C2 B3 read as
    Windows-1252); the sign itself stays, so the edit is the lead byte alone."""
    return edit.removed == "Â" and not edit.inserted and re.search("Â[\xa0-\xbf]", text) is not None


def false_repairs(shared_data: Path) -> tuple[int, dict[str, int], list[tuple[str, list[Edit]]]]:
    """(documents, documents with verified mojibake repairs per source, unverified ones)."""
    total = 0
    repaired: dict[str, int] = {}
    unverified = []
    for label, text in iter_documents(shared_data):
        total += 1
        fixed, edits = fix_text(text)
        mojibake = [e for e in edits if is_mojibake_rule(e.rule)]
        if not mojibake:
            continue
        assert undo(fixed, edits) == text
        bad = [e for e in mojibake if not verified(e) and not _stray_lead(e, text)]
        if bad:
            unverified.append((label, bad))
        else:
            source = label.split(":")[0].split("/")[0]
            repaired[source] = repaired.get(source, 0) + 1
    return total, repaired, unverified


@pytest.mark.slow
def test_no_false_mojibake_repairs_on_real_corpora(shared_data: Path) -> None:
    total, repaired, unverified = false_repairs(shared_data)
    assert total > 160_000
    unexplained = [(label, edits[:3]) for label, edits in unverified if label not in JUSTIFIED]
    assert not unexplained, unexplained
    # The IMDb reviews with C1 punctuation are real damage, and they are repaired.
    assert repaired.get("imdb-reviews.jsonl.zst", 0) >= 600


@pytest.mark.slow
def test_gate_never_skips_a_line_ftfy_would_change(shared_data: Path) -> None:
    from ftfy import fix_and_explain

    gate = ftfy_gate()
    config = _config()
    checked = 0
    for _, text in iter_documents(shared_data):
        if text.isascii():
            continue
        for line in text.split("\n"):
            if line.isascii() or gate.search(line):
                continue
            checked += 1
            assert fix_and_explain(line, config).text == line, line
    assert checked > 10_000
