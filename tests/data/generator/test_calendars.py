"""Business calendars: business time ↔ wall clock, worked out by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np

from tickets.data.generator.calendars import BusinessCalendar, CalendarSet, CalendarSpec

HOUR = 3600


def utc(*parts: int) -> int:
    return int(dt.datetime(*parts, tzinfo=dt.UTC).timestamp())


def office(tz: str = "UTC", holidays: tuple[dt.date, ...] = ()) -> BusinessCalendar:
    spec = CalendarSpec(tz, (1, 2, 3, 4, 5), "09:00", "17:00", holidays)
    return BusinessCalendar.build(spec, dt.date(2024, 3, 1), dt.date(2024, 3, 31))


def test_work_started_friday_afternoon_finishes_monday_morning():
    # Friday 2024-03-08 16:00 + 2 business hours: 1 h on Friday, 1 h from Monday 09:00
    done = office().add(np.array([utc(2024, 3, 8, 16)]), np.array([2 * HOUR]))
    assert done[0] == utc(2024, 3, 11, 10)


def test_ticket_created_at_night_waits_for_opening():
    # Tuesday 02:00 + 30 business minutes = Tuesday 09:30
    done = office().add(np.array([utc(2024, 3, 12, 2)]), np.array([1800]))
    assert done[0] == utc(2024, 3, 12, 9, 30)


def test_business_time_between_skips_weekend_and_holiday():
    calendar = office(holidays=(dt.date(2024, 3, 11),))
    # Friday 15:00 → Tuesday 11:00 with Monday a holiday: 2 h Friday + 2 h Tuesday
    elapsed = calendar.between(np.array([utc(2024, 3, 8, 15)]), np.array([utc(2024, 3, 12, 11)]))
    assert elapsed[0] == 4 * HOUR


def test_local_hours_follow_daylight_saving_time():
    calendar = office("America/New_York")
    # 09:00 New York is 14:00 UTC before 2024-03-10 (EST) and 13:00 UTC after it (EDT)
    assert calendar.is_open(np.array([utc(2024, 3, 8, 14)]))[0]
    assert not calendar.is_open(np.array([utc(2024, 3, 8, 13, 30)]))[0]
    assert calendar.is_open(np.array([utc(2024, 3, 11, 13, 30)]))[0]


def test_instant_inverts_business_seconds():
    calendar = office("Asia/Kolkata")
    t = np.array([utc(2024, 3, 5, 6, 15), utc(2024, 3, 20, 9, 0)])  # both inside opening hours
    assert np.array_equal(calendar.instant(calendar.business_seconds(t)), t)


def test_calendar_set_matches_each_calendar_on_its_own_rows():
    calendars = (office("UTC"), office("America/New_York"), office("Asia/Kolkata"))
    merged = CalendarSet.of(calendars)
    rng = np.random.default_rng(1)
    which = rng.integers(0, 3, 500)
    t = rng.integers(utc(2024, 3, 1), utc(2024, 3, 25), 500)
    business = rng.integers(0, 20 * HOUR, 500)
    expected = np.array(
        [calendars[k].add(t[i : i + 1], business[i : i + 1])[0] for i, k in enumerate(which)]
    )
    assert np.array_equal(merged.add(t, business, which), expected)
    opened = np.array([calendars[k].is_open(t[i : i + 1])[0] for i, k in enumerate(which)])
    assert np.array_equal(merged.is_open(t, which), opened)
