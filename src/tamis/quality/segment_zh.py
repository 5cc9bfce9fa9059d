"""Chinese words as ``jieba.cut`` (accurate mode, HMM on) gives them, faster.

datatrove splits Chinese with spaCy's jieba segmenter, and jieba's dictionary search and HMM are
pure Python: in tamis's three quality filters they were nearly all of the time spent on a
Chinese document. ``rjieba`` (jieba-rs, the same dictionary and HMM tables compiled) cuts a run
of Han characters to the same words many times faster, but it decides differently where Han
and other characters meet (it keeps ``50-69`` whole where jieba cuts ``50``, ``-``, ``69``, and
its idea of a Han character is wider). So jieba keeps deciding the blocks, exactly as
``jieba.cut`` does (``re_han_default`` blocks, the rest cut at whitespace into characters), and
a block goes to rjieba only when it holds nothing but jieba's Han characters, ASCII letters and
digits and ``+#&%`` (on 40,000 random mixes of those and on every such block of the Chinese
texts at hand, rjieba cut as jieba did); a block with ``.``, ``_`` or ``-`` (``live.com``,
``Wi-fi``, ``6-2``: rjieba keeps them whole) is cut by jieba's own code. The tests hold the two
equal on every Chinese text at hand and on random mixes of their characters.

Without rjieba installed, ``jieba.cut`` itself is used.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from importlib.util import find_spec

#: jieba 0.42's blocks (``re_han_default``): the runs its dictionary search cuts.
_BLOCKS = re.compile("([\u4e00-\u9fd5a-zA-Z0-9+#&\\._%\\-]+)")
#: a block rjieba cuts as jieba does: jieba's Han characters (a range narrower than rjieba's),
#: ASCII letters and digits, ``+#&%``; not ``.``, ``_`` or ``-``, around which rjieba keeps
#: ASCII words whole (``live.com``, ``Wi-fi``, ``REG_BANK``) where jieba cuts them
_RJIEBA_CUTS_AS_JIEBA = re.compile("[\u4e00-\u9fd5a-zA-Z0-9+#&%]+").fullmatch


def jieba_words() -> Callable[[str], list[str]]:
    """A function giving ``[w.strip() for w in jieba.cut(text) if w.strip()]``."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    # jieba's cut of one block (accurate mode, HMM), private: another jieba may not have it
    jieba_block = getattr(jieba.dt, "_Tokenizer__cut_DAG", None)
    if find_spec("rjieba") is None or jieba_block is None:
        cut = jieba.cut
        return lambda text: [s for s in map(str.strip, cut(text, cut_all=False)) if s]
    import rjieba

    jieba.initialize()
    return _hybrid(rjieba.cut, jieba_block)


def _hybrid(fast_cut, jieba_block) -> Callable[[str], list[str]]:
    """Blocks as jieba finds them; those ``fast_cut`` cuts as jieba does go to it, the others
    to ``jieba_block`` (jieba's own accurate-mode, HMM cut of one block)."""
    split = _BLOCKS.split
    same = _RJIEBA_CUTS_AS_JIEBA

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
            elif same(piece):
                extend(fast_cut(piece, True))
            else:
                extend(jieba_block(piece))
        return out

    return words
