"""Classification metrics of one model on one labelled set, as plain data.

Metrics are computed in the model's label space: rare source classes are grouped into the
model's rare class first. Tickets whose label the model never saw are counted separately (they
can only be wrong) and listed by name.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    classification_report,
    confusion_matrix,
    f1_score,
)

from tickets.models.calibration import CoveragePoint, coverage_curve, expected_calibration_error


@dataclass
class CategorisationMetrics:
    n: int
    accuracy: float
    macro_f1: float
    weighted_f1: float
    ece: float
    per_class_f1: dict[str, float]
    support: dict[str, int]
    coverage: list[CoveragePoint] = field(default_factory=list)
    unseen_labels: dict[str, int] = field(default_factory=dict)
    report: str = ""

    def headline(self) -> dict[str, float]:
        return {
            "accuracy": self.accuracy,
            "macro_f1": self.macro_f1,
            "weighted_f1": self.weighted_f1,
            "ece": self.ece,
        }

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data.pop("report")
        return data


def categorisation_metrics(
    truth: np.ndarray, proba: np.ndarray, classes: list[str]
) -> CategorisationMetrics:
    """Accuracy, macro/weighted/per-class F1, ECE and the coverage curve.

    ``truth`` holds labels already mapped into the model's label space; a label outside
    ``classes`` counts as a miss and is reported in ``unseen_labels``.
    """
    truth = np.asarray(truth).astype(str)
    predicted = np.asarray(classes)[proba.argmax(axis=1)]
    labels = sorted(set(truth) | set(predicted))
    index = {c: i for i, c in enumerate(classes)}
    codes = np.array([index.get(t, -1) for t in truth])
    per_class = f1_score(truth, predicted, labels=labels, average=None, zero_division=0)
    unseen, counts = np.unique(truth[codes < 0], return_counts=True)
    return CategorisationMetrics(
        n=len(truth),
        accuracy=float(accuracy_score(truth, predicted)),
        macro_f1=float(f1_score(truth, predicted, labels=labels, average="macro", zero_division=0)),
        weighted_f1=float(f1_score(truth, predicted, average="weighted", zero_division=0)),
        ece=expected_calibration_error(proba, codes),
        per_class_f1={c: float(f) for c, f in zip(labels, per_class, strict=True)},
        support={c: int((truth == c).sum()) for c in labels},
        coverage=coverage_curve(proba.max(axis=1), predicted == truth),
        unseen_labels={str(u): int(c) for u, c in zip(unseen, counts, strict=True)},
        report=classification_report(truth, predicted, labels=labels, zero_division=0),
    )


def confusion(truth: np.ndarray, predicted: np.ndarray, labels: list[str]) -> np.ndarray:
    return confusion_matrix(np.asarray(truth).astype(str), predicted, labels=labels)  # type: ignore[no-any-return]
