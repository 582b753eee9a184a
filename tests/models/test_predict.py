"""Prediction rows: order, ids, confidence, top 3, needs_review and notes on odd input."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tickets.models.factory import build_classifier
from tickets.models.predict import PREDICTION_COLUMNS, predict_tickets

from .builders import tiny_settings


@pytest.fixture()
def classifier(labelled: pd.DataFrame):  # type: ignore[no-untyped-def]
    model = build_classifier(tiny_settings("linear", max_chars=500, review_threshold=0.5))
    text_only = labelled[["subject", "body"]]
    return model.fit(text_only, labelled["category"].to_numpy())


def test_rows_keep_input_order_and_given_ids(classifier, models_fixtures: Path) -> None:  # type: ignore[no-untyped-def]
    tickets = pd.read_csv(models_fixtures / "new_tickets.csv", keep_default_na=False)
    rows = predict_tickets(classifier, tickets, ticket_ids=pd.Series(list("abcde")))
    assert tuple(rows.columns) == PREDICTION_COLUMNS
    assert rows["ticket_id"].tolist() == list("abcde")
    assert rows.loc[0, "predicted"] == "billing"
    assert rows.loc[4, "predicted"] == "network"


def test_top3_lists_three_labels_with_probabilities_summing_to_at_most_one(classifier) -> None:  # type: ignore[no-untyped-def]
    rows = predict_tickets(classifier, pd.DataFrame({"subject": ["refund the invoice"]}))
    top3 = json.loads(rows.loc[0, "top3"])
    assert next(iter(top3)) == rows.loc[0, "predicted"] == "billing"
    assert len(top3) == 3
    assert top3["billing"] == pytest.approx(rows.loc[0, "confidence"], abs=1e-4)
    assert sum(top3.values()) <= 1.0001


def test_empty_text_is_predicted_but_sent_to_review(classifier, models_fixtures: Path) -> None:  # type: ignore[no-untyped-def]
    tickets = pd.read_csv(models_fixtures / "new_tickets.csv", keep_default_na=False)
    row = predict_tickets(classifier, tickets).iloc[1]
    assert row["needs_review"]
    assert row["notes"].startswith("empty text")
    assert row["ticket_id"] == "row-2"


def test_very_long_text_is_truncated_and_says_so(classifier, models_fixtures: Path) -> None:  # type: ignore[no-untyped-def]
    tickets = pd.read_csv(models_fixtures / "new_tickets.csv", keep_default_na=False)
    row = predict_tickets(classifier, tickets).iloc[3]
    # "long report" + " . " + a 44-character sentence repeated 400 times, trailing space cut
    assert "truncated from 17613 to 500 chars" in row["notes"]


def test_non_english_text_gets_a_valid_prediction(classifier, models_fixtures: Path) -> None:  # type: ignore[no-untyped-def]
    tickets = pd.read_csv(models_fixtures / "new_tickets.csv", keep_default_na=False)
    row = predict_tickets(classifier, tickets).iloc[2]
    assert row["predicted"] in {"access", "billing", "network"}
    assert 0 < row["confidence"] <= 1


def test_review_threshold_can_be_overridden(classifier) -> None:  # type: ignore[no-untyped-def]
    tickets = pd.DataFrame({"subject": ["refund the invoice", "vpn down"]})
    assert not predict_tickets(classifier, tickets, review_threshold=0.0)["needs_review"].any()
    assert predict_tickets(classifier, tickets, review_threshold=1.01)["needs_review"].all()
