"""Render report.html: one self-contained page (inline CSS and SVG, works offline)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from tickets.analytics import charts
from tickets.analytics.anomaly_feed import Anomaly
from tickets.analytics.compute import Bundle
from tickets.analytics.satisfaction import DriverSection

Column = tuple[str, str, str]  # (key, header, format: int|num|pct|text)


def kind_of(unit: str) -> str:
    """The number format of a metric unit."""
    return "pct" if unit == "%" else ("int" if unit == "tickets" else "num")


def fmt_value(value: Any, kind: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "–"
    if kind == "int":
        return f"{int(value):,}"
    if kind == "pct":
        return f"{float(value):.1f}%"
    if kind == "num":
        return f"{float(value):,.2f}"
    if kind == "signed":
        return f"{float(value):+.2f}"
    if kind == "signed_int":
        return f"{round(float(value)):+,}"
    return str(value)


def table(
    frame: pd.DataFrame, columns: Sequence[Column], limit: int | None = None
) -> dict[str, Any]:
    rows = frame.head(limit) if limit else frame
    return {
        "headers": [header for _, header, _ in columns],
        "numeric": [kind != "text" for _, _, kind in columns],
        "rows": [
            [fmt_value(r.get(key), kind) for key, _, kind in columns]
            for r in rows.to_dict("records")
        ],
        "hidden": max(0, len(frame) - len(rows)),
    }


RESOLUTION_COLUMNS: list[Column] = [
    ("dimension", "Dimension", "text"),
    ("value", "Value", "text"),
    ("tickets", "Resolved", "int"),
    ("median_hours", "Median h", "num"),
    ("p90_hours", "P90 h", "num"),
    ("mean_hours", "Mean h", "num"),
    ("median_business_hours", "Median bh", "num"),
    ("p90_business_hours", "P90 bh", "num"),
    ("first_response_median_hours", "FRT median h", "num"),
    ("first_response_median_business_hours", "FRT median bh", "num"),
]
SLA_COLUMNS: list[Column] = [
    ("dimension", "Dimension", "text"),
    ("value", "Value", "text"),
    ("tickets", "Received", "int"),
    ("measured", "Measured", "int"),
    ("met_pct", "Met", "pct"),
    ("first_response_met_pct", "First response met", "pct"),
    ("resolution_met_pct", "Resolution met", "pct"),
    ("mean_first_response_overrun_hours", "FR overrun h", "num"),
    ("mean_resolution_overrun_hours", "Res. overrun h", "num"),
    ("source_agreement_pct", "Agrees with source flag", "pct"),
]
CSAT_COLUMNS: list[Column] = [
    ("dimension", "Dimension", "text"),
    ("value", "Value", "text"),
    ("resolved_tickets", "Resolved", "int"),
    ("responses", "Responses", "int"),
    ("response_rate", "Response rate", "pct"),
    ("mean_score", "Mean", "num"),
    ("satisfied_pct", "Satisfied", "pct"),
]
AGENT_COLUMNS: list[Column] = [
    ("team_rank", "Rank", "int"),
    ("agent_id", "Agent", "text"),
    ("agent_name", "Name", "text"),
    ("team", "Team", "text"),
    ("tickets_handled", "Handled", "int"),
    ("tickets_resolved", "Resolved", "int"),
    ("median_resolution_hours", "Median h", "num"),
    ("sla_met_pct", "SLA met", "pct"),
    ("csat_mean", "CSAT", "num"),
    ("reopen_rate", "Reopen", "pct"),
    ("one_touch_rate", "One-touch", "pct"),
    ("backlog", "Backlog", "int"),
]
DRIVER_COLUMNS: list[Column] = [
    ("rank", "#", "int"),
    ("feature", "Feature", "text"),
    ("direction_text", "Direction", "text"),
    ("importance", "Size (CSAT pts)", "num"),
    ("ci", "95% CI", "text"),
    ("levels", "Levels", "text"),
]
VOLUME_COLUMNS: list[Column] = [
    ("period_start", "Week of", "text"),
    ("days", "Days", "int"),
    ("received", "Received", "int"),
    ("resolved", "Resolved", "int"),
    ("backlog_end", "Backlog at end", "int"),
]


def _direction(row: dict[str, Any]) -> str:
    if row["kind"] == "categorical":
        return "varies by level"
    return {1: "higher → happier", -1: "higher → less happy"}.get(int(row["direction"]), "none")


def _driver_rows(drivers: DriverSection) -> pd.DataFrame:
    frame = drivers.table()
    if frame.empty:
        return frame
    frame["direction_text"] = [_direction(r) for r in frame.to_dict("records")]
    frame["ci"] = [
        f"{lo:.2f} – {hi:.2f}"
        for lo, hi in zip(frame["importance_ci_low"], frame["importance_ci_high"], strict=True)
    ]
    return frame


def _charts(
    bundle: Bundle, drivers: DriverSection, anomalies: Sequence[Anomaly], clock: str
) -> dict[str, str]:
    daily = bundle.tables["volume"].query("period == 'day'")
    days = list(daily["period_start"])
    bands = [(a.start, a.end, a.label) for a in anomalies]
    res = bundle.tables["resolution_time"].query("dimension == 'priority' and tickets > 0")
    boxes = [
        {
            "label": r["value"],
            "p10": r["p10_hours"],
            "p25": r["p25_hours"],
            "median": r["median_hours"],
            "p75": r["p75_hours"],
            "p90": r["p90_hours"],
        }
        for r in res.to_dict("records")
    ]
    sla = bundle.tables["sla_compliance"].query(
        f"dimension == 'queue' and clock == '{clock}' and measured > 0"
    )
    sla_rows = [
        (r["value"], r["met_pct"], f"{r['met_pct']:.1f}% of {r['measured']}")
        for r in sla.to_dict("records")
    ]
    agents = bundle.tables["agent_performance"].sort_values("tickets_resolved", ascending=False)
    board = [
        (
            f"{r['agent_id']} {r['agent_name'] or ''}".strip(),
            float(r["tickets_resolved"]),
            f"{int(r['tickets_resolved'])} resolved · median "
            f"{fmt_value(r['median_resolution_hours'], 'num')} h · {r['team']}",
        )
        for r in agents.head(15).to_dict("records")
    ]
    window = bundle.window
    return {
        "volume": charts.line_chart(
            days,
            {
                "received": list(daily["received"]),
                "resolved": list(daily["resolved"]),
                "backlog": list(daily["backlog_end"]),
            },
            "Daily volume and backlog",
            bands,
        ),
        "resolution": charts.box_chart(boxes, "Resolution time by priority", "hours"),
        "sla": charts.hbar_chart(sla_rows, "SLA met by queue", max_value=100.0),
        "leaderboard": charts.hbar_chart(board, "Agent leaderboard: tickets resolved"),
        "drivers": charts.driver_chart(drivers.drivers[:10], "CSAT drivers"),
        "anomalies": charts.timeline_chart(
            window.start,
            window.end,
            [(a.label, a.start, a.end) for a in anomalies],
            "Anomalies in the window",
        ),
    }


def render_report(
    bundle: Bundle,
    drivers: DriverSection,
    anomalies: Sequence[Anomaly],
    context: dict[str, Any],
) -> str:
    env = Environment(
        loader=PackageLoader("tickets.analytics", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )
    clock = str(context.get("sla_clock", "business"))
    svg = {k: Markup(v) for k, v in _charts(bundle, drivers, anomalies, clock).items()}
    tables = bundle.tables
    weekly = tables["volume"].query("period == 'week'")
    sla = tables["sla_compliance"].query(f"clock == '{clock}'")
    by_agent = {
        "sla": sla["dimension"] == "agent_id",
        "csat": tables["csat"]["dimension"] == "agent_id",
    }
    return env.get_template("report.html.j2").render(
        ctx=context,
        bundle=bundle,
        drivers=drivers,
        anomalies=anomalies,
        charts=svg,
        kpis=bundle.comparison,
        fmt=fmt_value,
        kind_of=kind_of,
        tables={
            "resolution": table(tables["resolution_time"], RESOLUTION_COLUMNS),
            "sla": table(sla[~by_agent["sla"]], SLA_COLUMNS),
            "sla_agents": table(sla[by_agent["sla"]], SLA_COLUMNS),
            "csat": table(tables["csat"][~by_agent["csat"]], CSAT_COLUMNS),
            "csat_agents": table(tables["csat"][by_agent["csat"]], CSAT_COLUMNS),
            "agents": table(tables["agent_performance"], AGENT_COLUMNS, limit=200),
            "drivers": table(_driver_rows(drivers), DRIVER_COLUMNS),
            "weekly": table(weekly, VOLUME_COLUMNS),
        },
    )
