"""The retrieval-failure log and agent feedback become rates by topic and KB-gap alarms."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pandas as pd
import pytest

from tickets.anomaly.retrieval_failures import (
    failure_topic,
    load_failures,
    load_feedback,
    negative_events,
    rising_event_topics,
    topic_rates,
)
from tickets.anomaly.settings import RetrievalFailureSettings

START = dt.datetime(2024, 3, 1, 12, tzinfo=dt.UTC)


def _log(path, events: list[tuple[int, list[str], str | None]]) -> None:
    """(day offset, entities, product) per failure, in the retrieval log's JSONL schema."""
    with open(path, "w", encoding="utf-8") as handle:
        for i, (day, entities, product) in enumerate(events):
            record = {
                "schema_version": 1, "logged_at": (START + dt.timedelta(days=day)).isoformat(),
                "reason": "low_confidence", "query": f"question {i}", "ticket_id": f"T{i}",
                "entities": entities, "product": product, "confidence": 0.2,
            }  # fmt: skip
            handle.write(json.dumps(record) + "\n")


def test_topic_is_the_error_code_else_the_product():
    assert failure_topic({"entities": ["7.0.3", "V-3090"], "product": "SecureVPN"}) == "V-3090"
    assert failure_topic({"entities": ["macOS"], "product": "SecureVPN"}) == "SecureVPN"
    assert failure_topic({}) == "unknown"


def test_missing_log_is_none_not_an_error(tmp_path):
    assert load_failures(tmp_path / "absent.jsonl") is None
    assert load_failures(None) is None


def test_a_broken_line_names_the_file_and_line(tmp_path):
    path = tmp_path / "failures.jsonl"
    path.write_text('{"logged_at": "2024-03-01T00:00:00+00:00"}\nnot json\n')
    with pytest.raises(ValueError, match=r"failures\.jsonl line 2"):
        load_failures(path)


def _days(n: int) -> list[dt.date]:
    return [START.date() + dt.timedelta(days=i) for i in range(n)]


def _bounds(days):  # type: ignore[no-untyped-def]
    def bounds(a: int, b: int) -> tuple[dt.datetime, dt.datetime]:
        lo = dt.datetime.combine(days[a], dt.time(), dt.UTC)
        return lo, dt.datetime.combine(days[b] + dt.timedelta(days=1), dt.time(), dt.UTC)

    return bounds


def test_rising_unanswered_topic_is_a_kb_gap(tmp_path):
    # one "unknown product" failure a day for 60 days; V-3090 four a day from day 50
    events = [(d, [], "Router-X") for d in range(60)]
    events += [(d, ["V-3090"], "SecureVPN") for d in range(50, 60) for _ in range(4)]
    path = tmp_path / "failures.jsonl"
    _log(path, events)
    failures = load_failures(path)
    days = _days(60)
    settings = RetrievalFailureSettings()
    found = rising_event_topics(
        failures, days, "UTC", (0, 59), _bounds(days), settings, "kb_gap", "retrieval_failures"
    )
    assert [(a.type, a.value) for a in found] == [("kb_gap", "V-3090")]
    gap = found[0]
    # first flagged on day 51: 8 events in the 7-day window, none in the 28 days before:
    # p = (7/35)^8; the alarm starts on the topic's first event in that window, day 50
    assert gap.local_start == dt.date(2024, 4, 20)
    assert gap.observed == 28 and gap.expected == pytest.approx(0.5 * 7 / 28)
    assert gap.example_ticket_ids[:1] == ["T60"]
    rates = topic_rates(failures, START - dt.timedelta(days=1), START + dt.timedelta(days=61))
    assert rates[0] == {"topic": "Router-X", "events": 60, "share": 0.6}
    assert rates[1] == {"topic": "V-3090", "events": 40, "share": 0.4}


def test_feedback_from_the_api_database(tmp_path):
    db = tmp_path / "tickets.db"
    with sqlite3.connect(db) as con:
        con.execute(
            "CREATE TABLE feedback (id INTEGER, ticket_id TEXT, kind TEXT, created_at TEXT)"
        )
        con.executemany(
            "INSERT INTO feedback VALUES (?, ?, ?, ?)",
            [
                (1, "A", "helpful", "2024-03-01T10:00:00"),
                (2, "B", "not_helpful", "2024-03-01T11:00:00"),
                (3, "C", "wrong", "2024-03-02T09:00:00"),
            ],
        )  # fmt: skip
    feedback = load_feedback(db)
    events = negative_events(feedback.assign(product=["P", "P", "Q"]), ("not_helpful", "wrong"))
    assert events["negative"].tolist() == [False, True, True]
    assert events["topic"].tolist() == ["P", "P", "Q"]


def test_feedback_file_without_the_needed_columns_is_rejected(tmp_path):
    path = tmp_path / "feedback.csv"
    pd.DataFrame({"ticket_id": ["A"], "rating": [1]}).to_csv(path, index=False)
    with pytest.raises(ValueError, match="missing columns"):
        load_feedback(path)
