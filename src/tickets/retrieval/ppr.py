"""Personalised PageRank (HippoRAG-style) on the knowledge graph, compiled to a sparse matrix.

Running PageRank over a 100k-ticket graph per query would cost far more than the 50 ms budget,
so each query runs it on a local neighbourhood: the seed nodes and everything within ``hops``
edges of them, where hub nodes (products, issues, common entities: degree above
``hub_degree``) are reached but not expanded. On a graph small enough to fit in the
neighbourhood this is exactly ``networkx.pagerank(G, alpha=damping, personalization=seeds)``
(tests check it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


@dataclass(frozen=True)
class GraphMatrix:
    """Node keys, node kinds and the symmetric adjacency matrix (CSR) of the graph."""

    nodes: np.ndarray  # object array of node keys, position = matrix row
    kinds: np.ndarray  # object array of node kinds
    adjacency: object  # scipy.sparse.csr_matrix, float64, symmetric
    position: dict[str, int]

    @classmethod
    def from_tables(cls, nodes: pa.Table, edges: pa.Table) -> GraphMatrix:
        import scipy.sparse as sp

        keys = nodes["node"].to_numpy(zero_copy_only=False)
        position = {key: i for i, key in enumerate(keys.tolist())}
        lookup = pa.array(keys.tolist(), pa.string())
        source = pc.index_in(edges["source"], value_set=lookup).to_numpy(zero_copy_only=False)
        target = pc.index_in(edges["target"], value_set=lookup).to_numpy(zero_copy_only=False)
        rows = np.concatenate([source, target]).astype(np.int64)
        cols = np.concatenate([target, source]).astype(np.int64)
        n = len(keys)
        adjacency = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
        adjacency.sum_duplicates()
        adjacency.data[:] = 1.0
        kinds = nodes["kind"].to_numpy(zero_copy_only=False)
        return cls(keys, kinds, adjacency, position)

    @property
    def degree(self) -> np.ndarray:
        return np.diff(self.adjacency.indptr)  # type: ignore[attr-defined]

    def positions(self, keys: list[str]) -> np.ndarray:
        return np.array([self.position[k] for k in keys if k in self.position], dtype=np.int64)


def personalised_pagerank(
    graph: GraphMatrix,
    seeds: Mapping[int, float],
    damping: float = 0.5,
    iterations: int = 20,
    hops: int = 3,
    hub_degree: int = 200,
    max_nodes: int = 20_000,
    blocked: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(node positions, PageRank mass) on the seeds' neighbourhood; restart mass ∝ seed weight.

    ``blocked`` nodes are cut out of the walk (e.g. the query ticket itself).
    """
    seeds = {int(n): float(w) for n, w in seeds.items() if w > 0}
    if blocked is not None and len(blocked):
        seeds = {n: w for n, w in seeds.items() if n not in set(blocked.tolist())}
    if not seeds:
        return np.empty(0, np.int64), np.empty(0)
    local = neighbourhood(graph, np.array(sorted(seeds), np.int64), hops, hub_degree, max_nodes)
    if blocked is not None and len(blocked):
        local = np.setdiff1d(local, blocked, assume_unique=True)
    sub = _submatrix(graph, local)
    restart = np.zeros(len(local))
    restart[np.searchsorted(local, list(seeds))] = list(seeds.values())
    restart /= restart.sum()
    out_degree = np.diff(sub.indptr).astype(np.float64)  # binary adjacency: row counts
    dangling = out_degree == 0
    inverse = np.where(dangling, 0.0, 1.0 / np.maximum(out_degree, 1.0))
    # the adjacency is symmetric, so (A / degree)ᵀ · rank = A · (rank / degree)
    rank = restart.copy()
    for _ in range(iterations):
        spread = sub @ (inverse * rank) + rank[dangling].sum() * restart
        rank = (1 - damping) * restart + damping * spread
    return local, rank


def _submatrix(graph: GraphMatrix, local: np.ndarray):  # type: ignore[no-untyped-def]
    """The adjacency restricted to the sorted positions ``local`` (CSR, local numbering)."""
    import scipy.sparse as sp

    indptr = graph.adjacency.indptr  # type: ignore[attr-defined]
    indices = graph.adjacency.indices  # type: ignore[attr-defined]
    renumber = np.full(len(indptr) - 1, -1, dtype=np.int64)
    renumber[local] = np.arange(len(local))
    neighbours, lengths = _neighbours(indptr, indices, local)
    rows = np.repeat(np.arange(len(local)), lengths)
    cols = renumber[neighbours]
    keep = cols >= 0
    ones = np.ones(int(keep.sum()))
    shape = (len(local), len(local))
    return sp.csr_matrix((ones, (rows[keep], cols[keep])), shape=shape)


def _neighbours(
    indptr: np.ndarray, indices: np.ndarray, nodes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """All neighbours of ``nodes`` (concatenated, in node order) and how many each has."""
    starts = indptr[nodes]
    lengths = indptr[nodes + 1] - starts
    total = int(lengths.sum())
    first = np.cumsum(lengths) - lengths  # where each node's run starts in the output
    offsets = np.arange(total) - np.repeat(first - starts, lengths)
    return indices[offsets], lengths


def neighbourhood(
    graph: GraphMatrix, seeds: np.ndarray, hops: int, hub_degree: int, max_nodes: int = 20_000
) -> np.ndarray:
    """Sorted positions within ``hops`` of the seeds, expanding only non-hub nodes.

    A hop that would take the neighbourhood past ``max_nodes`` is not taken.
    """
    indptr = graph.adjacency.indptr  # type: ignore[attr-defined]
    indices = graph.adjacency.indices  # type: ignore[attr-defined]
    degree = graph.degree
    seen = np.zeros(len(indptr) - 1, dtype=bool)
    frontier = np.unique(seeds)
    seen[frontier] = True
    count = len(frontier)
    for _ in range(hops):
        expand = frontier[degree[frontier] <= hub_degree]
        if not len(expand):
            break
        reached, _ = _neighbours(indptr, indices, expand)
        frontier = np.unique(reached[~seen[reached]])
        if not len(frontier) or count + len(frontier) > max_nodes:
            break
        seen[frontier] = True
        count += len(frontier)
    return np.flatnonzero(seen)
