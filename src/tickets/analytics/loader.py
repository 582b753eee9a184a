"""Read the silver warehouse into Ibis tables, in place (no copy), and profile it.

The profile (row count, date range, snapshot instant, (queue, priority) pairs, agent ids) is a
handful of aggregates: the only data that comes back to Python at this stage.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir
import pyarrow as pa
from ibis.backends import BaseBackend

from tickets.data.warehouse import Warehouse
from tickets.schemas import TICKET_SCHEMA

ANALYTICS_COLUMNS = (
    "ticket_id",
    "created_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "updated_at",
    "status",
    "priority",
    "channel",
    "queue",
    "agent_id",
    "team",
    "customer_id",
    "product",
    "category",
    "satisfaction_score",
    "sla_breach",
    "reopened_count",
    "reassignment_count",
    "reply_count",
)
"""The ticket columns analytics reads (free text stays on disk; join on ticket_id for it)."""


@dataclass(frozen=True)
class WarehouseTables:
    tickets: ir.Table
    customers: ir.Table | None
    agents: ir.Table | None
    agents_arrow: pa.Table | None
    sla_policies: pa.Table | None


@dataclass(frozen=True)
class DataProfile:
    tickets: int
    first_created: dt.datetime | None
    last_created: dt.datetime | None
    snapshot: dt.datetime | None  # the latest instant recorded anywhere: "now" for open tickets
    combos: list[tuple[str | None, str | None]] = field(default_factory=list)
    agent_ids: list[str] = field(default_factory=list)
    has_first_response: bool = True  # False: the source records no first responses at all


def _canonical(table: ir.Table) -> ir.Table:
    """Select the analytics columns with canonical types; absent columns become typed nulls."""
    columns = {}
    for name in ANALYTICS_COLUMNS:
        dtype = ibis.dtype(TICKET_SCHEMA.field(name).type)
        if name in table.columns:
            columns[name] = table[name].cast(dtype)
        else:
            columns[name] = ibis.null(dtype)
    return table.select(**columns)


def _read_dimension(backend: BaseBackend, warehouse: Warehouse, name: str) -> ir.Table | None:
    path = warehouse.dimension_path(name)
    if not path.exists():
        return None
    return backend.read_parquet(str(path))


def load_tables(backend: BaseBackend, warehouse: Warehouse) -> WarehouseTables:
    """Ibis tables over the warehouse files (the caller checked that tickets exist)."""
    if backend.name == "duckdb":
        # a view over the files, read in place (ibis' .sql() needs a DuckDB 1.x API)
        backend.raw_sql(
            f"CREATE OR REPLACE TEMP VIEW silver_tickets AS "
            f"SELECT * FROM {warehouse.tickets_scan_sql()}"
        )
        raw = backend.table("silver_tickets")
    else:
        raw = backend.read_parquet(str(warehouse.tickets_dir), mergeSchema="true")
    return WarehouseTables(
        tickets=_canonical(raw),
        customers=_read_dimension(backend, warehouse, "customers"),
        agents=_read_dimension(backend, warehouse, "agents"),
        agents_arrow=warehouse.read_dimension("agents"),
        sla_policies=warehouse.read_dimension("sla_policies"),
    )


def profile(backend: BaseBackend, tickets: ir.Table) -> DataProfile:
    """One scan: counts and time range per (queue, priority, agent), combined in Python."""
    latest = ibis.greatest(
        *(tickets[c].max() for c in ("created_at", "first_response_at", "resolved_at")),
        tickets.closed_at.max(),
        tickets.updated_at.max(),
    )
    groups = backend.execute(
        tickets.group_by("queue", "priority", "agent_id").aggregate(
            tickets=tickets.count(),
            responded=tickets.first_response_at.count(),
            first_created=tickets.created_at.min(),
            last_created=tickets.created_at.max(),
            latest=latest,
        )
    )
    if groups.empty:
        return DataProfile(0, None, None, None)
    combos = groups[["queue", "priority"]].drop_duplicates()
    agents = groups["agent_id"].dropna().unique().tolist()
    return DataProfile(
        tickets=int(groups["tickets"].sum()),
        first_created=_as_utc(groups["first_created"].min()),
        last_created=_as_utc(groups["last_created"].max()),
        snapshot=_as_utc(groups["latest"].max()),
        combos=[(_none(q), _none(p)) for q, p in combos.itertuples(index=False)],
        agent_ids=sorted(str(a) for a in agents),
        has_first_response=bool(groups["responded"].sum() > 0),
    )


def _none(value: object) -> str | None:
    return None if value is None or value != value else str(value)


def _as_utc(value: object) -> dt.datetime | None:
    if value is None or value != value:  # None or NaT
        return None
    stamp = value.to_pydatetime() if hasattr(value, "to_pydatetime") else value
    assert isinstance(stamp, dt.datetime)
    return stamp.replace(tzinfo=dt.UTC) if stamp.tzinfo is None else stamp.astimezone(dt.UTC)
