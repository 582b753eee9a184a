"""Recommendations on the hand-made warehouse (deterministic fake embedder)."""

from __future__ import annotations

import dataclasses
import re

import pytest

from tickets.retrieval.failures import append_failure, read_failures
from tickets.retrieval.settings import AnswerSettings, RetrievalSettings
from tickets.retrieval.text import EmptyQueryError

from .builders import build, recommender


@pytest.fixture
def index_dir(warehouse_dir, tmp_path, embedder):
    build(warehouse_dir, tmp_path / "index", embedder)
    return tmp_path / "index"


def test_router_query_gets_router_tickets_and_the_router_kb_article(index_dir, embedder):
    rec = recommender(index_dir, embedder).recommend("Router-X WAN link drops with E1042", 3)
    assert {s.doc_id for s in rec.tickets} == {"TCK-1", "TCK-2", "TCK-3"}
    assert rec.kb_articles[0].doc_id == "KB-0001"
    assert "error:e1042" in rec.entities


def test_every_answer_line_cites_a_shown_source(index_dir, embedder):
    rec = recommender(index_dir, embedder).recommend("CloudSync login page keeps looping", 3)
    assert rec.kb_articles[0].doc_id == "KB-0003"
    allowed = {"[KB-0003]", *(f"[{s.doc_id}]" for s in rec.tickets)}
    for line in rec.answer.lines:
        cited = set(re.findall(r"\[[A-Z]+-\d+\]", line.render()))
        assert cited and cited <= allowed


def test_a_ticket_used_as_query_is_left_out_of_its_own_results(index_dir, embedder):
    rec = recommender(index_dir, embedder).recommend(
        "paper jam tray 2 Printer-P jams paper in tray 2 every morning", 5, exclude_ticket="TCK-4"
    )
    assert "TCK-4" not in [s.doc_id for s in rec.tickets]
    assert rec.tickets[0].doc_id == "TCK-5"


def test_empty_query_is_refused(index_dir, embedder):
    with pytest.raises(EmptyQueryError):
        recommender(index_dir, embedder).recommend("  ", 3)


def test_low_confidence_gives_no_answer_and_a_failure_record(index_dir, embedder, tmp_path):
    settings = RetrievalSettings(answer=AnswerSettings(confidence_threshold=1.01))
    rec = recommender(index_dir, embedder, settings).recommend("Router-X drops E1042", 3)
    assert not rec.answer.confident and rec.answer.text == "no confident answer"
    log = tmp_path / "failures.jsonl"
    append_failure(log, rec.failure(None, "2024-02-01T00:00:00+00:00"))
    append_failure(log, rec.failure("TCK-1", "2024-02-01T00:00:00+00:00"))
    first, second = read_failures(log)
    assert first["schema_version"] == 1 and first["reason"] == "low_confidence"
    assert first["threshold"] == 1.01 and first["query"] == "Router-X drops E1042"
    assert first["top_kb"][0]["id"] == "KB-0001" and first["product"] == "Router-X"
    assert second["ticket_id"] == "TCK-1" and len(first["query_hash"]) == 16
    assert first["entities"] == ["error:e1042", "product:router-x"]
    assert first["error_codes"] == ["E1042"]


def test_without_the_graph_the_kb_evidence_is_direct_and_cited_only(index_dir, embedder):
    settings = RetrievalSettings()
    settings = dataclasses.replace(
        settings, graph=dataclasses.replace(settings.graph, enabled=False)
    )
    rec = recommender(index_dir, embedder, settings)
    assert rec.retriever.graph is None
    assert rec.recommend("Printer-P paper jam", 3).kb_articles[0].doc_id == "KB-0002"


def test_recommendation_serialises_to_json_ready_dict(index_dir, embedder):
    payload = recommender(index_dir, embedder).recommend("SSO login loop in CloudSync", 2).to_dict()
    assert set(payload) >= {"similar_tickets", "kb_articles", "answer", "warnings", "timings_ms"}
    assert payload["answer"]["confident"] in (True, False)
    assert len(payload["similar_tickets"]) == 2
