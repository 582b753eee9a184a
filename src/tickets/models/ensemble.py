"""The ticket classifier every command uses: members, weights, calibration and label plan.

:class:`TicketClassifier` wraps one or more member estimators (linear, lightgbm, neural).
``fit`` groups rare classes, holds out a validation slice, fits each member on the rest, fits a
temperature per member, chooses member weights (grid over the simplex: highest held-out
macro-F1, ties broken by lower log loss; or lowest log loss with ``weight_objective="log_loss"``;
or equal weights with ``weight_objective="equal"``, which a small validation slice cannot
overfit), fits a temperature for the weighted average, then refits the members on all training
tickets.
A single-member classifier is the calibrated member itself, so every model is reported and
served the same way. The text, its TF-IDF and the embeddings of a batch are computed once and
shared by all members.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import f1_score

from tickets.models.calibration import apply_temperature, fit_temperature, log_loss
from tickets.models.features import DEFAULT_MAX_CHARS, FeatureSchema, TicketBatch, as_batch
from tickets.models.labels import RARE_LABEL, LabelPlan
from tickets.models.splits import split_tickets
from tickets.utils.logging import get_logger

log = get_logger(__name__)


@dataclass
class FitReport:
    """What fitting decided: weights, temperatures, grouped classes, validation losses."""

    weights: dict[str, float] = field(default_factory=dict)
    temperatures: dict[str, float] = field(default_factory=dict)
    validation_log_loss: dict[str, float] = field(default_factory=dict)
    grouped_classes: dict[str, int] = field(default_factory=dict)
    n_train: int = 0
    n_validation: int = 0


def _aligned(proba: np.ndarray, member_classes: np.ndarray, n_classes: int) -> np.ndarray:
    """Member probabilities in the classifier's class order (absent classes get 0)."""
    out = np.zeros((proba.shape[0], n_classes))
    out[:, np.asarray(member_classes, dtype=int)] = proba
    return out


def _fit(name: str, member: Any, batch: TicketBatch, codes: np.ndarray) -> Any:
    started = time.perf_counter()
    fitted = clone(member).fit(batch, codes)
    log.info("fitted %s on %d tickets in %.1fs", name, len(batch), time.perf_counter() - started)
    return fitted


def _embedders(members: dict[str, Any]) -> set[str]:
    """Names of the sentence embedders that any member reads."""
    return {
        m.embedder
        for m in members.values()
        if getattr(m, "use_embeddings", False) or getattr(m, "inputs", "") in ("embeddings", "both")
    }


WEIGHT_OBJECTIVES = ("macro_f1", "log_loss", "equal")


def simplex_weights(n_members: int, step: float) -> list[np.ndarray]:
    ticks = round(1 / step)
    grid = [np.array(c) / ticks for c in itertools.product(range(ticks + 1), repeat=n_members)]
    return [w for w in grid if abs(w.sum() - 1) < 1e-9]


