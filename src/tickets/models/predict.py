"""Turn a classifier's probabilities into the rows users read: prediction, confidence, top 3,
whether a human should review it, and notes on what happened to the input."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from tickets.models.ensemble import TicketClassifier
from tickets.models.features import TicketBatch

PREDICTION_COLUMNS = ("ticket_id", "predicted", "confidence", "top3", "needs_review", "notes")


def _top3(proba: np.ndarray, classes: np.ndarray) -> list[str]:
    order = np.argsort(-proba, axis=1, kind="stable")[:, :3]
    return [
        json.dumps({classes[j]: round(float(row[j]), 4) for j in top}, ensure_ascii=False)
        for row, top in zip(proba, order, strict=True)
    ]


def _notes(batch: TicketBatch, predicted: np.ndarray, rare_label: str) -> list[str]:
    text = batch.text
    notes = []
    for i in range(len(batch)):
        parts = []
        if text.empty[i]:
            parts.append("empty text: predicted from structured fields and class frequencies")
        if text.truncated[i]:
            parts.append(
                f"text truncated from {text.original_lengths[i]} to {batch.max_chars} chars"
            )
        if predicted[i] == rare_label:
            parts.append("predicted the grouped rare class: route to a human")
        notes.append("; ".join(parts))
    return notes


def predict_tickets(
    classifier: TicketClassifier,
    tickets: pd.DataFrame,
    ticket_ids: pd.Series | None = None,
    review_threshold: float | None = None,
) -> pd.DataFrame:
    """One row per input ticket, in input order, with the columns of ``PREDICTION_COLUMNS``."""
    threshold = classifier.review_threshold if review_threshold is None else review_threshold
    batch = classifier.batch(tickets)
    proba = classifier.predict_proba(batch)
    classes = np.asarray(classifier.classes_)
    predicted = classes[proba.argmax(axis=1)]
    confidence = proba.max(axis=1)
    needs_review = (
        (confidence < threshold) | batch.text.empty | (predicted == classifier.rare_label)
    )
    if ticket_ids is None:
        ticket_ids = tickets["ticket_id"] if "ticket_id" in tickets.columns else None
    ids = (
        pd.Series(ticket_ids).astype(str).to_numpy()
        if ticket_ids is not None
        else np.array([f"row-{i + 1}" for i in range(len(batch))])
    )
    return pd.DataFrame(
        {
            "ticket_id": ids,
            "predicted": predicted,
            "confidence": np.round(confidence, 4),
            "top3": _top3(proba, classes),
            "needs_review": needs_review,
            "notes": _notes(batch, predicted, classifier.rare_label),
        }
    )
