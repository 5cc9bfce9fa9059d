"""Hard-wrap joins for a batch of documents at once: :func:`tamis.clean.rules.hard_wraps`
without a Python step per line.

Newswire stories are wrapped at about 70 columns, so ``hard_wraps`` tests some twenty lines per
story and joins about nine; per story that is a few microseconds of list building and a Python
loop over the lines. Here the batch is read as one array of code points: line lengths, each
document's width, the width test and the line-end and line-start tests are numpy operations
over all lines of all documents, and Python only builds the replacements. A chunk of documents
with a non-ASCII character is read document by document (a code-point array of wide text costs
more than the per-line loop it saves on pages that are rarely wrapped). A document the array
tests cannot settle exactly (a tab, or a run of three spaces that does not indent a line) is
handed to ``hard_wraps`` itself, and a next line that may open a numbered or lettered list meets
``hard_wraps``'s own list pattern, so every document gets exactly the joins ``hard_wraps``
gives it.
"""

from __future__ import annotations

from tamis.clean import rules
from tamis.document import Replacement

#: documents per array pass: the arrays of a few hundred stories stay in the processor's cache
CHUNK = 256
#: below this many documents the per-line loop is quicker (the array pass has a fixed cost of
#: about 100 microseconds; one story's loop costs about 12)
MIN_ARRAY_DOCS = 16

_tuple_new = tuple.__new__


def hard_wraps_batch(
    texts: list[str], min_width: int = 50, max_width: int = 100
) -> list[list[Replacement]]:
    """``[rules.hard_wraps(t, min_width, max_width) for t in texts]``, the same replacements."""
    out: list[list[Replacement]] = []
    for start in range(0, len(texts), CHUNK):
        chunk = texts[start : start + CHUNK]
        if len(chunk) < MIN_ARRAY_DOCS:
            out += [rules.hard_wraps(text, min_width, max_width) for text in chunk]
        else:
            out += array_chunk(chunk, min_width, max_width)
    return out


def array_chunk(texts: list[str], min_width: int, max_width: int) -> list[list[Replacement]]:
    """:func:`hard_wraps_batch` for one chunk, read as one array (whatever its size)."""
    import numpy as np

    n_docs = len(texts)
    big = "\n".join(texts)
    if not big.isascii():
        # a wide array costs more than it saves: web pages, long lines, few of them wrapped
        return [rules.hard_wraps(text, min_width, max_width) for text in texts]
    out: list[list[Replacement]] = [[] for _ in range(n_docs)]
    codes = np.frombuffer(big.encode("ascii"), np.uint8)
    breaks = np.flatnonzero(codes == 10)
    starts = np.concatenate(([0], breaks + 1))
    ends = np.append(breaks, len(codes))
    lengths = ends - starts
    # document d starts after the line break the join put before it; its lines are
    # first[d] .. first[d + 1] - 1
    doc_start = np.zeros(n_docs, np.int64)
    np.cumsum(np.fromiter(map(len, texts), np.int64, n_docs)[:-1] + 1, out=doc_start[1:])
    first = np.append(np.searchsorted(breaks, doc_start), len(starts))
    line_counts = np.diff(first)
    doc_of_line = np.repeat(np.arange(n_docs), line_counts)
    width = np.maximum.reduceat(lengths, first[:-1])
    near_full = np.add.reduceat(lengths >= (width - 15)[doc_of_line], first[:-1])
    filled = np.add.reduceat(lengths > 0, first[:-1])
    doc_ok = (
        (line_counts >= 3)
        & (width >= min_width)
        & (width <= max_width)
        & (near_full >= 3)
        & (near_full * 3 >= filled)
    )
    if not doc_ok.any():
        return out
    # A document with a tab, or a run of three spaces that does not open a line, may hold a
    # table row: read by hard_wraps itself. (A run's first three spaces follow a character
    # that is not a space; elsewhere every "   " of a line lies in its indentation, which
    # str.strip removes, and the next line of a join opens with no space.)
    space = codes == 32
    triple = np.flatnonzero(space[:-2] & space[1:-1] & space[2:])
    before = codes[np.maximum(triple - 1, 0)]
    inner = triple[(triple > 0) & (before != 32) & (before != 10)]
    table_doc = np.zeros(n_docs, bool)
    table_doc[np.searchsorted(doc_start, inner, "right") - 1] = True
    table_doc[np.searchsorted(doc_start, np.flatnonzero(codes == 9), "right") - 1] = True
    for d in np.flatnonzero(doc_ok & table_doc).tolist():
        out[d] = rules.hard_wraps(texts[d], min_width, max_width)
    fast = doc_ok & ~table_doc
    # line i may break onto line i + 1: both in one fast document, line i near the width,
    # line i + 1 not blank and not indented
    line_w = width[doc_of_line]
    i = np.flatnonzero(
        fast[doc_of_line[:-1]]
        & (doc_of_line[:-1] == doc_of_line[1:])
        & (lengths[:-1] >= line_w[:-1] - 24)
        & (lengths[1:] > 0)
    )
    opener = codes[starts[i + 1]]
    i = i[(opener != 32) & (opener != 9)]
    nxt = i + 1
    # the next line's first word would not have fit: up to its first space, or the whole line
    spaces = np.append(np.flatnonzero(space), len(codes))
    word = np.minimum(spaces[np.searchsorted(spaces, starts[nxt])], ends[nxt]) - starts[nxt]
    keep = lengths[i] + 1 + word > line_w[i]
    # the line ends on a letter, a digit or a closing mark
    keep &= _END_TABLE()[codes[ends[i] - 1]]
    i, nxt = i[keep], nxt[keep]
    # the next line opens no list: a list mark never, a digit or a second "." / ")" only
    # when the list pattern says so
    opener = codes[starts[nxt]]
    second = codes[np.minimum(starts[nxt] + 1, len(codes) - 1)]
    second[lengths[nxt] < 2] = 0
    keep = ~_MARK_TABLE()[opener]
    unsure = keep & (_DIGIT_TABLE()[opener] | (second == 46) | (second == 41))
    for k in np.flatnonzero(unsure).tolist():
        line = int(nxt[k])
        if rules._LIST_START.match(big, int(starts[line]), int(ends[line])):
            keep[k] = False
    i = i[keep]
    if not len(i):
        return out
    # the joins, in document coordinates, grouped by document
    doc = doc_of_line[i]
    at = (ends[i] - doc_start[doc]).tolist()
    bounds = np.searchsorted(doc, np.arange(n_docs + 1)).tolist()
    widths = width.tolist()
    for d in np.unique(doc).tolist():
        reason = f"line wrapped at {widths[d]} columns"
        out[d] = [
            _tuple_new(Replacement, (p, p + 1, " ", "hard_wrap", reason))
            for p in at[bounds[d] : bounds[d + 1]]
        ]
    return out


def _ascii_table(test):
    """A lookup table: ``table[c]`` is ``test(chr(c))`` for each ASCII code ``c``."""
    import numpy as np

    table = None

    def get():
        nonlocal table
        if table is None:
            table = np.array([test(chr(c)) for c in range(128)], dtype=bool)
        return table

    return get


_END_TABLE = _ascii_table(lambda ch: ch.isalnum() or ch in rules._WRAP_END)
_MARK_TABLE = _ascii_table(rules._LIST_MARKS.__contains__)
_DIGIT_TABLE = _ascii_table(str.isdigit)
