"""``python main.py index``: build or update the retrieval index under ``paths.index``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from omegaconf import DictConfig, OmegaConf
from rich.progress import Progress, TaskID

from tickets.data.warehouse import Warehouse, WarehouseError
from tickets.retrieval import embedder as embedders
from tickets.retrieval.builder import BuildReport, build_index
from tickets.retrieval.corpus import CorpusError, load_corpus
from tickets.retrieval.settings import RetrievalSettings
from tickets.utils.logging import console
from tickets.utils.progress import progress_bar


def retrieval_settings(cfg: DictConfig) -> RetrievalSettings:
    raw = OmegaConf.to_container(cfg.retrieval, resolve=True)
    assert isinstance(raw, dict)
    return RetrievalSettings.from_dict({str(k): v for k, v in raw.items()})


def step_progress(bar: Progress) -> Callable[[str, int, int], None]:
    """A callback ``(step, done, total)`` that keeps one bar per named step."""
    tasks: dict[str, TaskID] = {}

    def progress(step: str, done: int, total: int) -> None:
        if step not in tasks:
            tasks[step] = bar.add_task(step, total=total)
        bar.update(tasks[step], completed=done, total=total)

    return progress


def run(cfg: DictConfig) -> int:
    settings = retrieval_settings(cfg)
    warehouse = Warehouse.at(cfg.paths.warehouse)
    kb_file = Path(cfg.retrieval.kb) if cfg.retrieval.kb else None
    try:
        corpus = load_corpus(warehouse, settings.graph.issue_column, kb_file)
    except (WarehouseError, CorpusError) as err:
        console.print(f"[red]{err}[/]")
        return 1
    if not corpus.tickets:
        console.print(
            f"[red]no solved tickets with text in {warehouse.root}[/]: the index needs resolved "
            "or closed tickets with a subject or body (generate some with 'python main.py "
            "generate --output-dir DIR')"
        )
        return 1
    cache = Path(cfg.retrieval.embedding_cache) if settings.dense.cache else None
    embedder = embedders.make_embedder(settings.dense, cache)
    console.print(
        f"Indexing {len(corpus.tickets):,} solved tickets and {len(corpus.kb_articles):,} KB "
        f"articles from {warehouse.root} into {cfg.paths.index}"
    )
    sources: dict[str, object] = {
        "warehouse": str(warehouse.root),
        "kb": str(kb_file) if kb_file else None,
    }
    with progress_bar() as bar:
        report = build_index(
            corpus,
            Path(cfg.paths.index),
            settings,
            embedder,
            rebuild=bool(cfg.retrieval.index.rebuild),
            progress=step_progress(bar),
            sources=sources,
        )
    _print_report(report)
    return 0


def _print_report(report: BuildReport) -> None:
    if report.mode == "unchanged":
        console.print(
            f"Index {report.folder} is up to date ({report.tickets:,} tickets, "
            f"{report.kb_articles:,} KB articles); nothing to add."
        )
        return
    verb = "Built" if report.mode == "full" else f"Updated (+{report.new_tickets:,} tickets)"
    console.print(
        f"{verb} index {report.folder}: {report.tickets:,} tickets, {report.kb_articles:,} KB "
        f"articles, graph {report.graph_nodes:,} nodes / {report.graph_edges:,} edges."
    )
    steps = ", ".join(f"{k} {v:.1f}s" for k, v in report.seconds.items())
    console.print(f"[dim]{steps}[/dim]")
    calibration = report.calibration
    if calibration.get("ece_natural") is not None:
        console.print(
            f"Confidence calibrated on {calibration['samples']} self-queries "
            f"({calibration['label']}): hold-out AUC {calibration['auc']:.3f}, "
            f"ECE {calibration['ece_natural']:.3f} on natural queries."
        )
    console.print('Next: python main.py recommend --text "..."')
