"""Which days of which series may be scored: data gaps, holidays, partial edge days, and the
day each series starts (its first ticket, or its product's launch).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

GAP_MIN_EXPECTED = 5.0  # an empty day is a data gap when the neighbourhood median is this high


def data_gaps(overall_daily: np.ndarray, weekdays: np.ndarray, radius: int = 14) -> np.ndarray:
    """Days with no tickets at all although both the surrounding days and the same weekday in
    the surrounding weeks usually have at least GAP_MIN_EXPECTED: the export is missing that
    day, not the customers (a quiet weekend is not a gap)."""
    counts = pd.Series(overall_daily, dtype=float)
    around = counts.rolling(2 * radius + 1, center=True, min_periods=radius).median()
    same_weekday = pd.Series(np.nan, index=counts.index)
    for wd in range(7):
        mask = weekdays == wd
        days = counts[mask]
        same_weekday[mask] = days.rolling(9, center=True, min_periods=4).median().to_numpy()
    usual = np.minimum(around.to_numpy(), same_weekday.to_numpy())
    return (counts.to_numpy() == 0) & (np.nan_to_num(usual) >= GAP_MIN_EXPECTED)


def partial_last_day(
    last_ticket: dt.datetime | None, day_end: dt.datetime, hour_share_after: float
) -> bool:
    """True when the data stops early on its last day: more than 10% of the day's usual volume
    falls after the last ticket."""
    if last_ticket is None or last_ticket >= day_end:
        return False
    return hour_share_after > 0.10


def holiday_mask(days: list[dt.date], holidays: set[dt.date]) -> np.ndarray:
    return np.asarray([d in holidays for d in days], dtype=bool)


def series_starts(daily: np.ndarray) -> np.ndarray:
    """Index of each series' first day with a ticket (a new product starts with its launch);
    a series without tickets starts after the last day."""
    has = daily > 0
    return np.where(has.any(axis=1), has.argmax(axis=1), daily.shape[1])


def valid_days(
    daily: np.ndarray, starts: np.ndarray, gaps: np.ndarray, holidays: np.ndarray
) -> np.ndarray:
    """[series, day]: days that may enter baselines (after the start, not a gap or holiday)."""
    day = np.arange(daily.shape[1])[None, :]
    return (day >= starts[:, None]) & ~gaps[None, :] & ~holidays[None, :]


ACTIVE_LEVEL = 0.1  # days below a tenth of the typical daily volume can lie outside the span
STRAGGLERS = 0.02  # ... and is cut off only when it holds less than this share of the tickets


def active_span(overall_daily: np.ndarray) -> tuple[int, int, float] | None:
    """(first, last, share outside) of the days where the data really lives, when long sparse
    edges (at least 14 days, under STRAGGLERS of the tickets) surround it: an export with a few
    stragglers months after its end, or long-lived leftovers before its start. None otherwise."""
    counts = pd.Series(overall_daily, dtype=float)
    if counts.sum() == 0:
        return None
    ordered = np.sort(counts.to_numpy())
    typical = float(ordered[np.searchsorted(np.cumsum(ordered), ordered.sum() / 2)])  # by ticket
    active = np.flatnonzero(counts.to_numpy() >= ACTIVE_LEVEL * typical)
    if active.size == 0:
        return None
    first, last = int(active[0]), int(active[-1])
    outside = 1 - float(counts[first : last + 1].sum()) / float(counts.sum())
    long_edges = first >= 14 or len(counts) - 1 - last >= 14
    if not long_edges or outside >= STRAGGLERS:
        return None
    return first, last, outside
