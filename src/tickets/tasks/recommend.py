"""``python main.py recommend``: similar solved tickets, KB articles and a cited answer."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from omegaconf import DictConfig

from tickets.data.warehouse import Warehouse, WarehouseError
from tickets.retrieval import embedder as embedders
from tickets.retrieval.corpus import ticket_by_id
from tickets.retrieval.failures import append_failure
from tickets.retrieval.generator import GeneratorError, generate_answer
from tickets.retrieval.recommender import Recommendation, Recommender
from tickets.retrieval.settings import RetrievalSettings
from tickets.retrieval.store import IndexUnavailableError, LoadedIndex, load_index
from tickets.retrieval.text import EmptyQueryError
from tickets.tasks.index import retrieval_settings
from tickets.utils.logging import console


def run(cfg: DictConfig) -> int:
    settings = retrieval_settings(cfg)
    options = cfg.retrieval.recommend
    embedder = embedders.make_embedder(settings.dense, None)
    try:
        index = load_index(Path(cfg.paths.index), settings, embedder)
    except IndexUnavailableError as err:
        console.print(f"[red]{err}[/]")
        return 1
    text, ticket_id = options.text, options.ticket_id
    if ticket_id:
        text = _ticket_text(index, Warehouse.at(cfg.paths.warehouse), str(ticket_id), settings)
        if text is None:
            return 1
    try:
        rec = Recommender(index, settings).recommend(text, int(cfg.retrieval.top_k), ticket_id)
    except EmptyQueryError as err:
        console.print(f"[red]{err}[/]")
        return 2
    rec = _maybe_generate(rec, settings)
    if not rec.answer.confident:
        failure = rec.failure(ticket_id, index.stamp.updated_at)
        append_failure(cfg.retrieval.failure_log, failure)
        rec.warnings.append(f"logged as a retrieval failure in {cfg.retrieval.failure_log}")
    if options.json:
        print(json.dumps(rec.to_dict(), indent=2, ensure_ascii=False))
    else:
        _print(rec)
    return 0


def _ticket_text(
    index: LoadedIndex, warehouse: Warehouse, ticket_id: str, settings: RetrievalSettings
) -> str | None:
    position = index.tickets.position(ticket_id)
    if position is not None:
        return index.tickets.documents[position].search_text
    try:
        doc = ticket_by_id(warehouse, ticket_id, settings.graph.issue_column)
    except WarehouseError:
        doc = None
    if doc is None:
        console.print(
            f"[red]no ticket {ticket_id!r} in the index or in warehouse {warehouse.root}[/]: "
            'check the id, or pass the text with --text "..."'
        )
        return None
    return doc.search_text


def _maybe_generate(rec: Recommendation, settings: RetrievalSettings) -> Recommendation:
    if not settings.generator.enabled or not rec.answer.confident:
        return rec
    try:
        text = generate_answer(settings.generator, rec.query.text, rec.answer.lines)
    except GeneratorError as err:
        rec.warnings.append(f"{err}; showing the extractive answer")
        return rec
    return dataclasses.replace(rec, answer=dataclasses.replace(rec.answer, generated=text))


def _print(rec: Recommendation) -> None:
    from rich.table import Table

    for warning in (*rec.query.warnings, *rec.warnings):
        console.print(f"[yellow]warning:[/] {warning}")
    tickets = Table(title="Similar solved tickets", title_justify="left")
    for column in ("ticket", "score", "subject", "product", "issue"):
        tickets.add_column(column)
    for s in rec.tickets:
        tickets.add_row(s.doc_id, f"{s.score:.3f}", s.title, s.product or "", s.issue or "")
    kb = Table(title="KB articles", title_justify="left")
    for column in ("article", "score", "title"):
        kb.add_column(column)
    for s in rec.kb_articles:
        kb.add_row(s.doc_id, f"{s.score:.3f}", s.title)
    console.print(tickets)
    console.print(kb)
    answer = rec.answer
    label = "calibrated" if answer.calibrated else "uncalibrated"
    console.print(
        f"[bold]Suggested resolution[/] (confidence {answer.confidence:.2f}, {label}; "
        f"threshold {answer.threshold:.2f})"
    )
    if answer.confident:
        console.print(answer.text, markup=False)
    else:
        console.print(f"[yellow]{answer.text}[/]: check the tickets and articles above by hand.")
