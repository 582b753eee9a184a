"""Evaluate recommendations on a generated warehouse, whose ticket → KB truth is known.

Time split: the index is built from the solved tickets created before the 80th percentile of
creation time; up to ``max_queries`` later tickets are the queries (never in the index). For
each query the truth is ``ground_truth.json`` → ``kb_relevance.by_issue[x_issue_id]``. Queries
whose issue has no KB article (a planted KB gap) should get "no confident answer".

Variants show what each kind of KB evidence adds: ``direct`` (KB retrieval alone), ``cited``
(+ KB articles cited by similar tickets), ``graph`` (+ personalised PageRank; the default).
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tickets.data.duck import connect
from tickets.data.warehouse import Warehouse
from tickets.retrieval.builder import build_index
from tickets.retrieval.calibration import expected_calibration_error
from tickets.retrieval.corpus import Corpus, CorpusError, load_corpus
from tickets.retrieval.embedder import Embedder
from tickets.retrieval.metrics import rank_metrics
from tickets.retrieval.recommender import Recommender
from tickets.retrieval.settings import RetrievalSettings
from tickets.retrieval.store import load_index
from tickets.retrieval.text import EmptyQueryError

VARIANTS = {
    "direct": ({"direct": 1.0}, False),
    "cited": (None, False),  # configured weights without the graph
    "graph": (None, True),  # the default: configured weights with the graph
}


@dataclass(frozen=True)
class Query:
    ticket_id: str
    text: str
    truth: tuple[str, ...]
    issue_id: str


def evaluate_generated(
    warehouse: Warehouse,
    settings: RetrievalSettings,
    embedder: Embedder,
    workdir: Path,
    max_queries: int = 500,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, Any]:
    truth = _ground_truth(warehouse)
    corpus = load_corpus(warehouse, settings.graph.issue_column)
    issue_ids = _issue_ids(warehouse)
    train, queries = _time_split(corpus, issue_ids, truth, max_queries)
    build_index(train, workdir, settings, embedder, rebuild=True, progress=progress)
    report: dict[str, Any] = {
        "indexed_tickets": len(train.tickets),
        "queries": len(queries),
        "gap_queries": sum(1 for q in queries if not q.truth),
    }
    for name, (kb_weights, graph_on) in VARIANTS.items():
        variant = _variant(settings, kb_weights, graph_on)
        index = load_index(workdir, variant, embedder)
        report[name] = _score(Recommender(index, variant), queries, issue_ids, progress, name)
    return report


def _variant(
    settings: RetrievalSettings, kb_weights: dict[str, float] | None, graph_on: bool
) -> RetrievalSettings:
    answer = settings.answer
    if kb_weights is not None:
        answer = dataclasses.replace(answer, kb_weights=kb_weights)
    elif not graph_on:
        weights = {k: v for k, v in answer.kb_weights.items() if k != "graph"}
        answer = dataclasses.replace(answer, kb_weights=weights)
    graph = dataclasses.replace(settings.graph, enabled=graph_on and settings.graph.enabled)
    return dataclasses.replace(settings, answer=answer, graph=graph)


def _score(
    recommender: Recommender,
    queries: list[Query],
    issue_of: dict[str, str],
    progress: Callable[[str, int, int], None] | None,
    name: str,
) -> dict[str, float]:
    rows, latencies, confidences, correct, same_issue = [], [], [], [], []
    abstained_gap, abstained_known = [], []
    for n, query in enumerate(queries, start=1):
        start = time.perf_counter()
        try:
            rec = recommender.recommend(query.text, top_k=10)
        except EmptyQueryError:
            continue
        latencies.append((time.perf_counter() - start) * 1e3)
        if not query.truth:
            abstained_gap.append(not rec.answer.confident)
            continue
        kb_ids = [s.doc_id for s in rec.kb_articles]
        rows.append(rank_metrics(kb_ids, dict.fromkeys(query.truth, 1)))
        confidences.append(rec.answer.confidence)
        correct.append(bool(kb_ids) and kb_ids[0] in query.truth)
        abstained_known.append(not rec.answer.confident)
        top5 = [issue_of.get(s.doc_id) for s in rec.tickets[:5]]
        same_issue.append(sum(i == query.issue_id for i in top5) / max(len(top5), 1))
        if progress is not None:
            progress(f"queries ({name})", n, len(queries))
    return {
        "kb_hit@1": float(np.mean([r["hit@1"] for r in rows])),
        "kb_hit@3": float(np.mean([r["hit@3"] for r in rows])),
        "kb_mrr": float(np.mean([r["mrr"] for r in rows])),
        "tickets_same_issue@5": float(np.mean(same_issue)),
        "confidence_ece": expected_calibration_error(np.array(confidences), np.array(correct)),
        "abstain_on_gap": float(np.mean(abstained_gap)) if abstained_gap else float("nan"),
        "abstain_on_known": float(np.mean(abstained_known)),
        "p50_ms": float(np.percentile(latencies, 50)),
        "p95_ms": float(np.percentile(latencies, 95)),
    }


def _time_split(
    corpus: Corpus,
    issue_ids: dict[str, str],
    truth: dict[str, list[str]],
    max_queries: int,
) -> tuple[Corpus, list[Query]]:
    stamps = np.array([t.created_at.timestamp() if t.created_at else 0.0 for t in corpus.tickets])
    cut = np.percentile(stamps, 80)
    train = [t for t, s in zip(corpus.tickets, stamps, strict=True) if s < cut]
    later = [t for t, s in zip(corpus.tickets, stamps, strict=True) if s >= cut]
    step = max(1, len(later) // max_queries)
    queries = [
        Query(
            t.doc_id, t.search_text, tuple(truth.get(issue_ids[t.doc_id], ())), issue_ids[t.doc_id]
        )
        for t in later[::step][:max_queries]
        if t.doc_id in issue_ids and issue_ids[t.doc_id] in truth
    ]
    return dataclasses.replace(corpus, tickets=train), queries


def _issue_ids(warehouse: Warehouse) -> dict[str, str]:
    sql = f"SELECT ticket_id, x_issue_id FROM {warehouse.tickets_scan_sql()}"
    try:
        rows = connect().execute(sql).fetchall()
    except Exception as err:  # duckdb raises BinderException when the column is absent
        raise CorpusError(
            f"warehouse {warehouse.root} has no x_issue_id column: this evaluation needs a "
            "generated warehouse ('python main.py generate --output-dir DIR')"
        ) from err
    return {str(t): str(i) for t, i in rows if i is not None}


def _ground_truth(warehouse: Warehouse) -> dict[str, list[str]]:
    path = warehouse.ground_truth_path
    if not path.is_file():
        raise CorpusError(
            f"no ground_truth.json in {warehouse.root}: evaluate retrieval on a generated "
            "warehouse, or pass a BEIR set with --corpus and --qrels"
        )
    payload = json.loads(path.read_text(encoding="utf-8"))
    return dict(payload["kb_relevance"]["by_issue"])
