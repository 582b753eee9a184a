"""``python main.py evaluate --task retrieval``: BEIR sets, or a generated warehouse.

With ``--corpus`` and ``--qrels`` (BEIR layout) it compares the retrieval methods and writes
``metrics.json`` (``{"default": ..., "methods": {...}}``) and ``per_query.jsonl``. Without
``--corpus`` it evaluates KB recommendations on the generated warehouse ``--warehouse``, whose
ticket → KB truth is in ground_truth.json.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from omegaconf import DictConfig

from tickets.data.warehouse import Warehouse, WarehouseError
from tickets.retrieval import embedder as embedders
from tickets.retrieval.beir import BeirFormatError, BeirSet, load_beir
from tickets.retrieval.corpus import CorpusError
from tickets.retrieval.embedder import CachedEmbedder
from tickets.retrieval.evaluate import (
    EVAL_METHODS,
    EvaluationError,
    QueryOutcome,
    build_retriever,
    plain_bm25,
    run_queries,
    summarise,
)
from tickets.retrieval.generated_eval import evaluate_generated
from tickets.retrieval.metrics import rank_metrics
from tickets.retrieval.settings import RetrievalSettings
from tickets.tasks.index import retrieval_settings, step_progress
from tickets.utils.io import write_json_atomic, write_text_atomic
from tickets.utils.logging import console
from tickets.utils.progress import progress_bar

COLUMNS = ("hit@1", "hit@10", "mrr", "ndcg@10", "recall@100", "p50_ms", "p95_ms")


def run(cfg: DictConfig) -> int:
    settings = retrieval_settings(cfg)
    output = _output_dir(cfg)
    try:
        if cfg.evaluate.corpus:
            return _evaluate_beir(cfg, settings, output)
        return _evaluate_generated(cfg, settings, output)
    except (BeirFormatError, EvaluationError, CorpusError, WarehouseError) as err:
        console.print(f"[red]{err}[/]")
        return 2


def _evaluate_beir(cfg: DictConfig, settings: RetrievalSettings, output: Path) -> int:
    ev = cfg.evaluate
    if not ev.qrels:
        raise EvaluationError("--corpus needs --qrels FILE (TSV: query-id, corpus-id, score)")
    methods = _methods(ev.methods, settings.method)
    beir = load_beir(Path(ev.corpus), Path(ev.qrels), Path(ev.queries) if ev.queries else None)
    embedder = _embedder(cfg, settings)
    query_embedder = embedder.inner if isinstance(embedder, CachedEmbedder) else embedder
    console.print(
        f"Evaluating {', '.join(methods)} on {len(beir.documents):,} documents and "
        f"{len(beir.queries):,} queries" + (" (created-before only)" if ev.before_created else "")
    )
    with progress_bar() as bar:
        retriever = build_retriever(beir, settings, embedder, with_graph="graph" in methods)
        plain = plain_bm25(beir, settings.lexical) if "bm25_plain" in methods else None
        task = bar.add_task("queries", total=len(beir.queries))
        outcomes = run_queries(
            beir,
            retriever,
            query_embedder,
            methods,
            bool(ev.before_created),
            settings.query.max_chars,
            on_query=lambda: bar.advance(task),
            plain=plain,
        )
    report = summarise(outcomes, beir.qrels, methods)
    _write_results(output, cfg, settings, beir, outcomes, report)
    _print_table(report, settings.method)
    console.print(f"Wrote {output / 'metrics.json'}")
    return 0


def _write_results(
    output: Path,
    cfg: DictConfig,
    settings: RetrievalSettings,
    beir: BeirSet,
    outcomes: list[QueryOutcome],
    report: dict[str, dict[str, float]],
) -> None:
    """metrics.json (default method, per-method metrics, dataset, settings), per_query.jsonl."""
    ev = cfg.evaluate
    dataset = {
        "corpus": str(ev.corpus),
        "qrels": str(ev.qrels),
        "queries": str(ev.queries) if ev.queries else None,
        "before_created": bool(ev.before_created),
        "documents": len(beir.documents),
        "queries_evaluated": len(beir.queries),
    }
    payload = {
        "default": settings.method,
        "methods": report,
        "dataset": dataset,
        "settings": settings.to_dict(),
    }
    write_json_atomic(output / "metrics.json", payload)
    lines = []
    for o in outcomes:
        relevant = beir.qrels[o.query.query_id]
        mrr = {m: round(rank_metrics(o.ranking(m), relevant)["mrr"], 4) for m in report}
        lines.append(json.dumps({"query_id": o.query.query_id, "group": o.query.group, "mrr": mrr}))
    write_text_atomic(output / "per_query.jsonl", "\n".join(lines) + "\n")


def _evaluate_generated(cfg: DictConfig, settings: RetrievalSettings, output: Path) -> int:
    warehouse = Warehouse.at(cfg.paths.warehouse)
    embedder = _embedder(cfg, settings)
    with progress_bar() as bar:
        progress = step_progress(bar)
        report = evaluate_generated(warehouse, settings, embedder, output / "index", 500, progress)
    write_json_atomic(output / "metrics.json", {"warehouse": str(warehouse.root), **report})
    from rich.table import Table

    table = Table(title=f"KB recommendations on {warehouse.root} (time split)")
    keys = [k for k, v in report["graph"].items() if isinstance(v, float)]
    table.add_column("variant")
    for key in keys:
        table.add_column(key, justify="right")
    for name in ("direct", "cited", "graph"):
        row = report[name]
        table.add_row(name, *(f"{row[k]:.3f}" for k in keys))
    console.print(table)
    console.print(
        f"{report['indexed_tickets']:,} indexed tickets, {report['queries']:,} later tickets as "
        f"queries ({report['gap_queries']} from issues without a KB article)."
    )
    console.print(f"Wrote {output / 'metrics.json'}")
    return 0


def _methods(raw: object, default: str) -> list[str]:
    if raw is None:
        chosen = list(EVAL_METHODS)
    elif isinstance(raw, str):
        chosen = [m.strip() for m in raw.split(",") if m.strip()]
    else:
        chosen = [str(m) for m in raw]  # type: ignore[attr-defined]
    unknown = [m for m in chosen if m not in EVAL_METHODS]
    if unknown:
        raise EvaluationError(f"unknown methods {unknown}; choose from {', '.join(EVAL_METHODS)}")
    if default not in chosen:
        chosen.append(default)
    return chosen


def _embedder(cfg: DictConfig, settings: RetrievalSettings):  # type: ignore[no-untyped-def]
    cache = Path(cfg.retrieval.embedding_cache) if settings.dense.cache else None
    return embedders.make_embedder(settings.dense, cache)


def _output_dir(cfg: DictConfig) -> Path:
    if cfg.evaluate.output_dir:
        return Path(cfg.evaluate.output_dir)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path(cfg.paths.outputs) / "evaluate" / "retrieval" / stamp


def _print_table(report: dict[str, dict[str, float]], default: str) -> None:
    from rich.table import Table

    table = Table(title="Retrieval evaluation")
    table.add_column("method")
    for column in COLUMNS:
        table.add_column(column, justify="right")
    for method, row in report.items():
        name = f"{method} (default)" if method == default else method
        table.add_row(
            name, *(f"{row[c]:.3f}" if "ms" not in c else f"{row[c]:.1f}" for c in COLUMNS)
        )
    console.print(table)
