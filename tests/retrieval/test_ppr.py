"""Personalised PageRank on the knowledge graph."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from tickets.retrieval.graph import GraphDocument, KnowledgeGraph, merge_tables
from tickets.retrieval.ppr import GraphMatrix, neighbourhood, personalised_pagerank

DOCS = [
    GraphDocument("ticket", "T-1", ("error:e4711",), "Router-X", "vpn", True, ("KB-1",)),
    GraphDocument("ticket", "T-2", ("error:e4711", "version:2.3.1"), "Router-X", "vpn", True,
                  ("KB-1",)),
    GraphDocument("ticket", "T-3", (), "Printer-P", "paper", True, ("KB-2",)),
    GraphDocument("kb", "KB-1", ("error:e4711",), "Router-X", "vpn"),
    GraphDocument("kb", "KB-2", (), "Printer-P", "paper"),
]  # fmt: skip


@pytest.fixture
def graph() -> tuple[KnowledgeGraph, GraphMatrix]:
    kg = KnowledgeGraph().add_documents(DOCS)
    return kg, GraphMatrix.from_tables(*kg.tables())


def test_graph_has_the_typed_nodes_and_edges_of_the_issue(graph):
    kg, _ = graph
    assert kg.graph.nodes["resolution:T-1"]["kind"] == "resolution"
    assert kg.graph.edges["resolution:T-1", "kb:KB-1"]["relation"] == "cites"
    assert kg.graph.edges["ticket:T-2", "entity:version:2.3.1"]["relation"] == "mentions"
    assert kg.graph.edges["kb:KB-1", "product:router-x"]["relation"] == "about_product"
    # 5 documents, 3 resolutions, 2 entities, 2 products, 2 issues
    assert kg.graph.number_of_nodes() == 14


def test_local_pagerank_equals_networkx_on_a_graph_that_fits(graph):
    kg, matrix = graph
    seeds = {matrix.position["ticket:T-1"]: 1.0, matrix.position["entity:error:e4711"]: 0.5}
    nodes, mass = personalised_pagerank(matrix, seeds, 0.5, iterations=200, hops=10)
    reference = nx.pagerank(
        kg.graph,
        alpha=0.5,
        personalization={matrix.nodes[n]: w for n, w in seeds.items()},
        tol=1e-12,
        max_iter=1000,
    )
    ours = dict(zip(matrix.nodes[nodes].tolist(), mass.tolist(), strict=True))
    assert {k: ours.get(k, 0.0) for k in reference} == pytest.approx(reference, abs=1e-9)


def test_walk_from_a_ticket_reaches_the_kb_its_neighbours_cite_first(graph):
    _, matrix = graph
    nodes, mass = personalised_pagerank(matrix, {matrix.position["ticket:T-2"]: 1.0})
    kb_mass = {
        matrix.nodes[n]: m for n, m in zip(nodes, mass, strict=True) if matrix.kinds[n] == "kb"
    }
    assert max(kb_mass, key=kb_mass.get) == "kb:KB-1"
    assert "kb:KB-2" not in kb_mass  # another component: never reached


def test_hubs_are_reached_but_not_expanded(graph):
    _, matrix = graph
    seed = np.array([matrix.position["resolution:T-1"]])
    # hop 1: ticket T-1 (degree 4) and KB-1 (degree 5); hop 2 expands only nodes of degree <= 4
    small_hubs = set(matrix.nodes[neighbourhood(matrix, seed, hops=2, hub_degree=4)].tolist())
    assert {"kb:KB-1", "product:router-x", "entity:error:e4711"} <= small_hubs
    assert "resolution:T-2" not in small_hubs  # only reachable through KB-1
    large_hubs = set(matrix.nodes[neighbourhood(matrix, seed, hops=2, hub_degree=5)].tolist())
    assert "resolution:T-2" in large_hubs


def test_blocked_nodes_get_no_mass(graph):
    _, matrix = graph
    blocked = np.array([matrix.position["ticket:T-1"]])
    nodes, _ = personalised_pagerank(
        matrix, {matrix.position["entity:error:e4711"]: 1.0}, blocked=blocked
    )
    assert matrix.position["ticket:T-1"] not in set(nodes.tolist())


def test_merging_tables_keeps_each_node_and_undirected_edge_once(graph):
    kg, _ = graph
    extra = KnowledgeGraph().add_documents(
        [GraphDocument("ticket", "T-4", ("error:e4711",), "Router-X", None, True, ("KB-1",))]
    )
    nodes, edges = merge_tables(kg.tables(), extra.tables())
    assert nodes.num_rows == 14 + 2  # ticket T-4 and resolution T-4 are new
    assert edges.num_rows == kg.graph.number_of_edges() + 4
