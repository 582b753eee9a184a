"""What the detectors need to know about a warehouse besides its tickets: which columns and
families exist, whether there is text, known closures, product launches and the KB."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import duckdb
import pyarrow.parquet as pq

from tickets.anomaly.kb_coverage import KbArticle, load_kb
from tickets.anomaly.plan import DataSpan, data_span
from tickets.anomaly.series import fetch_row, load_customers, source_columns, ticket_source_sql
from tickets.anomaly.settings import AnomalySettings
from tickets.anomaly.terms import has_text
from tickets.data.warehouse import Warehouse
from tickets.utils.timeutil import zone


@dataclass(frozen=True)
class WarehouseContext:
    source_sql: str  # tickets with the customer segment joined on
    plain_sql: str  # tickets only (cheaper when the segment is not needed)
    customers_table: str | None
    columns: frozenset[str]
    families: tuple[str, ...]
    has_text: bool
    span: DataSpan
    holidays: frozenset[dt.date]
    launches: dict[str, dt.date]
    product_words: frozenset[str]
    kb: list[KbArticle] | None
    notes: tuple[str, ...] = ()


def load_context(
    con: duckdb.DuckDBPyConnection, warehouse: Warehouse, settings: AnomalySettings
) -> WarehouseContext:
    customers = load_customers(con, warehouse)
    source = ticket_source_sql(warehouse, customers)
    plain = warehouse.tickets_scan_sql()
    columns = frozenset(source_columns(con, source))
    families = tuple(f for f in settings.volume.families if f == "overall" or f in columns)
    launches = product_launches(warehouse, settings.timezone)
    return WarehouseContext(
        source_sql=source,
        plain_sql=plain,
        customers_table=customers,
        columns=columns,
        families=families,
        has_text=has_text(con, plain, set(columns)),
        span=data_span(con, plain, settings.timezone),
        holidays=frozenset(known_closures(warehouse, settings)),
        launches=launches,
        product_words=frozenset(_words(launches) | _words(_products(con, plain, columns))),
        kb=load_kb(warehouse),
        notes=tuple(extract_window_notes(con, plain, columns)),
    )


SURVIVOR_SHARE = 0.05  # share of tickets created before the first update that needs a warning


def extract_window_notes(
    con: duckdb.DuckDBPyConnection, plain: str, columns: frozenset[str]
) -> list[str]:
    """Warn when the export holds no update before some date although many tickets were
    created earlier: those older tickets are only the ones still open at the extraction, so
    the volumes before that date are biased low (as in the BPI 2013 log)."""
    if "updated_at" not in columns:
        return []
    row = fetch_row(
        con,
        f"SELECT min(created_at), min(updated_at), count(*) FILTER (WHERE created_at < "
        f"(SELECT min(updated_at) FROM {plain})), count(*) FROM {plain}",
    )
    if row is None or row[0] is None or row[1] is None or not row[3]:
        return []
    first_created, first_update, before, total = row
    share = before / total  # type: ignore[operator]
    if share < SURVIVOR_SHARE or (first_update - first_created).days < 14:  # type: ignore[operator]
        return []
    return [
        f"data: no ticket was updated before {first_update:%Y-%m-%d} but {share:.0%} were "
        "created earlier; those are only the ones still open at the extraction, so volumes "
        "before that date are biased low and rises towards it may be an artefact"
    ]


def known_closures(warehouse: Warehouse, settings: AnomalySettings) -> set[dt.date]:
    """The configured holidays plus every holiday of the warehouse's SLA calendars."""
    days = set(settings.holidays)
    path = warehouse.dimension_path("sla_policies")
    if settings.use_warehouse_holidays and path.exists():
        table = pq.read_table(path)
        if "holidays" in table.column_names:
            for listed in table.column("holidays").to_pylist():
                days.update(d for d in listed or [] if isinstance(d, dt.date))
    return days


def product_launches(warehouse: Warehouse, timezone: str) -> dict[str, dt.date]:
    path = warehouse.dimension_path("products")
    if not path.exists():
        return {}
    rows = pq.read_table(path, columns=["product", "launched_at"]).to_pylist()
    tz = zone(timezone)
    return {
        str(r["product"]): r["launched_at"].astimezone(tz).date()
        for r in rows
        if r["product"] and r["launched_at"] is not None
    }


def _products(con: duckdb.DuckDBPyConnection, source: str, columns: frozenset[str]) -> list[str]:
    if "product" not in columns:
        return []
    rows = con.execute(
        f"SELECT DISTINCT CAST(product AS VARCHAR) FROM {source} "
        "WHERE product IS NOT NULL LIMIT 5000"
    ).fetchall()
    return [str(r[0]) for r in rows]


def _words(names: object) -> set[str]:
    return {w for name in names for w in re.findall(r"[a-z0-9-]+", str(name).lower())}  # type: ignore[attr-defined]
