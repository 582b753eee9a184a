"""Customer satisfaction: mean score, % satisfied and survey response rate.

Measured on tickets resolved in the window (surveys go out on resolution). A score counts as
satisfied at or above ``analytics.satisfied_threshold`` (4 on the 1–5 scale by default, the
Zendesk/Freshdesk "good" band).
"""

from __future__ import annotations

import ibis.expr.types as ir

from tickets.analytics.metrics import Metric, breakdown
from tickets.analytics.windows import ReportWindow

DIMENSIONS = ("overall", "agent_id", "queue", "channel")

CSAT_METRICS: list[Metric] = [
    Metric("resolved_tickets", "count", "resolved", unit="tickets"),
    Metric(
        "responses",
        "count_true",
        "resolved",
        "rated",
        unit="tickets",
        description="resolved tickets with a satisfaction score",
    ),
    Metric(
        "response_rate",
        "rate",
        "resolved",
        "rated",
        unit="%",
        better="higher",
        description="% of resolved tickets with a satisfaction score",
    ),
    Metric(
        "mean_score",
        "mean",
        "resolved",
        "satisfaction_score",
        unit="points",
        better="higher",
        description="mean satisfaction score",
    ),
    Metric(
        "satisfied_pct",
        "rate",
        "resolved",
        "satisfied",
        unit="%",
        better="higher",
        description="% of scores at or above the satisfied threshold",
    ),
]


def csat_table(enriched: ir.Table, window: ReportWindow) -> ir.Table:
    return breakdown(enriched, CSAT_METRICS, window, DIMENSIONS)
