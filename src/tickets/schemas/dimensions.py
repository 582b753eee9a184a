"""Dimension tables that enrich tickets: agents, customers, SLA policies, KB articles, products."""

from __future__ import annotations

import pyarrow as pa

from tickets.schemas.tickets import TIMESTAMP_TYPE

AGENTS_SCHEMA = pa.schema(
    [
        pa.field("agent_id", pa.string(), nullable=False),
        pa.field("name", pa.string()),
        pa.field("team", pa.string()),
        pa.field("timezone", pa.string()),
        pa.field("skill", pa.float64()),
    ]
)

CUSTOMERS_SCHEMA = pa.schema(
    [
        pa.field("customer_id", pa.string(), nullable=False),
        pa.field("segment", pa.string()),
        pa.field("plan", pa.string()),
        pa.field("region", pa.string()),
    ]
)

SLA_POLICIES_SCHEMA = pa.schema(
    [
        pa.field("queue", pa.string()),  # null: applies to every queue without its own row
        pa.field("priority", pa.string(), nullable=False),
        pa.field("first_response_target_hours", pa.float64()),
        pa.field("resolution_target_hours", pa.float64()),
        pa.field("calendar_timezone", pa.string()),
        pa.field("working_days", pa.list_(pa.int8())),  # ISO weekday numbers, Monday = 1
        pa.field("work_start", pa.string()),  # "09:00", local to calendar_timezone
        pa.field("work_end", pa.string()),  # "17:00"
        pa.field("holidays", pa.list_(pa.date32())),
    ]
)

KB_ARTICLES_SCHEMA = pa.schema(
    [
        pa.field("kb_id", pa.string(), nullable=False),
        pa.field("title", pa.string()),
        pa.field("body", pa.string()),
        pa.field("product", pa.string()),
        pa.field("issue", pa.string()),
        pa.field("created_at", TIMESTAMP_TYPE),
    ]
)

PRODUCTS_SCHEMA = pa.schema(
    [
        pa.field("product", pa.string(), nullable=False),
        pa.field("product_line", pa.string()),
        pa.field("launched_at", TIMESTAMP_TYPE),
    ]
)

DIMENSION_SCHEMAS: dict[str, pa.Schema] = {
    "agents": AGENTS_SCHEMA,
    "customers": CUSTOMERS_SCHEMA,
    "sla_policies": SLA_POLICIES_SCHEMA,
    "kb_articles": KB_ARTICLES_SCHEMA,
    "products": PRODUCTS_SCHEMA,
}
