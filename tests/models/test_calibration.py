"""Temperature scaling, ECE and the coverage curve, checked against hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest

from tickets.models.calibration import (
    apply_temperature,
    coverage_curve,
    expected_calibration_error,
    fit_temperature,
)


def test_ece_of_hand_made_predictions() -> None:
    # confidences 0.9 (right), 0.9 (wrong), 0.6 (right), 0.6 (right)
    proba = np.array([[0.9, 0.1], [0.1, 0.9], [0.6, 0.4], [0.4, 0.6]])
    codes = np.array([0, 0, 0, 1])
    # bin 0.9: accuracy 0.5 vs 0.9 → 0.4 × 2/4 ; bin 0.6: accuracy 1.0 vs 0.6 → 0.4 × 2/4
    assert expected_calibration_error(proba, codes, bins=10) == pytest.approx(0.4)


def test_temperature_one_leaves_probabilities_unchanged() -> None:
    proba = np.array([[0.7, 0.2, 0.1]])
    assert apply_temperature(proba, 1.0) == pytest.approx(proba)


def test_overconfident_model_gets_a_temperature_above_one() -> None:
    # always 0.99 confident but right only 3 times out of 4
    proba = np.tile([0.99, 0.01], (4, 1))
    codes = np.array([0, 0, 0, 1])
    temperature = fit_temperature(proba, codes)
    calibrated = apply_temperature(proba, temperature)
    assert temperature > 1
    assert calibrated[0, 0] == pytest.approx(0.75, abs=0.01)


def test_coverage_curve_counts_tickets_above_each_threshold() -> None:
    confidence = np.array([0.9, 0.8, 0.4, 0.2])
    correct = np.array([True, False, True, False])
    points = coverage_curve(confidence, correct, np.array([0.0, 0.5, 0.85, 0.95]))
    assert [p.coverage for p in points[:3]] == [1.0, 0.5, 0.25]
    assert [p.accuracy for p in points[:3]] == [0.5, 0.5, 1.0]
    assert np.isnan(points[3].accuracy)
