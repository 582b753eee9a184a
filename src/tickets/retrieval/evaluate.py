"""Evaluate retrieval methods on a BEIR-format set: metrics and latency per method.

Methods: ``bm25_plain`` (stemmed BM25 with plain word tokens, the usual baseline), ``bm25``
(ours: identifiers also split into parts), ``dense``, ``rrf`` (naive reciprocal rank fusion,
k=60), ``hybrid`` (the configured fusion) and ``graph`` (hybrid fused with personalised
PageRank). A method's latency
is the time of the steps it needs for one query, the query embedding included: ``hybrid`` =
embed + BM25 + dense + fusion; ``graph`` = hybrid + the PageRank walk.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from tickets.retrieval.beir import BeirQuery, BeirSet
from tickets.retrieval.collection import Collection
from tickets.retrieval.embedder import Embedder
from tickets.retrieval.entities import EntityExtractor
from tickets.retrieval.graph import GraphDocument, KnowledgeGraph
from tickets.retrieval.lexical import LexicalIndex
from tickets.retrieval.metrics import mean_metrics, rank_metrics
from tickets.retrieval.ppr import GraphMatrix
from tickets.retrieval.retriever import GraphContext, Retrieved, Retriever
from tickets.retrieval.settings import LexicalSettings, RetrievalSettings
from tickets.retrieval.static_embedder import static_of
from tickets.retrieval.text import EmptyQueryError, clean_query

EVAL_METHODS = ("bm25_plain", "bm25", "dense", "rrf", "hybrid", "graph")
COLLECTION = "doc"
DEPTH = 100


class EvaluationError(ValueError):
    """The evaluation cannot run as asked; the message says how to fix the call."""


@dataclass
class QueryOutcome:
    query: BeirQuery
    retrieved: Retrieved
    latency_ms: dict[str, float]
    doc_ids: Sequence[str]

    def ranking(self, method: str, depth: int = DEPTH) -> list[str]:
        hits = self.retrieved.lists.get(method)
        if hits is None:
            return []
        return [self.doc_ids[i] for i in hits.indices[:depth].tolist()]


def build_retriever(
    beir: BeirSet, settings: RetrievalSettings, embedder: Embedder, with_graph: bool
) -> Retriever:
    """Index the evaluation corpus: BM25, vectors and (optionally) the entity graph."""
    static = static_of(embedder)
    if static is not None and not static.fitted:
        static.fit([d.search_text for d in beir.documents])
    collection = Collection.build(
        beir.documents, embedder.embed, settings.lexical, settings.dense, embedder.dim
    )
    graph = None
    if with_graph:
        extractor = EntityExtractor()
        kg = KnowledgeGraph().add_documents(
            GraphDocument("doc", d.doc_id, tuple(extractor.extract(d.search_text)))
            for d in beir.documents
        )
        matrix = GraphMatrix.from_tables(*kg.tables())
        graph = GraphContext.attach(matrix, extractor, {COLLECTION: collection})
    return Retriever({COLLECTION: collection}, embedder, settings.fusion, settings.graph, graph)


def plain_bm25(beir: BeirSet, settings: LexicalSettings) -> LexicalIndex:
    """The baseline BM25: same k1, b, stemmer and stop words, but no identifier splitting."""
    plain = dataclasses.replace(settings, split_identifiers=False)
    return LexicalIndex(plain).fit([d.search_text for d in beir.documents])


def run_queries(
    beir: BeirSet,
    retriever: Retriever,
    query_embedder: Embedder,
    methods: Sequence[str],
    before_created: bool,
    max_query_chars: int,
    on_query: Callable[[], None] | None = None,
    plain: LexicalIndex | None = None,
) -> list[QueryOutcome]:
    collection = retriever.collections[COLLECTION]
    doc_ids = [d.doc_id for d in collection.documents]
    created = _created_array(collection) if before_created else None
    outcomes = []
    for query in beir.queries:
        allowed = _allowed(query, collection, created)
        outcome = _run_one(
            query, retriever, query_embedder, methods, allowed, max_query_chars, doc_ids
        )
        if plain is not None and outcome.retrieved.lists:
            start = time.perf_counter()
            text = clean_query(query.text, max_query_chars).text
            outcome.retrieved.lists["bm25_plain"] = plain.search(text, DEPTH, allowed)
            outcome.latency_ms["bm25_plain"] = (time.perf_counter() - start) * 1e3
        outcomes.append(outcome)
        if on_query is not None:
            on_query()
    return outcomes


def _run_one(
    query: BeirQuery,
    retriever: Retriever,
    query_embedder: Embedder,
    methods: Sequence[str],
    allowed: np.ndarray | None,
    max_query_chars: int,
    doc_ids: Sequence[str],
) -> QueryOutcome:
    try:
        text = clean_query(query.text, max_query_chars).text
    except EmptyQueryError:
        return QueryOutcome(query, Retrieved(), {m: 0.0 for m in methods}, doc_ids)
    start = time.perf_counter()
    vector = query_embedder.embed([text])[0]
    title_vector = None
    if query.title and retriever.collections[COLLECTION].dense.title is not None:
        title_vector = query_embedder.embed([query.title])[0]
    embed_ms = (time.perf_counter() - start) * 1e3
    retrieved = retriever.hybrid(COLLECTION, text, vector, allowed, title_vector=title_vector)
    t = retrieved.timings_ms
    latency = {
        "bm25": t["bm25"],
        "dense": embed_ms + t["dense"],
        "rrf": embed_ms + t["bm25"] + t["dense"] + t["fusion"],
        "hybrid": embed_ms + t["bm25"] + t["dense"] + t["fusion"],
    }
    if "graph" in methods and retriever.graph is not None:
        start = time.perf_counter()
        walk = retriever.walk(text, {COLLECTION: retrieved.lists["hybrid"]})
        assert walk is not None
        retrieved.lists["graph"] = retriever.graph_hits(
            COLLECTION, walk, retrieved.lists["hybrid"], allowed
        )
        latency["graph"] = latency["hybrid"] + (time.perf_counter() - start) * 1e3
    return QueryOutcome(query, retrieved, {m: latency.get(m, 0.0) for m in methods}, doc_ids)


def summarise(
    outcomes: Sequence[QueryOutcome], qrels: dict[str, dict[str, int]], methods: Sequence[str]
) -> dict[str, dict[str, float]]:
    """Mean metrics and p50/p95 latency per method."""
    report = {}
    for method in methods:
        rows = [rank_metrics(o.ranking(method), qrels[o.query.query_id]) for o in outcomes]
        latencies = np.array([o.latency_ms.get(method, 0.0) for o in outcomes])
        report[method] = {
            **mean_metrics(rows),
            "p50_ms": float(np.percentile(latencies, 50)) if len(latencies) else 0.0,
            "p95_ms": float(np.percentile(latencies, 95)) if len(latencies) else 0.0,
        }
    return report


def _created_array(collection: Collection) -> np.ndarray:
    stamps = [d.created_at for d in collection.documents]
    if all(s is None for s in stamps):
        raise EvaluationError(
            "--before-created needs a 'created' (or 'created_at') date on the corpus records; "
            "this corpus has none: drop --before-created"
        )
    return np.array([s.timestamp() if s is not None else np.inf for s in stamps], dtype=np.float64)


def _allowed(
    query: BeirQuery, collection: Collection, created: np.ndarray | None
) -> np.ndarray | None:
    if query.source_doc_id is None and created is None:
        return None
    allowed = np.ones(collection.size, dtype=bool)
    if query.source_doc_id is not None:
        own = collection.position(query.source_doc_id)
        if own is not None:
            allowed[own] = False
    if created is not None:
        if query.created_at is None:
            raise EvaluationError(
                f"query {query.query_id} has no created date, so --before-created cannot "
                "filter its candidates: drop --before-created or add the dates"
            )
        allowed &= created < query.created_at.timestamp()
    return allowed
