"""The categoriser behind the API: the registry's champion, else a starter model.

Wraps a fitted ``tickets.models`` classifier and predicts with ``predict_tickets`` (the same
confidence and needs-review rules as ``python main.py categorize``).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from tickets.api.enrichment import CategoryPrediction, TicketText
from tickets.api.settings import ApiSettings
from tickets.api.starter import starter_model
from tickets.data.warehouse import Warehouse

log = logging.getLogger(__name__)

COLUMNS = (
    "ticket_id",
    "subject",
    "body",
    "channel",
    "priority",
    "queue",
    "product",
    "customer_id",
    "segment",
    "created_at",
)


class ClassifierCategoriser:
    def __init__(self, classifier: Any, version: str, review_threshold: float | None) -> None:
        self.classifier = classifier
        self.version = version
        self.review_threshold = review_threshold

    def predict(self, tickets: Sequence[TicketText]) -> list[CategoryPrediction]:
        from tickets.models.predict import predict_tickets

        frame = pd.DataFrame({column: _column(tickets, column) for column in COLUMNS})
        rows = predict_tickets(self.classifier, frame, review_threshold=self.review_threshold)
        return [
            CategoryPrediction(
                category=str(predicted),
                confidence=float(confidence),
                needs_review=bool(review),
                top=[(str(c), float(p)) for c, p in json.loads(top3).items()],
            )
            for predicted, confidence, review, top3 in zip(
                rows["predicted"].tolist(),
                rows["confidence"].tolist(),
                rows["needs_review"].tolist(),
                rows["top3"].tolist(),
                strict=True,
            )
        ]


_FROM_TICKET = frozenset(field.name for field in dataclasses.fields(TicketText))


def _column(tickets: Sequence[TicketText], column: str) -> list[object]:
    """One input column (built column by column: a frame from row dicts costs more per call)."""
    if column == "created_at":
        return [pd.Timestamp.now(tz="UTC")] * len(tickets)
    if column in _FROM_TICKET:
        return [getattr(ticket, column) for ticket in tickets]
    return [None] * len(tickets)


def load_categoriser(settings: ApiSettings) -> ClassifierCategoriser:
    """The champion from the MLflow registry; without one, a starter trained on the warehouse."""
    champion = _champion(settings)
    if champion is not None:
        return champion
    if not settings.build_starter:
        raise RuntimeError(
            f"no model at {settings.model_uri}: train one with 'python main.py train' "
            "(or set api.build_starter=true to start from a starter model)"
        )
    warehouse = Warehouse.at(settings.starter_warehouse or "assets/sample")
    starter = starter_model(warehouse, settings.resolved_starter_dir / "model")
    verb = "trained" if starter.built else "reusing"
    log.warning(
        "no champion model at %s: %s a starter linear categoriser from %s (%s). Train a real "
        "one with 'python main.py train'",
        settings.model_uri,
        verb,
        warehouse.root,
        settings.resolved_starter_dir / "model",
    )
    return ClassifierCategoriser(starter.classifier, starter.version, settings.review_threshold)


def _champion(settings: ApiSettings) -> ClassifierCategoriser | None:
    uri = settings.resolved_tracking_uri
    if uri.startswith("sqlite:///") and not Path(uri.removeprefix("sqlite:///")).is_file():
        return None  # no tracking database yet: nothing was ever trained here
    os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
    try:
        import mlflow

        mlflow.set_tracking_uri(uri)
        mlflow.set_registry_uri(uri)
        from tickets.models.pyfunc import load_classifier

        classifier = load_classifier(settings.model_uri)
    except Exception as err:  # MlflowException, missing alias, unreadable artifact, ...
        log.info("no usable model at %s (%s)", settings.model_uri, type(err).__name__)
        return None
    version = _registry_version(settings.model_uri)
    log.info("categoriser: %s (%s)", settings.model_uri, version)
    return ClassifierCategoriser(classifier, version, settings.review_threshold)


def _registry_version(model_uri: str) -> str:
    """``name/version`` of a ``models:/name@alias`` URI (the URI itself otherwise)."""
    if not model_uri.startswith("models:/") or "@" not in model_uri:
        return model_uri
    name, alias = model_uri.removeprefix("models:/").split("@", 1)
    try:
        import mlflow

        version = mlflow.MlflowClient().get_model_version_by_alias(name, alias).version
    except Exception:
        return model_uri
    return f"{name}/{version}"
