"""Compute the bundle's tables on the engine: enrichment, then one aggregate query per table.

Only aggregates come back to Python (pandas frames of at most a few thousand rows); the
per-ticket enriched table stays in the engine and is written to Parquet by the engine itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa
from ibis.backends import BaseBackend

from tickets.analytics import agents, compliance, csat, resolution, volume
from tickets.analytics.business_time import DAY_SECONDS, business_seconds_at, calendar_day_table
from tickets.analytics.comparison import compare, headline_expr, headline_values
from tickets.analytics.engine import (
    ConcurrentQueries,
    epoch_seconds_function,
    local_time_function,
    materialise,
)
from tickets.analytics.enrich import RESOLVED_STATUSES, EnrichContext, enrich_core, with_derived
from tickets.analytics.loader import DataProfile, WarehouseTables
from tickets.analytics.metrics import with_population_flags
from tickets.analytics.settings import AnalyticsSettings
from tickets.analytics.sla import ResolvedPolicies, describe_policies, resolve_policies
from tickets.analytics.windows import ReportWindow
from tickets.schemas import PRIORITIES

Step = Callable[[str], None]


@dataclass
class Bundle:
    """Everything the report needs, as small Python objects."""

    window: ReportWindow
    previous_window: ReportWindow
    headline: dict[str, Any]
    previous_headline: dict[str, Any]
    comparison: list[dict[str, Any]]
    tables: dict[str, pd.DataFrame]
    disagreement: dict[str, int]
    policies: list[dict[str, Any]]
    enriched: ir.Table  # lazy: the window's tickets with every derived field
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        h = self.headline
        return not (h.get("received") or h.get("resolved") or h.get("backlog"))


def enrich_context(
    settings: AnalyticsSettings, tables: WarehouseTables, profile: DataProfile, backend: BaseBackend
) -> tuple[EnrichContext, ResolvedPolicies]:
    """Resolve SLA policies, build the business-calendar table and the snapshot clocks."""
    assert profile.first_created is not None and profile.snapshot is not None
    policies = resolve_policies(tables.sla_policies, settings.sla, profile.combos)
    snapshot_s = int(profile.snapshot.timestamp())
    first_day = int(profile.first_created.timestamp()) // DAY_SECONDS - 1
    days = calendar_day_table(policies.calendars, first_day, snapshot_s // DAY_SECONDS + 1)
    snapshot_b = {
        cid: business_seconds_at(days, cid, snapshot_s) for cid in range(len(policies.calendars))
    }
    ids = policies.lookup.column("calendar_id").to_pylist()
    lookup = policies.lookup.append_column(
        "snapshot_business_s", pa.array([snapshot_b[c] for c in ids], pa.int64())
    )
    if not profile.has_first_response:  # nothing to measure the first-response target on
        index = lookup.schema.get_field_index("first_response_target_hours")
        lookup = lookup.set_column(
            index, "first_response_target_hours", pa.nulls(len(lookup), pa.float64())
        )
    ctx = EnrichContext(
        policy_lookup=lookup,
        calendar_days=days,
        snapshot_s=snapshot_s,
        reporting_timezone=settings.reporting_timezone,
        clock=settings.sla.clock,
        satisfied_threshold=settings.satisfied_threshold,
        local_time=local_time_function(backend),
        epoch_seconds=epoch_seconds_function(backend),
    )
    return ctx, policies


def relevant_tickets(tickets: ir.Table, window: ReportWindow) -> ir.Table:
    """Tickets that can count in this window or the previous one (cheap pre-filter).

    Created before the window ends and either not resolved before the previous window starts,
    or resolved before it but open again. The two parts are disjoint and each is a conjunction
    of single-column conditions, which the engine pushes into the Parquet scan: the other
    columns are then decoded only for the rows that pass (one filter with an OR across
    columns would decode every column of every ticket first).
    """
    lo, _ = window.previous().bounds
    _, hi = window.bounds
    created = tickets.created_at < ibis.literal(hi)
    recent = tickets.filter(
        created, tickets.resolved_at.isnull() | (tickets.resolved_at >= ibis.literal(lo))
    )
    reopened = tickets.filter(
        created,
        tickets.resolved_at < ibis.literal(lo),
        tickets.status.notnull(),
        ~tickets.status.isin(RESOLVED_STATUSES),
    )
    return recent.union(reopened)


def compute_bundle(
    backend: BaseBackend,
    tables: WarehouseTables,
    ctx: EnrichContext,
    policies: ResolvedPolicies,
    settings: AnalyticsSettings,
    window: ReportWindow,
    step: Step = lambda _: None,
    on_enriched: Callable[[ir.Table], None] | None = None,
) -> Bundle:
    """Enrich the window's tickets once (stored in the engine), then aggregate each table.

    ``on_enriched`` receives the stored enriched tickets before the aggregates start (the
    pipeline starts writing the per-ticket export there).
    """
    step("enriching tickets")
    base = agents.agent_filter(relevant_tickets(tables.tickets, window), settings.agent_ids)
    core = enrich_core(base, tables.customers, tables.agents, ctx)
    # the populations of both windows are stored as flag columns next to the tickets
    core, flags = with_population_flags(core, (window, window.previous()))
    flagged = with_derived(materialise(backend, core, "enriched"), ctx)
    enriched = flagged.drop(*flags)
    if on_enriched is not None:
        on_enriched(enriched)
    step("headline numbers")
    with ConcurrentQueries(backend) as queries:  # the slowest first
        res = queries.submit(resolution.resolution_table(flagged, window))
        head = queries.submit(headline_expr(flagged, window))
        sla = queries.submit(compliance.compliance_table(flagged, window))
        agent = queries.submit(agents.agent_aggregates(flagged, window))
        sat = queries.submit(csat.csat_table(flagged, window))
        counts = queries.submit(volume.daily_counts(flagged, window))
        disagree = queries.submit(compliance.disagreement_counts(flagged, window))
        current, previous = headline_values(head.result())
        step("volume")
        backlog_start = int(previous["backlog"] or 0)  # open at the start = the previous end
        out = {"volume": volume.volume_table(counts.result(), backlog_start, window)}
        step("resolution time")
        out["resolution_time"] = _sorted(res.result())
        step("SLA compliance")
        out["sla_compliance"] = _sorted(compliance.long_format(sla.result()), ("clock",))
        disagreement = disagree.result().iloc[0]
        step("CSAT")
        out["csat"] = _sorted(sat.result())
        step("agent performance")
        out["agent_performance"] = agents.finish_agent_table(agent.result(), tables.agents_arrow)
    return Bundle(
        window=window,
        previous_window=window.previous(),
        headline=current,
        previous_headline=previous,
        comparison=compare(current, previous),
        tables=out,
        disagreement={k: int(v or 0) for k, v in disagreement.items()},
        policies=describe_policies(policies),
        enriched=enriched,
    )


def _sorted(frame: pd.DataFrame, extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """Stable row order: dimensions in a fixed order (overall first), priorities most urgent
    first, other values alphabetically."""
    if frame.empty:
        return frame
    rank = {p: f"{i}" for i, p in enumerate(PRIORITIES)}
    key = [
        rank.get(v, f"9{v}") if d == "priority" else str(v)
        for d, v in zip(frame["dimension"], frame["value"], strict=True)
    ]
    frame = frame.assign(_order=frame["dimension"].map(_DIMENSION_ORDER).fillna(99), _key=key)
    frame = frame.sort_values(["_order", "dimension", *extra, "_key"], kind="stable")
    return frame.drop(columns=["_order", "_key"]).reset_index(drop=True)


_DIMENSION_ORDER = {
    name: i
    for i, name in enumerate(
        ("overall", "priority", "queue", "channel", "team", "agent_id", "segment")
    )
}
