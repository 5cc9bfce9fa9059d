"""LSH banding: how many bands of how many rows, derived from a target similarity.

A pair whose true Jaccard similarity is ``s`` shares at least one band with probability
``1 - (1 - s**rows) ** bands`` (the S-curve). tamis verifies every candidate pair before it
joins a cluster, so a band layout that over-generates candidates costs only CPU, never
precision. That is why the layout is chosen for recall: the fewest candidates among layouts
that still catch ``target_recall`` of the pairs sitting exactly at the verification cut.
datatrove's fixed 14 x 8 (112 hashes) catches only ~77% of pairs at 0.75 similarity.
"""

from __future__ import annotations

import math
import sys


def catch_probability(similarity: float, bands: int, rows: int) -> float:
    return 1.0 - (1.0 - similarity**rows) ** bands


def estimate_stderr(similarity: float, num_perm: int) -> float:
    """Standard error of the signature-agreement estimate of a Jaccard similarity."""
    return math.sqrt(max(similarity * (1.0 - similarity), 0.0) / num_perm)


def verification_cut(threshold: float, num_perm: int, slack: float) -> float:
    """Lowest signature agreement accepted as "at least ``threshold``" (slack in std errors)."""
    return max(0.0, threshold - slack * estimate_stderr(threshold, num_perm))


def _false_candidate_area(cut: float, bands: int, rows: int, steps: int = 200) -> float:
    """Integral of the catch probability below the cut (how many useless candidates)."""
    width = cut / steps
    return sum(catch_probability((i + 0.5) * width, bands, rows) for i in range(steps)) * width


def choose_bands(
    threshold: float, num_perm: int, slack: float = 2.0, target_recall: float = 0.99
) -> tuple[int, int]:
    """(bands, rows) with bands * rows <= num_perm, chosen as the module docstring says."""
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    cut = verification_cut(threshold, num_perm, slack)
    best: tuple[float, int, int] | None = None
    fallback: tuple[float, int, int] | None = None
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        p = catch_probability(cut, bands, rows)
        if p >= target_recall:
            cost = _false_candidate_area(cut, bands, rows)
            if best is None or cost < best[0]:
                best = (cost, bands, rows)
        if fallback is None or p > fallback[0]:
            fallback = (p, bands, rows)
    chosen = best or fallback
    assert chosen is not None
    return chosen[1], chosen[2]


def s_curve(bands: int, rows: int, steps: int = 20) -> list[tuple[float, float]]:
    return [(i / steps, catch_probability(i / steps, bands, rows)) for i in range(steps + 1)]


def format_s_curve(bands: int, rows: int, steps: int = 20, width: int = 50) -> str:
    lines = [f"LSH {bands} bands x {rows} rows: P(candidate) by Jaccard similarity"]
    for s, p in s_curve(bands, rows, steps):
        lines.append(f"  {s:4.2f}  {p:6.4f}  {'#' * round(p * width)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """``python -m tamis.dedup.lsh THRESHOLD [NUM_PERM [SLACK]]`` prints the chosen S-curve."""
    args = sys.argv[1:] if argv is None else argv
    threshold = float(args[0]) if args else 0.75
    num_perm = int(args[1]) if len(args) > 1 else 112
    slack = float(args[2]) if len(args) > 2 else 2.0
    bands, rows = choose_bands(threshold, num_perm, slack)
    cut = verification_cut(threshold, num_perm, slack)
    print(f"threshold {threshold}, {num_perm} hashes, verification cut {cut:.3f}")
    print(format_s_curve(bands, rows))


if __name__ == "__main__":
    main()
