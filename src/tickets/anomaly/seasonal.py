"""The weekday x hour seasonal baseline of each count series.

A series' expected count on a local day is ``level x W[weekday] x sum of H[weekday, hour]`` over
the UTC hours that make up that day, so daylight-saving days (23 or 25 hours) get 23 or 25
hours' worth of expectation. W (weekday factors, mean 1) is a median of day / centred-week
ratios, which a few spike days cannot move; H (hour shares) comes from summed counts. Small
series are shrunk towards the overall series' profile.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tickets.anomaly.series import HourGrid


@dataclass(frozen=True)
class SeasonalProfile:
    weekday: np.ndarray  # [series, 7], mean 1
    hour_share: np.ndarray  # [series, 7, 24], each weekday sums to 1

    def day_factors(self, grid: HourGrid) -> np.ndarray:
        """[series, day]: the day's share of a 'typical' day (about 1, x 23/24 on DST days)."""
        per_hour = self.hour_share[:, grid.weekday, grid.local_hour]
        starts = np.flatnonzero(np.r_[True, np.diff(grid.day_of_hour) != 0])
        hour_sum = np.add.reduceat(per_hour, starts, axis=1)
        return self.weekday[:, grid.day_weekday] * hour_sum

    def hour_factors(self, grid: HourGrid) -> np.ndarray:
        """[series, hour]: the hour's share of a typical day on its weekday."""
        return self.weekday[:, grid.weekday] * self.hour_share[:, grid.weekday, grid.local_hour]


def fit_profile(
    daily: np.ndarray,
    hourly: np.ndarray,
    valid_days: np.ndarray,
    grid: HourGrid,
    shrinkage: float,
    reference: int = 0,
) -> SeasonalProfile:
    """Fit W and H for every series; series ``reference`` (the overall one) anchors the shrinkage.

    ``valid_days`` [series, day] marks days usable for fitting (no gaps, holidays or days before
    the series existed).
    """
    raw_w = _weekday_factors(daily, valid_days, grid.day_weekday)
    counts = np.where(valid_days, daily, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mean_daily = np.nan_to_num(np.nanmean(counts, axis=1))
    ref_w = np.where(np.isfinite(raw_w[reference]), raw_w[reference], 1.0)
    weight = (mean_daily / (mean_daily + shrinkage))[:, None]
    weekday = np.where(np.isfinite(raw_w), weight * raw_w + (1 - weight) * ref_w, ref_w)
    weekday = weekday / weekday.mean(axis=1, keepdims=True)
    hour_share = _hour_shares(hourly, valid_days[:, grid.day_of_hour], grid, reference)
    return SeasonalProfile(weekday=weekday, hour_share=hour_share)


def _weekday_factors(daily: np.ndarray, valid: np.ndarray, weekday: np.ndarray) -> np.ndarray:
    """Median over weeks of day / centred 7-day mean, per weekday. Only weeks with real volume
    vote (a centred mean of at least a fifth of the series' typical one): the near-empty weeks
    of a tail of stragglers would otherwise make every quiet weekday look closed."""
    frame = pd.DataFrame(np.where(valid, daily, np.nan).T)
    week = frame.rolling(7, center=True, min_periods=5).mean().to_numpy().T
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        typical = np.nanmedian(np.where(week > 0, week, np.nan), axis=1, keepdims=True)
    busy = week >= 0.2 * np.nan_to_num(typical, nan=np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(busy & (week > 0), daily / week, np.nan)
    ratio = np.where(valid, ratio, np.nan)
    out = np.full((daily.shape[0], 7), np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for wd in range(7):
            out[:, wd] = np.nanmedian(ratio[:, weekday == wd], axis=1)
    return out


def _hour_shares(
    hourly: np.ndarray, valid_hours: np.ndarray, grid: HourGrid, reference: int
) -> np.ndarray:
    """Mean tickets per occurrence of each (weekday, local hour), as shares of the weekday.

    Rates per occurrence, not sums: a local hour missing on the spring-forward day (or doubled
    in autumn) does not bias its share."""
    series = hourly.shape[0]
    cell = grid.weekday * 24 + grid.local_hour
    sums, seen = np.zeros((series, 168)), np.zeros((series, 168))
    for s in range(series):
        sums[s] = np.bincount(cell, weights=np.where(valid_hours[s], hourly[s], 0.0), minlength=168)
        seen[s] = np.bincount(cell, weights=valid_hours[s].astype(float), minlength=168)
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = np.where(seen > 0, sums / seen, 0.0).reshape(series, 7, 24)
    weeks = seen.reshape(series, 7, 24).max(axis=2, keepdims=True)
    totals = rates * weeks  # tickets per cell over the fitted weeks, without DST distortion
    ref_total = totals[reference].sum(axis=1, keepdims=True)
    ref = (totals[reference] + 1.0) / (ref_total + 24)
    prior = 120.0  # pseudo-tickets per weekday pulling a small series towards the reference
    shares = (totals + prior * ref[None]) / (totals.sum(axis=2, keepdims=True) + prior)
    return np.asarray(shares / shares.sum(axis=2, keepdims=True))
