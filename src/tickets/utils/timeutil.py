"""Date and timezone helpers: reporting windows are local dates, storage is UTC."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def parse_date(text: str) -> dt.date:
    """Parse an ISO date (YYYY-MM-DD) with a message that says what was expected."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError as err:
        raise ValueError(f"{text!r} is not a date; expected YYYY-MM-DD, e.g. 2024-01-31") from err


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise ValueError(
            f"unknown timezone {name!r}; use an IANA name such as Europe/Berlin"
        ) from err


def local_day_bounds_utc(start: dt.date, end: dt.date, tz: str) -> tuple[dt.datetime, dt.datetime]:
    """UTC instants [start 00:00 local, day after end 00:00 local): the end date is inclusive."""
    tzinfo = zone(tz)
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tzinfo)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tzinfo)
    return lo.astimezone(dt.UTC), hi.astimezone(dt.UTC)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def run_stamp() -> str:
    """A sortable, filesystem-safe timestamp naming a run's folder."""
    return utc_now().strftime("%Y%m%dT%H%M%SZ")
