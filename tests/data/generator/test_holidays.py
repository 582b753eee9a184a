"""Holiday rules against dates checked in published calendars."""

from __future__ import annotations

import datetime as dt

import pytest

from tickets.data.generator.holidays import easter_sunday, holidays_between, public_holidays


@pytest.mark.parametrize(
    ("year", "easter"),
    [(2024, dt.date(2024, 3, 31)), (2025, dt.date(2025, 4, 20)), (2019, dt.date(2019, 4, 21))],
)
def test_easter_sunday(year, easter):
    assert easter_sunday(year) == easter


def test_us_holidays_2024_include_nth_weekday_rules():
    days = public_holidays("US", [2024])
    assert dt.date(2024, 11, 28) in days  # Thanksgiving, 4th Thursday of November
    assert dt.date(2024, 5, 27) in days  # Memorial Day, last Monday of May
    assert dt.date(2024, 1, 15) in days  # Martin Luther King Jr. Day, 3rd Monday


def test_uk_bank_holidays_2024():
    days = public_holidays("GB", [2024])
    assert dt.date(2024, 3, 29) in days  # Good Friday
    assert dt.date(2024, 8, 26) in days  # summer bank holiday, last Monday of August
    assert len(days) == 8


def test_holidays_between_is_inclusive_and_rejects_unknown_countries():
    assert holidays_between("DE", dt.date(2024, 10, 3), dt.date(2024, 10, 3)) == [
        dt.date(2024, 10, 3)
    ]
    with pytest.raises(ValueError, match="no holiday rules"):
        public_holidays("XX", [2024])
