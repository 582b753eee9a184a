"""The knowledge graph: tickets, KB articles, products, issues, resolutions and text entities.

Built in NetworkX (the embedded default), persisted as two Parquet tables that any graph
database can bulk-load (``nodes.parquet``: node, kind; ``edges.parquet``: source, target,
relation). Queries do not walk the NetworkX object: ``tickets.retrieval.ppr`` compiles the
tables into a sparse matrix once and runs personalised PageRank on it.

Edges (undirected): ticket–product, ticket–issue, ticket–resolution, resolution–KB (the
resolution cites the article), KB–product, KB–issue, ticket–entity, KB–entity, doc–entity.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

NODES_FILE = "nodes.parquet"
EDGES_FILE = "edges.parquet"
NODE_KINDS = ("ticket", "kb", "doc", "product", "issue", "resolution", "entity")
NODES_SCHEMA = pa.schema([pa.field("node", pa.string()), pa.field("kind", pa.string())])
EDGES_SCHEMA = pa.schema(
    [
        pa.field("source", pa.string()),
        pa.field("target", pa.string()),
        pa.field("relation", pa.string()),
    ]
)


def node_id(kind: str, value: str) -> str:
    """Stable node key: products and entities are lower-cased so mentions meet one node."""
    if kind in ("product", "entity"):
        value = value.lower()
    return f"{kind}:{value}"


def entity_node(entity_key: str) -> str:
    """Graph node of an extracted entity key (``product:x`` keys reuse the product node)."""
    kind, _, value = entity_key.partition(":")
    return node_id("product", value) if kind == "product" else node_id("entity", entity_key)


@dataclass(frozen=True)
class GraphDocument:
    """What the graph needs to know about one ticket, KB article or evaluation document."""

    kind: str  # ticket | kb | doc
    doc_id: str
    entities: tuple[str, ...] = ()
    product: str | None = None
    issue: str | None = None
    has_resolution: bool = False
    cited_kb_ids: tuple[str, ...] = field(default_factory=tuple)

    @property
    def node(self) -> str:
        return node_id(self.kind, self.doc_id)


class KnowledgeGraph:
    """A NetworkX graph with typed nodes (``kind``) and typed edges (``relation``)."""

    def __init__(self) -> None:
        import networkx as nx

        self.graph = nx.Graph()

    def add_documents(self, documents: Iterable[GraphDocument]) -> KnowledgeGraph:
        for doc in documents:
            self._add_node(doc.node, doc.kind)
            for entity in doc.entities:
                target = entity_node(entity)
                self._add_node(target, target.partition(":")[0])
                self._add_edge(doc.node, target, "mentions")
            if doc.product:
                self._add_node(node_id("product", doc.product), "product")
                self._add_edge(doc.node, node_id("product", doc.product), "about_product")
            if doc.issue:
                self._add_node(node_id("issue", doc.issue), "issue")
                self._add_edge(doc.node, node_id("issue", doc.issue), "has_issue")
            if doc.has_resolution:
                resolution = node_id("resolution", doc.doc_id)
                self._add_node(resolution, "resolution")
                self._add_edge(doc.node, resolution, "resolved_by")
                for kb_id in doc.cited_kb_ids:
                    self._add_node(node_id("kb", kb_id), "kb")
                    self._add_edge(resolution, node_id("kb", kb_id), "cites")
        return self

    def _add_node(self, node: str, kind: str) -> None:
        if node not in self.graph:
            self.graph.add_node(node, kind=kind)

    def _add_edge(self, source: str, target: str, relation: str) -> None:
        self.graph.add_edge(source, target, relation=relation)

    def tables(self) -> tuple[pa.Table, pa.Table]:
        nodes = pa.table(
            {
                "node": list(self.graph.nodes),
                "kind": [kind for _, kind in self.graph.nodes(data="kind")],
            },
            schema=NODES_SCHEMA,
        )
        edges = list(self.graph.edges(data="relation"))
        return nodes, pa.table(
            {
                "source": [e[0] for e in edges],
                "target": [e[1] for e in edges],
                "relation": [e[2] for e in edges],
            },
            schema=EDGES_SCHEMA,
        )

    @classmethod
    def from_tables(cls, nodes: pa.Table, edges: pa.Table) -> KnowledgeGraph:
        kg = cls()
        kg.graph.add_nodes_from(
            (n, {"kind": k})
            for n, k in zip(nodes["node"].to_pylist(), nodes["kind"].to_pylist(), strict=True)
        )
        kg.graph.add_edges_from(
            (s, t, {"relation": r})
            for s, t, r in zip(
                edges["source"].to_pylist(),
                edges["target"].to_pylist(),
                edges["relation"].to_pylist(),
                strict=True,
            )
        )
        return kg


def merge_tables(
    base: tuple[pa.Table, pa.Table], extra: tuple[pa.Table, pa.Table]
) -> tuple[pa.Table, pa.Table]:
    """Union of two graphs' tables (nodes by key, edges by unordered pair), base rows first."""
    nodes = _distinct(pa.concat_tables([base[0], extra[0]]), ["node"])
    edges = pa.concat_tables([base[1], extra[1]])
    ordered = pc.less(edges["source"], edges["target"])
    low = pc.if_else(ordered, edges["source"], edges["target"])
    high = pc.if_else(ordered, edges["target"], edges["source"])
    keyed = edges.append_column("_low", low).append_column("_high", high)
    return nodes, _distinct(keyed, ["_low", "_high"]).drop_columns(["_low", "_high"])


def _distinct(table: pa.Table, keys: list[str]) -> pa.Table:
    indexed = table.append_column("_row", pa.array(range(table.num_rows), pa.int64()))
    first = indexed.group_by(keys, use_threads=False).aggregate([("_row", "min")])
    rows = pc.sort_indices(first["_row_min"])
    return table.take(pc.take(first["_row_min"], rows))


def save_tables(folder: Path, tables: tuple[pa.Table, pa.Table]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(tables[0], folder / NODES_FILE)
    pq.write_table(tables[1], folder / EDGES_FILE)


def load_tables(folder: Path) -> tuple[pa.Table, pa.Table]:
    return pq.read_table(folder / NODES_FILE), pq.read_table(folder / EDGES_FILE)
