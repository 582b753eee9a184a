"""Robust statistics shared by the detectors: median/MAD, count tail probabilities,
Benjamini-Hochberg, the generalised ESD test (S-H-ESD flavour) and a CUSUM onset.

Everything is vectorised over numpy arrays and safe on constant or empty input: a zero spread
falls back to the Poisson floor, never to a division by zero.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import stats

MAD_TO_SD = 1.4826


def robust_location_scale(values: np.ndarray, axis: int = -1) -> tuple[np.ndarray, np.ndarray]:
    """Median and 1.4826 x MAD along ``axis``, ignoring NaN (NaN where nothing is valid)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices give NaN, on purpose
        median = np.nanmedian(values, axis=axis)
        mad = np.nanmedian(np.abs(values - np.expand_dims(median, axis)), axis=axis)
    return median, MAD_TO_SD * mad


MIN_VARIANCE = 0.25  # a series that was always empty still has a spread of half a ticket


def count_variance(
    expected: np.ndarray, level_sd: np.ndarray, n_baseline: np.ndarray
) -> np.ndarray:
    """Variance of a count: the larger of Poisson (= expected) and the robust spread, inflated
    for the uncertainty of a median over ``n_baseline`` values (var of median ~ pi/2 var / n),
    and never below MIN_VARIANCE (a constant zero series does not divide by zero)."""
    spread = np.nan_to_num(level_sd, nan=0.0) ** 2
    inflate = 1.0 + (np.pi / 2) / np.maximum(n_baseline, 1)
    return np.maximum(np.maximum(expected, spread) * inflate, MIN_VARIANCE)


def count_tail_pvalue(
    observed: np.ndarray, expected: np.ndarray, variance: np.ndarray, upper: bool = True
) -> np.ndarray:
    """One-sided p-value of ``observed`` under a negative binomial with the given mean and
    variance (Poisson when the variance does not exceed the mean). NaN in, 1.0 out."""
    obs = np.asarray(observed, dtype=float)
    mu = np.maximum(np.asarray(expected, dtype=float), 1e-9)
    var = np.maximum(np.asarray(variance, dtype=float), mu)
    p = np.ones_like(obs)
    ok = np.isfinite(obs) & np.isfinite(mu) & np.isfinite(var)
    over = ok & (var > mu * (1 + 1e-9))
    pois = ok & ~over
    if upper:
        p[pois] = stats.poisson.sf(obs[pois] - 1, mu[pois])
        size = mu[over] ** 2 / (var[over] - mu[over])
        p[over] = stats.nbinom.sf(obs[over] - 1, size, size / (size + mu[over]))
    else:
        p[pois] = stats.poisson.cdf(obs[pois], mu[pois])
        size = mu[over] ** 2 / (var[over] - mu[over])
        p[over] = stats.nbinom.cdf(obs[over], size, size / (size + mu[over]))
    return np.clip(p, 0.0, 1.0)


def benjamini_hochberg(pvalues: np.ndarray) -> np.ndarray:
    """BH-adjusted q-values (same shape; NaN p-values get q = 1)."""
    p = np.asarray(pvalues, dtype=float)
    flat = np.where(np.isfinite(p), p, 1.0).ravel()
    n = flat.size
    if n == 0:
        return p.copy()
    order = np.argsort(flat)
    ranked = flat[order] * n / np.arange(1, n + 1)
    q_sorted = np.minimum.accumulate(ranked[::-1])[::-1]
    q = np.empty(n)
    q[order] = np.minimum(q_sorted, 1.0)
    return q.reshape(p.shape)


def generalized_esd(values: np.ndarray, max_outliers: int, alpha: float = 0.05) -> np.ndarray:
    """Indices of outliers by Rosner's generalised ESD with median/MAD (hybrid, as in S-H-ESD).

    ``values`` are residuals (seasonality already removed). Returns indices sorted by position.
    A constant series has no outliers.
    """
    x = np.asarray(values, dtype=float)
    valid = np.flatnonzero(np.isfinite(x))
    if valid.size < 3 or max_outliers <= 0:
        return np.array([], dtype=int)
    remaining = list(valid)
    candidates, found = [], 0
    for i in range(1, min(max_outliers, valid.size - 2) + 1):
        sample = x[remaining]
        median = np.median(sample)
        mad = MAD_TO_SD * np.median(np.abs(sample - median))
        if mad <= 0:
            break
        deviations = np.abs(sample - median) / mad
        worst = int(np.argmax(deviations))
        n = valid.size
        t = stats.t.ppf(1 - alpha / (2 * (n - i + 1)), n - i - 1)
        critical = (n - i) * t / np.sqrt((n - i - 1 + t**2) * (n - i + 1))
        candidates.append(remaining.pop(worst))
        if deviations[worst] > critical:
            found = i
    return np.sort(np.array(candidates[:found], dtype=int))


def cusum_onset(counts: np.ndarray, allowance: np.ndarray, at: int) -> int:
    """The first index of the CUSUM run that is still open at ``at``.

    S_t = max(0, S_{t-1} + counts_t - allowance_t); the onset is the day after the last time S
    was zero before ``at`` (the usual CUSUM change-point estimate).
    """
    s, onset = 0.0, 0
    for t in range(at + 1):
        s = max(0.0, s + float(counts[t]) - float(allowance[t]))
        if s == 0.0:
            onset = t + 1
    return min(onset, at)


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) index pairs of consecutive True values."""
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(idx) > 1)
    starts = np.concatenate(([idx[0]], idx[breaks + 1]))
    ends = np.concatenate((idx[breaks], [idx[-1]]))
    return list(zip(starts.tolist(), ends.tolist(), strict=True))
