"""Penalised change points of a 1-d signal under an L2 (mean-shift) cost, optionally weighted.

``pelt_l2`` is PELT (Killick et al. 2012) with the segment cost from cumulative sums, one numpy
pass per time step. Unweighted, it returns the same optimal segmentation as
``ruptures.Pelt(model="l2", jump=1)`` (tests/anomaly/test_sentiment.py compares them) about a
hundred times faster, which matters with hundreds of series. With weights (tickets per day) the
cost is the ticket-level squared error, so a day of 40 tickets counts 40 times a day of one;
ruptures has no weighted L2 cost, so ``engine="ruptures"`` ignores the weights.
"""

from __future__ import annotations

import numpy as np


def _segment_costs(
    c0: np.ndarray, c1: np.ndarray, c2: np.ndarray, starts: np.ndarray, end: int
) -> np.ndarray:
    w = c0[end] - c0[starts]
    s1 = c1[end] - c1[starts]
    return (c2[end] - c2[starts]) - s1 * s1 / np.maximum(w, 1e-12)


def pelt_l2(
    signal: np.ndarray, penalty: float, min_size: int = 2, weights: np.ndarray | None = None
) -> list[int]:
    """End indices (exclusive) of the optimal segments; the last one is len(signal)."""
    x = np.asarray(signal, dtype=float)
    n = x.size
    if n < 2 * min_size:
        return [n] if n else []
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    c0 = np.concatenate([[0.0], np.cumsum(w)])
    c1 = np.concatenate([[0.0], np.cumsum(w * x)])
    c2 = np.concatenate([[0.0], np.cumsum(w * x * x)])
    best = np.full(n + 1, np.inf)
    best[0] = -penalty
    last = np.zeros(n + 1, dtype=int)
    candidates = np.array([0])
    for t in range(min_size, n + 1):
        if t - min_size >= min_size:
            candidates = np.append(candidates, t - min_size)
        usable = candidates[t - candidates >= min_size]
        totals = best[usable] + _segment_costs(c0, c1, c2, usable, t) + penalty
        i = int(np.argmin(totals))
        best[t], last[t] = totals[i], usable[i]
        keep = best[usable] + _segment_costs(c0, c1, c2, usable, t) <= best[t]
        candidates = np.concatenate([usable[keep], candidates[t - candidates < min_size]])
    ends, t = [], n
    while t > 0:
        ends.append(t)
        t = int(last[t])
    return sorted(ends)


def change_point_ends(
    signal: np.ndarray,
    penalty: float,
    min_size: int,
    engine: str = "fast",
    weights: np.ndarray | None = None,
) -> list[int]:
    if engine == "ruptures":
        import ruptures

        algo = ruptures.Pelt(model="l2", min_size=min_size, jump=1)
        return [
            int(e) for e in algo.fit(np.asarray(signal, float).reshape(-1, 1)).predict(pen=penalty)
        ]
    if engine != "fast":
        raise ValueError(
            f"anomaly.sentiment.changepoint_engine={engine!r}: choose fast or ruptures"
        )
    return pelt_l2(signal, penalty, min_size, weights)
