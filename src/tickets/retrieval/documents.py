"""Searchable documents: solved tickets, KB articles, or the documents of an evaluation set."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyarrow as pa

from tickets.schemas.tickets import TIMESTAMP_TYPE

DOCUMENTS_SCHEMA = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),  # ticket | kb | doc
        pa.field("title", pa.string()),
        pa.field("body", pa.string()),
        pa.field("resolution", pa.string()),
        pa.field("product", pa.string()),
        pa.field("issue", pa.string()),
        pa.field("created_at", TIMESTAMP_TYPE),
    ]
)


@dataclass(frozen=True)
class Document:
    doc_id: str
    kind: str
    title: str = ""
    body: str = ""
    resolution: str = ""
    product: str | None = None
    issue: str | None = None
    created_at: dt.datetime | None = None

    @property
    def search_text(self) -> str:
        """What the retrievers index and what a ticket used as a query says: title + body."""
        return f"{self.title}\n{self.body}".strip()

    @property
    def citation(self) -> str:
        """How an answer cites this document: ``[KB-0012]`` or ``[T-4411]``."""
        return f"[{self.doc_id}]"


def documents_table(documents: Sequence[Document]) -> pa.Table:
    columns = {name: [getattr(d, name) for d in documents] for name in DOCUMENTS_SCHEMA.names}
    return pa.table(columns, schema=DOCUMENTS_SCHEMA)


def documents_from_table(table: pa.Table) -> list[Document]:
    return [
        Document(
            doc_id=row["doc_id"],
            kind=row["kind"],
            title=row["title"] or "",
            body=row["body"] or "",
            resolution=row["resolution"] or "",
            product=row["product"],
            issue=row["issue"],
            created_at=row["created_at"],
        )
        for row in table.select(DOCUMENTS_SCHEMA.names).to_pylist()
    ]


def search_texts(documents: Iterable[Document]) -> list[str]:
    return [d.search_text for d in documents]
