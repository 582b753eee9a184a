"""Gate scores in the original label space, on a stub classifier with fixed probabilities."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tickets.lifecycle.evaluation import score_classifier


class Identity:
    def map(self, labels: np.ndarray) -> np.ndarray:
        return np.asarray(labels).astype(str)


class StubClassifier:
    """Knows Access and Billing only; the probabilities are fixed per row."""

    classes_ = ("Access", "Billing")
    plan_ = Identity()

    def __init__(self, review_threshold: float = 0.5) -> None:
        self.review_threshold = review_threshold

    def predict_proba(self, tickets: object) -> np.ndarray:
        return np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7], [0.4, 0.6]])


TICKETS = pd.DataFrame({"subject": ["a", "b", "c", "d"]})
LABELS = np.array(["Billing", "Billing", "Access", "Network"])  # Network: never seen


def test_scores_count_unseen_and_wrong_labels_against_the_model():
    score = score_classifier("stub", StubClassifier(), TICKETS, LABELS)
    # predicted Billing, Access, Billing, Billing → 1 of 4 right
    assert score.accuracy == 0.25
    # Billing: TP 1, FP 2, FN 1 → P 1/3, R 1/2, F1 0.4; Access 0; Network 0
    assert score.per_class_f1 == {"Access": 0.0, "Billing": 0.4, "Network": 0.0}
    assert score.macro_f1 == pytest.approx(0.1333, abs=1e-4)
    assert score.support == {"Access": 1, "Billing": 2, "Network": 1}


def test_calibration_error_and_review_rate():
    score = score_classifier("stub", StubClassifier(review_threshold=0.75), TICKETS, LABELS)
    # one ticket per confidence bin: (|1 − 0.9| + |0 − 0.8| + |0 − 0.7| + |0 − 0.6|) / 4
    assert score.ece == pytest.approx(0.55)
    assert score.review_rate == 0.5  # 0.7 and 0.6 are below 0.75


def test_no_labelled_tickets_gives_no_score():
    assert score_classifier("stub", StubClassifier(), TICKETS.iloc[:0], LABELS[:0]) is None
