"""Sentiment and CSAT shifts: PELT change points, then a test per segment.

The daily means of a series are segmented by PELT (ruptures' algorithm, see changepoints.py)
with a ticket-weighted L2 cost and a penalty of ``penalty x noise variance x log(days)``. The
noise variance is the robust variance of standardised day-to-day differences: ticket noise plus
whatever day-level swings the series has. Every segment that starts inside the scanned window
is compared with the ticket-level mean of the valid days in the ``baseline_days`` before it
(days of earlier short episodes excluded): a z-test on the two means, ticket-level variances
from the daily sums of squares, inflated by the day-level overdispersion. A shift needs a
minimum size and a Benjamini-Hochberg q-value over all segments of all series.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from tickets.anomaly.changepoints import change_point_ends
from tickets.anomaly.scoring import MAD_TO_SD, benjamini_hochberg
from tickets.anomaly.sentiment_series import MeanSeries
from tickets.anomaly.settings import SentimentSettings


@dataclass
class Shift:
    series: MeanSeries
    first: int  # day index, inclusive
    last: int  # day index, inclusive
    observed: float
    expected: float
    expected_sd: float  # standard error of the difference
    tickets: float
    baseline_tickets: float
    z: float
    p_value: float
    q_value: float = 1.0

    @property
    def delta(self) -> float:
        return self.observed - self.expected


@dataclass(frozen=True)
class Noise:
    """Per-ticket variance, and the effective one that adds day-to-day variation."""

    ticket: float
    effective: float

    @property
    def inflation(self) -> float:
        return max(1.0, self.effective / self.ticket) if self.ticket > 0 else 1.0


def series_noise(series: MeanSeries, valid: np.ndarray) -> Noise:
    """Pooled within-day variance of tickets, and the robust variance of standardised
    day-to-day differences (which also holds day-level swings the tickets do not explain)."""
    n, total, total_sq = series.n[valid], series.total[valid], series.total_sq[valid]
    within = float((total_sq - total**2 / n).sum()) / max(float((n - 1).sum()), 1.0)
    means = total / n
    steps = np.diff(means) / np.sqrt(1 / n[1:] + 1 / n[:-1])
    if steps.size < 2:
        return Noise(within, within)
    spread = MAD_TO_SD * np.median(np.abs(steps - np.median(steps)))
    if spread <= 0:  # two-valued steps can have a zero MAD; fall back to their spread
        spread = float(np.std(steps))
    return Noise(max(within, 0.0), float(spread**2))


def change_points(
    series: MeanSeries, min_tickets: int, cfg: SentimentSettings
) -> tuple[list[tuple[int, int]], Noise]:
    """(first, last) day-index segments of the days with at least ``min_tickets`` tickets,
    by PELT on the daily means weighted by tickets, with a penalty of ``penalty x effective
    noise variance x log(days)``."""
    means = series.mean(min_tickets)
    valid = np.flatnonzero(np.isfinite(means))
    if valid.size == 0:
        return [], Noise(0.0, 0.0)
    noise = series_noise(series, valid)
    whole = [(int(valid[0]), int(valid[-1]))]
    if valid.size < 2 * cfg.min_segment_days or noise.effective <= 0:
        return whole, noise  # too short, or constant: no change points
    pen = cfg.penalty * noise.effective * np.log(valid.size)
    ends = change_point_ends(
        means[valid], pen, cfg.min_segment_days, cfg.changepoint_engine, series.n[valid]
    )
    bounds, start = [], 0
    for end in ends:
        bounds.append((int(valid[start]), int(valid[end - 1])))
        start = end
    return bounds, noise


def segment_shifts(
    series: MeanSeries, window: tuple[int, int], cfg: SentimentSettings, min_tickets: int
) -> tuple[list[Shift], int]:
    """Tested segments of one series (all of them, flagged or not) and how many segments in
    the window could not be tested for lack of history. Days of a short segment that clearly
    moved (an episode of at most ``transient_days``) are kept out of later baselines, so the
    recovery after a drop is not a 'rise'; a longer one is a new level and stays in."""
    usable = np.isfinite(series.mean(min_tickets))
    size = cfg.csat_min_delta if series.metric == "csat" else cfg.vader_min_delta
    shifts, short_history = [], 0
    segments, noise = change_points(series, min_tickets, cfg)
    for first, last in segments[1:]:
        seg = np.zeros_like(usable)
        seg[first : last + 1] = usable[first : last + 1]
        base = np.zeros_like(usable)
        lo = max(0, first - cfg.baseline_days)
        base[lo:first] = usable[lo:first]
        if base.sum() < cfg.min_history_days:
            short_history += int(window[0] <= first <= window[1])
            continue
        shift = _test(series, seg, base, first, last, noise.inflation)
        transient = last - first + 1 <= cfg.transient_days
        if transient and abs(shift.delta) >= size and shift.p_value <= cfg.fdr:
            usable = usable & ~seg
        if window[0] <= first <= window[1]:
            shifts.append(shift)
    return shifts, short_history


def _test(
    series: MeanSeries, seg: np.ndarray, base: np.ndarray, first: int, last: int, inflation: float
) -> Shift:
    """z-test of the segment's mean against the baseline's; the ticket-level standard error is
    inflated by the series' day-to-day overdispersion."""
    n_s, mean_s, var_s = series.span(seg)
    n_b, mean_b, var_b = series.span(base)
    se = float(np.sqrt(inflation * (var_s / max(n_s, 1) + var_b / max(n_b, 1))))
    z = (mean_s - mean_b) / se if se > 0 else 0.0
    return Shift(
        series=series,
        first=first,
        last=last,
        observed=mean_s,
        expected=mean_b,
        expected_sd=se,
        tickets=n_s,
        baseline_tickets=n_b,
        z=float(z),
        p_value=float(stats.norm.sf(abs(z))),
    )


def flag_shifts(shifts: list[Shift], cfg: SentimentSettings) -> list[Shift]:
    """Shifts that pass BH over all tested segments and the minimum size of their metric."""
    if not shifts:
        return []
    q = benjamini_hochberg(np.array([s.p_value for s in shifts]))
    flagged = []
    for shift, q_value in zip(shifts, q, strict=True):
        shift.q_value = float(q_value)
        size = cfg.csat_min_delta if shift.series.metric == "csat" else cfg.vader_min_delta
        if q_value <= cfg.fdr and abs(shift.delta) >= size:
            flagged.append(shift)
    return flagged
