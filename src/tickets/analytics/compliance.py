"""SLA compliance per agent, team, queue and priority, on both clocks.

Measured on tickets received in the window. A ticket's SLA is *met* when every target that
applies to it was met, *breached* when any was missed (an open ticket breaches once its clock
passes the target), and *pending* otherwise; % met is met / (met + breached). The overrun is
how far past the target a breached ticket went, in hours of that clock.
"""

from __future__ import annotations

import ibis.expr.types as ir
import pandas as pd

from tickets.analytics.enrich import CLOCKS
from tickets.analytics.metrics import Kind, Metric, breakdown, populations
from tickets.analytics.windows import ReportWindow

DIMENSIONS = ("overall", "agent_id", "team", "queue", "priority")


def _metric(name: str, kind: Kind, column: str | None, unit: str, description: str = "") -> Metric:
    return Metric(name, kind, "received", column, unit=unit, description=description)


SHARED = [
    _metric("tickets", "count", None, "tickets", description="tickets received in the window"),
    _metric(
        "source_flagged",
        "count",
        "sla_breach",
        "tickets",
        description="tickets carrying the source system's own sla_breach flag",
    ),
]


def sla_metrics(clock: str) -> list[Metric]:
    """The per-clock metrics, named ``<metric>__<clock>`` so both clocks share one pass."""
    hours = "business hours" if clock == "business" else "hours"
    specs: list[tuple[str, Kind, str, str]] = [
        ("measured", "count", "sla_met", "tickets"),
        ("met", "count_true", "sla_met", "tickets"),
        ("breached", "count_true", "sla_breached", "tickets"),
        ("met_pct", "rate", "sla_met", "%"),
        ("first_response_met_pct", "rate", "sla_first_response_met", "%"),
        ("resolution_met_pct", "rate", "sla_resolution_met", "%"),
        ("mean_first_response_overrun_hours", "mean", "sla_first_response_overrun_hours", hours),
        ("mean_resolution_overrun_hours", "mean", "sla_resolution_overrun_hours", hours),
        ("source_agreement_pct", "rate", "sla_breach_agrees", "%"),
    ]
    return [
        _metric(f"{name}__{clock}", kind, f"{col}_{clock}", unit) for name, kind, col, unit in specs
    ]


def compliance_table(enriched: ir.Table, window: ReportWindow) -> ir.Table:
    """One row per (dimension, value) with every metric of both clocks (wide, lazy)."""
    metrics = SHARED + [m for clock in CLOCKS for m in sla_metrics(clock)]
    return breakdown(enriched, metrics, window, DIMENSIONS)


def long_format(wide: pd.DataFrame) -> pd.DataFrame:
    """One row per (dimension, value, clock), as written to sla_compliance.csv."""
    shared = ["dimension", "value", *(m.name for m in SHARED)]
    parts = []
    for clock in CLOCKS:
        columns = {m.name: m.name.split("__")[0] for m in sla_metrics(clock)}
        part = wide[shared + list(columns)].rename(columns=columns)
        part.insert(2, "clock", clock)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def disagreement_counts(enriched: ir.Table, window: ReportWindow) -> ir.Table:
    """Where computed breach and the source flag disagree, in each direction (configured clock)."""
    received = populations(enriched, window)["received"]
    flagged = received & enriched.sla_breach.notnull() & enriched.sla_breached.notnull()
    return enriched.aggregate(
        source_only=(flagged & enriched.sla_breach & ~enriched.sla_breached).cast("int64").sum(),
        computed_only=(flagged & ~enriched.sla_breach & enriched.sla_breached).cast("int64").sum(),
    )
