"""Which local days a run reads, scans and stores, given the data, the flags and the baselines."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from tickets.anomaly.baselines import KEEP_DAYS, OVERLAP_DAYS, StoredBaselines
from tickets.anomaly.errors import AnomalyError
from tickets.anomaly.series import fetch_row
from tickets.anomaly.settings import AnomalySettings
from tickets.utils.timeutil import local_day_bounds_utc, zone

HISTORY_DAYS = 70  # days read before the scanned window: the longest baseline (56 + 7) + slack


@dataclass(frozen=True)
class DataSpan:
    first_day: dt.date
    last_day: dt.date
    last_ticket: dt.datetime
    tickets: int


@dataclass(frozen=True)
class ScanPlan:
    first_day: dt.date  # first day of the series (history included)
    last_day: dt.date  # last day of the series
    scan_start: dt.date  # first day scanned for anomalies
    scan_end: dt.date  # last day scanned (inclusive)
    read_from: dt.date  # first day read from the warehouse (later than first_day when incremental)
    incremental: bool
    timezone: str

    @property
    def days(self) -> list[dt.date]:
        span = (self.last_day - self.first_day).days + 1
        return [self.first_day + dt.timedelta(days=i) for i in range(span)]

    @property
    def window(self) -> tuple[int, int]:
        return (self.scan_start - self.first_day).days, (self.scan_end - self.first_day).days

    def utc_bounds(self, first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
        return local_day_bounds_utc(first, last, self.timezone)


def data_span(con: duckdb.DuckDBPyConnection, tickets_sql: str, timezone: str) -> DataSpan:
    """First and last local day with tickets (min/max in UTC; the zone applied in Python)."""
    row = fetch_row(
        con,
        f"SELECT min(created_at), max(created_at), count(created_at) FROM {tickets_sql}",
    )
    if row is None or not row[2]:
        raise AnomalyError("the warehouse has no tickets with a created_at time; nothing to scan")
    tz = zone(timezone)
    first, last = (v.astimezone(tz).date() for v in row[:2])
    return DataSpan(first, last, row[1], int(row[2]))


def plan_scan(
    settings: AnomalySettings, span: DataSpan, stored: StoredBaselines | None
) -> ScanPlan:
    """Without --start-date every day is scanned (history from the first ticket). With it, the
    run reads HISTORY_DAYS before the start; stored baselines covering that history replace the
    read of all days before (stored end - OVERLAP_DAYS)."""
    start, end = _scan_window(settings, span)
    first = span.first_day
    if settings.start_date is not None:
        first = max(span.first_day, start - dt.timedelta(days=HISTORY_DAYS))
    read_from = first
    if stored is not None and settings.start_date is not None:
        stored_first = stored.through - dt.timedelta(days=KEEP_DAYS - 1)
        if first >= stored_first:
            resume = min(start, stored.through + dt.timedelta(days=1))
            read_from = max(first, resume - dt.timedelta(days=OVERLAP_DAYS))
    return ScanPlan(first, end, start, end, read_from, read_from > first, settings.timezone)


def _scan_window(settings: AnomalySettings, span: DataSpan) -> tuple[dt.date, dt.date]:
    start = settings.start_date or span.first_day
    end = min(settings.end_date or span.last_day, span.last_day)
    if start > span.last_day:
        raise AnomalyError(
            f"--start-date {start} is after the last ticket ({span.last_day}); "
            "choose an earlier start or ingest newer tickets"
        )
    if end < span.first_day:
        raise AnomalyError(
            f"--end-date {end} is before the first ticket ({span.first_day}); choose a later end"
        )
    return max(start, span.first_day), end
