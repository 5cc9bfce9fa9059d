"""py3langid's feature walk over a text's bytes, done as a few array steps instead of a loop.

py3langid finds its byte n-gram features with a DFA (``tk_nextmove``): one Python step per
byte, most of the naive Bayes arbiter's time on the short texts it is asked about. That DFA is
an Aho-Corasick automaton: each state is a node of a trie of byte strings, and after any text
it stands at the node of the text's longest suffix found in the trie. With a trie of depth
``D``, the state after byte ``i`` is therefore the state reached from the start state by the
``D`` bytes ending at ``i`` alone, whatever came before them. :class:`WindowWalk` computes every
position's state at once that way, ``D`` array gathers over the whole text, and counts the
features in the order py3langid does (its ``Counter``, keys in order of first occurrence), so
the scores it feeds are the same numbers.

:func:`trie_depth` proves the property for a model (it checks every transition against the
Aho-Corasick construction); it reads the whole table (seconds), so it runs in the tests, and at
run time a model is recognised by :func:`fingerprint` among those proven
(:data:`PROVEN_DEPTHS`). Any other model keeps py3langid's own walk.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

#: fingerprint of a py3langid model -> the depth of its trie, proven by :func:`trie_depth`
#: (tests/test_langid_window.py checks the installed model against this table).
PROVEN_DEPTHS: dict[str, int] = {
    "104583-38346-9dd4ae29bd2bb3f4": 6,
}


def fingerprint(nextmove, rowbase, output) -> str:
    """Names a model's automaton: its state and row counts and a hash of all three tables."""
    import xxhash

    h = xxhash.xxh3_64(memoryview(nextmove).cast("B"))
    for table in (rowbase, output):
        h.update(np.asarray(table, dtype=np.int64).tobytes())
    rows = len(nextmove) >> 8
    return f"{len(rowbase)}-{rows}-{h.hexdigest()}"


class WindowWalk:
    """Feature counts of a text, as ``py3langid.langid.visit_counts`` gives them."""

    def __init__(self, nextmove, rowbase, output, depth: int) -> None:
        self._next = np.asarray(memoryview(nextmove))  # no copy of py3langid's table
        self._rowbase = np.asarray(rowbase, dtype=np.intp)
        self._output = np.asarray(output, dtype=np.intp)
        self._depth = depth

    def visits(self, data: bytes) -> Counter | None:
        """``{feature: count}`` in order of first occurrence, or None without a feature."""
        text = np.frombuffer(data, np.uint8).astype(np.intp)
        n = len(text)
        state = np.zeros(n, np.intp)
        # the oldest byte of each position's window first; a position closer to the start
        # than the window's width starts its walk later, from the start state
        for lag in range(min(self._depth, n) - 1, -1, -1):
            state[lag:] = self._next[self._rowbase[state[lag:]] + text[: n - lag]]
        found = self._output[state]
        found = found[found >= 0].tolist()
        return Counter(found) if found else None


def trie_depth(nextmove, rowbase) -> int | None:
    """The depth of the trie behind the DFA if it is an Aho-Corasick automaton, else None.

    The trie is read from the DFA by breadth-first search (a state's depth and its parent edge
    are where the search first meets it; in such an automaton every state but the start has
    exactly one parent edge from the level above). Then every transition is checked against
    the construction: from a state, a byte leads to the state's child on that byte if it has
    one, and otherwise where the byte leads from the state's failure state (its longest
    proper suffix in the trie), level by level, so each failure state is already checked.
    """
    nxt = np.asarray(memoryview(nextmove))
    base = np.asarray(rowbase, dtype=np.int64)
    n = len(base)
    table = nxt[base[:, None] + np.arange(256)]  # state x byte -> next state
    depth = np.full(n, -1, np.int64)
    parent = np.full(n, -1, np.int64)
    byte = np.full(n, -1, np.int64)
    depth[0] = 0
    levels = [np.zeros(1, np.int64)]
    while True:
        level = levels[-1]
        s, b = np.nonzero(depth[table[level]] < 0)
        reached = table[level][s, b]
        if not len(reached):
            break
        if len(np.unique(reached)) != len(reached):
            return None  # a state with two parent edges: not a trie
        depth[reached] = len(levels)
        parent[reached] = level[s]
        byte[reached] = b
        levels.append(reached.astype(np.int64))
    if (depth < 0).any():
        return None
    fail = np.zeros(n, np.int64)
    for d, level in enumerate(levels):
        row = table[level]
        if (depth[row] > d + 1).any():
            return None
        if d == 0:
            continue
        if d >= 2:
            fail[level] = table[fail[parent[level]], byte[level]]
        child = (depth[row] == d + 1) & (parent[row] == level[:, None])
        if not (row == np.where(child, row, table[fail[level]])).all():
            return None
    return len(levels) - 1
