"""Drift statistics on samples whose answers were worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tickets.lifecycle import drift_metrics as dm


def test_psi_of_a_half_half_split_moving_to_80_20():
    # (0.8 − 0.5)·ln(0.8/0.5) + (0.2 − 0.5)·ln(0.2/0.5) = 0.1410 + 0.2749 = 0.4159
    assert dm.psi_from_shares(np.array([0.5, 0.5]), np.array([0.8, 0.2])) == pytest.approx(
        0.4159, abs=1e-4
    )


def test_psi_bins_on_reference_quantiles():
    reference = np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], dtype=float)
    current = np.array([1, 1, 1, 1, 1, 1, 1, 1, 9, 10], dtype=float)
    # two bins split at the reference median 5.5: reference 5/5, current 8/2 → 0.4159
    assert dm.psi(reference, current, bins=2) == pytest.approx(0.4159, abs=1e-4)


def test_psi_is_zero_for_the_same_sample_and_ignores_missing_values():
    values = np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, np.nan])
    assert dm.psi(values, values) == pytest.approx(0.0)


def test_empty_bin_is_floored_not_infinite():
    # current puts nothing in the second bin: share floored at 1e-4
    expected = (1e-4 - 0.5) * math.log(1e-4 / 0.5) + (1.0 - 0.5) * math.log(1.0 / 0.5)
    assert dm.psi_from_shares(np.array([0.5, 0.5]), np.array([1.0, 0.0])) == pytest.approx(expected)


def test_ks_statistic_is_the_largest_gap_between_the_two_cdfs():
    statistic, p_value = dm.ks(np.array([1.0, 2.0, 3.0, 4.0]), np.array([3.0, 4.0, 5.0, 6.0]))
    assert statistic == pytest.approx(0.5)  # at x = 2: 2/4 vs 0/4
    assert 0 < p_value <= 1


def test_js_distance_of_half_half_against_a_point_mass():
    # M = (0.75, 0.25); KL(P‖M) = 0.2075, KL(Q‖M) = 0.4150 (bits); JSD = 0.3113; sqrt = 0.5579
    assert dm.js_distance(np.array([0.5, 0.5]), np.array([1.0, 0.0])) == pytest.approx(
        0.5579, abs=1e-4
    )


def test_category_shift_counts_levels_from_both_samples():
    shift = dm.category_shift(["a", "a", "b", "b"], ["a", "a", "a", "c"])
    assert shift.reference_shares == {"a": 0.5, "b": 0.5, "c": 0.0}
    assert shift.current_shares == {"a": 0.75, "b": 0.0, "c": 0.25}
    # χ² on [[2, 2, 0], [3, 0, 1]]: expected [[2.5, 1, 0.5], [2.5, 1, 0.5]] → 0.1+1+0.5+0.1+1+0.5
    assert shift.chi2 == pytest.approx(3.2)


def test_category_shift_of_identical_samples_is_nothing():
    shift = dm.category_shift(["x", "y", None], ["x", "y", None])
    assert shift.js_distance == pytest.approx(0.0)
    assert shift.p_value == pytest.approx(1.0)
    assert "(none)" in shift.reference_shares


def test_centroid_distance_between_orthogonal_means_is_one():
    reference = np.array([[1.0, 0.0], [1.0, 0.0]])
    current = np.array([[0.0, 1.0], [0.0, 2.0]])
    assert dm.centroid_distance(reference, current) == pytest.approx(1.0)
    # 45°: 1 − cos(45°) = 0.2929
    assert dm.centroid_distance(reference, np.array([[1.0, 1.0]])) == pytest.approx(
        0.2929, abs=1e-4
    )


def test_split_half_noise_is_zero_for_identical_vectors():
    assert dm.split_half_noise(np.ones((10, 3))) == pytest.approx(0.0)
