"""With a champion in the MLflow registry, the service serves it (not a starter)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tickets.api.categoriser import load_categoriser
from tickets.api.enrichment import TicketText
from tickets.api.settings import ApiSettings
from tickets.api.starter import starter_model

from .warehouse import write_tiny_warehouse

pytestmark = pytest.mark.slow


def _register_champion(classifier, tracking_uri: str, tmp: Path) -> None:  # type: ignore[no-untyped-def]
    """Log the classifier the way `python main.py train` does, and alias it champion."""
    os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
    import joblib
    import mlflow

    from tickets.models.pyfunc import CLASSIFIER_ARTIFACT, TicketCategorizerModel

    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_registry_uri(tracking_uri)
    experiment = mlflow.create_experiment("t", artifact_location=(tmp / "art").as_uri())
    stored = tmp / "classifier.joblib"
    joblib.dump(classifier, stored)
    with mlflow.start_run(experiment_id=experiment):
        info = mlflow.pyfunc.log_model(
            name="model",
            python_model=TicketCategorizerModel(),
            artifacts={CLASSIFIER_ARTIFACT: str(stored)},
            pip_requirements=["scikit-learn"],
        )
    version = mlflow.register_model(info.model_uri, "ticket-categorizer-category").version
    mlflow.MlflowClient().set_registered_model_alias(
        "ticket-categorizer-category", "champion", version
    )


def test_the_registry_champion_is_served(tmp_path):
    warehouse = write_tiny_warehouse(tmp_path / "wh")
    classifier = starter_model(warehouse, tmp_path / "trained").classifier
    tracking_uri = f"sqlite:///{tmp_path}/mlflow.db"
    _register_champion(classifier, tracking_uri, tmp_path)
    settings = ApiSettings(
        outputs=tmp_path / "outputs",
        tracking_uri=tracking_uri,
        starter_warehouse=warehouse.root,
        build_starter=False,
    )
    categoriser = load_categoriser(settings)
    assert categoriser.version == "ticket-categorizer-category/1"
    [prediction] = categoriser.predict([TicketText("n", "billed twice", "charged my card twice")])
    assert prediction.category == "Billing"
    assert not (tmp_path / "outputs" / "api" / "starter").exists()


def test_without_a_champion_and_without_starters_loading_fails_clearly(tmp_path):
    settings = ApiSettings(outputs=tmp_path, build_starter=False)
    with pytest.raises(RuntimeError, match=r"python main\.py train"):
        load_categoriser(settings)
