"""The clean rules' and the observe keys' shortcuts agree with the plain definitions they replace.

Several rules skip work with a cheap test, or find what a regex over the whole text would find
by a quicker route (see the speed section of bench/results/clean.md). Each test here states the
plain definition (the whole-text regex, the per-line loop) and checks the shortcut against it on
generated text built from the characters each shortcut reasons about.
"""

from __future__ import annotations

import re
import textwrap

from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.clean import rules, segments
from tamis.document import Replacement

# --- trailing spaces and trailing blank lines -----------------------------------------------

_spacey = st.text(alphabet=st.sampled_from(list("ab. \t\xa0\n\r\x0c")), max_size=60)


@settings(max_examples=300, deadline=None)
@given(_spacey)
def test_trailing_space_is_the_multiline_regex(text):
    expected = [
        Replacement(m.start(), m.end(), "", "trailing_space")
        for m in re.finditer(r"[ \t\u00a0]+$", text, re.MULTILINE)
    ]
    assert rules.trailing_space(text) == expected


def _blank_lines_reference(text: str) -> list[Replacement]:
    out = [
        Replacement(m.start(), m.end(), "\n\n", "blank_lines")
        for m in re.finditer(r"\n[ \t]*\n(?:[ \t]*\n)+", text)
    ]
    m = re.match(r"\A(?:[ \t]*\n)+", text)
    if m and m.end() > 0 and (not out or out[0].start >= m.end()):
        out.insert(0, Replacement(0, m.end(), "", "blank_lines"))
    m = re.search(r"\n\s*\Z", text)
    if m and (not out or out[-1].end <= m.start()):
        out.append(Replacement(m.start(), m.end(), "", "blank_lines"))
    elif m and out and out[-1].end == len(text):
        out[-1] = Replacement(out[-1].start, out[-1].end, "", "blank_lines")
    return out


@settings(max_examples=300, deadline=None)
@given(_spacey)
def test_blank_lines_match_the_regex_definition(text):
    assert rules.blank_lines(text) == _blank_lines_reference(text)


# --- the sign-off's cheap test ---------------------------------------------------------------

