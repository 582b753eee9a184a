"""Fusion of ranked lists, with scores worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from tickets.retrieval.fusion import fuse, query_weights
from tickets.retrieval.hits import Hits

BM25 = Hits(np.array([0, 1, 2]), np.array([3.0, 2.0, 1.0]))
DENSE = Hits(np.array([2, 3]), np.array([0.9, 0.5]))


def test_reciprocal_rank_fusion_sums_one_over_k_plus_rank():
    fused = fuse({"bm25": BM25, "dense": DENSE}, "rrf", rrf_k=60).as_dict()
    assert fused == pytest.approx({2: 1 / 63 + 1 / 61, 0: 1 / 61, 1: 1 / 62, 3: 1 / 62})


def test_weighted_rrf_scales_each_list():
    fused = fuse({"bm25": BM25, "dense": DENSE}, "weighted_rrf", {"bm25": 2, "dense": 1}, 60)
    assert fused.as_dict()[0] == pytest.approx(2 / 61)
    assert fused.as_dict()[3] == pytest.approx(1 / 62)


def test_minmax_score_fusion_with_missing_documents_at_the_list_minimum():
    # bm25 normalised: doc0 1, doc1 0.5, doc2 0; dense: doc2 1, doc3 0 (missing -> 0)
    fused = fuse({"bm25": BM25, "dense": DENSE}, "score", {"bm25": 0.4, "dense": 0.6})
    assert fused.indices.tolist() == [2, 0, 1, 3]
    assert fused.scores.tolist() == pytest.approx([0.6, 0.4, 0.2, 0.0])


def test_zscore_fusion_ranks_by_standardised_scores():
    fused = fuse({"bm25": BM25}, "score", {"bm25": 1.0}, normalisation="zscore")
    # mean 2, std sqrt(2/3): z = +-1.2247
    assert fused.scores.tolist() == pytest.approx([1.224745, 0.0, -1.224745], abs=1e-6)


def test_ties_are_broken_by_position_so_rankings_are_deterministic():
    tied = Hits(np.array([5, 3]), np.array([1.0, 1.0]))
    assert fuse({"bm25": tied}, "score", {"bm25": 1}).indices.tolist() == [3, 5]


def test_empty_lists_fuse_to_nothing_and_unknown_methods_are_refused():
    assert len(fuse({"bm25": Hits.empty()}, "rrf")) == 0
    with pytest.raises(ValueError, match="choose one of"):
        fuse({"bm25": BM25}, "borda")


def test_a_single_hit_list_does_not_lift_documents_it_did_not_return():
    single = Hits(np.array([7]), np.array([2.5]))
    fused = fuse({"bm25": single, "dense": DENSE}, "score", {"bm25": 0.5, "dense": 0.5})
    # doc7: 0.5*1 + 0.5*0 ; doc2: 0.5*0 + 0.5*1 ; doc3: 0 — a single hit normalises to 1
    assert fused.as_dict() == pytest.approx({7: 0.5, 2: 0.5, 3: 0.0})


def test_query_weights_move_dense_weight_to_bm25_with_the_identifier_share():
    weights = {"bm25": 0.05, "dense": 0.95}
    assert query_weights(weights, 0.0, 2.5, 0.2) == pytest.approx(weights)
    assert query_weights(weights, 0.2, 2.5, 0.2) == pytest.approx({"bm25": 0.55, "dense": 0.45})
    # never below the floor, and the sum is kept
    assert query_weights(weights, 0.6, 2.5, 0.2) == pytest.approx({"bm25": 0.8, "dense": 0.2})
    assert query_weights(weights, 0.6, 0.0, 0.2) == pytest.approx(weights)
