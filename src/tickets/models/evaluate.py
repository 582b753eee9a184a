"""Evaluate fitted classifiers on labelled tickets: one metric row per model.

Headline metrics are in each model's label space (its rare classes grouped, as it was trained);
``*_all_labels`` columns score the same predictions against the original labels, where every
grouped or unseen class counts as an error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score

from tickets.models.ensemble import TicketClassifier
from tickets.models.features import TicketBatch
from tickets.models.metrics import CategorisationMetrics, categorisation_metrics


class TargetColumnError(ValueError):
    """The labelled input lacks the target column, or it holds no labels."""


def labelled_rows(frame: pd.DataFrame, target: str) -> tuple[pd.DataFrame, np.ndarray, int]:
    """Tickets with a label, the labels as strings, and how many rows had no label."""
    if target not in frame.columns:
        extras = [c for c in frame.columns if c.startswith("x_")]
        raise TargetColumnError(
            f"target column {target!r} is not in the input (columns: {list(frame.columns)[:30]}); "
            f"choose another with target=COLUMN (extra source columns: {extras[:10]}) or map "
            "the label column in the data preset"
        )
    has_label = frame[target].notna() & (frame[target].astype(str).str.strip() != "")
    if not has_label.any():
        raise TargetColumnError(f"target column {target!r} is empty in every row")
    kept = frame.loc[has_label].reset_index(drop=True)
    return kept, kept[target].astype(str).to_numpy(), int((~has_label).sum())


@dataclass
class ModelEvaluation:
    name: str
    metrics: CategorisationMetrics
    accuracy_all_labels: float
    macro_f1_all_labels: float
    review_rate: float
    accuracy_when_confident: float
    truth: np.ndarray  # labels in the model's label space
    predicted: np.ndarray

    def row(self) -> dict[str, object]:
        m = self.metrics
        return {
            "model": self.name,
            "n": m.n,
            "accuracy": round(m.accuracy, 4),
            "macro_f1": round(m.macro_f1, 4),
            "weighted_f1": round(m.weighted_f1, 4),
            "ece": round(m.ece, 4),
            "accuracy_all_labels": round(self.accuracy_all_labels, 4),
            "macro_f1_all_labels": round(self.macro_f1_all_labels, 4),
            "review_rate": round(self.review_rate, 4),
            "accuracy_when_confident": round(self.accuracy_when_confident, 4),
            "unseen_label_rows": sum(m.unseen_labels.values()),
        }


def evaluate_classifier(
    name: str, classifier: TicketClassifier, tickets: pd.DataFrame | TicketBatch, labels: np.ndarray
) -> ModelEvaluation:
    proba = classifier.predict_proba(tickets)
    classes = list(classifier.classes_)
    metrics = categorisation_metrics(classifier.plan_.map(labels), proba, classes)
    labels = np.asarray(labels).astype(str)
    predicted = np.asarray(classes)[proba.argmax(axis=1)]
    confident = proba.max(axis=1) >= classifier.review_threshold
    truth = classifier.plan_.map(labels)
    correct = predicted == truth
    return ModelEvaluation(
        name=name,
        metrics=metrics,
        accuracy_all_labels=float(accuracy_score(labels, predicted)),
        macro_f1_all_labels=float(f1_score(labels, predicted, average="macro", zero_division=0)),
        review_rate=float(1 - confident.mean()),
        accuracy_when_confident=float(correct[confident].mean())
        if confident.any()
        else float("nan"),
        truth=truth,
        predicted=predicted,
    )


def evaluation_table(evaluations: list[ModelEvaluation]) -> pd.DataFrame:
    return pd.DataFrame([e.row() for e in evaluations])
