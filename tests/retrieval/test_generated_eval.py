"""KB recommendations scored against a generated warehouse's planted truth."""

from __future__ import annotations

import pytest

from tickets.cli import main
from tickets.data.warehouse import Warehouse
from tickets.retrieval.corpus import CorpusError
from tickets.retrieval.generated_eval import evaluate_generated
from tickets.retrieval.settings import RetrievalSettings

from .fakes import HashingEmbedder


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    root = tmp_path_factory.mktemp("gen") / "wh"
    flags = ["--tickets", "800", "--seed", "3", "--output-dir", str(root)]
    assert main(["generate", *flags, "generator.bronze=false"]) == 0
    return Warehouse.at(root)


def test_time_split_evaluation_scores_every_variant(generated, tmp_path):
    report = evaluate_generated(
        generated, RetrievalSettings(), HashingEmbedder(), tmp_path / "index", max_queries=60
    )
    assert report["queries"] == 60 and report["indexed_tickets"] > 500
    for variant in ("direct", "cited", "graph"):
        row = report[variant]
        assert 0.0 <= row["kb_hit@1"] <= row["kb_hit@3"] <= 1.0
        assert row["p95_ms"] >= row["p50_ms"] > 0
    # error codes and product names make the generated text easy even for a bag-of-words model
    assert report["graph"]["kb_hit@3"] >= 0.9


def test_a_warehouse_without_ground_truth_is_refused(warehouse_dir, tmp_path):
    with pytest.raises(CorpusError, match=r"ground_truth\.json"):
        evaluate_generated(
            Warehouse.at(warehouse_dir), RetrievalSettings(), HashingEmbedder(), tmp_path / "i"
        )
