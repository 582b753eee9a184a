"""Hybrid retrieval: BM25, dense vectors and a knowledge graph, fused; cited answers."""
