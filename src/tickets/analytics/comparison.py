"""Headline numbers for the window and the previous window of the same length, with deltas."""

from __future__ import annotations

import math
from typing import Any

import ibis.expr.types as ir
import pandas as pd

from tickets.analytics.metrics import Metric, aggregations
from tickets.analytics.windows import ReportWindow

_H, _BH = "hours", "business hours"

HEADLINE: list[Metric] = [
    Metric(
        "received",
        "count",
        "received",
        label="Received",
        unit="tickets",
        description="tickets created in the window",
    ),
    Metric(
        "resolved",
        "count",
        "resolved",
        label="Resolved",
        unit="tickets",
        better="higher",
        description="tickets resolved in the window, whatever their creation date",
    ),
    Metric(
        "backlog",
        "count",
        "backlog",
        label="Backlog at end",
        unit="tickets",
        better="lower",
        description="tickets open at the end of the window",
    ),
    Metric(
        "first_response_median_hours",
        "quantile",
        "received",
        "first_response_hours",
        0.5,
        label="Median first response",
        unit=_H,
        better="lower",
    ),
    Metric(
        "first_response_median_business_hours",
        "quantile",
        "received",
        "first_response_business_hours",
        0.5,
        label="Median first response (business)",
        unit=_BH,
        better="lower",
    ),
    Metric(
        "resolution_median_hours",
        "quantile",
        "resolved",
        "resolution_hours",
        0.5,
        label="Median resolution",
        unit=_H,
        better="lower",
    ),
    Metric(
        "resolution_p90_hours",
        "quantile",
        "resolved",
        "resolution_hours",
        0.9,
        label="P90 resolution",
        unit=_H,
        better="lower",
    ),
    Metric(
        "resolution_mean_hours",
        "mean",
        "resolved",
        "resolution_hours",
        label="Mean resolution",
        unit=_H,
        better="lower",
    ),
    Metric(
        "resolution_median_business_hours",
        "quantile",
        "resolved",
        "resolution_business_hours",
        0.5,
        label="Median resolution (business)",
        unit=_BH,
        better="lower",
    ),
    Metric(
        "resolution_p90_business_hours",
        "quantile",
        "resolved",
        "resolution_business_hours",
        0.9,
        label="P90 resolution (business)",
        unit=_BH,
        better="lower",
    ),
    Metric(
        "sla_met_pct",
        "rate",
        "received",
        "sla_met",
        label="SLA met",
        unit="%",
        better="higher",
        description="tickets that met every SLA target (configured clock)",
    ),
    Metric(
        "sla_first_response_met_pct",
        "rate",
        "received",
        "sla_first_response_met",
        label="First-response SLA met",
        unit="%",
        better="higher",
    ),
    Metric(
        "sla_resolution_met_pct",
        "rate",
        "received",
        "sla_resolution_met",
        label="Resolution SLA met",
        unit="%",
        better="higher",
    ),
    Metric(
        "sla_source_agreement_pct",
        "rate",
        "received",
        "sla_breach_agrees",
        label="Agreement with source SLA flag",
        unit="%",
    ),
    Metric(
        "csat_mean",
        "mean",
        "resolved",
        "satisfaction_score",
        label="CSAT mean",
        unit="points",
        better="higher",
    ),
    Metric(
        "csat_satisfied_pct",
        "rate",
        "resolved",
        "satisfied",
        label="Satisfied",
        unit="%",
        better="higher",
    ),
    Metric(
        "csat_response_rate",
        "rate",
        "resolved",
        "rated",
        label="CSAT response rate",
        unit="%",
        better="higher",
    ),
    Metric(
        "reopen_rate", "rate", "resolved", "reopened", label="Reopen rate", unit="%", better="lower"
    ),
    Metric(
        "one_touch_rate",
        "rate",
        "resolved",
        "one_touch",
        label="One-touch rate",
        unit="%",
        better="higher",
    ),
]


def headline_expr(enriched: ir.Table, window: ReportWindow) -> ir.Table:
    """One row: the headline metrics of the window and (prefixed ``previous__``) of the
    previous window, in a single pass."""
    now, now_unpack = aggregations(enriched, HEADLINE, window)
    before, before_unpack = aggregations(enriched, HEADLINE, window.previous())
    exprs = {**now, **{f"previous__{k}": v for k, v in before.items()}}
    row = enriched.aggregate(**exprs)
    columns = {}
    for prefix, unpack in (("", now_unpack), ("previous__", before_unpack)):
        for metric in HEADLINE:
            if metric.name in unpack:
                array_name, position = unpack[metric.name]
                columns[prefix + metric.name] = row[prefix + array_name][position]
            else:
                columns[prefix + metric.name] = row[prefix + metric.name]
    return row.select(**columns)


def _clean(value: Any) -> float | int | None:
    if value is None:
        return None
    number = float(value)
    if math.isnan(number):
        return None
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def headline_values(frame: pd.DataFrame) -> tuple[dict[str, Any], dict[str, Any]]:
    """(this window, previous window) headline numbers from ``headline_expr``'s one row."""
    row = frame.iloc[0]
    current = {m.name: _clean(row[m.name]) for m in HEADLINE}
    previous = {m.name: _clean(row[f"previous__{m.name}"]) for m in HEADLINE}
    return current, previous


def compare(current: dict[str, Any], previous: dict[str, Any]) -> list[dict[str, Any]]:
    """Every headline number with the previous window's value and the delta (absolute, %)."""
    rows = []
    for metric in HEADLINE:
        now, before = current.get(metric.name), previous.get(metric.name)
        delta = None if now is None or before is None else now - before
        delta_pct = None if delta is None or not before else 100.0 * delta / abs(before)
        rows.append(
            {
                "metric": metric.name,
                "label": metric.label,
                "unit": metric.unit,
                "better": metric.better,
                "current": now,
                "previous": before,
                "delta": delta,
                "delta_pct": delta_pct,
                "verdict": _verdict(metric, delta),
            }
        )
    return rows


def _verdict(metric: Metric, delta: float | None) -> str:
    if delta is None or delta == 0 or metric.better is None:
        return "same" if delta == 0 else "n/a"
    improved = (delta > 0) == (metric.better == "higher")
    return "better" if improved else "worse"
