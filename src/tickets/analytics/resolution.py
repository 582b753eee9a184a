"""Resolution speed: first response and full resolution time, calendar and business hours.

Full resolution time runs from ``created_at`` to the final ``resolved_at``, so a reopened
ticket counts once, with all the time it spent open again (see docs/metrics.md). It is
measured on tickets resolved in the window; first response time on tickets received in it.
"""

from __future__ import annotations

import ibis.expr.types as ir

from tickets.analytics.metrics import Metric, Population, breakdown
from tickets.analytics.windows import ReportWindow

DIMENSIONS = ("overall", "priority", "queue", "channel", "team", "segment")
DISTRIBUTION_LEVELS = {"p10": 0.1, "p25": 0.25, "median": 0.5, "p75": 0.75, "p90": 0.9}


def duration_stats(
    prefix: str,
    column: str,
    population: Population,
    levels: dict[str, float],
    unit: str,
    what: str,
) -> list[Metric]:
    """mean + the given quantiles of one duration column, named ``<prefix><level>_<unit>``."""
    suffix = "business_hours" if unit == "business hours" else "hours"
    stats = [
        Metric(
            f"{prefix}{level}_{suffix}",
            "quantile",
            population,
            column,
            quantile=q,
            unit=unit,
            better="lower",
            description=f"{level} {what} in {unit}",
        )
        for level, q in levels.items()
    ]
    stats.append(
        Metric(
            f"{prefix}mean_{suffix}",
            "mean",
            population,
            column,
            unit=unit,
            better="lower",
            description=f"mean {what} in {unit}",
        )
    )
    return stats


_FULL = "full resolution time (created → final resolution)"
_FIRST = "first response time (created → first agent response)"

RESOLUTION_METRICS: list[Metric] = [
    Metric(
        "tickets",
        "count",
        "resolved",
        "resolution_hours",
        unit="tickets",
        description="tickets resolved in the window",
    ),
    *duration_stats("", "resolution_hours", "resolved", DISTRIBUTION_LEVELS, "hours", _FULL),
    *duration_stats(
        "", "resolution_business_hours", "resolved", DISTRIBUTION_LEVELS, "business hours", _FULL
    ),
    Metric(
        "first_response_tickets",
        "count",
        "received",
        "first_response_hours",
        unit="tickets",
        description="tickets received in the window that got a response",
    ),
    *duration_stats(
        "first_response_",
        "first_response_hours",
        "received",
        {"median": 0.5, "p90": 0.9},
        "hours",
        _FIRST,
    ),
    *duration_stats(
        "first_response_",
        "first_response_business_hours",
        "received",
        {"median": 0.5, "p90": 0.9},
        "business hours",
        _FIRST,
    ),
]


def resolution_table(enriched: ir.Table, window: ReportWindow) -> ir.Table:
    """One row per (dimension, value): resolution and first-response statistics."""
    return breakdown(enriched, RESOLUTION_METRICS, window, DIMENSIONS)