_signoff_words = st.sampled_from(
    ["Reuter", "REUTERS", "reute", "More", "MORE", "...", "…", ".", " ", "\t", "\n", "11:43/vb",
     " e", "ſ", "K", "İ", "ı", "said", "x"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(_signoff_words, max_size=8).map("".join))
def test_signoff_precheck_never_hides_a_match(text):
    end = len(text.rstrip())
    if end and rules._SIGNOFF.search(text, max(0, end - 40), end):
        assert rules._may_end_in_signoff(text, end)


# --- hard wraps: one pass, same joins as a line-by-line reading -------------------------------


def _hard_wraps_reference(text: str, min_width: int = 50, max_width: int = 100):
    if text.count("\n") < 2:
        return []
    lines = text.split("\n")
    lengths = [len(line) for line in lines]
    width = max(lengths)
    if not (min_width <= width <= max_width):
        return []
    near_full = sum(1 for n in lengths if n >= width - 15)
    if near_full < 3 or near_full * 3 < sum(1 for n in lengths if n):
        return []
    out, pos = [], 0
    for i, n in enumerate(lengths):
        end = pos + n
        pos = end + 1
        if n < width - 24 or i == len(lines) - 1:
            continue
        nxt = lines[i + 1]
        if not nxt or nxt[0] in " \t":
            continue
        space = nxt.find(" ")
        if n + 1 + (len(nxt) if space < 0 else space) <= width:
            continue
        line = lines[i]
        if not (line[-1].isalnum() or line[-1] in ",;:)\"'”’.!?%"):
            continue
        if "   " in line.strip() or "\t" in line or "   " in nxt or "\t" in nxt:
            continue
        if re.match(r"[-*•·–—>#]|\d+[.)]\s|[a-z][.)]\s", nxt, re.IGNORECASE):
            continue
        out.append(Replacement(end, end + 1, " ", "hard_wrap", f"line wrapped at {width} columns"))
    return out


_wrap_word = st.sampled_from(
    ["word", "longerword", "a", "1.", "b)", "-", "•", "x,", "end.", "İ", "7)", "%", "tab\tbed"]
)


@st.composite
def _wrapped_text(draw):
    """A paragraph wrapped at a width, with some lines indented, listed or spaced as a table."""
    words = draw(st.lists(_wrap_word, min_size=30, max_size=90))
    width = draw(st.integers(20, 60))
    lines = textwrap.wrap(" ".join(words), width) or [""]
    marks = draw(
        st.lists(
            st.sampled_from(["", "", "", "  ", "- ", "2. ", "   x   "]),
            min_size=len(lines),
            max_size=len(lines),
        )
    )
    return "\n".join(m + line for m, line in zip(marks, lines, strict=True))


@settings(max_examples=300, deadline=None)
@given(_wrapped_text())
def test_hard_wraps_match_the_line_by_line_reading(text):
    assert rules.hard_wraps(text, 20, 100) == _hard_wraps_reference(text, 20, 100)


# --- hard wraps for a batch: the array reading gives each document hard_wraps' own joins ------

_ascii_wrap_word = st.sampled_from(
    [
        "word",
        "longerword",
        "a",
        "1.",
        "b)",
        "-",
        "x,",
        "end.",
        "%",
        "K.",
        "12)",
        "(",
        "q;",
        "Z",
        "y" * 27,
    ]
)


@st.composite
def _wrapped_batch(draw):
    """A few documents, ASCII or not, wrapped at their own widths, some indented (by four
    spaces, as newswire does), listed, tabbed or spaced as a table, some not wrapped at all."""
    # a batch with a non-ASCII document is read document by document: mostly ASCII batches
    word = draw(st.sampled_from([_wrap_word, _ascii_wrap_word, _ascii_wrap_word]))
    texts = []
    for _ in range(draw(st.integers(1, 6))):
        words = draw(st.lists(word, min_size=25, max_size=90))
        # wrapped a little narrower than the width the rule will read (some lines fill it)
        lines = textwrap.wrap(" ".join(words), draw(st.integers(24, 60))) or [""]
        marks = st.sampled_from(
            ["", "", "", "", "", "", "    ", "  ", "- ", "2. ", "   x   ", "\t", "\n", "abc "]
        )
        texts.append("\n".join(draw(marks) + line for line in lines))
    return texts


@settings(max_examples=300, deadline=None)
@given(_wrapped_batch())
def test_hard_wraps_batch_gives_each_document_its_own_joins(texts):
    from tamis.clean.wraps import array_chunk, hard_wraps_batch

    expected = [rules.hard_wraps(t, 30, 100) for t in texts]
    assert array_chunk(texts, 30, 100) == expected  # the array reading, however few documents
    assert hard_wraps_batch(texts * 5, 30, 100) == expected * 5


def test_hard_wraps_batch_joins_a_wire_story_and_leaves_its_table():
    from tamis.clean.wraps import hard_wraps_batch

    story = textwrap.fill(" ".join(["grain"] * 12 + ["exports", "rose"] * 20), 68)
    table = "    Wheat     1.2    3.4\n    Maize     5.6    7.8"
    texts = [story, story + "\n" + table, "short\nlines\nonly"]
    found = hard_wraps_batch(texts)
    assert found == [rules.hard_wraps(t) for t in texts]
    assert len(found[0]) == story.count("\n") and len(found[1]) == story.count("\n")
    assert found[2] == []


# --- observe keys: whole-batch reading gives each document's own keys -------------------------

_seg_alphabet = list("ab U.S|–-”\"'.!? \tXy3\nÉßİΣς·•—…\x0c\xa0\u2003")


def test_other_space_lists_all_white_space_but_space_and_line_break():
    spaces = {chr(c) for c in range(0x110000) if chr(c).isspace()} - {" ", "\n"}
    assert set(segments._OTHER_SPACE) == spaces
    assert segments._OTHER_SPACE[:8].isascii() and not segments._OTHER_SPACE[8:].isascii()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(_seg_alphabet), max_size=120))
def test_keys_are_the_units_keys_for_any_characters(text):
    assert segments.keys(text, 5, 4) == {segments.unit_key(5, u) for u in segments.units(text, 4)}


# ASCII text, densely: every character the literal-led scans' branches reason about
_ascii_seg_alphabet = list("ab xy U.S.|-!?\"')]\t\n\x1c\x1f\x0cAZ3")
_ascii_seg_texts = st.lists(
    st.sampled_from([*_ascii_seg_alphabet, " - ", " | ", ". A", "?! x", 'ab."C']), max_size=40
).map("".join)


def _marks(found):
    """What the segment loop reads of each match (a separator's match has no groups)."""
    return [
        (m.span(), m.lastindex, m.lastindex and m.span(1), m.lastindex == 2 and m.span(2))
        for m in found
    ]


