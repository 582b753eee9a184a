"""Rolling robust baselines of count series: the level is the median of the deseasonalised
counts over the trailing window (the day itself excluded), the spread their MAD.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tickets.anomaly.scoring import count_variance, robust_location_scale

CLOSED_FACTOR = 0.05  # a weekday with less than 5% of a typical day's tickets counts as closed


@dataclass(frozen=True)
class CountBaseline:
    expected: np.ndarray  # [series, day]
    variance: np.ndarray  # [series, day]
    history: np.ndarray  # [series, day]: valid baseline days behind the expectation
    testable: np.ndarray  # [series, day]: history >= min_history_days

    def sd(self) -> np.ndarray:
        return np.sqrt(self.variance)

    def z(self, observed: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.variance > 0, (observed - self.expected) / self.sd(), 0.0)


def rolling_count_baseline(
    counts: np.ndarray,
    valid: np.ndarray,
    factors: np.ndarray,
    baseline_days: int,
    min_history_days: int,
) -> CountBaseline:
    """Expected counts from the trailing ``baseline_days`` valid days of each series.

    ``factors`` are the seasonal day factors; ``valid`` marks days that may enter a baseline.
    A day whose window holds fewer than ``min_history_days`` valid days is not testable; where
    some weekdays are closed (seasonal factor ~0, e.g. no weekend shifts) the requirement is
    three quarters of the open days in the window, if that is fewer.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        level_values = np.where(valid & (factors > CLOSED_FACTOR), counts / factors, np.nan)
    padded = np.concatenate(
        [np.full((counts.shape[0], baseline_days), np.nan), level_values], axis=1
    )
    windows = np.lib.stride_tricks.sliding_window_view(padded, baseline_days, axis=1)
    windows = windows[:, : counts.shape[1]]
    level, spread = robust_location_scale(windows, axis=-1)
    history = np.isfinite(windows).sum(axis=-1)
    open_days = np.concatenate(  # days before the data count as open: they are missing history
        [np.ones((counts.shape[0], baseline_days)), (factors > CLOSED_FACTOR).astype(float)], axis=1
    )
    open_in_window = np.lib.stride_tricks.sliding_window_view(open_days, baseline_days, axis=1)
    needed = np.minimum(min_history_days, 0.75 * open_in_window[:, : counts.shape[1]].sum(axis=-1))
    testable = (history >= np.maximum(needed, 1)) & (factors > CLOSED_FACTOR)
    expected = np.where(testable, np.nan_to_num(level) * factors, np.nan)
    variance = count_variance(np.nan_to_num(expected), spread * factors, history)
    return CountBaseline(expected, np.where(testable, variance, np.nan), history, testable)
