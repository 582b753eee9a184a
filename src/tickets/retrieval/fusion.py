"""Fuse ranked lists from several retrievers into one ranking.

- ``rrf``: reciprocal rank fusion, sum of 1 / (k + rank); weights all 1.
- ``weighted_rrf``: the same with a weight per retriever.
- ``score``: normalise each list's scores per query (min-max, z-score, or theoretical min-max
  with the retriever's known floor), then take the weighted sum. A document missing from a list
  gets the list's floor: 0 for min-max and theoretical min-max, the lowest z-score for z-scores.

The weights can follow the query (``query_weights``): the more of its words are identifiers
(class names, config keys, issue keys), the more weight moves from dense to BM25.

Which one is the default was chosen by evaluation (docs/evaluation.md), not by taste.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from tickets.retrieval.hits import Hits

FUSION_METHODS = ("rrf", "weighted_rrf", "score")
NORMALISATIONS = ("minmax", "zscore", "tmm")
# the floor of each retriever's score, for theoretical min-max normalisation: BM25 and PageRank
# mass start at 0; MiniLM cosines of unrelated texts sit near 0 (negative ones are rare)
SCORE_FLOOR = {"bm25": 0.0, "dense": 0.0, "graph": 0.0}


def fuse(
    lists: Mapping[str, Hits],
    method: str,
    weights: Mapping[str, float] | None = None,
    rrf_k: int = 60,
    normalisation: str | Mapping[str, str] = "minmax",
) -> Hits:
    """One ranking from several; documents are positions in the same index.

    ``normalisation`` is one name for every list, or one per retriever name.
    """
    if method not in FUSION_METHODS:
        raise ValueError(f"unknown fusion method {method!r}; choose one of {FUSION_METHODS}")
    present = {name: hits for name, hits in lists.items() if len(hits)}
    if not present:
        return Hits.empty()
    if method == "score":
        contributions = {
            name: _normalise(hits.scores, _kind(normalisation, name), SCORE_FLOOR.get(name, 0.0))
            for name, hits in present.items()
        }
    else:
        contributions = {
            name: (1.0 / (rrf_k + np.arange(1, len(hits) + 1)), 0.0)
            for name, hits in present.items()
        }
    return _weighted_sum(present, contributions, None if method == "rrf" else weights)


def query_weights(
    weights: Mapping[str, float], identifier_share: float, shift: float, floor: float
) -> dict[str, float]:
    """Per-query weights: ``shift × identifier_share`` of the dense weight moves to BM25.

    The dense weight never drops below ``floor`` (nor rises); the sum is unchanged, so
    ``shift = 0`` gives ``weights`` back.
    """
    adapted = dict(weights)
    dense = adapted.get("dense", 0.0)
    moved = min(shift * identifier_share, max(dense - floor, 0.0))
    adapted["dense"] = dense - moved
    adapted["bm25"] = adapted.get("bm25", 0.0) + moved
    return adapted


def _weighted_sum(
    lists: Mapping[str, Hits],
    contributions: Mapping[str, tuple[np.ndarray, float]],
    weights: Mapping[str, float] | None,
) -> Hits:
    docs = np.unique(np.concatenate([hits.indices for hits in lists.values()]))
    total = np.zeros(len(docs), dtype=np.float64)
    for name, hits in lists.items():
        weight = 1.0 if weights is None else float(weights.get(name, 0.0))
        if weight == 0.0:
            continue
        values, missing = contributions[name]
        column = np.full(len(docs), missing)
        column[np.searchsorted(docs, hits.indices)] = values
        total += weight * column
    order = np.lexsort((docs, -total))
    return Hits(docs[order], total[order])


def _kind(normalisation: str | Mapping[str, str], name: str) -> str:
    if isinstance(normalisation, str):
        return normalisation
    return normalisation.get(name, "minmax")


def _normalise(scores: np.ndarray, normalisation: str, floor: float) -> tuple[np.ndarray, float]:
    """Normalised scores, and the value a document missing from the list gets."""
    scores = scores.astype(np.float64)
    top = scores.max()
    if normalisation == "minmax":
        low = scores.min()
        return ((scores - low) / (top - low) if top > low else np.ones_like(scores)), 0.0
    if normalisation == "zscore":
        spread = scores.std()
        if spread == 0:
            return np.zeros_like(scores), -1.0
        z = (scores - scores.mean()) / spread
        return z, float(z.min())
    if normalisation == "tmm":
        return ((scores - floor) / (top - floor) if top > floor else np.ones_like(scores)), 0.0
    raise ValueError(f"unknown normalisation {normalisation!r}; choose one of {NORMALISATIONS}")