class TicketClassifier:
    """Calibrated (weighted) combination of member models over a fixed label plan."""

    def __init__(
        self,
        members: dict[str, Any],
        target: str = "category",
        rare_min_count: int = 10,
        rare_label: str = RARE_LABEL,
        review_threshold: float = 0.5,
        validation_size: float = 0.15,
        weight_step: float = 0.1,
        weight_objective: str = "macro_f1",
        refit: bool = True,
        max_chars: int = DEFAULT_MAX_CHARS,
        random_state: int = 0,
    ) -> None:
        self.members = members
        self.target = target
        self.rare_min_count = rare_min_count
        self.rare_label = rare_label
        self.review_threshold = review_threshold
        self.validation_size = validation_size
        self.weight_step = weight_step
        self.weight_objective = weight_objective
        self.refit = refit
        self.max_chars = max_chars
        self.random_state = random_state

    @property
    def classes_(self) -> list[str]:
        return self.plan_.classes

    def batch(self, tickets: pd.DataFrame | TicketBatch) -> TicketBatch:
        return as_batch(tickets, self.max_chars)

    def fit(self, tickets: pd.DataFrame | TicketBatch, labels: np.ndarray) -> TicketClassifier:
        batch = self.batch(tickets)
        self.plan_ = LabelPlan.fit(labels, self.rare_min_count, self.rare_label)
        codes = self.plan_.encode(labels)
        self.schema_ = FeatureSchema.fit(batch.frame, self.target)
        for embedder in _embedders(self.members):
            batch.embeddings(embedder)  # once for the whole training set, shared by the slices
        split = split_tickets(
            batch.frame, codes, self.validation_size, self.random_state, kind="auto"
        )
        part, held = batch.take(split.train), batch.take(split.test)
        fitted = {n: _fit(n, m, part, codes[split.train]) for n, m in self.members.items()}
        self._calibrate(fitted, held, codes[split.test])
        if self.refit:
            fitted = {n: _fit(n, m, batch, codes) for n, m in self.members.items()}
        self.fitted_ = fitted
        self.report_.n_train, self.report_.n_validation = len(split.train), len(split.test)
        return self

    def _calibrate(self, fitted: dict[str, Any], held: TicketBatch, codes: np.ndarray) -> None:
        k = len(self.classes_)
        report = FitReport(grouped_classes=dict(self.plan_.grouped))
        calibrated = {}
        for name, member in fitted.items():
            raw = _aligned(member.predict_proba(held), member.classes_, k)
            report.temperatures[name] = fit_temperature(raw, codes)
            calibrated[name] = apply_temperature(raw, report.temperatures[name])
            report.validation_log_loss[name] = log_loss(calibrated[name], codes)
        names = list(fitted)
        report.weights = dict(zip(names, self._best_weights(calibrated, codes), strict=True))
        mixed = sum(report.weights[n] * calibrated[n] for n in names)
        report.temperatures["ensemble"] = fit_temperature(mixed, codes) if len(names) > 1 else 1.0
        report.validation_log_loss["ensemble"] = log_loss(
            apply_temperature(mixed, report.temperatures["ensemble"]), codes
        )
        self.report_ = report

    def _best_weights(self, calibrated: dict[str, np.ndarray], codes: np.ndarray) -> list[float]:
        """Member weights on the simplex grid that score best on the validation slice."""
        if self.weight_objective not in WEIGHT_OBJECTIVES:
            raise ValueError(
                f"weight_objective must be one of {WEIGHT_OBJECTIVES}, "
                f"got {self.weight_objective!r}"
            )
        names = list(calibrated)
        if len(names) == 1:
            return [1.0]
        if self.weight_objective == "equal":
            return [1.0 / len(names)] * len(names)
        best: tuple[float, float, np.ndarray] | None = None
        for w in simplex_weights(len(names), self.weight_step):
            mixed = sum(wi * calibrated[n] for wi, n in zip(w, names, strict=True))
            loss = log_loss(mixed, codes)
            f1 = (
                f1_score(codes, mixed.argmax(axis=1), average="macro", zero_division=0)
                if self.weight_objective == "macro_f1"
                else 0.0
            )
            if best is None or (-f1, loss) < (best[0], best[1]):
                best = (-f1, loss, w)
        return [float(x) for x in best[2]]  # type: ignore[index]

    def predict_proba(self, tickets: pd.DataFrame | TicketBatch) -> np.ndarray:
        """Calibrated class probabilities, columns in ``classes_`` order."""
        batch = self.batch(tickets)
        self.schema_.check(batch.frame)
        k, report = len(self.classes_), self.report_
        mixed = np.zeros((len(batch), k))
        for name, member in self.fitted_.items():
            if report.weights[name] > 0:
                raw = _aligned(member.predict_proba(batch), member.classes_, k)
                mixed += report.weights[name] * apply_temperature(raw, report.temperatures[name])
        return apply_temperature(mixed, report.temperatures["ensemble"])

    def predict(self, tickets: pd.DataFrame | TicketBatch) -> np.ndarray:
        return np.asarray(self.classes_)[self.predict_proba(tickets).argmax(axis=1)]

    def member(self, name: str) -> TicketClassifier:
        """The calibrated single-member classifier of one fitted member (shares its state)."""
        if name not in self.fitted_:
            raise KeyError(f"no member {name!r}; members are {list(self.fitted_)}")
        single = TicketClassifier({name: self.members[name]}, **self._settings())
        single.plan_, single.schema_, single.fitted_ = (
            self.plan_,
            self.schema_,
            {name: self.fitted_[name]},
        )
        r = self.report_
        single.report_ = FitReport(
            {name: 1.0},
            {name: r.temperatures[name], "ensemble": 1.0},
            {name: r.validation_log_loss[name]},
            dict(r.grouped_classes),
            r.n_train,
            r.n_validation,
        )
        return single

    def _settings(self) -> dict[str, Any]:
        keys = (
            "target",
            "rare_min_count",
            "rare_label",
            "review_threshold",
            "validation_size",
            "weight_step",
            "weight_objective",
            "refit",
            "max_chars",
            "random_state",
        )
        return {key: getattr(self, key) for key in keys}
