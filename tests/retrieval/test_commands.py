"""The index, recommend and evaluate commands end to end, with the real MiniLM model."""

from __future__ import annotations

import gzip
import json

import pytest

from tickets.cli import main
from tickets.retrieval.args import parse_index_args, parse_recommend_args

from .handmade import write_handmade_warehouse


def _said(capsys) -> str:
    """Console output with rich's line wrapping undone."""
    return " ".join(capsys.readouterr().out.split())


def test_flags_become_dotted_overrides():
    parsed = parse_index_args(["--warehouse", "wh", "--kb", "kb.jsonl", "--output-dir", "idx"])
    assert parsed.overrides == [
        "paths.warehouse='wh'",
        "retrieval.kb='kb.jsonl'",
        "paths.index='idx'",
    ]
    parsed = parse_recommend_args(["--text", "WAN drops", "--top-k", "3", "--json"])
    assert parsed.overrides == [
        "retrieval.recommend.text='WAN drops'",
        "retrieval.top_k=3",
        "retrieval.recommend.json=true",
    ]


def test_text_and_ticket_id_are_mutually_exclusive():
    with pytest.raises(SystemExit):
        parse_recommend_args(["--text", "a", "--ticket-id", "TCK-1"])


@pytest.fixture(scope="module")
def built_index(tmp_path_factory):
    """The hand-made warehouse indexed once by the real command, shared by this module."""
    root = tmp_path_factory.mktemp("commands")
    warehouse, index = write_handmade_warehouse(root / "wh"), root / "index"
    flags = ["--warehouse", str(warehouse), "--output-dir", str(index)]
    assert main(["index", *flags, f"retrieval.embedding_cache={root / 'cache'}"]) == 0
    return index


def _recommend(index, capsys, *flags):
    code = main(["recommend", "--index", str(index), "--json", *flags])
    return code, capsys.readouterr().out


def test_index_then_recommend_with_citations(built_index, capsys, tmp_path):
    log = f"retrieval.failure_log={tmp_path / 'failures.jsonl'}"
    text = "my Router-X keeps losing the WAN link, error E1042"
    code, out = _recommend(built_index, capsys, "--text", text, log)
    assert code == 0
    payload = json.loads(out)
    assert payload["kb_articles"][0]["doc_id"] == "KB-0001"
    assert payload["similar_tickets"][0]["doc_id"] in {"TCK-1", "TCK-2", "TCK-3"}
    assert all(line["citations"] for line in payload["answer"]["lines"])


def test_recommend_for_a_ticket_id_leaves_the_ticket_out(built_index, capsys, tmp_path):
    log = f"retrieval.failure_log={tmp_path / 'failures.jsonl'}"
    code, out = _recommend(built_index, capsys, "--ticket-id", "TCK-6", "--top-k", "2", log)
    assert code == 0
    ids = [s["doc_id"] for s in json.loads(out)["similar_tickets"]]
    assert "TCK-6" not in ids and set(ids) <= {"TCK-7", "TCK-8"}


def test_low_confidence_is_logged_as_a_retrieval_failure(built_index, capsys, tmp_path):
    log = tmp_path / "failures.jsonl"
    flags = ["--text", "Der Drucker druckt nicht mehr", f"retrieval.failure_log={log}"]
    code, out = _recommend(
        built_index, capsys, *flags, "retrieval.answer.confidence_threshold=1.01"
    )
    assert code == 0
    payload = json.loads(out)
    assert payload["answer"]["text"] == "no confident answer"
    assert any("English" in w for w in payload["warnings"])
    (record,) = [json.loads(line) for line in log.read_text().splitlines()]
    assert record["reason"] == "low_confidence" and record["language"] == "de"


def test_missing_index_empty_query_and_unknown_ticket_say_how_to_fix(tmp_path, capsys, built_index):
    assert main(["recommend", "--index", str(tmp_path / "none"), "--text", "vpn"]) == 1
    assert "build it with 'python main.py index --warehouse DIR'" in _said(capsys)
    assert main(["recommend", "--index", str(built_index), "--text", "   "]) == 2
    assert 'pass the ticket text with --text "..."' in _said(capsys)
    assert main(["recommend", "--index", str(built_index), "--ticket-id", "NOPE-1"]) == 1
    assert "no ticket 'NOPE-1' in the index" in _said(capsys)


def test_index_of_a_warehouse_without_tickets_says_how_to_make_one(tmp_path, capsys):
    flags = ["--warehouse", str(tmp_path / "empty"), "--output-dir", str(tmp_path / "i")]
    assert main(["index", *flags]) == 1
    assert "'python main.py generate --output-dir DIR'" in _said(capsys)


def test_evaluate_retrieval_writes_metrics_json(tmp_path):
    corpus = tmp_path / "corpus.jsonl.gz"
    rows = [
        {"_id": "A", "title": "Reset my password", "text": "I forgot the password of my account"},
        {"_id": "B", "title": "Printer out of toner", "text": "the office printer needs toner"},
        {"_id": "C", "title": "VPN will not connect", "text": "cannot reach the company network"},
    ]
    with gzip.open(corpus, "wt") as handle:
        handle.writelines(json.dumps(r) + "\n" for r in rows)
    queries = tmp_path / "queries.jsonl"
    queries.write_text(
        json.dumps({"_id": "q1", "text": "how do I change a forgotten login secret"})
    )
    qrels = tmp_path / "qrels.tsv"
    qrels.write_text("query-id\tcorpus-id\tscore\nq1\tA\t1\n")
    out = tmp_path / "eval"
    flags = ["--corpus", str(corpus), "--qrels", str(qrels), "--queries", str(queries)]
    flags += ["--methods", "bm25,dense", "--output-dir", str(out)]
    cache = f"retrieval.embedding_cache={tmp_path}"
    assert main(["evaluate", "--task", "retrieval", *flags, cache]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["default"] == "hybrid"
    assert set(metrics["methods"]) == {"bm25", "dense", "hybrid"}  # the default is always in
    assert metrics["methods"]["dense"]["hit@1"] == 1.0
    expected = {"hit@1", "hit@10", "mrr", "ndcg@10", "recall@100", "p50_ms", "p95_ms"}
    assert set(metrics["methods"]["hybrid"]) >= expected
