"""Builders of tiny hand-made warehouses and of settings pointing at them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from tickets.analytics.business_time import BusinessCalendar
from tickets.analytics.settings import AnalyticsSettings, SlaSettings, SlaTarget
from tickets.data.warehouse import Warehouse
from tickets.schemas import TICKET_SCHEMA
from tickets.schemas.dimensions import DIMENSION_SCHEMAS

UTC = dt.UTC


def at(text: str) -> dt.datetime:
    """'2024-03-04 09:30' (UTC) → an aware datetime."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def write_tickets(warehouse: Warehouse, rows: list[dict[str, Any]]) -> None:
    """Write canonical tickets partitioned by created month, as ingest does."""
    by_month: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        full = {name: row.get(name) for name in TICKET_SCHEMA.names}
        by_month.setdefault(row["created_at"].strftime("%Y-%m"), []).append(full)
    for month, part in by_month.items():
        folder = warehouse.tickets_dir / f"created_month={month}"
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.Table.from_pylist(part, schema=TICKET_SCHEMA), folder / "part-0.parquet")


def write_dimension(warehouse: Warehouse, name: str, rows: list[dict[str, Any]]) -> None:
    schema = DIMENSION_SCHEMAS[name]
    full = [{field: row.get(field) for field in schema.names} for row in rows]
    warehouse.write_dimension(name, pa.Table.from_pylist(full, schema=schema))


# conf-style fallback: UTC, Mon-Fri 09:00-17:00, no holidays
CONF_CALENDAR = BusinessCalendar("UTC", (1, 2, 3, 4, 5), "09:00", "17:00", ())
CONF_TARGETS = {
    "critical": SlaTarget(1, 8),
    "high": SlaTarget(4, 24),
    "medium": SlaTarget(8, 72),
    "low": SlaTarget(24, 120),
}


def make_settings(warehouse: Path, tmp: Path, **overrides: Any) -> AnalyticsSettings:
    base: dict[str, Any] = {
        "warehouse": warehouse,
        "outputs_root": tmp / "outputs",
        "models_dir": tmp / "outputs" / "models",
        "sla": SlaSettings("business", CONF_CALENDAR, CONF_TARGETS),
    }
    base.update(overrides)
    return AnalyticsSettings(**base)


def compute(settings: AnalyticsSettings):  # type: ignore[no-untyped-def]
    """The bundle's tables for these settings (no driver model, nothing written)."""
    from tickets.analytics.compute import compute_bundle, enrich_context
    from tickets.analytics.engine import connect_engine
    from tickets.analytics.loader import load_tables, profile
    from tickets.analytics.windows import resolve_window

    backend = connect_engine(settings.engine)
    tables = load_tables(backend, Warehouse.at(settings.warehouse))
    data = profile(backend, tables.tickets)
    assert data.first_created is not None and data.snapshot is not None
    window = resolve_window(
        settings.start_date,
        settings.end_date,
        settings.window_days,
        settings.reporting_timezone,
        data.first_created,
        data.snapshot,
    )
    ctx, policies = enrich_context(settings, tables, data, backend)
    return compute_bundle(backend, tables, ctx, policies, settings, window), backend
