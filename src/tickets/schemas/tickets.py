"""The canonical ticket: a pyarrow schema for tables and a pydantic model for single tickets.

Every command reads and writes this shape. Timestamps are UTC with microsecond precision.
Source columns that map to nothing travel alongside as extra columns prefixed ``x_``.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field, field_validator

TIMESTAMP_TYPE = pa.timestamp("us", tz="UTC")

PRIORITIES = ("critical", "high", "medium", "low")
"""Canonical priority vocabulary, most urgent first. Source values are mapped onto it."""

TICKET_SCHEMA = pa.schema(
    [
        pa.field("ticket_id", pa.string(), nullable=False),
        pa.field("created_at", TIMESTAMP_TYPE),
        pa.field("first_response_at", TIMESTAMP_TYPE),
        pa.field("resolved_at", TIMESTAMP_TYPE),
        pa.field("closed_at", TIMESTAMP_TYPE),
        pa.field("updated_at", TIMESTAMP_TYPE),
        pa.field("status", pa.string()),
        pa.field("priority", pa.string()),
        pa.field("channel", pa.string()),
        pa.field("queue", pa.string()),
        pa.field("agent_id", pa.string()),
        pa.field("team", pa.string()),
        pa.field("customer_id", pa.string()),
        pa.field("product", pa.string()),
        pa.field("category", pa.string()),
        pa.field("subject", pa.string()),
        pa.field("body", pa.string()),
        pa.field("resolution", pa.string()),
        pa.field("satisfaction_score", pa.float64()),
        pa.field("sla_breach", pa.bool_()),
        pa.field("reopened_count", pa.int32()),
        pa.field("reassignment_count", pa.int32()),
        pa.field("reply_count", pa.int32()),
    ]
)

CANONICAL_COLUMNS: tuple[str, ...] = tuple(TICKET_SCHEMA.names)
TIMESTAMP_COLUMNS: tuple[str, ...] = tuple(
    f.name for f in TICKET_SCHEMA if pa.types.is_timestamp(f.type)
)
COUNT_COLUMNS: tuple[str, ...] = tuple(f.name for f in TICKET_SCHEMA if pa.types.is_integer(f.type))
EXTRA_PREFIX = "x_"


class Ticket(BaseModel):
    """One canonical ticket, as accepted by the API and produced by adapters."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    ticket_id: str = Field(min_length=1, max_length=128)
    created_at: dt.datetime
    first_response_at: dt.datetime | None = None
    resolved_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    status: str | None = None
    priority: str | None = None
    channel: str | None = None
    queue: str | None = None
    agent_id: str | None = None
    team: str | None = None
    customer_id: str | None = None
    product: str | None = None
    category: str | None = None
    subject: str | None = None
    body: str | None = None
    resolution: str | None = None
    satisfaction_score: float | None = Field(default=None, ge=1, le=5)
    sla_breach: bool | None = None
    reopened_count: int | None = Field(default=None, ge=0)
    reassignment_count: int | None = Field(default=None, ge=0)
    reply_count: int | None = Field(default=None, ge=0)

    @field_validator("created_at", "first_response_at", "resolved_at", "closed_at", "updated_at")
    @classmethod
    def _as_utc(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)

    @field_validator("resolved_at", "first_response_at", "closed_at")
    @classmethod
    def _not_before_created(cls, value: dt.datetime | None, info) -> dt.datetime | None:  # type: ignore[no-untyped-def]
        created = info.data.get("created_at")
        if value is not None and created is not None and value < created:
            raise ValueError(
                f"{info.field_name} {value.isoformat()} is before created_at {created.isoformat()}"
            )
        return value
