"""The sentiment detector's part of a run: VADER for tickets not yet cached, daily sums
(fresh or merged with stored ones), then change points per queue, product and overall."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from tickets.anomaly.baselines import StoredBaselines, merge_days
from tickets.anomaly.plan import ScanPlan
from tickets.anomaly.sentiment import SentimentResult, detect_sentiment
from tickets.anomaly.sentiment_cache import SentimentCache, score_missing
from tickets.anomaly.sentiment_series import csat_adjusted_sql, daily_sentiment, mean_series
from tickets.anomaly.series import time_filter
from tickets.anomaly.settings import AnomalySettings


@dataclass
class SentimentStep:
    result: SentimentResult = field(default_factory=SentimentResult)
    rows: pd.DataFrame | None = None
    csat_sql: str | None = None
    scored: int = 0
    cache: SentimentCache | None = None
    notes: list[str] = field(default_factory=list)


def run_sentiment_step(
    con: duckdb.DuckDBPyConnection,
    source_sql: str,
    plan: ScanPlan,
    settings: AnomalySettings,
    stored: StoredBaselines | None,
    has_text: bool,
    on_scored: Callable[[int], None] | None = None,
) -> SentimentStep:
    cfg = settings.sentiment
    step = SentimentStep()
    lo, hi = plan.utc_bounds(plan.read_from, plan.last_day)
    if has_text:
        step.cache = SentimentCache(cfg.cache_dir, cfg.text_chars)
        where = time_filter("created_at", lo, hi)
        step.scored = score_missing(con, source_sql, step.cache, where, cfg.workers, on_scored)
    else:
        step.notes.append("sentiment: no ticket text, so only CSAT is tracked")
    reuse = plan.incremental
    stored_sql = stored.csat_sql if stored is not None else None
    step.csat_sql = stored_sql if reuse and stored_sql else csat_adjusted_sql(con, source_sql)
    rows = daily_sentiment(
        con, source_sql, step.cache, cfg.families, plan.timezone, str(step.csat_sql), lo, hi
    )
    rows["day"] = pd.to_datetime(rows["day"])
    if plan.incremental and stored is not None and stored.frames.get("sentiment") is not None:
        old = stored.frames["sentiment"]
        old = old[old["day"] >= pd.Timestamp(plan.first_day)]
        rows = merge_days(old, rows, "day", pd.Timestamp(plan.read_from))
    step.rows = rows

    def day_bounds(first: int, last: int) -> tuple[dt.datetime, dt.datetime]:
        return plan.utc_bounds(plan.days[first], plan.days[last])

    series = mean_series(rows, plan.days)
    step.result = detect_sentiment(series, plan.days, plan.window, day_bounds, cfg)
    return step
