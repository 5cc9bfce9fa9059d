"""Union-find over integer nodes where the smaller node always becomes the root.

Nodes are survivor-policy ranks (0 is the best document), so the root of every component is
its best document: the survivor falls out of the structure itself and does not depend on the
order in which edges were added.
"""

from __future__ import annotations

import numpy as np


class UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = np.arange(n, dtype=np.int64)

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return int(root)

    def union(self, a: int, b: int) -> int:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        lo, hi = (ra, rb) if ra < rb else (rb, ra)
        self.parent[hi] = lo
        return lo

    def union_many(self, a: np.ndarray, b: np.ndarray) -> None:
        for x, y in zip(a.tolist(), b.tolist(), strict=True):
            self.union(x, y)

    def roots(self) -> np.ndarray:
        """The root of every node (fully compressed, vectorised)."""
        parent = self.parent
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                return parent.copy()
            parent = grand

    def components(self) -> list[np.ndarray]:
        """Components of two or more nodes, each sorted, listed by their root."""
        roots = self.roots()
        order = np.argsort(roots, kind="stable")
        sorted_roots = roots[order]
        change = np.flatnonzero(sorted_roots[1:] != sorted_roots[:-1]) + 1
        groups = np.split(order, change)
        return [g for g in groups if len(g) > 1]
