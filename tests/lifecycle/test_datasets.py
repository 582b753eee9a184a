"""Which tickets train and which judge: the fixed holdout, the recent window, agent labels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tickets.lifecycle.datasets import holdout_mask, labelled_sets, untrusted_labels
from tickets.lifecycle.settings import HoldoutSettings

SETTINGS = HoldoutSettings(fraction=0.2, salt="test-salt")


def test_holdout_is_the_same_tickets_however_the_data_grows():
    ids = pd.Series([f"T-{i:05d}" for i in range(2000)])
    first = holdout_mask(ids[:1000], SETTINGS)
    grown = holdout_mask(ids, SETTINGS)
    assert (grown[:1000] == first).all()
    assert 0.17 < grown.mean() < 0.23  # 20% by hash, not exactly


def test_a_different_salt_gives_a_different_holdout():
    ids = pd.Series([f"T-{i:05d}" for i in range(500)])
    other = HoldoutSettings(fraction=0.2, salt="other")
    assert (holdout_mask(ids, SETTINGS) != holdout_mask(ids, other)).any()


def frame() -> pd.DataFrame:
    # four API tickets: two corrected by an agent (labels), two still the model's guess
    return pd.DataFrame(
        {
            "ticket_id": ["A", "B", "C", "D", "E"],
            "created_at": pd.to_datetime(
                ["2024-01-01", "2024-03-01", "2024-03-20", "2024-03-25", "2024-03-31"], utc=True
            ),
            "category": ["Billing", "Network", "Billing", "Access", None],
            "x_source": [None, "api", "api", "api", "api"],
            "x_predicted_category": [None, "Network", "Network", "Access", "Billing"],
        }
    )


def test_api_tickets_whose_label_is_the_models_own_guess_are_not_labels():
    untrusted = untrusted_labels(frame(), "category")
    # B (Network = guess) and D (Access = guess); C was corrected Network → Billing
    assert untrusted.tolist() == [False, True, False, True, False]
    assert not untrusted_labels(frame(), "queue").any()  # only category gets corrected


def test_sets_split_train_holdout_and_recent_window(monkeypatch):
    in_holdout = np.array([True, True, True, False, True])
    monkeypatch.setattr("tickets.lifecycle.datasets.holdout_mask", lambda ids, s: in_holdout)
    sets = labelled_sets(frame(), "category", SETTINGS, recent_days=15)
    assert sets.train["ticket_id"].tolist() == ["D"]
    assert sets.train["category"].isna().all()  # D's label was the model's guess: unlabelled
    # holdout keeps labelled rows only: A, C (B's guess dropped, E has no label)
    assert sets.holdout["ticket_id"].tolist() == ["A", "C"]
    # recent window: created on or after 2024-03-31 − 15 days = 2024-03-16 → C
    assert sets.recent["ticket_id"].tolist() == ["C"]
    assert sets.counts()["api_rows_without_agent_label"] == 2


def test_unknown_target_says_how_to_fix_it():
    with pytest.raises(ValueError, match=r"lifecycle\.targets"):
        labelled_sets(frame(), "routing_group", SETTINGS, recent_days=15)
