"""Robust statistics: hand-computed values, and constant or empty input never divides by zero."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tickets.anomaly.scoring import (
    benjamini_hochberg,
    count_tail_pvalue,
    count_variance,
    cusum_onset,
    generalized_esd,
    robust_location_scale,
    runs,
)


def test_median_and_mad_ignore_one_wild_value():
    # |x - 3| = 2, 1, 0, 1, 97 -> MAD 1
    median, scale = robust_location_scale(np.array([1.0, 2, 3, 4, 100]))
    assert median == 3.0
    assert scale == pytest.approx(1.4826)


def test_constant_series_has_zero_spread_and_the_poisson_floor_takes_over():
    _, scale = robust_location_scale(np.full(28, 20.0))
    assert scale == 0.0
    variance = count_variance(np.array([20.0]), np.array([scale]), np.array([28]))
    # max(20, 0) * (1 + (pi / 2) / 28)
    assert variance[0] == pytest.approx(20 * (1 + math.pi / 2 / 28))


def test_all_missing_window_gives_nan_not_an_error():
    median, scale = robust_location_scale(np.full((1, 5), np.nan), axis=-1)
    assert np.isnan(median[0]) and np.isnan(scale[0])


def test_poisson_upper_tail():
    # P(X >= 3 | mu = 1) = 1 - e^-1 (1 + 1 + 1/2)
    p = count_tail_pvalue(np.array([3.0]), np.array([1.0]), np.array([1.0]))
    assert p[0] == pytest.approx(1 - 2.5 / math.e)


def test_poisson_lower_tail():
    # P(X <= 0 | mu = 2) = e^-2
    p = count_tail_pvalue(np.array([0.0]), np.array([2.0]), np.array([2.0]), upper=False)
    assert p[0] == pytest.approx(math.exp(-2))


def test_overdispersion_makes_the_same_count_less_surprising():
    poisson = count_tail_pvalue(np.array([40.0]), np.array([20.0]), np.array([20.0]))
    overdispersed = count_tail_pvalue(np.array([40.0]), np.array([20.0]), np.array([80.0]))
    assert overdispersed[0] > poisson[0] * 100


def test_zero_expected_count_is_handled():
    p = count_tail_pvalue(np.array([0.0, 3.0]), np.array([0.0, 0.0]), np.array([0.0, 0.0]))
    assert p[0] == 1.0 and p[1] < 1e-9


def test_benjamini_hochberg_by_hand():
    # sorted 0.01, 0.03, 0.04, 0.5 -> x4/rank 0.04, 0.06, 0.0533, 0.5 -> running min from the right
    q = benjamini_hochberg(np.array([0.01, 0.04, 0.03, 0.5]))
    assert q == pytest.approx([0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.5])


def test_generalized_esd_finds_the_one_outlier():
    values = np.array([0.0, 1, 0, -1, 0, 1, 0, -1, 0, 1, 0, -1, 20])
    assert generalized_esd(values, max_outliers=3).tolist() == [12]


def test_generalized_esd_on_a_constant_series_finds_nothing():
    assert generalized_esd(np.full(30, 5.0), max_outliers=3).size == 0


def test_cusum_onset_is_the_day_after_the_last_reset():
    # S = 0, 0, 0, 4, 8, 12 with allowance 1: the run starts at index 3
    counts = np.array([0.0, 1, 0, 5, 5, 5])
    assert cusum_onset(counts, np.ones(6), at=5) == 3


def test_runs_of_true_values():
    assert runs(np.array([False, True, True, False, True])) == [(1, 2), (4, 4)]
    assert runs(np.zeros(3, dtype=bool)) == []