@settings(max_examples=400, deadline=None)
@given(_ascii_seg_texts)
def test_mark_scans_of_ascii_text_are_the_text_marks_scan(text):
    assert _marks(segments._text_marks(text)) == _marks(segments._TEXT_MARKS.finditer(text))


@settings(max_examples=200, deadline=None)
@given(_ascii_seg_texts)
def test_keys_of_ascii_text_are_the_units_keys(text):
    assert segments.keys(text, 5, 4) == {segments.unit_key(5, u) for u in segments.units(text, 4)}


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(_seg_alphabet), max_size=80), max_size=6))
def test_batch_keys_count_each_document_once_per_key(texts):
    his = [i % 3 for i in range(len(texts))]
    keys, counts = segments.batch_keys(texts, his, 4)
    expected: dict[int, int] = {}
    for text, hi in zip(texts, his, strict=True):
        for key in {segments.unit_key(hi, u) for u in segments.units(text, 4)}:
            expected[key] = expected.get(key, 0) + 1
    assert dict(zip(keys.tolist(), counts.tolist(), strict=True)) == expected
    assert list(keys) == sorted(keys)


# Any text takes the literal-led scans of copies with the sentence marks turned into "." and the
# separators into "|": every character the branches of _TEXT_MARKS reason about, non-ASCII too
_any_seg_texts = st.lists(
    st.sampled_from(
        [*_seg_alphabet, *"AZaz)]»’", " - ", " | ", " – ", ". A", "?! x", 'ab."C', "…Б", "—.", "а"]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(_any_seg_texts)
def test_text_mark_scans_are_the_text_marks_scan(text):
    assert _marks(segments._text_marks(text)) == _marks(segments._TEXT_MARKS.finditer(text))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from([" ", "a", "\u3000", "é", "\ud800", "\n", "\U0001f600"])).map("".join)
)
def test_double_space_test_is_the_substring_test(text):
    assert segments._holds_double_space(text) == ("  " in text)


def _mark_rows(found):
    """(start, end, start of the trailing spaces or -1, is a separator) of each match."""
    return [
        (m.start(), m.end(), m.start(2) if m.lastindex == 2 else -1, m.lastindex is None)
        for m in found
    ]


@settings(max_examples=400, deadline=None)
@given(_any_seg_texts)
def test_mark_table_reads_the_text_marks_scan(text):
    table = segments._mark_table(text)
    got = list(zip(*(column.tolist() for column in table), strict=True))
    assert got == _mark_rows(segments._TEXT_MARKS.finditer(text))


# lines long enough to be cut, dense in separators with spaces and tabs on either side, sentence
# ends glued and spaced, and white space that makes a key fold
_cut_lines = st.lists(
    st.lists(
        st.sampled_from(
            [
                *"ab xy U.S|-”\"'.!?\tXy3AZ)»’–•…\xa0",
                " - ",
                " | ",
                " \t| ",
                "|\t ",
                " – ",
                ". A",
                "?! x",
                'ab."C',
                "  ",
                "\t",
                "word ",
                "ab.Cd",
            ]
        ),
        max_size=14,
    ).map("".join),
    max_size=6,
).map("\n".join)


@settings(max_examples=400, deadline=None)
@given(_cut_lines, st.booleans())
def test_segment_pieces_are_the_line_by_line_segments(text, lowered):
    import numpy as np

    min_line = 8
    lines = text.split("\n")
    source = text.lower() if lowered else text  # every character here lower-cases one for one
    line_len = np.array([len(line) for line in lines], np.int64)
    line_start = np.zeros(len(lines), np.int64)
    np.cumsum(line_len[:-1] + 1, out=line_start[1:])
    has_letter = np.array([bool(segments._LETTER.search(line)) for line in lines], bool)
    pieces, starts = segments._segment_pieces(
        text, source, line_start, line_len, has_letter, min_line
    )
    expected = []
    for line, cut, start in zip(lines, source.split("\n"), line_start.tolist(), strict=True):
        if len(line) >= min_line and segments._LETTER.search(line):
            spans = segments.segment_spans(line)  # marks read on the text, pieces cut from source
            if len(spans) > 1:
                expected += [(cut[s:e], start) for s, e in spans]
    # each piece is the segment's text; its start lies on the segment's line
    line_of = np.searchsorted(line_start, starts, "right") - 1
    assert pieces == [piece for piece, _ in expected]
    assert line_start[line_of].tolist() == [start for _, start in expected]
