"""Local days, daylight-saving days and the weekday x hour profile."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from tickets.anomaly.seasonal import SeasonalProfile, fit_profile
from tickets.anomaly.series import HourGrid, daily_sums


def test_spring_forward_day_has_23_hours_and_fall_back_day_25():
    grid = HourGrid.spanning(dt.date(2024, 3, 30), dt.date(2024, 4, 1), "Europe/Berlin")
    hours_per_day = np.bincount(grid.day_of_hour)
    assert hours_per_day.tolist() == [24, 23, 24]
    grid = HourGrid.spanning(dt.date(2024, 10, 27), dt.date(2024, 10, 27), "Europe/Berlin")
    assert len(grid.hours) == 25
    # local 02:00 happens twice on the fall-back day
    assert (grid.local_hour == 2).sum() == 2


def test_utc_grid_days_start_at_local_midnight():
    grid = HourGrid.spanning(dt.date(2024, 7, 1), dt.date(2024, 7, 1), "America/New_York")
    assert grid.hours[0].isoformat() == "2024-07-01T04:00:00+00:00"
    assert grid.local_hour[0] == 0


def test_a_dst_day_expects_23_or_25_hours_worth_of_tickets():
    grid = HourGrid.spanning(dt.date(2024, 3, 30), dt.date(2024, 3, 31), "Europe/Berlin")
    flat = SeasonalProfile(weekday=np.ones((1, 7)), hour_share=np.full((1, 7, 24), 1 / 24))
    factors = flat.day_factors(grid)
    assert factors[0] == pytest.approx([1.0, 23 / 24])


def test_weekday_profile_recovers_a_weekend_dip():
    # 8 weeks: 24 tickets/day Mon-Fri (1 per hour), 12 on Sat and Sun (1 per hour 0-11)
    days = 56
    grid = HourGrid.spanning(
        dt.date(2024, 1, 1), dt.date(2024, 1, 1) + dt.timedelta(days - 1), "UTC"
    )
    hourly = np.zeros((1, len(grid.hours)))
    weekend = grid.weekday >= 5
    hourly[0] = np.where(weekend, (grid.local_hour < 12).astype(float), 1.0)
    daily = daily_sums(hourly, grid)
    assert daily[0, :7].tolist() == [24, 24, 24, 24, 24, 12, 12]
    profile = fit_profile(daily, hourly, np.ones_like(daily, dtype=bool), grid, shrinkage=0.0)
    # centred 7-day mean = 144/7, so weekdays = 24 / (144/7) and weekends half that, then mean 1
    expected = np.array([24, 24, 24, 24, 24, 12, 12]) / (144 / 7)
    assert profile.weekday[0] == pytest.approx(expected / expected.mean(), rel=1e-6)
    # Saturday hours 0-11: 8 tickets each; the series is its own reference, smoothed with one
    # pseudo-ticket per hour: ref = (8 + 1) / (96 + 24) = 9/120; with 120 pseudo-tickets of that
    # shape the share is (8 + 120 * 9/120) / (96 + 120) = 17/216
    assert profile.hour_share[0, 5, :12] == pytest.approx(np.full(12, 17 / 216))


def test_constant_series_profile_is_flat():
    grid = HourGrid.spanning(dt.date(2024, 1, 1), dt.date(2024, 2, 25), "UTC")
    hourly = np.ones((1, len(grid.hours)))
    daily = daily_sums(hourly, grid)
    profile = fit_profile(daily, hourly, np.ones_like(daily, dtype=bool), grid, shrinkage=20.0)
    assert profile.weekday[0] == pytest.approx(np.ones(7))
    assert profile.day_factors(grid)[0] == pytest.approx(np.ones(56))
