"""Calibration: temperature scaling, expected calibration error, coverage versus accuracy.

A temperature ``T`` rescales log-probabilities (``softmax(log p / T)``); it is fitted by
minimising the negative log-likelihood on held-out tickets, so it changes confidence, never the
ranking of classes. ECE uses equal-width confidence bins.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize_scalar

_EPS = 1e-12


def apply_temperature(proba: np.ndarray, temperature: float) -> np.ndarray:
    logits = np.log(np.clip(proba, _EPS, 1.0)) / temperature
    logits -= logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    return exp / exp.sum(axis=1, keepdims=True)  # type: ignore[no-any-return]


def log_loss(proba: np.ndarray, codes: np.ndarray) -> float:
    return float(-np.mean(np.log(np.clip(proba[np.arange(len(codes)), codes], _EPS, 1.0))))


def fit_temperature(proba: np.ndarray, codes: np.ndarray) -> float:
    """The temperature in [0.05, 20] that minimises held-out negative log-likelihood."""
    if len(codes) == 0:
        return 1.0
    result = minimize_scalar(
        lambda log_t: log_loss(apply_temperature(proba, float(np.exp(log_t))), codes),
        bounds=(np.log(0.05), np.log(20.0)),
        method="bounded",
    )
    return float(np.exp(result.x))


def expected_calibration_error(proba: np.ndarray, codes: np.ndarray, bins: int = 15) -> float:
    """Σ_bins (n_b / n) · |accuracy_b − mean confidence_b| over the top-1 confidence."""
    if len(codes) == 0:
        return float("nan")
    confidence = proba.max(axis=1)
    correct = proba.argmax(axis=1) == codes
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, bins - 1)
    error = 0.0
    for b in range(bins):
        in_bin = which == b
        if in_bin.any():
            error += in_bin.mean() * abs(correct[in_bin].mean() - confidence[in_bin].mean())
    return float(error)


@dataclass(frozen=True)
class CoveragePoint:
    threshold: float
    coverage: float  # share of tickets answered automatically (confidence ≥ threshold)
    accuracy: float  # accuracy on those tickets (nan when none)


def coverage_curve(
    confidence: np.ndarray, correct: np.ndarray, thresholds: np.ndarray | None = None
) -> list[CoveragePoint]:
    """Coverage and accuracy of the automatic answers for each review threshold."""
    if thresholds is None:
        thresholds = np.round(np.linspace(0.0, 0.95, 20), 2)
    points = []
    for threshold in thresholds:
        kept = confidence >= threshold
        accuracy = float(correct[kept].mean()) if kept.any() else float("nan")
        points.append(CoveragePoint(float(threshold), float(kept.mean()), accuracy))
    return points
