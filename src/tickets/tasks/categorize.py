"""``python main.py categorize``: predict category, confidence, top 3 and needs_review."""

from __future__ import annotations

import pandas as pd
from omegaconf import DictConfig

from tickets.data.adapter_spec import AdapterConfigError
from tickets.data.warehouse import WarehouseError
from tickets.models.features import FeatureSchemaError
from tickets.models.predict import predict_tickets
from tickets.models.settings import registered_model_name
from tickets.tasks.categorize_inputs import model_settings, read_tickets, tracking_settings
from tickets.utils.io import atomic_path
from tickets.utils.logging import console


def default_model_uri(target: str) -> str:
    return f"models:/{registered_model_name(target)}@champion"


def run(cfg: DictConfig) -> int:
    from tickets.models.pyfunc import load_classifier
    from tickets.models.tracking import mlflow_module

    settings = cfg.categorize
    model_settings(cfg)  # configures the embedding cache
    uri = settings.model_uri or default_model_uri(str(cfg.model.target))
    try:
        tickets = read_tickets(cfg, settings.input)
        mlflow_module(tracking_settings(cfg))
        classifier = load_classifier(uri)
        threshold = None if settings.review_threshold is None else float(settings.review_threshold)
        parts = [
            predict_tickets(classifier, chunk, review_threshold=threshold)
            for chunk in _chunks(tickets.frame, int(settings.batch_size))
        ]
    except (FeatureSchemaError, AdapterConfigError, WarehouseError, FileNotFoundError) as err:
        console.print(f"[red]cannot categorise:[/] {err}")
        return 1
    except Exception as err:
        if type(err).__name__ != "MlflowException":
            raise
        console.print(
            f"[red]cannot load model {uri}:[/] {err}\nTrain one first with "
            "'python main.py train --task categorize' or pass --model-uri."
        )
        return 1
    predictions = pd.concat(parts, ignore_index=True)
    with atomic_path(settings.output) as tmp:
        predictions.to_csv(tmp, index=False)
    review = int(predictions["needs_review"].sum())
    console.print(
        f"{len(predictions)} tickets categorised with {uri} → {settings.output} "
        f"({review} need review, threshold {threshold or classifier.review_threshold})"
    )
    return 0


def _chunks(frame: pd.DataFrame, size: int) -> list[pd.DataFrame]:
    return (
        [frame.iloc[i : i + size] for i in range(0, max(len(frame), 1), size)]
        if len(frame)
        else [frame]
    )
