"""Chinese words as ``jieba.cut`` (accurate mode, HMM on) gives them, faster.

datatrove splits Chinese with spaCy's jieba segmenter, and jieba's dictionary search and HMM are
pure Python: in tamis's three quality filters they were nearly all of the time spent on a
Chinese document. ``rjieba`` (jieba-rs, the same dictionary and HMM tables compiled) cuts a run
of Han characters to the same words many times faster, but it decides differently where Han
and other characters meet (it keeps ``50-69`` whole where jieba cuts ``50``, ``-``, ``69``, and
its idea of a Han character is wider). So jieba keeps deciding the blocks, exactly as
``jieba.cut`` does (``re_han_default`` blocks, the rest cut at whitespace into characters), and
only a block of nothing but jieba's Han characters goes to rjieba; a block that mixes in ASCII
letters, digits or ``+#&._%-`` is cut by jieba's own code. The tests hold the two equal on every
Chinese text at hand and on random mixes of their characters.

Without rjieba installed, ``jieba.cut`` itself is used.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from importlib.util import find_spec

#: jieba 0.42's blocks (``re_han_default``): the runs its dictionary search cuts.
_BLOCKS = re.compile("([\u4e00-\u9fd5a-zA-Z0-9+#&\\._%\\-]+)")
#: a block rjieba cuts as jieba does: Han characters alone (jieba's range, narrower than rjieba's)
_PURE_HAN = re.compile("[\u4e00-\u9fd5]+").fullmatch


def jieba_words() -> Callable[[str], list[str]]:
    """A function giving ``[w.strip() for w in jieba.cut(text) if w.strip()]``."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    if find_spec("rjieba") is None:
        cut = jieba.cut
        return lambda text: [s for s in map(str.strip, cut(text, cut_all=False)) if s]
    import rjieba

    jieba.initialize()
    return _hybrid(rjieba.cut, jieba.dt._Tokenizer__cut_DAG)


def _hybrid(fast_cut, jieba_block) -> Callable[[str], list[str]]:
    """Blocks as jieba finds them; pure-Han blocks cut by ``fast_cut``, the others by
    ``jieba_block`` (jieba's own accurate-mode, HMM cut of one block)."""
    split = _BLOCKS.split
    pure = _PURE_HAN

    def words(text: str) -> list[str]:
        out: list[str] = []
        extend = out.extend
        # re.split with one group alternates: text between blocks (even), blocks (odd)
        for i, piece in enumerate(split(text)):
            if not piece:
                continue
            if not i & 1:
                # jieba yields whitespace runs whole (dropped once stripped) and every other
                # character alone
                extend("".join(piece.split()))
            elif pure(piece):
                extend(fast_cut(piece, True))
            else:
                extend(jieba_block(piece))
        return out

    return words
