"""Which document of a duplicate cluster is kept: an explicit, deterministic ranking.

Documents are ranked once, corpus-wide, by the policy's criteria in order; a cluster keeps its
best-ranked member. Criteria: ``quality`` (higher first), ``length`` (longer first), ``order``
(earlier input position first). Input position and then uid always close the ranking, so two
documents never tie and the survivor never depends on shard count or on the order states
arrive in. Documents from a previous run's index always rank first: they were kept then, and
this run cannot remove them.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

Criterion = Literal["quality", "length", "order"]
DEFAULT_POLICY: tuple[Criterion, ...] = ("quality", "length", "order")


def rank_documents(
    policy: tuple[str, ...] | list[str],
    quality: np.ndarray,
    length: np.ndarray,
    order0: np.ndarray,
    order1: np.ndarray,
    uid: np.ndarray,
    external: np.ndarray,
) -> np.ndarray:
    """Row indices best-first (``perm``); ``perm[r]`` is the row of rank ``r``."""
    primary_first: list[np.ndarray] = [~np.asarray(external, dtype=bool)]
    for criterion in policy:
        if criterion == "quality":
            q = np.asarray(quality, dtype=np.float64)
            primary_first.append(-np.where(np.isnan(q), -np.inf, q))
        elif criterion == "length":
            primary_first.append(-np.asarray(length, dtype=np.int64))
        elif criterion == "order":
            primary_first += [np.asarray(order0), np.asarray(order1)]
        else:
            raise ValueError(
                f"unknown survivor criterion {criterion!r}; allowed: quality, length, order"
            )
    primary_first += [np.asarray(order0), np.asarray(order1), np.asarray(uid)]
    return np.lexsort(primary_first[::-1]).astype(np.int64)


def rank_of_rows(perm: np.ndarray) -> np.ndarray:
    rank = np.empty_like(perm)
    rank[perm] = np.arange(len(perm), dtype=perm.dtype)
    return rank
