"""Hybrid retrieval: BM25, dense vectors and a knowledge graph, fused; cited answers.

Entry points (each module has one job; heavy libraries load on first use):
- ``builder.build_index``: corpus → index folder (``store`` opens it: ``load_index``);
- ``recommender.Recommender``: similar tickets, KB articles, the cited answer, its confidence;
- ``evaluate`` / ``generated_eval``: BEIR-format sets and generated warehouses;
- ``failures.append_failure``: the retrieval-failure log the anomaly detector reads.
"""

from tickets.retrieval.settings import RetrievalSettings

__all__ = ["RetrievalSettings"]
