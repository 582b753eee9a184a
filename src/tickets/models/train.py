"""Train categorisation models: split, fit, evaluate on the hold-out, log, register.

``train_categorizer`` is plain data in, plain data out; the task layer reads the tickets and
builds the settings. Every model of the run is scored on the same held-out tickets, and the
linear baseline is always among them.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tickets.models.ensemble import TicketClassifier
from tickets.models.evaluate import (
    ModelEvaluation,
    evaluate_classifier,
    evaluation_table,
    labelled_rows,
)
from tickets.models.factory import build_classifier, output_model
from tickets.models.features import TicketBatch
from tickets.models.registry import Registration, register_model
from tickets.models.reporting import write_evaluation
from tickets.models.settings import ModelSettings, TrackingSettings, TrainSettings
from tickets.models.splits import Split, split_tickets
from tickets.models.tracking import LoggedRun, log_categorizer_run
from tickets.utils.io import write_json_atomic
from tickets.utils.logging import get_logger

log = get_logger(__name__)


@dataclass
class TrainingOutcome:
    classifier: TicketClassifier
    split: Split
    evaluations: dict[str, ModelEvaluation]
    fingerprint: str
    fit_seconds: float
    unlabelled_rows: int
    runs: dict[str, LoggedRun] = field(default_factory=dict)
    registration: Registration | None = None

    def table(self) -> pd.DataFrame:
        return evaluation_table(list(self.evaluations.values()))


def data_fingerprint(tickets: pd.DataFrame, labels: np.ndarray) -> str:
    """sha256 over the ticket rows and labels the model learns from (order-sensitive)."""
    import hashlib

    hashed = pd.util.hash_pandas_object(tickets.astype(str), index=False).to_numpy()
    digest = hashlib.sha256(hashed.tobytes())
    digest.update("\x1f".join(labels.tolist()).encode("utf-8"))
    return digest.hexdigest()


def split_labelled(
    frame: pd.DataFrame, model: ModelSettings, train: TrainSettings
) -> tuple[pd.DataFrame, np.ndarray, Split, int]:
    """The labelled tickets (target column dropped), their labels, the train / test split and
    how many rows had no label."""
    tickets, labels, unlabelled = labelled_rows(frame, model.target)
    tickets = tickets.drop(columns=[model.target])
    split = split_tickets(tickets, labels, train.test_size, model.seed, train.split)
    return tickets, labels, split, unlabelled


def fit_and_evaluate(
    frame: pd.DataFrame, model: ModelSettings, train: TrainSettings
) -> TrainingOutcome:
    """Split the labelled tickets, fit the classifier, score every output model and the baseline."""
    tickets, labels, split, unlabelled = split_labelled(frame, model, train)
    batch = TicketBatch(tickets, model.max_chars)
    classifier = build_classifier(model)
    started = time.perf_counter()
    classifier.fit(batch.take(split.train), labels[split.train])
    fit_seconds = time.perf_counter() - started
    test = batch.take(split.test)
    names = dict.fromkeys(["linear", *model.outputs])
    evaluations = {
        name: evaluate_classifier(name, output_model(classifier, name), test, labels[split.test])
        for name in names
    }
    return TrainingOutcome(
        classifier, split, evaluations, data_fingerprint(tickets, labels), fit_seconds, unlabelled
    )


def run_params(
    model: ModelSettings, train: TrainSettings, outcome: TrainingOutcome
) -> dict[str, Any]:
    report = outcome.classifier.report_
    return {
        "target": model.target,
        "model": model.name,
        "members": ",".join(model.members),
        "seed": model.seed,
        "rare_min_count": model.rare_min_count,
        "review_threshold": model.review_threshold,
        "max_chars": model.max_chars,
        "split": outcome.split.kind,
        "test_size": train.test_size,
        "n_train": len(outcome.split.train),
        "n_test": len(outcome.split.test),
        "n_classes": len(outcome.classifier.classes_),
        "grouped_classes": json.dumps(report.grouped_classes, ensure_ascii=False),
        "weights": json.dumps(report.weights),
        "temperatures": json.dumps({k: round(v, 4) for k, v in report.temperatures.items()}),
        "data_fingerprint": outcome.fingerprint,
        "fit_seconds": round(outcome.fit_seconds, 1),
        **{
            f"params.{m}": json.dumps(p, default=str)
            for m, p in model.params.items()
            if m in model.members
        },
    }


def train_categorizer(
    frame: pd.DataFrame,
    model: ModelSettings,
    train: TrainSettings,
    tracking: TrackingSettings | None,
    run_dir: Path,
) -> TrainingOutcome:
    """Fit, evaluate on the hold-out, write reports to ``run_dir``, log runs and register."""
    outcome = fit_and_evaluate(frame, model, train)
    files = write_evaluation(outcome.evaluations, run_dir)
    params = run_params(model, train, outcome)
    baseline = outcome.evaluations["linear"].metrics
    example = _signature_example(frame, model.target)
    for name in model.outputs if tracking is not None else ():
        classifier = output_model(outcome.classifier, name)
        outcome.runs[name] = log_categorizer_run(
            tracking,
            name,
            classifier,
            {**params, "model": name},
            outcome.evaluations[name].metrics,
            files[name],
            example,
            baseline=None if name == "linear" else baseline,
        )
    if tracking is not None and train.register:
        primary = model.outputs[-1]
        outcome.registration = register_model(
            tracking, outcome.runs[primary].model_uri, model.registered_name
        )
    write_json_atomic(run_dir / "summary.json", _summary(outcome, params))
    return outcome


def _signature_example(frame: pd.DataFrame, target: str) -> pd.DataFrame:
    """A few input rows for the MLflow signature (the target column removed)."""
    example = frame.drop(columns=[target]).head(5).copy()
    for column in example.columns:
        if pd.api.types.is_datetime64_any_dtype(example[column]):
            example[column] = example[column].dt.tz_localize(None)
        elif example[column].dtype == object:
            example[column] = example[column].astype("string")
    return example


def _summary(outcome: TrainingOutcome, params: dict[str, Any]) -> dict[str, Any]:
    return {
        "params": params,
        "evaluation": outcome.table().to_dict(orient="records"),
        "unlabelled_rows_skipped": outcome.unlabelled_rows,
        "runs": {
            n: {"run_id": r.run_id, "model_uri": r.model_uri} for n, r in outcome.runs.items()
        },
        "registration": None
        if outcome.registration is None
        else {
            "name": outcome.registration.name,
            "version": outcome.registration.version,
            "aliases": list(outcome.registration.aliases),
        },
    }
