"""Union-find: same components as a plain graph search, and the smallest node is the root."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from tamis.dedup.unionfind import UnionFind


def _components_by_search(n: int, edges: list[tuple[int, int]]) -> set[frozenset[int]]:
    adj: dict[int, set[int]] = {i: set() for i in range(n)}
    for a, b in edges:
        adj[a].add(b)
        adj[b].add(a)
    seen: set[int] = set()
    out = set()
    for start in range(n):
        if start in seen:
            continue
        stack, comp = [start], set()
        while stack:
            x = stack.pop()
            if x in comp:
                continue
            comp.add(x)
            stack.extend(adj[x] - comp)
        seen |= comp
        if len(comp) > 1:
            out.add(frozenset(comp))
    return out


@given(
    st.integers(2, 40).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=60),
        )
    )
)
def test_components_match_graph_search(case: tuple[int, list[tuple[int, int]]]) -> None:
    n, edges = case
    uf = UnionFind(n)
    if edges:
        uf.union_many(np.array([a for a, _ in edges]), np.array([b for _, b in edges]))
    got = {frozenset(c.tolist()) for c in uf.components()}
    assert got == {c for c in _components_by_search(n, edges) if len(c) > 1}
    roots = uf.roots()
    for comp in got:
        assert {int(roots[x]) for x in comp} == {min(comp)}


@given(st.lists(st.tuples(st.integers(0, 19), st.integers(0, 19)), max_size=40), st.randoms())
def test_edge_order_does_not_change_roots(edges: list[tuple[int, int]], rnd) -> None:
    shuffled = list(edges)
    rnd.shuffle(shuffled)
    a, b = UnionFind(20), UnionFind(20)
    for x, y in edges:
        a.union(x, y)
    for x, y in shuffled:
        b.union(y, x)
    assert np.array_equal(a.roots(), b.roots())
