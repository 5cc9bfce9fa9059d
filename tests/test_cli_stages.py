"""`tamis stages`: every option with a readable type, its default and what it does."""

from __future__ import annotations

from tests.helpers import tamis


def _stage_block(printed: str, name: str) -> str:
    lines = printed.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{name}  ("))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith(" ")), None)
    return "\n".join(lines[start:end])


def test_stages_lists_types_defaults_and_descriptions(capsys):
    assert tamis("stages") == 0
    extract = _stage_block(capsys.readouterr().out, "extract")
    assert "extract  (per-document)" in extract
    assert (
        "extractor: one of auto, fast, trafilatura, trafilatura_precision, trafilatura_recall,"
        " resiliparse = 'auto'" in extract
    )
    assert "time_limit: float = 20.0" in extract
    assert "per-page wall-clock limit in seconds" in extract
    assert "typing." not in extract and "<class" not in extract


def test_stages_renders_optional_and_tuple_types(capsys):
    assert tamis("stages") == 0
    boilerplate = _stage_block(capsys.readouterr().out, "boilerplate")
    assert "source_field: str or None = None" in boilerplate
    assert "url_fields: tuple[str, ...] = ('url', 'metadata.url')" in boilerplate
    assert "a meta field naming the source directly" in boilerplate
