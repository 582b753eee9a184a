"""Read the silver warehouse into Ibis tables, in place (no copy), and profile it.

The profile (row count, date range, snapshot instant, (queue, priority) pairs, agent ids) is a
handful of aggregates: the only data that comes back to Python at this stage.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import ibis
import ibis.expr.types as ir
import pyarrow as pa
from ibis.backends import BaseBackend

from tickets.data.duck import sql_literal
from tickets.data.warehouse import Warehouse
from tickets.schemas import TICKET_SCHEMA

if TYPE_CHECKING:
    import pandas as pd

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


_INSTANTS = ("created_at", "first_response_at", "resolved_at", "closed_at", "updated_at")


def profile_warehouse(
    backend: BaseBackend, tables: WarehouseTables, warehouse: Warehouse
) -> DataProfile:
    """``profile`` of every ticket of the warehouse (``tables`` from ``load_tables``).

    On DuckDB the time range comes from the Parquet footers: their exact min/max statistics
    give it without decoding a single timestamp, and the scan reads only the three key
    columns. Any file without usable statistics falls back to the full scan.
    """
    if backend.name == "duckdb":
        instants = _footer_instants(backend, warehouse)
        if instants is not None:
            return _profile_keys(backend, tables.tickets, instants)
    return profile(backend, tables.tickets)


def _footer_instants(
    backend: BaseBackend, warehouse: Warehouse
) -> dict[str, tuple[dt.datetime | None, dt.datetime | None, int]] | None:
    """(min, max, non-null count) of each timestamp column from the footers, or None."""
    raw = backend.table("silver_tickets").schema()
    present = [name for name in _INSTANTS if name in raw]
    if any(raw[name] != ibis.dtype(TICKET_SCHEMA.field(name).type) for name in present):
        return None  # stored as another type: its statistics are not the canonical values
    if not present:
        return {name: (None, None, 0) for name in _INSTANTS}
    pattern = sql_literal(str(warehouse.tickets_dir / "**" / "*.parquet"))
    names = ", ".join(sql_literal(name) for name in present)
    has_values = "num_values > stats_null_count"
    query = f"""
        SELECT path_in_schema,
            count(*) FILTER (WHERE stats_null_count IS NULL OR ({has_values} AND NOT (
                stats_min_value IS NOT NULL AND stats_max_value IS NOT NULL
                AND coalesce(min_is_exact, false) AND coalesce(max_is_exact, false)))),
            min(CAST(stats_min_value AS TIMESTAMPTZ)) FILTER (WHERE {has_values}),
            max(CAST(stats_max_value AS TIMESTAMPTZ)) FILTER (WHERE {has_values}),
            sum(num_values - stats_null_count)
        FROM parquet_metadata({pattern})
        WHERE path_in_schema IN ({names})
        GROUP BY 1"""
    rows = backend.con.execute(query).fetchall()  # type: ignore[attr-defined]
    found = {row[0]: row[1:] for row in rows}
    if any(found.get(name, (1,))[0] for name in present):
        return None  # a chunk without exact statistics (or a column missing from them)
    out: dict[str, tuple[dt.datetime | None, dt.datetime | None, int]] = {}
    for name in _INSTANTS:
        _, lo, hi, values = found.get(name, (0, None, None, 0))
        out[name] = (_as_utc(lo), _as_utc(hi), int(values or 0))
    return out


def _profile_keys(
    backend: BaseBackend,
    tickets: ir.Table,
    instants: dict[str, tuple[dt.datetime | None, dt.datetime | None, int]],
) -> DataProfile:
    groups = backend.execute(
        tickets.group_by("queue", "priority", "agent_id").aggregate(tickets=tickets.count())
    )
    if groups.empty:
        return DataProfile(0, None, None, None)
    latest = [hi for _, hi, _ in instants.values() if hi is not None]
    first_created, last_created, _ = instants["created_at"]
    return _from_groups(
        groups,
        first_created,
        last_created,
        max(latest) if latest else None,
        instants["first_response_at"][2] > 0,
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
    return _from_groups(
        groups,
        _as_utc(groups["first_created"].min()),
        _as_utc(groups["last_created"].max()),
        _as_utc(groups["latest"].max()),
        bool(groups["responded"].sum() > 0),
    )


def _from_groups(
    groups: pd.DataFrame,
    first_created: dt.datetime | None,
    last_created: dt.datetime | None,
    snapshot: dt.datetime | None,
    has_first_response: bool,
) -> DataProfile:
    """The profile from ticket counts per (queue, priority, agent) and the time range."""
    combos = groups[["queue", "priority"]].drop_duplicates()
    agents = groups["agent_id"].dropna().unique().tolist()
    return DataProfile(
        tickets=int(groups["tickets"].sum()),
        first_created=first_created,
        last_created=last_created,
        snapshot=snapshot,
        combos=[(_none(q), _none(p)) for q, p in combos.itertuples(index=False)],
        agent_ids=sorted(str(a) for a in agents),
        has_first_response=has_first_response,
    )


def _none(value: object) -> str | None:
    return None if value is None or value != value else str(value)


def _as_utc(value: object) -> dt.datetime | None:
    if value is None or value != value:  # None or NaT
        return None
    stamp = value.to_pydatetime() if hasattr(value, "to_pydatetime") else value
    assert isinstance(stamp, dt.datetime)
    return stamp.replace(tzinfo=dt.UTC) if stamp.tzinfo is None else stamp.astimezone(dt.UTC)
