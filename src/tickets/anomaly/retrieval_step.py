"""The retrieval-failure part of a run: the failure log and agent feedback, on their own
timeline (they are logged when agents ask, not when tickets were created)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from tickets.anomaly.records import Anomaly
from tickets.anomaly.retrieval_failures import (
    load_failures,
    load_feedback,
    negative_events,
    rising_event_topics,
    topic_rates,
)
from tickets.anomaly.settings import AnomalySettings
from tickets.utils.timeutil import local_day_bounds_utc


@dataclass
class RetrievalStep:
    anomalies: list[Anomaly] = field(default_factory=list)
    failure_rates: list[dict[str, Any]] = field(default_factory=list)
    feedback_rates: list[dict[str, Any]] = field(default_factory=list)
    sources: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def run_retrieval_step(
    con: duckdb.DuckDBPyConnection, source_sql: str, settings: AnomalySettings
) -> RetrievalStep:
    cfg, step = settings.retrieval, RetrievalStep()
    failures = load_failures(cfg.failure_log)
    step.sources["failure_log"] = str(cfg.failure_log) if failures is not None else None
    if failures is None:
        step.notes.append(
            f"retrieval failures: no log at {cfg.failure_log}; KB gaps come from ticket text "
            "(rising topics whose resolutions cite no KB article)"
        )
    elif not failures.empty:
        step.anomalies += _rising(failures, settings, "kb_gap", "retrieval_failures")
        step.failure_rates = _rates(failures, settings)
    feedback = load_feedback(cfg.feedback_log)
    step.sources["feedback_log"] = str(cfg.feedback_log) if feedback is not None else None
    if feedback is not None and not feedback.empty:
        events = negative_events(_with_product(con, source_sql, feedback), cfg.negative_feedback)
        step.feedback_rates = _negative_shares(events)
        negative = events[events["negative"]].drop(columns="negative")
        step.anomalies += _rising(negative, settings, "retrieval_failures", "negative_feedback")
    return step


def _timeline(
    events: pd.DataFrame, settings: AnomalySettings
) -> tuple[list[dt.date], tuple[int, int]]:
    local = events["at"].dt.tz_convert(settings.timezone).dt.date
    first, last = min(local), max(local)
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    lo = (settings.start_date - first).days if settings.start_date else 0
    hi = (settings.end_date - first).days if settings.end_date else len(days) - 1
    return days, (max(lo, 0), min(hi, len(days) - 1))


def _rising(
    events: pd.DataFrame, settings: AnomalySettings, kind: str, signal: str
) -> list[Anomaly]:
    if events.empty:
        return []
    days, window = _timeline(events, settings)

    def day_bounds(first: int, last: int) -> tuple[dt.datetime, dt.datetime]:
        return local_day_bounds_utc(days[first], days[last], settings.timezone)

    return rising_event_topics(
        events, days, settings.timezone, window, day_bounds, settings.retrieval, kind, signal
    )


def _rates(events: pd.DataFrame, settings: AnomalySettings) -> list[dict[str, Any]]:
    days, (lo, hi) = _timeline(events, settings)
    start, end = local_day_bounds_utc(days[lo], days[hi], settings.timezone)
    return topic_rates(events, start, end)


def _with_product(
    con: duckdb.DuckDBPyConnection, source_sql: str, feedback: pd.DataFrame
) -> pd.DataFrame:
    if "product" in feedback.columns:
        return feedback
    con.register("_feedback", feedback.assign(ticket_id=feedback["ticket_id"].astype(str)))
    try:
        return con.execute(
            f"SELECT f.*, t.product FROM _feedback f LEFT JOIN "
            f"(SELECT ticket_id, product FROM {source_sql}) t USING (ticket_id)"
        ).df()
    finally:
        con.unregister("_feedback")


def _negative_shares(events: pd.DataFrame) -> list[dict[str, Any]]:
    grouped = events.groupby("topic")["negative"].agg(["size", "sum"]).reset_index()
    grouped = grouped.sort_values("sum", ascending=False)
    return [
        {"topic": r.topic, "feedback": int(r.size), "negative": int(r.sum),
         "negative_rate": round(float(r.sum) / max(int(r.size), 1), 4)}
        for r in grouped.itertuples()
    ]  # fmt: skip
