"""Satisfaction drivers: a LightGBM model of the CSAT score and its exact per-feature
contributions (``pred_contrib=True``, TreeSHAP), summarised per feature.

For each feature, on the held-out rows:
- ``importance``: standard deviation of its contribution, in CSAT points (how much it moves
  scores across tickets; the generator's ground truth uses the same definition);
- ``direction`` for numeric features: the sign of the Spearman correlation between the feature
  and its contribution (+1: higher values, happier customers); categorical features get 0 and
  per-level mean contributions instead;
- bootstrap 95% intervals for the importance and the signed effect, and how often the
  bootstrap agreed on the direction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tickets.analytics.settings import DriverSettings

NUMERIC_FEATURES = (
    "resolution_hours",
    "first_response_hours",
    "reopened_count",
    "reassignment_count",
    "sla_breach",
)
CATEGORICAL_FEATURES = ("priority", "channel", "queue", "agent_id", "segment")
FEATURES = NUMERIC_FEATURES + CATEGORICAL_FEATURES
TARGET = "satisfaction_score"
MIN_LEVEL_ROWS = 20


@dataclass
class FittedDrivers:
    model_text: str  # LightGBM model (Booster.model_to_string)
    categories: dict[str, list[str]]
    metrics: dict[str, float]
    drivers: list[dict[str, Any]]
    rows: dict[str, int]


def prepare_frame(
    frame: pd.DataFrame, categories: dict[str, list[str]] | None = None
) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Feature matrix with fixed category levels (learned from training when not given)."""
    X = pd.DataFrame(index=frame.index)
    for name in NUMERIC_FEATURES:
        X[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")
    levels = dict(categories or {})
    for name in CATEGORICAL_FEATURES:
        values = frame[name].astype("string").fillna("(none)")
        if name not in levels:
            levels[name] = sorted(values.unique().tolist())
        X[name] = pd.Categorical(values, categories=levels[name])
    return X, levels


def _split(n: int, holdout: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.random.default_rng(seed).permutation(n)
    cut = max(1, round(n * holdout))
    return order[cut:], order[:cut]


def fit_drivers(frame: pd.DataFrame, settings: DriverSettings) -> FittedDrivers:
    import lightgbm as lgb

    X, categories = prepare_frame(frame)
    y = frame[TARGET].astype("float64").to_numpy()
    train, test = _split(len(frame), settings.holdout_fraction, settings.seed)
    params = {
        "objective": "regression",
        "learning_rate": settings.learning_rate,
        "num_leaves": settings.num_leaves,
        "min_data_in_leaf": settings.min_data_in_leaf,
        "feature_fraction": 0.9,
        "seed": settings.seed,
        "deterministic": True,
        "num_threads": settings.threads,
        "verbose": -1,
    }
    dataset = lgb.Dataset(X.iloc[train], y[train], categorical_feature=list(CATEGORICAL_FEATURES))
    booster = lgb.train(params, dataset, num_boost_round=settings.num_boost_round)
    X_test = X.iloc[test]
    predicted = booster.predict(X_test)
    contributions = booster.predict(X_test, pred_contrib=True)
    metrics = _fit_metrics(y[train], y[test], np.asarray(predicted))
    drivers = summarise_contributions(X_test, np.asarray(contributions), settings)
    return FittedDrivers(
        model_text=booster.model_to_string(),
        categories=categories,
        metrics=metrics,
        drivers=drivers,
        rows={"train": len(train), "holdout": len(test)},
    )


def _fit_metrics(
    y_train: np.ndarray, y_test: np.ndarray, predicted: np.ndarray
) -> dict[str, float]:
    residual = y_test - predicted
    baseline = y_test - y_train.mean()
    total = float(np.sum((y_test - y_test.mean()) ** 2)) or float("nan")
    return {
        "holdout_r2": 1.0 - float(np.sum(residual**2)) / total,
        "holdout_mae": float(np.mean(np.abs(residual))),
        "holdout_rmse": float(np.sqrt(np.mean(residual**2))),
        "baseline_mae": float(np.mean(np.abs(baseline))),
    }


def _rank(values: np.ndarray) -> np.ndarray:
    return pd.Series(values).rank().to_numpy()  # average ranks for ties


def _ranks(x: np.ndarray | None, contrib: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Ranks of (feature, contribution) over rows where the feature is known."""
    if x is None:
        return None
    known = ~np.isnan(x)
    if known.sum() < 3:
        return None
    return _rank(x[known]), _rank(contrib[known])


def _correlation(
    ranks: tuple[np.ndarray, np.ndarray] | None, pick: np.ndarray | None = None
) -> float:
    """Spearman correlation (Pearson on ranks), optionally on a resample of the rows."""
    if ranks is None:
        return 0.0
    rx, rc = ranks if pick is None else (ranks[0][pick], ranks[1][pick])
    if rx.std() == 0 or rc.std() == 0:
        return 0.0
    return float(np.corrcoef(rx, rc)[0, 1])


def _bootstrap(
    ranks: tuple[np.ndarray, np.ndarray] | None,
    contrib: np.ndarray,
    rounds: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Bootstrap draws over rows of (importance, rank correlation)."""
    importances, correlations = np.empty(rounds), np.zeros(rounds)
    for r in range(rounds):
        importances[r] = contrib[rng.integers(0, len(contrib), len(contrib))].std()
        if ranks is not None:
            correlations[r] = _correlation(ranks, rng.integers(0, len(ranks[0]), len(ranks[0])))
    return importances, correlations


def _levels(values: pd.Series, contrib: np.ndarray) -> dict[str, float]:
    frame = pd.DataFrame({"level": values.astype("string"), "c": contrib})
    grouped = frame.groupby("level", observed=True)["c"].agg(["mean", "size"])
    grouped = grouped[grouped["size"] >= MIN_LEVEL_ROWS].sort_values("mean")
    picked = pd.concat([grouped.head(3), grouped.tail(3)]).drop_duplicates()
    return {str(k): round(float(v), 4) for k, v in picked["mean"].sort_values().items()}


def summarise_contributions(
    X: pd.DataFrame, contributions: np.ndarray, settings: DriverSettings
) -> list[dict[str, Any]]:
    rng = np.random.default_rng(settings.seed)
    rows: list[dict[str, Any]] = []
    for index, name in enumerate(FEATURES):
        contrib = contributions[:, index]
        numeric = name in NUMERIC_FEATURES
        ranks = _ranks(X[name].to_numpy(dtype="float64"), contrib) if numeric else None
        direction = int(np.sign(_correlation(ranks))) if numeric else 0
        imp_draws, rho_draws = _bootstrap(ranks, contrib, settings.bootstrap_rounds, rng)
        effect_draws = np.sign(rho_draws) * imp_draws if numeric else imp_draws
        importance = float(contrib.std())
        rows.append(
            {
                "feature": name,
                "kind": "numeric" if numeric else "categorical",
                "direction": direction,
                "importance": importance,
                "importance_ci_low": float(np.percentile(imp_draws, 2.5)),
                "importance_ci_high": float(np.percentile(imp_draws, 97.5)),
                "effect": direction * importance if numeric else importance,
                "effect_ci_low": float(np.percentile(effect_draws, 2.5)),
                "effect_ci_high": float(np.percentile(effect_draws, 97.5)),
                "direction_agreement": (
                    float(np.mean(np.sign(rho_draws) == direction)) if numeric else None
                ),
                "mean_abs_contribution": float(np.abs(contrib).mean()),
                "levels": {} if numeric else _levels(X[name], contrib),
            }
        )
    rows.sort(key=lambda r: -r["importance"])
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows
