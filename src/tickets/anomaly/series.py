"""Ticket counts per hour and per local day for every dimension value, aggregated in DuckDB.

Only aggregates leave DuckDB: one GROUPING SETS query gives UTC-hour counts for the overall
series and each dimension family. Local days come from the UTC hours in the reporting
timezone, so a daylight-saving day simply has 23 or 25 hours and nothing is double-counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from tickets.data.duck import sql_literal
from tickets.data.warehouse import Warehouse

OVERALL = ("overall", "all")
SeriesKey = tuple[str, str]


def with_segment(tickets_sql: str, customers_table: str | None) -> str:
    """A tickets relation with the customer's segment joined on (NULL without customers)."""
    if customers_table is None:
        return f"(SELECT *, CAST(NULL AS VARCHAR) AS segment FROM {tickets_sql})"
    return (
        f"(SELECT t.*, c.segment AS segment FROM {tickets_sql} t "
        f"LEFT JOIN {customers_table} c USING (customer_id))"
    )


def ticket_source_sql(warehouse: Warehouse, customers_table: str | None = None) -> str:
    """Tickets with the customer's segment joined on (NULL when customers.parquet is absent).

    ``customers_table`` names a temp table (customer_id, segment) already in the connection;
    by default customers.parquet is read in the query."""
    customers = warehouse.dimension_path("customers")
    if customers_table is None and customers.exists():
        customers_table = (
            f"(SELECT customer_id, any_value(segment) AS segment "
            f"FROM read_parquet({sql_literal(str(customers))}) GROUP BY customer_id)"
        )
    return with_segment(warehouse.tickets_scan_sql(), customers_table)


def load_customers(con: duckdb.DuckDBPyConnection, warehouse: Warehouse) -> str | None:
    """Copy (customer_id, segment) into a temp table once; its name, or None without customers."""
    path = warehouse.dimension_path("customers")
    if not path.exists():
        return None
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _anomaly_customers AS SELECT customer_id, "
        f"any_value(segment) AS segment FROM read_parquet({sql_literal(str(path))}) "
        "GROUP BY customer_id"
    )
    return "_anomaly_customers"


def fetch_row(con: duckdb.DuckDBPyConnection, query: str) -> tuple[Any, ...] | None:
    """The first row of ``query``, with the result fully consumed (duckdb 2 refuses new work on
    a connection whose last result was only partly fetched)."""
    rows = con.execute(query).fetchall()
    return rows[0] if rows else None


def source_columns(con: duckdb.DuckDBPyConnection, source_sql: str) -> set[str]:
    rows = con.execute(f"DESCRIBE SELECT * FROM {source_sql}").fetchall()
    return {str(r[0]) for r in rows}


def time_filter(column: str, lo: dt.datetime | None, hi: dt.datetime | None) -> str:
    parts = ["TRUE"]
    if lo is not None:
        parts.append(f"{column} >= TIMESTAMPTZ '{lo.astimezone(dt.UTC).isoformat()}'")
    if hi is not None:
        parts.append(f"{column} < TIMESTAMPTZ '{hi.astimezone(dt.UTC).isoformat()}'")
    return " AND ".join(parts)


HOUR_US = 3_600_000_000  # microseconds per hour: integer hour keys avoid time-zone arithmetic


def hourly_counts(
    con: duckdb.DuckDBPyConnection,
    source_sql: str,
    families: tuple[str, ...],
    lo: dt.datetime | None = None,
    hi: dt.datetime | None = None,
) -> pd.DataFrame:
    """Columns family, value, hour (UTC), count: one row per non-empty (series, hour)."""
    dims = [f for f in families if f != "overall"]
    sets = ", ".join(["(hour_key)"] + [f"(hour_key, {d})" for d in dims])
    grouping = "".join(f", grouping({d}) AS g_{d}, CAST({d} AS VARCHAR) AS v_{d}" for d in dims)
    query = (
        f"SELECT epoch_us(created_at) // {HOUR_US} AS hour_key, count(*) AS n{grouping} "
        f"FROM {source_sql} WHERE created_at IS NOT NULL AND {time_filter('created_at', lo, hi)} "
        f"GROUP BY GROUPING SETS ({sets})"
    )
    frame = con.execute(query).df()
    frame["hour"] = pd.to_datetime(frame["hour_key"].astype("int64") * 3600, unit="s", utc=True)
    return _unstack_grouping_sets(frame, dims, "overall" in families)


def _unstack_grouping_sets(frame: pd.DataFrame, dims: list[str], overall: bool) -> pd.DataFrame:
    parts = []
    if frame.empty:
        return pd.DataFrame(columns=["family", "value", "hour", "count"])
    grouped = np.zeros(len(frame), dtype=bool)
    for d in dims:
        mine = (frame[f"g_{d}"] == 0).to_numpy()
        grouped |= mine
        rows = frame.loc[mine & frame[f"v_{d}"].notna().to_numpy(), ["hour", "n", f"v_{d}"]]
        parts.append(rows.rename(columns={f"v_{d}": "value"}).assign(family=d))
    if overall:
        rows = frame.loc[~grouped, ["hour", "n"]].assign(family=OVERALL[0], value=OVERALL[1])
        parts.append(rows)
    out = pd.concat(parts, ignore_index=True).rename(columns={"n": "count"})
    return out[["family", "value", "hour", "count"]]


