"""Business calendars and vectorised business-time arithmetic.

A calendar (timezone, working days, working hours, holidays) becomes a small table with one row
per *UTC day*: the working seconds accumulated before that day (``cum_before``) and the working
intervals that fall inside it, as (start second of the UTC day, length) slots. The business
seconds elapsed since the table's origin at an instant ``t`` are then

    B(t) = cum_before[day(t)] + Σ_slot clip(sod(t) - slot_start, 0, slot_len)

and a business duration is ``B(end) - B(start)``. Working in UTC days means the engine needs no
timezone conversion and DST is exact: the Python side converts each local working interval to
UTC once per calendar day, the engine only joins on ``(calendar_id, utc_day)``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tickets.utils.timeutil import zone

DAY_SECONDS = 86_400
_MAX_SLOTS = 3  # a UTC day overlaps at most three local days (two only without DST edges)


def parse_clock_time(text: str, where: str) -> int:
    """'HH:MM' → seconds after local midnight ('24:00' allowed as an end of day)."""
    try:
        hours, minutes = (int(part) for part in str(text).split(":"))
    except ValueError as err:
        raise ValueError(f"{where}: {text!r} is not a time of day; expected HH:MM") from err
    if not (0 <= minutes < 60 and 0 <= hours <= 24) or (hours == 24 and minutes):
        raise ValueError(f"{where}: {text!r} is not a time of day between 00:00 and 24:00")
    return hours * 3600 + minutes * 60


@dataclass(frozen=True)
class BusinessCalendar:
    """Working time of a queue: local timezone, ISO working days, hours and holidays."""

    timezone: str
    working_days: tuple[int, ...]
    work_start: str
    work_end: str
    holidays: tuple[dt.date, ...] = ()

    def validate(self, where: str) -> BusinessCalendar:
        try:
            zone(self.timezone)
        except ValueError as err:
            raise ValueError(f"{where}: {err}") from err
        bad_days = [d for d in self.working_days if not 1 <= int(d) <= 7]
        if bad_days:
            raise ValueError(f"{where}: working_days {bad_days} are not ISO weekdays 1 (Mon)..7")
        start = parse_clock_time(self.work_start, f"{where} work_start")
        end = parse_clock_time(self.work_end, f"{where} work_end")
        if end <= start:
            raise ValueError(
                f"{where}: work_end {self.work_end} is not after work_start {self.work_start}"
            )
        return self

    def describe(self) -> str:
        days = ",".join(str(d) for d in self.working_days)
        extra = f", {len(self.holidays)} holidays" if self.holidays else ""
        return f"{self.timezone} days {days} {self.work_start}-{self.work_end}{extra}"


def working_intervals(calendar: BusinessCalendar, first: dt.date, last: dt.date) -> np.ndarray:
    """The calendar's working intervals on local dates first..last as UTC epoch seconds (n, 2)."""
    tzinfo = zone(calendar.timezone)
    start = parse_clock_time(calendar.work_start, "work_start")
    end = parse_clock_time(calendar.work_end, "work_end")
    working, holidays = set(int(d) for d in calendar.working_days), set(calendar.holidays)
    rows = []
    day = first
    while day <= last:
        if day.isoweekday() in working and day not in holidays:
            midnight = dt.datetime.combine(day, dt.time.min, tzinfo=tzinfo)
            lo = _local_instant(midnight, start)
            hi = _local_instant(midnight, end)
            if hi > lo:
                rows.append((lo, hi))
        day += dt.timedelta(days=1)
    return np.array(rows, dtype=np.int64).reshape(-1, 2)


def _local_instant(midnight: dt.datetime, seconds: int) -> int:
    """Epoch seconds of a wall-clock time (seconds after local midnight) on that local date."""
    wall = midnight.replace(tzinfo=None) + dt.timedelta(seconds=seconds)
    return int(wall.replace(tzinfo=midnight.tzinfo).timestamp())


