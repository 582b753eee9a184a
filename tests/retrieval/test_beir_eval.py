"""BEIR-format evaluation: loading, self-exclusion, the created-before setting, the metrics."""

from __future__ import annotations

import gzip
import json

import pytest

from tickets.retrieval.beir import BeirFormatError, load_beir
from tickets.retrieval.evaluate import (
    EVAL_METHODS,
    EvaluationError,
    build_retriever,
    plain_bm25,
    run_queries,
    summarise,
)
from tickets.retrieval.settings import RetrievalSettings

CORPUS = [
    {"_id": doc_id, "title": title, "text": text, "created": f"2024-01-0{day}T00:00:00"}
    for day, (doc_id, title, text) in enumerate(
        [
            ("D1", "VPN drops", "vpn tunnel drops every hour"),
            ("D2", "Printer jam", "paper jams in tray two"),
            ("D3", "VPN keeps dropping", "the vpn tunnel drops hourly"),
            ("D4", "Login loop", "sso sign in loops back"),
        ],
        start=1,
    )
]


@pytest.fixture
def beir_files(tmp_path):
    corpus = tmp_path / "corpus.jsonl.gz"
    with gzip.open(corpus, "wt", encoding="utf-8") as handle:
        handle.writelines(json.dumps(row) + "\n" for row in CORPUS)
    qrels = tmp_path / "qrels.tsv"
    qrels.write_text("query-id\tcorpus-id\tscore\nD3\tD1\t1\n", encoding="utf-8")
    queries = tmp_path / "queries.jsonl"
    queries.write_text(
        json.dumps({"_id": "Q1", "text": "printer paper jam", "rephr_group": 0}) + "\n"
        + json.dumps({"_id": "Q2", "text": "sso login loops"}) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    qrels_q = tmp_path / "qrels_q.tsv"
    qrels_q.write_text("query-id\tcorpus-id\tscore\nQ1\tD2\t1\nQ2\tD4\t1\n", encoding="utf-8")
    return corpus, qrels, queries, qrels_q


def test_without_queries_file_the_queries_are_corpus_documents(beir_files):
    corpus, qrels, _, _ = beir_files
    beir = load_beir(corpus, qrels)
    assert [(q.query_id, q.source_doc_id, q.title) for q in beir.queries] == [
        ("D3", "D3", "VPN keeps dropping")
    ]
    assert beir.queries[0].text == "VPN keeps dropping\nthe vpn tunnel drops hourly"


def test_a_document_query_never_retrieves_itself_and_finds_its_duplicate(beir_files, embedder):
    corpus, qrels, _, _ = beir_files
    beir = load_beir(corpus, qrels)
    settings = RetrievalSettings()
    retriever = build_retriever(beir, settings, embedder, with_graph=True)
    plain = plain_bm25(beir, settings.lexical)
    (outcome,) = run_queries(beir, retriever, embedder, EVAL_METHODS, False, 2000, plain=plain)
    for method in EVAL_METHODS:
        assert "D3" not in outcome.ranking(method)
        assert outcome.ranking(method)[0] == "D1"
    report = summarise([outcome], beir.qrels, EVAL_METHODS)
    assert report["hybrid"]["mrr"] == 1.0 and report["hybrid"]["p95_ms"] > 0


def test_created_before_keeps_only_older_documents(beir_files, embedder):
    corpus, qrels, _, _ = beir_files
    beir = load_beir(corpus, qrels)
    retriever = build_retriever(beir, RetrievalSettings(), embedder, with_graph=False)
    (outcome,) = run_queries(beir, retriever, embedder, ["bm25", "dense"], True, 2000)
    assert set(outcome.ranking("dense")) <= {"D1", "D2"}  # D3 is the query; D4 is newer


def test_queries_file_with_groups(beir_files, embedder):
    corpus, _, queries, qrels_q = beir_files
    beir = load_beir(corpus, qrels_q, queries)
    assert [q.group for q in beir.queries] == ["0", None]
    retriever = build_retriever(beir, RetrievalSettings(), embedder, with_graph=False)
    outcomes = run_queries(beir, retriever, embedder, ["bm25"], False, 2000)
    assert summarise(outcomes, beir.qrels, ["bm25"])["bm25"]["hit@1"] == 1.0


def test_created_before_without_dates_is_refused(tmp_path, beir_files, embedder):
    _, qrels, _, _ = beir_files
    corpus = tmp_path / "nodates.jsonl"
    corpus.write_text(
        "\n".join(json.dumps({k: v for k, v in r.items() if k != "created"}) for r in CORPUS),
        encoding="utf-8",
    )
    beir = load_beir(corpus, qrels)
    retriever = build_retriever(beir, RetrievalSettings(), embedder, with_graph=False)
    with pytest.raises(EvaluationError, match="drop --before-created"):
        run_queries(beir, retriever, embedder, ["bm25"], True, 2000)


@pytest.mark.parametrize(
    ("qrels_text", "problem"),
    [("q\tc\ts\nD3\tD1\t1\n", "header"), ("query-id\tcorpus-id\tscore\nD3\tD1\n", "line 2")],
)
def test_malformed_qrels_say_where(tmp_path, beir_files, qrels_text, problem):
    corpus = beir_files[0]
    qrels = tmp_path / "bad.tsv"
    qrels.write_text(qrels_text, encoding="utf-8")
    with pytest.raises(BeirFormatError, match=problem):
        load_beir(corpus, qrels)