@dataclass(frozen=True)
class HourGrid:
    """Every UTC hour from the first to the last local day, with its local day and clock."""

    hours: pd.DatetimeIndex  # UTC
    days: list[dt.date]  # local days, consecutive
    day_of_hour: np.ndarray  # index into days
    weekday: np.ndarray  # local weekday of the hour, Monday = 0
    local_hour: np.ndarray  # 0..23

    @classmethod
    def spanning(cls, first: dt.date, last: dt.date, timezone: str) -> HourGrid:
        lo = pd.Timestamp(first).tz_localize(timezone)
        hi = pd.Timestamp(last + dt.timedelta(days=1)).tz_localize(timezone)
        hours = pd.date_range(
            lo.tz_convert("UTC"), hi.tz_convert("UTC"), freq="h", inclusive="left"
        )
        local = hours.tz_convert(timezone)
        days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
        ordinal = np.asarray([d.toordinal() for d in local.date])
        return cls(
            hours=hours,
            days=days,
            day_of_hour=ordinal - first.toordinal(),
            weekday=np.asarray(local.weekday),
            local_hour=np.asarray(local.hour),
        )

    @property
    def day_weekday(self) -> np.ndarray:
        return np.asarray([d.weekday() for d in self.days])

    def day_bounds(self, first: int, last: int, timezone: str) -> tuple[dt.datetime, dt.datetime]:
        """UTC instants of local midnight starting day ``first`` and ending day ``last``."""
        lo = pd.Timestamp(self.days[first]).tz_localize(timezone).tz_convert("UTC")
        hi = pd.Timestamp(self.days[last] + dt.timedelta(days=1)).tz_localize(timezone)
        return lo.to_pydatetime(), hi.tz_convert("UTC").to_pydatetime()


@dataclass
class CountPanel:
    """Counts per series (rows) and hour / day (columns)."""

    keys: list[SeriesKey]
    grid: HourGrid
    hourly: np.ndarray  # [series, hour]
    daily: np.ndarray  # [series, day]

    def index(self, key: SeriesKey) -> int:
        return self.keys.index(key)


def select_series(counts: pd.DataFrame, max_values: int, min_tickets: int) -> list[SeriesKey]:
    """The overall series plus the busiest values of each family (at least ``min_tickets``)."""
    totals = counts.groupby(["family", "value"], sort=False)["count"].sum().reset_index()
    keys: list[SeriesKey] = []
    for family, group in totals.groupby("family", sort=False):
        if family == OVERALL[0]:
            keys.append(OVERALL)
            continue
        top = group[group["count"] >= min_tickets].nlargest(max_values, "count")
        keys.extend((str(family), str(v)) for v in sorted(top["value"]))
    return sorted(keys, key=lambda k: (k != OVERALL, k))


def build_panel(counts: pd.DataFrame, keys: list[SeriesKey], grid: HourGrid) -> CountPanel:
    """Dense hourly and daily matrices for ``keys`` on ``grid`` (zeros where no tickets)."""
    hourly = np.zeros((len(keys), len(grid.hours)))
    if len(keys) and not counts.empty:
        position = pd.Series(np.arange(len(grid.hours)), index=grid.hours)
        row_of = {k: i for i, k in enumerate(keys)}
        pairs = zip(counts["family"], counts["value"], strict=True)
        rows = np.asarray([row_of.get((f, v), -1) for f, v in pairs])
        cols = position.reindex(counts["hour"]).to_numpy()
        ok = (rows >= 0) & ~np.isnan(cols)
        np.add.at(hourly, (rows[ok], cols[ok].astype(int)), counts["count"].to_numpy()[ok])
    return CountPanel(keys, grid, hourly, daily_sums(hourly, grid))


def daily_sums(hourly: np.ndarray, grid: HourGrid) -> np.ndarray:
    """Sum hourly columns into local days (the grid's hours are sorted by local day)."""
    starts = np.flatnonzero(np.r_[True, np.diff(grid.day_of_hour) != 0])
    if hourly.shape[1] == 0:
        return np.zeros((hourly.shape[0], len(grid.days)))
    return np.add.reduceat(hourly, starts, axis=1)


def day_offsets(values: pd.Series, days: list[dt.date]) -> np.ndarray:
    """Index of each date in the consecutive ``days`` (may fall outside 0..len-1)."""
    if not days:
        return np.zeros(len(values), dtype=int)
    stamps = pd.to_datetime(values).dt.tz_localize(None) if len(values) else values
    origin = np.datetime64(days[0], "D")
    return ((stamps.to_numpy(dtype="datetime64[D]") - origin) // np.timedelta64(1, "D")).astype(int)
