"""The API's tickets as one canonical Parquet file, for ``python main.py ingest data=api_db``.

Canonical columns come first (``tickets.schemas.TICKET_SCHEMA``); service-only fields travel as
``x_`` extras. ``category`` is the agent's correction when there is one, else the prediction
(``x_predicted_category`` keeps the prediction). Tickets are read in pages, so memory stays
bounded however many the database holds.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tickets.api.storage.models import TicketRow
from tickets.schemas.tickets import TICKET_SCHEMA
from tickets.utils.io import atomic_path

PAGE_ROWS = 10_000
EXTRA_FIELDS = [
    pa.field("x_external_id", pa.string()),
    pa.field("x_source", pa.string()),
    pa.field("x_received_at", TICKET_SCHEMA.field("created_at").type),
    pa.field("x_predicted_category", pa.string()),
    pa.field("x_category_confidence", pa.float64()),
    pa.field("x_needs_review", pa.bool_()),
    pa.field("x_enrichment", pa.string()),
    pa.field("x_model_version", pa.string()),
]
EXPORT_SCHEMA = pa.schema([*TICKET_SCHEMA, *EXTRA_FIELDS])


def _record(row: TicketRow) -> dict[str, object]:
    return {
        "ticket_id": row.id,
        "created_at": row.created_at,
        "first_response_at": None,
        "resolved_at": row.resolved_at,
        "closed_at": None,
        "updated_at": row.updated_at,
        "status": row.status,
        "priority": row.priority,
        "channel": row.channel,
        "queue": row.queue,
        "agent_id": row.agent_id,
        "team": row.team,
        "customer_id": row.customer_id,
        "product": row.product,
        "category": row.corrected_category or row.category,
        "subject": row.subject,
        "body": row.body,
        "resolution": row.resolution,
        "satisfaction_score": None,
        "sla_breach": None,
        "reopened_count": None,
        "reassignment_count": None,
        "reply_count": None,
        "x_external_id": row.external_id,
        "x_source": "api",
        "x_received_at": row.received_at,
        "x_predicted_category": row.category,
        "x_category_confidence": row.confidence,
        "x_needs_review": row.needs_review,
        "x_enrichment": row.enrichment,
        "x_model_version": row.model_version,
    }


def export_tickets(sessions: sessionmaker[Session], target: Path) -> int:
    """Write every ticket to ``target`` atomically; returns the number of rows."""
    total = 0
    with atomic_path(target) as tmp, pq.ParquetWriter(tmp, EXPORT_SCHEMA) as writer:
        last_id = ""
        while True:
            with sessions() as session:
                page = session.scalars(
                    select(TicketRow)
                    .where(TicketRow.id > last_id)
                    .order_by(TicketRow.id)
                    .limit(PAGE_ROWS)
                ).all()
            if not page:
                break
            batch = pa.Table.from_pylist([_record(r) for r in page], schema=EXPORT_SCHEMA)
            writer.write_table(batch)
            total += len(page)
            last_id = page[-1].id
        if total == 0:
            writer.write_table(EXPORT_SCHEMA.empty_table())
    return total
