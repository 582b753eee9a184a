"""Ranking metrics for one query; the evaluation averages them over queries.

- ``hit@k``: 1 if a relevant document is in the top k.
- ``mrr``: 1 / rank of the first relevant document in the returned list (0 if none).
- ``ndcg@10``: DCG of the graded relevance in the top 10 (gain = grade, discount log2(rank+1))
  over the ideal DCG.
- ``recall@100``: share of the relevant documents in the top 100.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

METRIC_NAMES = ("hit@1", "hit@3", "hit@10", "mrr", "ndcg@10", "recall@100")


def rank_metrics(ranked: Sequence[str], relevant: Mapping[str, int]) -> dict[str, float]:
    first = next((i for i, doc in enumerate(ranked) if doc in relevant), None)
    return {
        "hit@1": float(first is not None and first < 1),
        "hit@3": float(first is not None and first < 3),
        "hit@10": float(first is not None and first < 10),
        "mrr": 0.0 if first is None else 1.0 / (first + 1),
        "ndcg@10": ndcg(ranked[:10], relevant),
        "recall@100": sum(1 for d in ranked[:100] if d in relevant) / max(len(relevant), 1),
    }


def ndcg(ranked: Sequence[str], relevant: Mapping[str, int]) -> float:
    dcg = sum(relevant.get(doc, 0) / math.log2(i + 2) for i, doc in enumerate(ranked))
    ideal = sorted(relevant.values(), reverse=True)[: len(ranked)]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def mean_metrics(rows: Sequence[Mapping[str, float]]) -> dict[str, float]:
    if not rows:
        return {name: 0.0 for name in METRIC_NAMES}
    return {name: sum(r[name] for r in rows) / len(rows) for name in METRIC_NAMES}
