"""The block classifier: a one-hidden-layer perceptron over the signals of
:mod:`tamis.extract.blocks`, evaluated with numpy (no learning library at run time).

Its weights live in :mod:`tamis.extract.weights`, written by ``bench/bench_extract.py train``
from one fixed half of the WCXB development split (the other half is held out to check that the
model generalises). Two models exist: ``auto`` uses trafilatura's verdicts among its signals,
``fast`` does without trafilatura (resiliparse and page structure only).
"""

from __future__ import annotations

from functools import cache

import numpy as np

from tamis.extract.blocks import FEATURES


class BlockModel:
    def __init__(self, params: dict) -> None:
        if tuple(params["features"]) != FEATURES:
            raise ValueError("block model was trained on other features; retrain it")
        self.mean = np.asarray(params["mean"], dtype=np.float32)
        self.scale = np.asarray(params["scale"], dtype=np.float32)
        self.layers = [
            (np.asarray(w, dtype=np.float32), np.asarray(b, dtype=np.float32))
            for w, b in params["layers"]
        ]
        self.threshold = float(params["threshold"])
        self.uses_trafilatura = bool(params["uses_trafilatura"])

    def keep_probability(self, features: np.ndarray) -> np.ndarray:
        if not len(features):
            return np.zeros(0, dtype=np.float32)
        h = (features - self.mean) / self.scale
        for i, (w, b) in enumerate(self.layers):
            h = h @ w + b
            if i < len(self.layers) - 1:
                h = np.maximum(h, 0.0)
        return 1.0 / (1.0 + np.exp(-h[:, 0]))


@cache
def load_model(name: str) -> BlockModel:
    from tamis.extract import weights

    try:
        params = weights.MODELS[name]
    except KeyError:
        raise KeyError(f"no block model {name!r}; have {sorted(weights.MODELS)}") from None
    return BlockModel(params)
