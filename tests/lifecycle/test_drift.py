"""The drift report on hand-made windows: what is flagged, what stays quiet, and why."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tickets.lifecycle.drift import drift_report, drift_summary, drift_windows
from tickets.lifecycle.settings import DriftSettings

SETTINGS = DriftSettings(
    recent_days=10,
    reference_days=20,
    min_rows=30,
    max_texts=1000,
    numeric=("resolution_hours", "body_chars"),
    categorical=("channel", "priority"),
)


def tickets(n_ref: int = 200, n_cur: int = 100, shift: bool = False, seed: int = 0) -> pd.DataFrame:
    """Reference tickets on days 0-20 and current ones on days 20-30 of May 2024."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2024-05-01", tz="UTC")
    days = np.concatenate([rng.uniform(0.5, 19.5, n_ref), rng.uniform(20.5, 29.5, n_cur)])
    days[-1] = 30.0  # the newest ticket anchors the windows: (0, 20] and (20, 30] days
    created = start + pd.to_timedelta(days, unit="D")
    current = days >= 20
    hours = rng.lognormal(3, 0.5, n_ref + n_cur) * np.where(current & shift, 4, 1)
    channel = rng.choice(["email", "chat", "web"], n_ref + n_cur, p=[0.5, 0.3, 0.2])
    channel = np.where(current & shift & (rng.random(n_ref + n_cur) < 0.6), "phone", channel)
    return pd.DataFrame(
        {
            "ticket_id": [f"T{i}" for i in range(n_ref + n_cur)],
            "created_at": created,
            "resolved_at": created + pd.to_timedelta(hours, unit="h"),
            "channel": channel,
            "priority": rng.choice(["low", "high"], n_ref + n_cur),
            "subject": np.where(current & shift, "satellite uplink down", "password reset"),
            "body": ["please help"] * (n_ref + n_cur),
        }
    )


def embed(texts: list[str]) -> np.ndarray:
    # two words, two axes
    return np.array([[1.0, 0.0] if "password" in t else [0.0, 1.0] for t in texts])


def test_windows_end_at_the_newest_ticket():
    created = pd.Series(pd.to_datetime(["2024-05-01", "2024-05-31"], utc=True))
    ref_start, cur_start, cur_end = drift_windows(created, SETTINGS)
    assert cur_end == pd.Timestamp("2024-05-31", tz="UTC") + pd.Timedelta(microseconds=1)
    assert cur_start == cur_end - pd.Timedelta(days=10)
    assert ref_start == cur_start - pd.Timedelta(days=20)


def test_same_distribution_is_quiet():
    report = drift_report(tickets(), SETTINGS, embed=embed)
    assert not report.flagged, [c for c in report.checks if c.flagged]
    assert report.reference["tickets"] == 200 and report.current["tickets"] == 100


def test_planted_shift_is_flagged_where_it_was_planted():
    report = drift_report(tickets(shift=True), SETTINGS, embed=embed)
    flagged = {c.name for c in report.flagged_checks}
    assert flagged == {"resolution_hours", "channel", "text_embedding"}
    channel = next(c for c in report.checks if c.name == "channel")
    assert channel.statistics["top_changes"]["phone"][0] == 0.0  # absent before
    text = next(c for c in report.checks if c.name == "text_embedding")
    # every current text moved from axis 1 to axis 2: means (1, 0) vs (0, 1) → distance 1
    assert text.statistics["centroid_cosine_distance"] == 1.0


def test_prediction_mix_and_review_rate_come_from_the_champion():
    def predict(frame: pd.DataFrame) -> pd.DataFrame:
        unsure = frame["subject"].str.contains("satellite").to_numpy()
        return pd.DataFrame(
            {"predicted": np.where(unsure, "Network", "Access"), "needs_review": unsure}
        )

    report = drift_report(tickets(shift=True), SETTINGS, predict=predict)
    checks = {c.name: c for c in report.checks}
    assert checks["predicted_category"].flagged
    assert checks["needs_review_rate"].statistics == {
        "reference": 0.0,
        "current": 1.0,
        "increase": 1.0,
    }
    assert checks["needs_review_rate"].flagged


def test_too_few_tickets_flags_nothing_and_says_so():
    report = drift_report(tickets(n_cur=10, shift=True), SETTINGS, embed=embed)
    assert not report.flagged and report.checks == []
    assert "not enough tickets" in report.notes[0]


def test_missing_features_are_named_in_the_notes():
    settings = DriftSettings(recent_days=10, reference_days=20, numeric=("nps",), categorical=())
    report = drift_report(tickets(), settings)
    assert report.notes == ["features not in the warehouse, skipped: nps"]


def test_summary_is_readable_markdown():
    text = drift_summary(drift_report(tickets(shift=True), SETTINGS, embed=embed))
    assert text.startswith("# Drift report: DRIFT DETECTED")
    assert "| channel | categorical | YES |" in text
