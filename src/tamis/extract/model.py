"""The block classifier, evaluated with numpy (no learning library at run time).

Two kinds of model can be stored: ``trees`` (gradient-boosted trees, the ``auto`` model) and
``mlp`` (a one-hidden-layer perceptron). Trees suit these signals better: most are flags and
shares whose effect depends on a few others (a link list inside a ``post`` container is content,
inside a ``sidebar`` it is not), which trees split on directly; on held-out pages they scored
higher than the perceptron with the same inputs.

The weights live in :mod:`tamis.extract.weights`, written by ``bench/bench_extract.py train``
from one fixed half of the WCXB development split (the other half is held out to check that the
model generalises). ``auto`` uses trafilatura's verdicts among its signals, ``fast`` does
without trafilatura (resiliparse and page structure only).
"""

from __future__ import annotations

from functools import cache

import numpy as np

from tamis.extract.blocks import FEATURES


class BlockModel:
    def __init__(self, params: dict) -> None:
        if tuple(params["features"]) != FEATURES:
            raise ValueError("block model was trained on other features; retrain it")
        self.threshold = float(params["threshold"])
        self.uses_trafilatura = bool(params["uses_trafilatura"])
        self.kind = params.get("kind", "mlp")
        if self.kind == "trees":
            trees = params["trees"]
            width = max(len(t["feature"]) for t in trees)

            def padded(key: str, dtype: type) -> np.ndarray:
                out = np.zeros((len(trees), width), dtype=dtype)
                for i, tree in enumerate(trees):
                    out[i, : len(tree[key])] = tree[key]
                return out

            self.feature = padded("feature", np.int64)
            self.cut = padded("threshold", np.float64)
            self.left = padded("left", np.int64)
            self.right = padded("right", np.int64)
            self.leaf = padded("leaf", bool)
            self.value = padded("value", np.float64)
            self.depth = int(params["depth"])
            self.baseline = float(params["baseline"])
        else:
            self.mean = np.asarray(params["mean"], dtype=np.float32)
            self.scale = np.asarray(params["scale"], dtype=np.float32)
            self.layers = [
                (np.asarray(w, dtype=np.float32), np.asarray(b, dtype=np.float32))
                for w, b in params["layers"]
            ]

    def keep_probability(self, features: np.ndarray) -> np.ndarray:
        if not len(features):
            return np.zeros(0, dtype=np.float32)
        raw = self._trees(features) if self.kind == "trees" else self._mlp(features)
        return 1.0 / (1.0 + np.exp(-raw))

    def _trees(self, x: np.ndarray) -> np.ndarray:
        """All trees at once: every (block, tree) pair walks one level per step; a pair that
        reached a leaf stays there (its own index), so ``depth`` steps finish every walk."""
        rows = np.arange(len(x))[:, None]
        trees = np.arange(len(self.feature))[None, :]
        node = np.zeros((len(x), len(self.feature)), dtype=np.int64)
        for _ in range(self.depth):
            feature = self.feature[trees, node]
            go_left = x[rows, feature] <= self.cut[trees, node]
            step = np.where(go_left, self.left[trees, node], self.right[trees, node])
            node = np.where(self.leaf[trees, node], node, step)
        return self.baseline + self.value[trees, node].sum(axis=1)

    def _mlp(self, features: np.ndarray) -> np.ndarray:
        h = (features - self.mean) / self.scale
        for i, (w, b) in enumerate(self.layers):
            h = h @ w + b
            if i < len(self.layers) - 1:
                h = np.maximum(h, 0.0)
        return h[:, 0]


@cache
def load_model(name: str) -> BlockModel:
    from tamis.extract import weights

    try:
        params = weights.MODELS[name]
    except KeyError:
        raise KeyError(f"no block model {name!r}; have {sorted(weights.MODELS)}") from None
    return BlockModel(params)
