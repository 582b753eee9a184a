"""Volume (Freshdesk semantics) by local day and ISO week: received, resolved, backlog.

received = created in the period; resolved = resolved in the period, whatever the creation
date; backlog = open at the end of the period. Days are local to the reporting timezone.
The engine returns per-day counts and the backlog at the window start; the running backlog
is a cumulative sum over those few rows.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir
import pandas as pd

from tickets.analytics.metrics import populations
from tickets.analytics.windows import ReportWindow

COLUMNS = ["period", "period_start", "period_end", "days", "received", "resolved", "backlog_end"]


def daily_counts(enriched: ir.Table, window: ReportWindow) -> ir.Table:
    """(kind, day, tickets) rows: kind is 'received' or 'resolved' (lazy)."""
    pops = populations(enriched, window)
    received = (
        enriched.filter(pops["received"])
        .group_by(day=enriched.created_date)
        .aggregate(tickets=ibis._.count())
        .mutate(kind=ibis.literal("received"))
    )
    resolved = (
        enriched.filter(pops["resolved"])
        .group_by(day=enriched.resolved_date)
        .aggregate(tickets=ibis._.count())
        .mutate(kind=ibis.literal("resolved"))
    )
    return ibis.union(received, resolved).select("kind", "day", "tickets")


def volume_table(counts: pd.DataFrame, backlog_start: int, window: ReportWindow) -> pd.DataFrame:
    days = pd.date_range(window.start, window.end, freq="D").date
    frame = pd.DataFrame({"period_start": days})
    for kind in ("received", "resolved"):
        part = counts[counts["kind"] == kind]
        by_day = dict(zip(pd.to_datetime(part["day"]).dt.date, part["tickets"], strict=True))
        frame[kind] = [int(by_day.get(day, 0)) for day in days]
    frame["backlog_end"] = backlog_start + (frame["received"] - frame["resolved"]).cumsum()
    frame["period"], frame["period_end"], frame["days"] = "day", frame["period_start"], 1
    weekly = _weekly(frame)
    return pd.concat([frame[COLUMNS], weekly[COLUMNS]], ignore_index=True)


def _weekly(daily: pd.DataFrame) -> pd.DataFrame:
    week = daily["period_start"].map(lambda d: d - dt.timedelta(days=d.weekday()))
    grouped = daily.groupby(week, sort=True)
    weekly = pd.DataFrame(
        {
            "period_start": grouped["period_start"].min(),
            "period_end": grouped["period_end"].max(),
            "days": grouped["days"].sum(),
            "received": grouped["received"].sum(),
            "resolved": grouped["resolved"].sum(),
            "backlog_end": grouped["backlog_end"].last(),
        }
    ).reset_index(drop=True)
    weekly["period"] = "week"
    return weekly
