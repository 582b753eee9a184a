"""Agent performance: workload, speed, SLA, CSAT, reopens, one-touch, backlog, rank in team.

An agent's rank in the team orders the team's agents by tickets resolved (more is better),
then by median resolution time (faster is better); 1 is the top of the team.
"""

from __future__ import annotations

import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from tickets.analytics.metrics import Metric, aggregations, populations
from tickets.analytics.windows import ReportWindow

AGENT_METRICS: list[Metric] = [
    Metric(
        "tickets_handled",
        "count",
        "handled",
        unit="tickets",
        description="tickets received or resolved in the window",
    ),
    Metric("tickets_resolved", "count", "resolved", unit="tickets", better="higher"),
    Metric(
        "median_resolution_hours",
        "quantile",
        "resolved",
        "resolution_hours",
        0.5,
        unit="hours",
        better="lower",
    ),
    Metric(
        "median_resolution_business_hours",
        "quantile",
        "resolved",
        "resolution_business_hours",
        0.5,
        unit="business hours",
        better="lower",
    ),
    Metric("sla_met_pct", "rate", "received", "sla_met", unit="%", better="higher"),
    Metric("csat_mean", "mean", "resolved", "satisfaction_score", unit="points", better="higher"),
    Metric("csat_satisfied_pct", "rate", "resolved", "satisfied", unit="%", better="higher"),
    Metric("csat_responses", "count_true", "resolved", "rated", unit="tickets"),
    Metric(
        "reopen_rate",
        "rate",
        "resolved",
        "reopened",
        unit="%",
        better="lower",
        description="% of resolved tickets that were reopened at least once",
    ),
    Metric(
        "one_touch_rate",
        "rate",
        "resolved",
        "one_touch",
        unit="%",
        better="higher",
        description="% of resolved tickets closed with exactly one agent reply "
        "(tickets without a known reply count are left out)",
    ),
    Metric(
        "backlog",
        "count",
        "backlog",
        unit="tickets",
        description="the agent's open tickets at the end of the window",
    ),
]

COLUMNS = [
    "agent_id",
    "agent_name",
    "team",
    *[m.name for m in AGENT_METRICS],
    "team_rank",
    "team_size",
]


def agent_aggregates(enriched: ir.Table, window: ReportWindow) -> ir.Table:
    """One row per agent with activity in the window (lazy)."""
    active = enriched.filter(populations(enriched, window)["active"] & enriched.agent_id.notnull())
    exprs, unpack = aggregations(active, AGENT_METRICS, window)
    grouped = active.group_by("agent_id").aggregate(ticket_team=active.team.max(), **exprs)
    columns = {"agent_id": grouped.agent_id, "ticket_team": grouped.ticket_team}
    for metric in AGENT_METRICS:
        if metric.name in unpack:
            array_name, position = unpack[metric.name]
            columns[metric.name] = grouped[array_name][position]
        else:
            columns[metric.name] = grouped[metric.name]
    return grouped.select(**columns)


def finish_agent_table(aggregated: pd.DataFrame, agents: pa.Table | None) -> pd.DataFrame:
    """Add names and teams from the agents table, then each agent's rank within its team."""
    frame = aggregated.copy()
    frame["agent_name"] = None
    frame["team"] = frame.pop("ticket_team")
    if agents is not None and len(agents):
        directory = agents.select(["agent_id", "name", "team"]).to_pandas()
        directory = directory.drop_duplicates("agent_id").set_index("agent_id")
        frame["agent_name"] = frame["agent_id"].map(directory["name"])
        frame["team"] = frame["agent_id"].map(directory["team"]).fillna(frame["team"])
    frame["team"] = frame["team"].fillna("(none)")
    ordered = frame.sort_values(
        ["team", "tickets_resolved", "median_resolution_hours", "agent_id"],
        ascending=[True, False, True, True],
        na_position="last",
    )
    ordered["team_rank"] = ordered.groupby("team").cumcount() + 1
    ordered["team_size"] = ordered.groupby("team")["agent_id"].transform("count")
    return ordered.reindex(columns=COLUMNS).reset_index(drop=True)


def unknown_agents(requested: tuple[str, ...], known: list[str]) -> list[str]:
    known_set = set(known)
    return [agent for agent in requested if agent not in known_set]


def agent_filter(tickets: ir.Table, agent_ids: tuple[str, ...]) -> ir.Table:
    if not agent_ids:
        return tickets
    return tickets.filter(tickets.agent_id.isin(list(agent_ids)))
