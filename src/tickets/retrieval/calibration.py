"""Confidence that the suggested answer is right, calibrated at index time.

At build time the index asks itself: a sample of solved tickets is used as queries, each
excluded from its own results, and each gets a label. When resolutions cite KB articles the
label is "the top suggested KB article is one the ticket's own resolution cites"; otherwise it
is "the most similar ticket has the same issue". A logistic regression maps the features of the
ranking (below) to that probability (Platt scaling). Part of the sample is held out to report
the calibration error (ECE) and Brier score in ``calibration.json``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from tickets.retrieval.hits import Hits

FEATURES = (
    "kb_top",
    "kb_margin",
    "kb_support",
    "kb_agreement",
    "ticket_top",
    "ticket_margin",
    "code_coverage",
    "top_ticket_cites",
)
MIN_SAMPLES = 40


@dataclass(frozen=True)
class ConfidenceModel:
    coef: tuple[float, ...] = ()
    intercept: float = 0.0
    label: str = "none"  # what "correct" meant when fitting
    samples: int = 0
    holdout: dict[str, float] = field(default_factory=dict)

    @property
    def calibrated(self) -> bool:
        return len(self.coef) == len(FEATURES)

    def predict(self, features: Mapping[str, float]) -> float:
        if not self.calibrated:
            return _heuristic(features)
        z = self.intercept + sum(c * features[f] for c, f in zip(self.coef, FEATURES, strict=True))
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))

    def write(self, path: Path) -> None:
        payload = asdict(self) | {"features": list(FEATURES), "calibrated": self.calibrated}
        path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def read(cls, path: Path) -> ConfidenceModel:
        if not path.is_file():
            return cls()
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("features") != list(FEATURES):
            return cls()
        return cls(
            tuple(raw.get("coef", ())),
            raw.get("intercept", 0.0),
            raw.get("label", "none"),
            raw.get("samples", 0),
            raw.get("holdout", {}),
        )


def ranking_features(
    kb: Hits,
    kb_lists: dict[str, Hits],
    ticket_dense: Hits,
    support: dict[int, float],
    code_coverage: float,
    top_ticket_cites: bool,
) -> dict[str, float]:
    """The evidence the confidence model reads, from one query's rankings.

    ``code_coverage``: share of the query's error codes that the top KB article or the top
    similar tickets mention (1 when the query has none) — a new error code is the clearest
    sign of a problem the KB does not cover yet. ``top_ticket_cites``: the most similar solved
    ticket's resolution cites the suggested article (a near-duplicate solved without any
    article is the other sign).
    """
    top_kb = int(kb.indices[0]) if len(kb) else -1
    direct = kb_lists.get("direct", Hits.empty())
    cited = kb_lists.get("cited", Hits.empty())
    kb_scores = [*kb.scores.tolist(), 0.0, 0.0]
    cosines = [*ticket_dense.scores[:5].tolist(), 0.0]
    return {
        "kb_top": float(direct.as_dict().get(top_kb, 0.0)),
        "kb_margin": float(kb_scores[0] - kb_scores[1]),
        "kb_support": float(support.get(top_kb, 0.0)),
        "kb_agreement": float(
            len(direct) > 0 and len(cited) > 0 and direct.indices[0] == cited.indices[0]
        ),
        "ticket_top": float(cosines[0]),
        "ticket_margin": float(cosines[0] - np.mean(cosines[:-1])) if len(cosines) > 1 else 0.0,
        "code_coverage": float(code_coverage),
        "top_ticket_cites": float(top_ticket_cites),
    }


def fit_confidence(
    rows: Sequence[Mapping[str, float]],
    labels: Sequence[bool],
    label: str,
    natural: Sequence[bool] | None = None,
) -> ConfidenceModel:
    """Platt-scale the features; uncalibrated (heuristic) when there is too little data.

    ``natural`` marks the self-queries that are not simulated KB gaps; the hold-out
    calibration error is reported on those, the AUC on all. The probabilities refer to the
    self-check mixture (a quarter of it simulated gaps). Moving the intercept to the natural
    share correct was tried and rejected: the natural self-queries contain no new problems, so
    it made real KB-gap queries look safe (docs/evaluation.md).
    """
    y = np.asarray(labels, dtype=int)
    if len(y) < MIN_SAMPLES or y.min() == y.max():
        return ConfidenceModel(label=label, samples=len(y))
    x = np.array([[r[f] for f in FEATURES] for r in rows])
    is_natural = np.ones(len(y), bool) if natural is None else np.asarray(natural, bool)
    order = np.random.default_rng(0).permutation(len(y))
    train, test = order[: int(len(y) * 0.7)], order[int(len(y) * 0.7) :]
    coef, intercept = _fit(x[train], y[train])
    predicted = 1 / (1 + np.exp(-(x[test] @ coef + intercept)))
    natural_test = test[is_natural[test]]
    natural_pred = predicted[is_natural[test]]
    holdout = {
        "samples": float(len(test)),
        "natural_samples": float(len(natural_test)),
        "share_correct_natural": float(y[natural_test].mean()) if len(natural_test) else 0.0,
        "ece_natural": expected_calibration_error(natural_pred, y[natural_test]),
        "brier_natural": float(np.mean((natural_pred - y[natural_test]) ** 2))
        if len(natural_test)
        else 0.0,
        "auc": _auc(predicted, y[test]),
    }
    coef, intercept = _fit(x, y)
    return ConfidenceModel(tuple(float(c) for c in coef), intercept, label, len(y), holdout)


def _fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1.0, max_iter=1000).fit(x, y)
    return model.coef_[0], float(model.intercept_[0])


def _auc(predicted: np.ndarray, actual: np.ndarray) -> float:
    """Probability that a correct answer gets more confidence than a wrong one."""
    positive, negative = predicted[actual == 1], predicted[actual == 0]
    if not len(positive) or not len(negative):
        return float("nan")
    wins = (positive[:, None] > negative[None, :]).mean()
    ties = (positive[:, None] == negative[None, :]).mean()
    return float(wins + 0.5 * ties)


def expected_calibration_error(predicted: np.ndarray, actual: np.ndarray, bins: int = 10) -> float:
    """Mean |accuracy - confidence| over equal-width confidence bins, weighted by bin size."""
    if not len(predicted):
        return 0.0
    edges = np.minimum((predicted * bins).astype(int), bins - 1)
    error = 0.0
    for b in range(bins):
        in_bin = edges == b
        if in_bin.any():
            error += in_bin.mean() * abs(actual[in_bin].mean() - predicted[in_bin].mean())
    return float(error)


def _heuristic(features: Mapping[str, float]) -> float:
    """Used before calibration data exists: agreement of the evidence, in [0, 1]."""
    return float(np.clip(0.5 * features["kb_support"] + 0.5 * features["ticket_top"], 0.0, 1.0))
