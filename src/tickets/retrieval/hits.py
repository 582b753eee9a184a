"""Ranked hits: document positions with scores, best first."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Hits:
    """Positions of documents in the index, and their scores, sorted by score descending."""

    indices: np.ndarray  # int64
    scores: np.ndarray  # float32/float64, same length

    def __len__(self) -> int:
        return len(self.indices)

    @classmethod
    def empty(cls) -> Hits:
        return cls(np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32))

    def without(self, positions: list[int] | tuple[int, ...]) -> Hits:
        if not positions:
            return self
        keep = ~np.isin(self.indices, positions)
        return Hits(self.indices[keep], self.scores[keep])

    def head(self, k: int) -> Hits:
        return Hits(self.indices[:k], self.scores[:k])

    def as_dict(self) -> dict[int, float]:
        return dict(zip(self.indices.tolist(), self.scores.tolist(), strict=True))


def top_k(scores: np.ndarray, k: int, allowed: np.ndarray | None = None) -> Hits:
    """The ``k`` best positions of a full score array; ``allowed`` (bool) removes the others."""
    if allowed is not None:
        scores = np.where(allowed, scores, -np.inf)
    k = min(k, int(np.isfinite(scores).sum()))
    if k <= 0:
        return Hits.empty()
    part = np.argpartition(-scores, k - 1)[:k]
    order = part[np.lexsort((part, -scores[part]))]  # ties: lower position first
    return Hits(order.astype(np.int64), scores[order])
