"""Hybrid retrieval over one or more collections: BM25 + dense, fused, then the graph.

For each query:
1. BM25 and dense each return their ``fusion.candidates`` best documents;
2. ``hybrid`` fuses them with the configured fusion (``rrf`` is also kept, as the baseline),
   with weights that move towards BM25 as the query's share of identifier words grows;
3. ``graph`` seeds personalised PageRank with the top hybrid hits and the query's entities,
   reads the mass that lands on document nodes, and fuses it with the hybrid score.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from tickets.retrieval.collection import Collection
from tickets.retrieval.embedder import Embedder
from tickets.retrieval.entities import EntityExtractor
from tickets.retrieval.fusion import fuse, query_weights
from tickets.retrieval.graph import entity_node, node_id
from tickets.retrieval.hits import Hits, top_k
from tickets.retrieval.ppr import GraphMatrix, personalised_pagerank
from tickets.retrieval.settings import FusionSettings, GraphSettings
from tickets.retrieval.text import identifier_share


@dataclass
class Retrieved:
    """Every method's ranking for one query and collection, and what each step cost."""

    lists: dict[str, Hits] = field(default_factory=dict)
    timings_ms: dict[str, float] = field(default_factory=dict)


@dataclass
class GraphContext:
    """The compiled graph plus, per collection, the graph node of each document position."""

    matrix: GraphMatrix
    extractor: EntityExtractor
    node_of: dict[str, np.ndarray]

    @classmethod
    def attach(
        cls, matrix: GraphMatrix, extractor: EntityExtractor, collections: Mapping[str, Collection]
    ) -> GraphContext:
        node_of = {
            name: np.array(
                [matrix.position.get(node_id(d.kind, d.doc_id), -1) for d in c.documents],
                dtype=np.int64,
            )
            for name, c in collections.items()
        }
        return cls(matrix, extractor, node_of)

    def doc_scores(self, name: str, nodes: np.ndarray, mass: np.ndarray) -> np.ndarray:
        """PageRank mass of each document of collection ``name`` (0 where not reached)."""
        doc_nodes = self.node_of[name]
        full = np.zeros(len(self.matrix.nodes))
        full[nodes] = mass
        return np.where(doc_nodes >= 0, full[np.maximum(doc_nodes, 0)], 0.0)