def calendar_day_rows(
    calendar_id: int, intervals: np.ndarray, first_day: int, last_day: int
) -> dict[str, np.ndarray]:
    """Rows (calendar_id, day, cum_before, slot starts, slot lengths) for UTC days first..last."""
    days = np.arange(first_day, last_day + 1, dtype=np.int64)
    starts = np.zeros((len(days), _MAX_SLOTS), dtype=np.int64)
    lengths = np.zeros((len(days), _MAX_SLOTS), dtype=np.int64)
    per_day = np.zeros(len(days), dtype=np.int64)
    used = np.zeros(len(days), dtype=np.int64)
    for lo, hi in _split_at_midnight(intervals):
        index = lo // DAY_SECONDS - first_day
        if not 0 <= index < len(days):
            continue
        slot = used[index]
        start_of_day = lo - (lo // DAY_SECONDS) * DAY_SECONDS
        if slot and starts[index, slot - 1] + lengths[index, slot - 1] == start_of_day:
            lengths[index, slot - 1] += hi - lo  # contiguous with the previous piece: extend it
            per_day[index] += hi - lo
            continue
        if slot == _MAX_SLOTS:
            raise ValueError(
                f"calendar {calendar_id}: more than {_MAX_SLOTS} working intervals "
                f"in UTC day {index + first_day}; check work_start/work_end"
            )
        starts[index, slot] = lo - (lo // DAY_SECONDS) * DAY_SECONDS
        lengths[index, slot] = hi - lo
        per_day[index] += hi - lo
        used[index] += 1
    cum_before = np.concatenate([[0], np.cumsum(per_day)[:-1]])
    columns = {
        "calendar_id": np.full(len(days), calendar_id, dtype=np.int64),
        "day": days,
        "cum_before": cum_before,
    }
    for slot in range(_MAX_SLOTS):
        columns[f"slot{slot}_start"] = starts[:, slot]
        columns[f"slot{slot}_len"] = lengths[:, slot]
    return columns


def _split_at_midnight(intervals: np.ndarray) -> Iterable[tuple[int, int]]:
    for lo, hi in intervals.tolist():
        while lo < hi:
            boundary = (lo // DAY_SECONDS + 1) * DAY_SECONDS
            yield lo, min(hi, boundary)
            lo = boundary


def calendar_day_table(
    calendars: Sequence[BusinessCalendar], first_day: int, last_day: int
) -> pa.Table:
    """The per-UTC-day table of every calendar (calendar_id = index in ``calendars``)."""
    first_date = dt.date(1970, 1, 1) + dt.timedelta(days=first_day - 2)
    last_date = dt.date(1970, 1, 1) + dt.timedelta(days=last_day + 2)
    parts = [
        pa.table(
            calendar_day_rows(i, working_intervals(c, first_date, last_date), first_day, last_day)
        )
        for i, c in enumerate(calendars)
    ]
    return pa.concat_tables(parts)


def business_seconds_at(day_table: pa.Table, calendar_id: int, seconds: int) -> int:
    """B(t) for one instant, read from the day table (the scalar twin of the engine formula)."""
    day, second_of_day = divmod(int(seconds), DAY_SECONDS)
    rows = day_table.filter(
        pc.and_(
            pc.equal(day_table["calendar_id"], calendar_id),
            pc.equal(day_table["day"], day),
        )
    ).to_pylist()
    if not rows:
        raise ValueError(f"instant {seconds} is outside the business calendar table")
    row = rows[0]
    total = int(row["cum_before"])
    for slot in range(_MAX_SLOTS):
        start, length = row[f"slot{slot}_start"], row[f"slot{slot}_len"]
        total += max(0, min(second_of_day - start, length))
    return total


def business_seconds_between(
    calendar: BusinessCalendar, start: dt.datetime, end: dt.datetime
) -> int:
    """Reference (scalar) business seconds between two instants; used for one-off values."""
    lo, hi = int(start.timestamp()), int(end.timestamp())
    local_first = start.astimezone(zone(calendar.timezone)).date() - dt.timedelta(days=1)
    local_last = end.astimezone(zone(calendar.timezone)).date() + dt.timedelta(days=1)
    total = 0
    for a, b in working_intervals(calendar, local_first, local_last).tolist():
        total += max(0, min(b, hi) - max(a, lo))
    return total


def day_view(day_table: ir.Table, prefix: str) -> ir.Table:
    """The day table with every column renamed ``<prefix><column>`` (one per joined clock)."""
    return day_table.view().rename({f"{prefix}{name}": name for name in day_table.columns})


def day_key(seconds: ir.IntegerValue) -> ir.IntegerValue:
    """The UTC day of an epoch-seconds instant: joins the day table's ``day``."""
    return seconds // DAY_SECONDS


def business_seconds_of(seconds: ir.IntegerValue, joined: ir.Table, prefix: str) -> ir.IntegerValue:
    """B(t) from the day row joined (as ``day_view(.., prefix)``) on the instant's UTC day;
    null when no row joined (a null instant)."""
    # the joined row's day is the instant's day: no second division
    second_of_day = seconds - joined[f"{prefix}day"] * DAY_SECONDS
    total = joined[f"{prefix}cum_before"]
    for slot in range(_MAX_SLOTS):
        start, length = joined[f"{prefix}slot{slot}_start"], joined[f"{prefix}slot{slot}_len"]
        total = total + ibis.greatest(ibis.least(second_of_day - start, length), 0)
    return total


def with_business_seconds(
    table: ir.Table, day_table: ir.Table, seconds_column: str, output: str
) -> ir.Table:
    """Add ``output`` = B(t) for the epoch-seconds column (needs a ``calendar_id`` column).

    One left join on (calendar_id, UTC day); null when the timestamp is null.
    """
    prefix = f"_{output}_"
    view = day_view(day_table, prefix)
    joined = table.left_join(
        view,
        [
            table.calendar_id == view[f"{prefix}calendar_id"],
            day_key(table[seconds_column]) == view[f"{prefix}day"],
        ],
    )
    total = business_seconds_of(joined[seconds_column], joined, prefix)
    return joined.select(*table.columns, **{output: total})
