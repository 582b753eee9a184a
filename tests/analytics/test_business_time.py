"""Business calendars: hand-counted working hours, and the engine formula equals the reference."""

from __future__ import annotations

import datetime as dt

import ibis
import pyarrow as pa
import pytest

from tickets.analytics.business_time import (
    DAY_SECONDS,
    BusinessCalendar,
    business_seconds_at,
    business_seconds_between,
    calendar_day_table,
    with_business_seconds,
)
from tickets.data.duck import connect

UTC = dt.UTC
NINE_TO_FIVE = BusinessCalendar("UTC", (1, 2, 3, 4, 5), "09:00", "17:00", (dt.date(2024, 3, 4),))
TOKYO = BusinessCalendar("Asia/Tokyo", (1, 2, 3, 4, 5), "09:00", "18:00")
BERLIN = BusinessCalendar("Europe/Berlin", (1, 2, 3, 4, 5), "09:00", "17:00")


def t(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def hours(calendar: BusinessCalendar, start: str, end: str) -> float:
    return business_seconds_between(calendar, t(start), t(end)) / 3600


def test_weekend_and_holiday_add_no_business_time():
    # Fri 15:00 → Tue 11:00: Fri 2 h, weekend 0, Mon 2024-03-04 holiday 0, Tue 2 h
    assert hours(NINE_TO_FIVE, "2024-03-01 15:00", "2024-03-05 11:00") == 4


def test_time_outside_working_hours_is_clipped():
    # Tue 07:00 → Tue 20:00 covers the whole 8 h day; Tue 18:00 → Wed 08:00 covers none
    assert hours(NINE_TO_FIVE, "2024-03-05 07:00", "2024-03-05 20:00") == 8
    assert hours(NINE_TO_FIVE, "2024-03-05 18:00", "2024-03-06 08:00") == 0


def test_other_timezone_counts_local_working_hours():
    # Mon 23:00 UTC = Tue 08:00 JST → Tue 06:00 UTC = 15:00 JST: 09:00-15:00 JST = 6 h
    assert hours(TOKYO, "2024-03-04 23:00", "2024-03-05 06:00") == 6


def test_dst_change_keeps_local_working_hours():
    # Berlin moves to summer time on Sun 2024-03-31: Mon 09:00 CEST is 07:00 UTC (08:00 before)
    assert hours(BERLIN, "2024-03-29 07:00", "2024-03-29 08:00") == 0  # Fri 08:00-09:00 CET
    assert hours(BERLIN, "2024-04-01 07:00", "2024-04-01 08:00") == 1  # Mon 09:00-10:00 CEST
    assert hours(BERLIN, "2024-03-28 00:00", "2024-04-03 00:00") == 8 * 4  # Thu, Fri, Mon, Tue


def test_calendar_rejects_bad_fields_with_the_place_to_fix():
    with pytest.raises(ValueError, match="row 3 work_start: '9am' is not a time of day"):
        BusinessCalendar("UTC", (1,), "9am", "17:00").validate("row 3")
    with pytest.raises(ValueError, match="unknown timezone"):
        BusinessCalendar("Mars/Olympus", (1,), "09:00", "17:00").validate("row 4")
    with pytest.raises(ValueError, match="work_end 08:00 is not after work_start 09:00"):
        BusinessCalendar("UTC", (1,), "09:00", "08:00").validate("row 5")


def test_engine_formula_equals_reference_on_every_hour_boundary():
    """B(end) - B(start) from the day table (DuckDB) equals the scalar reference."""
    calendars = [NINE_TO_FIVE, TOKYO, BERLIN]
    first = int(t("2024-02-25 00:00").timestamp())
    days = calendar_day_table(calendars, first // DAY_SECONDS - 1, first // DAY_SECONDS + 45)
    starts = [first + k * 3 * 3600 + 17 * 60 for k in range(0, 200, 7)]
    ends = [s + (k % 9) * 11 * 3600 + 5 * 60 for k, s in enumerate(starts)]
    rows = [(cid, s, e) for cid in range(3) for s, e in zip(starts, ends, strict=True)]
    table = ibis.memtable(
        pa.table(
            {
                "calendar_id": [r[0] for r in rows],
                "start_s": [r[1] for r in rows],
                "end_s": [r[2] for r in rows],
            }
        )
    )
    day_table = ibis.memtable(days)
    table = with_business_seconds(table, day_table, "start_s", "start_b")
    table = with_business_seconds(table, day_table, "end_s", "end_b")
    con = ibis.duckdb.from_connection(connect())
    result = con.execute(
        table.mutate(b=table.end_b - table.start_b).order_by("calendar_id", "start_s")
    )
    for row in result.itertuples():
        calendar = calendars[row.calendar_id]
        start = dt.datetime.fromtimestamp(row.start_s, UTC)
        end = dt.datetime.fromtimestamp(row.end_s, UTC)
        assert row.b == business_seconds_between(calendar, start, end), (calendar, start, end)
    assert business_seconds_at(days, 0, ends[-1]) - business_seconds_at(days, 0, starts[-1]) == (
        business_seconds_between(
            NINE_TO_FIVE,
            dt.datetime.fromtimestamp(starts[-1], UTC),
            dt.datetime.fromtimestamp(ends[-1], UTC),
        )
    )
