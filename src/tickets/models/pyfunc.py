"""The MLflow ``pyfunc`` flavour of a ticket classifier (imported only where MLflow is used).

The fitted :class:`TicketClassifier` is stored as a joblib artifact; ``predict`` returns the
same rows as ``python main.py categorize``. ``load_classifier`` gives back the classifier
itself for callers that need probabilities.
"""

from __future__ import annotations

from typing import Any

import joblib
import mlflow
import pandas as pd

from tickets.models.ensemble import TicketClassifier
from tickets.models.predict import predict_tickets

CLASSIFIER_ARTIFACT = "classifier"


class TicketCategorizerModel(mlflow.pyfunc.PythonModel):  # type: ignore[misc]
    """pyfunc wrapper: DataFrame of tickets in, prediction rows out."""

    def load_context(self, context: Any) -> None:
        self.classifier: TicketClassifier = joblib.load(context.artifacts[CLASSIFIER_ARTIFACT])

    def predict(self, context: Any, model_input: pd.DataFrame, params: Any = None) -> pd.DataFrame:
        return predict_tickets(self.classifier, pd.DataFrame(model_input))


def load_classifier(model_uri: str) -> TicketClassifier:
    """The fitted classifier behind an MLflow model URI (models:/…, runs:/… or a folder)."""
    model = mlflow.pyfunc.load_model(model_uri)
    wrapped = model.unwrap_python_model()
    if not isinstance(wrapped, TicketCategorizerModel):
        raise TypeError(f"{model_uri} is not a ticket categoriser (it wraps {type(wrapped)})")
    return wrapped.classifier
