"""Score a categoriser for the gate: macro-F1, per-class F1, ECE, review rate, latency.

Predictions come from ``tickets.models.evaluate.evaluate_classifier`` (the same code as
``evaluate --task categorize``). Macro-F1 and per-class F1 are taken in the **original** label
space, so a champion and a challenger that group rare classes differently, or one that has
never seen a new class, are compared on the same labels; ECE is the model's own (its classes).
Latency is one ticket per call through ``predict_tickets``, as the API serves them.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score

from tickets.models.ensemble import TicketClassifier
from tickets.models.evaluate import evaluate_classifier
from tickets.models.predict import predict_tickets


@dataclass
class ModelScore:
    n: int
    accuracy: float
    macro_f1: float
    ece: float
    review_rate: float
    per_class_f1: dict[str, float] = field(default_factory=dict)
    support: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def score_classifier(
    name: str, classifier: TicketClassifier, tickets: pd.DataFrame, labels: np.ndarray
) -> ModelScore | None:
    """Scores on labelled tickets (None when there are none)."""
    if len(tickets) == 0:
        return None
    labels = np.asarray(labels).astype(str)
    evaluation = evaluate_classifier(name, classifier, tickets, labels)
    predicted = evaluation.predicted.astype(str)
    present = sorted({str(label) for label in labels})
    per_class = f1_score(labels, predicted, labels=present, average=None, zero_division=0)
    return ModelScore(
        n=len(labels),
        accuracy=_r(accuracy_score(labels, predicted)),
        macro_f1=_r(f1_score(labels, predicted, average="macro", zero_division=0)),
        ece=_r(evaluation.metrics.ece),
        review_rate=_r(evaluation.review_rate),
        per_class_f1={c: _r(f) for c, f in zip(present, per_class, strict=True)},
        support={c: int((labels == c).sum()) for c in present},
    )


def latency_ms(
    classifier: TicketClassifier, tickets: pd.DataFrame, samples: int, seed: int = 0
) -> dict[str, float]:
    """p50 and p95 wall time of single-ticket predictions (after one warm-up call)."""
    if len(tickets) == 0 or samples <= 0:
        return {"p50": float("nan"), "p95": float("nan"), "samples": 0}
    rng = np.random.default_rng(seed)
    rows = rng.choice(len(tickets), size=min(samples, len(tickets)), replace=False)
    predict_tickets(classifier, tickets.iloc[[int(rows[0])]])
    timings = []
    for row in rows:
        started = time.perf_counter()
        predict_tickets(classifier, tickets.iloc[[int(row)]])
        timings.append((time.perf_counter() - started) * 1000)
    return {
        "p50": _r(np.percentile(timings, 50), 3),
        "p95": _r(np.percentile(timings, 95), 3),
        "samples": len(timings),
    }


def gate_entry(
    name: str,
    classifier: TicketClassifier,
    holdout: pd.DataFrame,
    recent: pd.DataFrame,
    target: str,
    version: str | None,
    latency_samples: int,
) -> dict[str, Any]:
    """What the gate reads about one model: holdout and recent scores, latency, version."""
    features = holdout.drop(columns=[target])
    holdout_score = score_classifier(name, classifier, features, holdout[target].to_numpy())
    recent_score = score_classifier(
        name, classifier, recent.drop(columns=[target]), recent[target].to_numpy()
    )
    latency = latency_ms(classifier, features, latency_samples)
    assert holdout_score is not None, "the holdout has no labelled tickets"
    return {
        "version": version,
        "holdout": holdout_score.as_dict(),
        "recent": recent_score.as_dict() if recent_score else None,
        "latency_p50_ms": latency["p50"],
        "latency_p95_ms": latency["p95"],
        "latency_samples": latency["samples"],
    }


def _r(value: float, digits: int = 4) -> float:
    return round(float(value), digits)
