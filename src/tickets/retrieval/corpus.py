"""The retrieval corpus from the silver warehouse: solved tickets, KB articles, products."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from tickets.data.duck import connect
from tickets.data.warehouse import Warehouse
from tickets.retrieval.documents import Document
from tickets.utils.logging import get_logger

log = get_logger(__name__)

KB_COLUMNS = ("kb_id", "title", "body", "product", "issue")


class CorpusError(ValueError):
    """The corpus cannot be read; the message says which file and how to fix it."""


@dataclass(frozen=True)
class Corpus:
    tickets: list[Document]
    kb_articles: list[Document]
    products: list[str]
    issue_column: str


def load_corpus(
    warehouse: Warehouse, issue_column: str = "category", kb_file: Path | None = None
) -> Corpus:
    """Resolved tickets with text, the KB articles (warehouse table or ``kb_file``), products."""
    warehouse.require_tickets()
    kb = load_kb_file(kb_file) if kb_file else _kb_from_warehouse(warehouse)
    column = _issue_column(warehouse, issue_column)
    tickets = _solved_tickets(warehouse, column)
    products = _products(warehouse, tickets, kb)
    return Corpus(tickets, kb, products, column)


def ticket_by_id(warehouse: Warehouse, ticket_id: str, issue_column: str) -> Document | None:
    """Any ticket of the warehouse (solved or not), to use as a query."""
    column = _issue_column(warehouse, issue_column)
    rows = _query_tickets(warehouse, column, "ticket_id = ?", [ticket_id])
    return rows[0] if rows else None


def _solved_tickets(warehouse: Warehouse, issue_column: str) -> list[Document]:
    where = (
        "resolved_at IS NOT NULL AND coalesce(status, 'resolved') IN ('resolved', 'closed') "
        "AND (length(coalesce(subject, '')) > 0 OR length(coalesce(body, '')) > 0)"
    )
    return _query_tickets(warehouse, issue_column, where, [])


def _query_tickets(
    warehouse: Warehouse, issue_column: str, where: str, params: list[object]
) -> list[Document]:
    issue = f'CAST("{issue_column}" AS VARCHAR)' if issue_column else "NULL"
    sql = f"""
        SELECT ticket_id, coalesce(subject, '') AS title, coalesce(body, '') AS body,
               coalesce(resolution, '') AS resolution, product, {issue} AS issue, created_at
        FROM {warehouse.tickets_scan_sql()}
        WHERE {where}
        ORDER BY created_at, ticket_id
    """
    table = connect().sql(sql, params=params).to_arrow_table()
    return [
        Document(
            doc_id=row["ticket_id"],
            kind="ticket",
            title=row["title"],
            body=row["body"],
            resolution=row["resolution"],
            product=row["product"],
            issue=row["issue"],
            created_at=row["created_at"],
        )
        for row in table.to_pylist()
    ]


def _issue_column(warehouse: Warehouse, wanted: str) -> str:
    described = connect().execute(f"DESCRIBE SELECT * FROM {warehouse.tickets_scan_sql()}")
    columns = {row[0] for row in described.fetchall()}
    if wanted in columns:
        return wanted
    fallback = "category" if "category" in columns else ""
    log.warning(
        "issue column %r is not in the warehouse tickets; using %r instead",
        wanted,
        fallback or "none",
    )
    return fallback


def _kb_from_warehouse(warehouse: Warehouse) -> list[Document]:
    table = warehouse.read_dimension("kb_articles")
    if table is None:
        log.warning(
            "no kb_articles.parquet in %s: indexing tickets only (pass --kb FILE to add KB)",
            warehouse.root,
        )
        return []
    return _kb_documents(table, warehouse.dimension_path("kb_articles"))


def load_kb_file(path: Path) -> list[Document]:
    """KB articles from Parquet or JSON Lines with kb_id, title, body[, product, issue]."""
    path = Path(path)
    if not path.is_file():
        raise CorpusError(f"no such KB file: {path}")
    if path.suffix == ".parquet":
        table = pq.read_table(path)
    elif path.suffix in (".jsonl", ".json"):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
        table = pa.Table.from_pylist(rows)
    else:
        raise CorpusError(f"{path}: KB files must be .parquet or .jsonl")
    return _kb_documents(table, path)


def _kb_documents(table: pa.Table, source: Path) -> list[Document]:
    missing = [c for c in ("kb_id", "title", "body") if c not in table.column_names]
    if missing:
        raise CorpusError(f"{source}: KB articles need columns {missing}")
    rows = table.to_pylist()
    return [
        Document(
            doc_id=str(r["kb_id"]),
            kind="kb",
            title=r.get("title") or "",
            body=r.get("body") or "",
            product=r.get("product"),
            issue=r.get("issue"),
            created_at=_utc(r.get("created_at")),
        )
        for r in rows
    ]


def _products(warehouse: Warehouse, tickets: list[Document], kb: list[Document]) -> list[str]:
    table = warehouse.read_dimension("products")
    names = set(table["product"].to_pylist()) if table is not None else set()
    names |= {d.product for d in [*tickets, *kb] if d.product}
    return sorted(n for n in names if n)


def _utc(value: object) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return None
