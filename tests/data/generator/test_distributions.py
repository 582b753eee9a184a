"""Shapes of the generated distributions: seasonality, durations, SLA, CSAT, text."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from .helpers import dimension, tickets, truth

ORDER = ["critical", "high", "medium", "low"]


@pytest.fixture(scope="module")
def frame(warehouse: Path) -> pd.DataFrame:
    return tickets(warehouse)


def test_weekdays_are_busier_than_weekends(frame: pd.DataFrame):
    per_weekday = frame["created_at"].dt.dayofweek.value_counts().sort_index()
    # planned factors: Monday 1.25, Saturday 0.42, Sunday 0.36 (each weekday ~21 times in 150 days)
    assert per_weekday[0] > 2 * per_weekday[5]
    assert per_weekday[0] > 2 * per_weekday[6]
    assert per_weekday[:5].min() > per_weekday[5:].max()


def test_daytime_hours_are_busier_than_night(frame: pd.DataFrame):
    hours = frame["created_at"].dt.hour.value_counts()
    assert hours[10] > 3 * hours[3]


def test_median_resolution_time_follows_priority(frame: pd.DataFrame):
    hours = (frame["resolved_at"] - frame["created_at"]).dt.total_seconds() / 3600
    medians = hours.groupby(frame["priority"]).median()[ORDER]
    assert list(medians) == sorted(medians)


def test_breach_rates_fall_inside_the_configured_band(frame: pd.DataFrame, warehouse: Path):
    sla = truth(warehouse)["sla"]
    low, high = sla["breach_band"]
    rates = frame.groupby("priority")["sla_breach"].mean()
    assert all(low <= rates[p] <= high for p in ORDER), rates.to_dict()
    assert rates.round(4).to_dict() == sla["breach_rate_by_priority"]


def test_lifecycle_timestamps_are_ordered(frame: pd.DataFrame):
    assert (
        frame["first_response_at"].dropna()
        >= frame.loc[frame["first_response_at"].notna(), "created_at"]
    ).all()
    resolved = frame.dropna(subset=["resolved_at"])
    assert (resolved["resolved_at"] >= resolved["first_response_at"]).all()
    closed = frame.dropna(subset=["closed_at"])
    assert (closed["closed_at"] > closed["resolved_at"]).all()
    assert (frame["updated_at"] >= frame["created_at"]).all()


def test_status_matches_the_timestamps(frame: pd.DataFrame):
    by_status = frame.groupby("status")
    assert by_status["closed_at"].count()["closed"] == (frame["status"] == "closed").sum()
    open_like = frame[frame["status"].isin(["new", "open", "pending"])]
    assert open_like["resolved_at"].isna().all()
    assert frame.loc[frame["status"] == "new", "agent_id"].isna().all()


def test_csat_has_a_partial_response_rate_and_scores_on_resolved_tickets(frame: pd.DataFrame):
    scored = frame["satisfaction_score"].notna()
    assert 0.2 < scored.mean() < 0.6
    assert frame.loc[scored, "status"].isin(["resolved", "closed"]).all()
    assert set(frame.loc[scored, "satisfaction_score"]) == {1.0, 2.0, 3.0, 4.0, 5.0}


def test_reopens_reassignments_and_one_touch_all_occur(frame: pd.DataFrame):
    assert 0.04 < (frame["reopened_count"] > 0).mean() < 0.25
    assert (frame["reassignment_count"] > 0).mean() > 0.1
    resolved = frame[frame["status"].isin(["resolved", "closed"])]
    assert 0.05 < (resolved["reply_count"] == 1).mean() < 0.4


def test_text_varies_in_length_language_and_typos(frame: pd.DataFrame):
    lengths = frame["body"].str.len()
    assert lengths.quantile(0.9) > 2 * lengths.quantile(0.1)
    assert 0.02 < (frame["x_language"] != "en").mean() < 0.1
    assert frame["body"].str.contains(r"Fehlercode|Código de error|Code d'erreur").any()
    assert frame["subject"].nunique() > 300


def test_error_codes_and_versions_appear_in_the_text(frame: pd.DataFrame):
    text = frame["subject"] + " " + frame["body"]
    assert text.str.contains(r"\b[A-Z]{1,2}-?\d{2,4}\b").mean() > 0.5
    assert text.str.contains(r"\d+\.\d+").mean() > 0.2


def test_queues_have_their_own_calendars(warehouse: Path):
    policies = dimension(warehouse, "sla_policies")
    own = policies.dropna(subset=["queue"]).drop_duplicates("queue").set_index("queue")
    assert own.loc["Network Operations", "calendar_timezone"] == "Asia/Kolkata"
    assert list(own.loc["Network Operations", "working_days"]) == [1, 2, 3, 4, 5, 6]
    assert len(own.loc["Billing", "holidays"]) > 0
    assert policies["queue"].isna().sum() == 4  # one default row per priority


def test_some_agents_work_from_other_timezones(warehouse: Path):
    agents = dimension(warehouse, "agents")
    assert agents["timezone"].nunique() > 5
    assert set(agents["team"]) >= {"Billing L1", "Billing L2", "Technical Support L1"}
    assert np.all((agents["skill"] > 0.5) & (agents["skill"] < 2))