class Retriever:
    def __init__(
        self,
        collections: Mapping[str, Collection],
        embedder: Embedder,
        fusion: FusionSettings,
        graph_settings: GraphSettings,
        graph: GraphContext | None = None,
    ) -> None:
        self.collections = dict(collections)
        self.embedder = embedder
        self.fusion = fusion
        self.graph_settings = graph_settings
        self.graph = graph

    def embed_query(self, text: str) -> np.ndarray:
        return self.embedder.embed([text])[0]

    def hybrid(
        self,
        name: str,
        query: str,
        vector: np.ndarray,
        allowed: np.ndarray | None = None,
        exclude: tuple[int, ...] = (),
        title_vector: np.ndarray | None = None,
        naive_rrf: bool = True,
    ) -> Retrieved:
        """BM25, dense, naive RRF (unless ``naive_rrf`` is false: only evaluation reports it)
        and the configured fusion ("hybrid") for one collection.

        ``allowed`` (a mask) restricts candidates exactly; ``exclude`` drops a few positions
        cheaply (no full scan), e.g. the query ticket itself.
        """
        collection, out = self.collections[name], Retrieved()
        depth = self.fusion.candidates + len(exclude)
        start = time.perf_counter()
        out.lists["bm25"] = collection.lexical.search(query, depth, allowed).without(exclude)
        mid = time.perf_counter()
        dense = collection.dense.search(vector, depth, allowed, title_vector)
        out.lists["dense"] = dense.without(exclude)
        end = time.perf_counter()
        pair = {"bm25": out.lists["bm25"], "dense": out.lists["dense"]}
        if naive_rrf:
            out.lists["rrf"] = fuse(pair, "rrf", rrf_k=self.fusion.rrf_k)
        out.lists["hybrid"] = fuse(
            pair,
            self.fusion.method,
            self._weights(query),
            self.fusion.rrf_k,
            self.fusion.normalisation,
        )
        out.timings_ms.update(
            bm25=(mid - start) * 1e3,
            dense=(end - mid) * 1e3,
            fusion=(time.perf_counter() - end) * 1e3,
        )
        return out

    def _weights(self, query: str) -> dict[str, float]:
        """The fusion weights for this query (more BM25 for identifier-heavy queries)."""
        fusion = self.fusion
        share = identifier_share(query)
        return query_weights(
            fusion.weights, share, fusion.identifier_shift, fusion.identifier_floor
        )

    def walk(
        self,
        query: str,
        seed_lists: Mapping[str, Hits],
        exclude: Mapping[str, tuple[int, ...]] | None = None,
        entities: list[str] | None = None,
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """Personalised PageRank from the top hits of each collection and the query entities.

        ``exclude`` (collection → positions) cuts those documents out of the walk;
        ``entities`` are the query's, when the caller has extracted them already.
        """
        if self.graph is None:
            return None
        settings, graph = self.graph_settings, self.graph
        seeds: dict[int, float] = {}
        for name, hits in seed_lists.items():
            self._add_hit_seeds(seeds, name, hits, 1.0 - settings.entity_seed_weight)
        if entities is None:
            entities = graph.extractor.extract(query)
        positions = graph.matrix.positions([entity_node(e) for e in entities])
        share = settings.entity_seed_weight / max(len(positions), 1)
        for position in positions.tolist():
            seeds[position] = seeds.get(position, 0.0) + share
        blocked = [graph.node_of[n][list(p)] for n, p in (exclude or {}).items() if p]
        return personalised_pagerank(
            graph.matrix,
            seeds,
            damping=settings.damping,
            iterations=settings.iterations,
            hub_degree=settings.hub_degree,
            blocked=np.concatenate(blocked) if blocked else None,
        )

    def _add_hit_seeds(self, seeds: dict[int, float], name: str, hits: Hits, mass: float) -> None:
        assert self.graph is not None
        top = hits.indices[: self.graph_settings.seed_hits]
        if not len(top):
            return
        nodes = self.graph.node_of[name][top]
        weights = _positive(hits.scores[: len(top)])
        for node, weight in zip(
            nodes.tolist(), (mass * weights / weights.sum()).tolist(), strict=True
        ):
            if node >= 0:
                seeds[node] = seeds.get(node, 0.0) + weight

    def graph_hits(
        self,
        name: str,
        walk: tuple[np.ndarray, np.ndarray],
        hybrid: Hits,
        allowed: np.ndarray | None = None,
        exclude: tuple[int, ...] = (),
    ) -> Hits:
        """The hybrid ranking fused with the PageRank mass on this collection's documents."""
        assert self.graph is not None
        graph_only = self.graph_only(name, walk, allowed, exclude)
        weight = self.graph_settings.weight
        return fuse(
            {"hybrid": hybrid, "graph": graph_only},
            "score",
            {"hybrid": 1.0 - weight, "graph": weight},
            normalisation="minmax",
        )

    def graph_only(
        self,
        name: str,
        walk: tuple[np.ndarray, np.ndarray],
        allowed: np.ndarray | None = None,
        exclude: tuple[int, ...] = (),
    ) -> Hits:
        """Documents of collection ``name`` ranked by PageRank mass alone."""
        assert self.graph is not None
        scores = self.graph.doc_scores(name, *walk)
        depth = self.fusion.candidates + len(exclude)
        return top_k(scores, depth, _reached(scores, allowed)).without(exclude)


def _positive(scores: np.ndarray) -> np.ndarray:
    """Seed weights from hit scores: shifted to be positive, so any fused score works."""
    shifted = scores.astype(np.float64) - scores.min() + 1e-3
    return shifted / shifted.max()


def _reached(scores: np.ndarray, allowed: np.ndarray | None) -> np.ndarray:
    reached = scores > 0
    return reached if allowed is None else reached & allowed
