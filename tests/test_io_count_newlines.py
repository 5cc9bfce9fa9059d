"""The planner's line count by finds on long lines is bytes.count's."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.io.jsonl import LINE_PROBE, count_newlines

lines = st.lists(st.integers(0, 3 * LINE_PROBE // 2), max_size=6)


@settings(max_examples=200, deadline=None)
@given(lines, st.booleans(), st.integers(0, 3))
def test_the_count_is_bytes_count(lengths, last_newline, blank_lines):
    """Lines short and long (shorter and longer than the probe), blank lines, with and without
    a last newline."""
    text = b"\n".join(b"x" * n for n in lengths) + b"\n" * blank_lines
    if last_newline:
        text += b"\n"
    assert count_newlines(text) == text.count(b"\n")


def test_short_and_long_lines_past_the_probe():
    short = b"ab\n" * (LINE_PROBE // 3 + 10)
    long = (b"y" * 5000 + b"\n") * 40
    for text in (short + long, long + short, long + b"z", short[:-1]):
        assert count_newlines(text) == text.count(b"\n")
