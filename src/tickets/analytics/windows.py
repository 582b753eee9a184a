"""Reporting windows: local dates in the reporting timezone, end date inclusive.

A window [start, end] covers the UTC instants [start 00:00 local, end+1 00:00 local). The
comparison window is the one of the same length that ends where this one starts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tickets.utils.timeutil import local_day_bounds_utc, zone


class WindowError(ValueError):
    """The requested window cannot be reported on; the message says why and what to do."""


@dataclass(frozen=True)
class ReportWindow:
    start: dt.date
    end: dt.date  # inclusive
    timezone: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """UTC instants [lo, hi)."""
        return local_day_bounds_utc(self.start, self.end, self.timezone)

    @property
    def epoch_bounds(self) -> tuple[int, int]:
        lo, hi = self.bounds
        return int(lo.timestamp()), int(hi.timestamp())

    def previous(self) -> ReportWindow:
        length = dt.timedelta(days=self.days)
        return ReportWindow(self.start - length, self.end - length, self.timezone)

    def label(self) -> str:
        return (
            f"{self.start.isoformat()} → {self.end.isoformat()} ({self.days} days, {self.timezone})"
        )

    def as_dict(self) -> dict[str, object]:
        lo, hi = self.bounds
        return {
            "start_date": self.start.isoformat(),
            "end_date": self.end.isoformat(),
            "days": self.days,
            "timezone": self.timezone,
            "start_utc": lo.isoformat(),
            "end_utc_exclusive": hi.isoformat(),
        }


def local_date(instant: dt.datetime, timezone: str) -> dt.date:
    return instant.astimezone(zone(timezone)).date()


def resolve_window(
    start: dt.date | None,
    end: dt.date | None,
    window_days: int,
    timezone: str,
    first_instant: dt.datetime,
    last_instant: dt.datetime,
) -> ReportWindow:
    """Fill in defaults (end = last day with data; start = end - window_days + 1) and check.

    A window that does not overlap the data at all is an error that names the data's range;
    a window inside the range that happens to hold no tickets is fine (an empty report).
    """
    if window_days < 1:
        raise WindowError(f"analytics.window_days={window_days} must be at least 1")
    zone(timezone)
    first_day, last_day = local_date(first_instant, timezone), local_date(last_instant, timezone)
    if end is None and start is not None and start > last_day:
        raise WindowError(
            f"--start-date {start} is after the last day with data ({last_day}, {timezone}); "
            f"the warehouse holds tickets from {first_day} to {last_day}."
        )
    end = end or last_day
    start = start or end - dt.timedelta(days=window_days - 1)
    if end < start:
        raise WindowError(f"--end-date {end} is before --start-date {start}")
    if end < first_day or start > last_day:
        raise WindowError(
            f"the window {start} → {end} is outside the data: the warehouse holds tickets from "
            f"{first_day} to {last_day} ({timezone}). Pick dates in that range, or leave "
            "--start-date/--end-date out for the last "
            f"{window_days} days with data."
        )
    return ReportWindow(start, end, timezone)
