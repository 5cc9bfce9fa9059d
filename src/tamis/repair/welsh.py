"""Whether text reads as Welsh, where a lone ``â`` between spaces is a word, not a lost dash.

Welsh "â" ("with", "as") stands between spaces just where a dash whose C1 bytes were stripped
would (``word â word``). A cheap, generic test tells the two apart: the share of words that are
Welsh function words or carry the letter pairs ``dd`` and ``wy``, which other languages written
in Latin-1 rarely use. On the lingua sentences, each of the 34 Welsh sentences holding " â "
scores 0.17 or more (971 of the 1,000 Welsh sentences reach the threshold), while of 1,000
sentences each in English, French, German, Spanish, Portuguese and Italian only 4 reach it
(highest 0.20). The threshold sits below the Welsh side of that gap: the cost of a miss is a
dash left unrepaired, never a Welsh word replaced. A line of fewer than eight words is judged
with the text around it, and text of fewer than eight words in all counts as possibly Welsh:
too little to tell.
"""

from __future__ import annotations

import re

THRESHOLD = 0.12
# Lines with fewer words than this are judged with the text around them.
MIN_WORDS = 8
AROUND = 1000

_FUNCTION_WORDS = frozenset(
    "yr yn mae ac ei eu wedi gan fel hefyd ond gyda sy sydd bod hwn hyn hon pan dros rhwng "
    "oedd roedd ag nhw mewn gyfer ym yng fod yw ddim bydd cael gael hynny trwy drwy wrth neu "
    "ar".split()
)
_WORD_RE = re.compile(r"[^\W\d_]+")


def welsh_share(text: str) -> tuple[float, int]:
    """(share of Welsh-looking words, number of words) in ``text``; ``â`` itself is not counted."""
    words = [w.lower() for w in _WORD_RE.findall(text) if w != "â"]
    if not words:
        return 0.0, 0
    welsh = sum(1 for w in words if w in _FUNCTION_WORDS or "dd" in w or "wy" in w)
    return welsh / len(words), len(words)


def welsh_like(text: str, start: int, end: int) -> bool:
    """Whether the line ``text[start:end]`` (or, if it is short, the text around it) may be
    Welsh: it reads as Welsh, or there are too few words to tell (``Cyfarfu â Thomas.``)."""
    share, words = welsh_share(text[start:end])
    if words < MIN_WORDS:
        share, words = welsh_share(text[max(0, start - AROUND) : end + AROUND])
    return words < MIN_WORDS or share >= THRESHOLD
