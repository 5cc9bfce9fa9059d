"""The block classifier, evaluated with numpy (no learning library at run time).

Two kinds of model can be stored: ``trees`` (gradient-boosted trees, the ``auto`` model) and
``mlp`` (a one-hidden-layer perceptron). Trees suit these signals better: most are flags and
shares whose effect depends on a few others (a link list inside a ``post`` container is content,
inside a ``sidebar`` it is not), which trees split on directly; on held-out pages they scored
higher than the perceptron with the same inputs.

A model may carry a :class:`~tamis.extract.lexicon.Lexicon`: its score of each block's words
is then the last signal column, computed here so that the block signals stay free of any model.

The weights live in :mod:`tamis.extract.weights`, written by ``bench/bench_extract.py train``
from one fixed half of the WCXB development split (the other half is held out to check that the
model generalises). ``auto`` uses trafilatura's verdicts among its signals, ``fast`` does
without trafilatura (resiliparse and page structure only).
"""

from __future__ import annotations

from functools import cache

import numpy as np

from tamis.extract.blocks import FEATURES
from tamis.extract.lexicon import Lexicon

#: the column the lexicon's score takes after the block signals, in a model that has one
WORD_SCORE = "word_score"


class BlockModel:
    def __init__(self, params: dict) -> None:
        self.lexicon = Lexicon(params["lexicon"]) if "lexicon" in params else None
        expected = (*FEATURES, WORD_SCORE) if self.lexicon else FEATURES
        if tuple(params["features"]) != expected:
            raise ValueError("block model was trained on other features; retrain it")
        self.threshold = float(params["threshold"])
        self.uses_trafilatura = bool(params["uses_trafilatura"])
        self.kind = params.get("kind", "mlp")
        if self.kind == "trees":
            # all trees in one flat node table; a leaf's children are itself, so a walk that
            # reached its leaf stays there and every walk is done after ``depth`` steps
            trees = params["trees"]
            offsets = np.cumsum([0] + [len(t["feature"]) for t in trees])
            self.roots = offsets[:-1].astype(np.int64)
            own = np.arange(offsets[-1], dtype=np.int64)
            leaf = np.concatenate([t["leaf"] for t in trees]).astype(bool)
            left = np.concatenate(
                [np.asarray(t["left"]) + o for t, o in zip(trees, self.roots, strict=True)]
            )
            right = np.concatenate(
                [np.asarray(t["right"]) + o for t, o in zip(trees, self.roots, strict=True)]
            )
            self.left = np.where(leaf, own, left).astype(np.int64)
            self.right = np.where(leaf, own, right).astype(np.int64)
            self.feature = np.concatenate([t["feature"] for t in trees]).astype(np.int64)
            self.cut = np.concatenate([t["threshold"] for t in trees]).astype(np.float64)
            self.value = np.concatenate([t["value"] for t in trees]).astype(np.float64)
            self.depth = int(params["depth"])
            self.baseline = float(params["baseline"])
        else:
            self.mean = np.asarray(params["mean"], dtype=np.float32)
            self.scale = np.asarray(params["scale"], dtype=np.float32)
            self.layers = [
                (np.asarray(w, dtype=np.float32), np.asarray(b, dtype=np.float32))
                for w, b in params["layers"]
            ]

    def keep_probability(self, features: np.ndarray, norms: list[str] | None = None) -> np.ndarray:
        """Each block's probability of being content; ``norms`` (the blocks' normalised text)
        are needed when the model has a lexicon."""
        if not len(features):
            return np.zeros(0, dtype=np.float32)
        if self.lexicon is not None:
            if norms is None:
                raise ValueError("this block model scores the blocks' words; pass their norms")
            features = np.column_stack([features, self.lexicon.scores(norms)])
        return self.probability(features)

    def probability(self, x: np.ndarray) -> np.ndarray:
        """The model on a full signal matrix (the word score already in its column)."""
        raw = self._trees(x) if self.kind == "trees" else self._mlp(x)
        return 1.0 / (1.0 + np.exp(-raw))

    def _trees(self, x: np.ndarray) -> np.ndarray:
        """All (block, tree) pairs walk one level per step, with one gather per table."""
        x = np.ascontiguousarray(x, dtype=np.float64)
        n_features = x.shape[1]
        base = (np.arange(len(x), dtype=np.int64) * n_features)[:, None]
        flat = x.ravel()
        node = np.broadcast_to(self.roots, (len(x), len(self.roots)))
        for _ in range(self.depth):
            go_left = flat[base + self.feature[node]] <= self.cut[node]
            node = np.where(go_left, self.left[node], self.right[node])
        return self.baseline + self.value[node].sum(axis=1)

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
