"""Ranking metrics for one query, worked out by hand."""

from __future__ import annotations

import math

import pytest

from tickets.retrieval.metrics import mean_metrics, rank_metrics


def test_first_relevant_at_rank_three():
    m = rank_metrics(["a", "b", "c", "d"], {"c": 1})
    assert (m["hit@1"], m["hit@3"], m["hit@10"]) == (0.0, 1.0, 1.0)
    assert m["mrr"] == pytest.approx(1 / 3)
    assert m["ndcg@10"] == pytest.approx(1 / math.log2(4))  # ideal DCG is 1
    assert m["recall@100"] == 1.0


def test_two_relevant_documents_one_found():
    m = rank_metrics(["x", "a"], {"a": 1, "z": 1})
    assert m["mrr"] == pytest.approx(0.5)
    assert m["recall@100"] == 0.5
    assert m["ndcg@10"] == pytest.approx((1 / math.log2(3)) / (1 + 1 / math.log2(3)))


def test_nothing_found_scores_zero_and_means_average_queries():
    assert rank_metrics([], {"a": 1})["mrr"] == 0.0
    rows = [rank_metrics(["a"], {"a": 1}), rank_metrics(["b"], {"a": 1})]
    assert mean_metrics(rows)["hit@1"] == 0.5
