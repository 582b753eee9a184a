"""Per-ticket derived fields, as one lazy Ibis expression (nothing is computed here).

Columns added to the canonical ticket (see docs/metrics.md for the definitions):
- ``is_resolved`` and the effective ``resolved_at`` (null while a ticket is open again after a
  reopen), epoch seconds ``created_s``/``first_response_s``/``resolved_s``, local dates;
- calendar and business durations: ``first_response_hours``, ``first_response_business_hours``,
  ``resolution_hours`` (created → final resolution), ``resolution_business_hours``;
- SLA: the policy's targets, met/breached and overrun per clock, the configured clock's
  ``sla_*_met``/``sla_met``, and agreement with the source's own ``sla_breach`` flag;
- ``satisfied``, ``reopened``, ``one_touch``.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from tickets.analytics.business_time import business_seconds_of, day_key, day_view
from tickets.analytics.engine import EpochSeconds, LocalTime
from tickets.analytics.settings import Clock
from tickets.analytics.sla import NO_KEY

RESOLVED_STATUSES = ("resolved", "closed")
CLOCKS: tuple[Clock, ...] = ("calendar", "business")


@dataclass(frozen=True)
class EnrichContext:
    """Everything the derivation needs besides the tickets: small tables and scalars."""

    policy_lookup: pa.Table  # from sla.resolve_policies + a snapshot_business_s column
    calendar_days: pa.Table  # from business_time.calendar_day_table
    snapshot_s: int  # "now" for tickets still open: the latest instant in the data
    reporting_timezone: str
    clock: Clock
    satisfied_threshold: float
    local_time: LocalTime
    epoch_seconds: EpochSeconds


def _hours(later: ir.NumericValue, earlier: ir.NumericValue) -> ir.FloatingValue:
    """Non-negative hours between two second counts (null if either is null or negative)."""
    delta = (later - earlier).cast("float64") / 3600.0
    return ibis.ifelse(delta >= 0, delta, ibis.null("float64"))


def _with_resolution_state(t: ir.Table, epoch: EpochSeconds) -> ir.Table:
    is_resolved = t.resolved_at.notnull() & (t.status.isnull() | t.status.isin(RESOLVED_STATUSES))
    resolved_at = ibis.ifelse(is_resolved, t.resolved_at, ibis.null(t.resolved_at.type()))
    return t.mutate(is_resolved=is_resolved, resolved_at=resolved_at).mutate(
        created_s=epoch(t.created_at),
        first_response_s=epoch(t.first_response_at),
        resolved_s=epoch(resolved_at),
    )


def _with_lookups(
    t: ir.Table,
    customers: ir.Table | None,
    agents: ir.Table | None,
    lookup: pa.Table,
    days: ir.Table,
) -> ir.Table:
    """Segment, team, SLA policy and the three business clocks: one chain of left joins
    (customers, agents, the policy lookup, the calendar day table once per instant) and
    one projection."""
    chain = t
    has_segments = customers is not None and "segment" in customers.columns
    if has_segments:
        assert customers is not None
        segments = customers.group_by(_customer_key=customers.customer_id).aggregate(
            segment=customers.segment.max()
        )
        chain = chain.left_join(segments, t.customer_id == segments._customer_key)
    has_teams = agents is not None and "team" in agents.columns
    if has_teams:
        assert agents is not None
        teams = agents.group_by(_agent_key=agents.agent_id).aggregate(_agent_team=agents.team.max())
        chain = chain.left_join(teams, t.agent_id == teams._agent_key)
    policies = ibis.memtable(lookup).rename(
        sla_first_response_target_hours="first_response_target_hours",
        sla_resolution_target_hours="resolution_target_hours",
    )
    chain = chain.left_join(
        policies,
        [
            t.queue.fill_null(NO_KEY) == policies.queue_key,
            t.priority.fill_null(NO_KEY) == policies.priority_key,
        ],
    )
    clocks = ("created", "first_response", "resolved")
    for name in clocks:
        view = day_view(days, f"_{name}_b_")
        chain = chain.left_join(
            view,
            [
                policies.calendar_id == view[f"_{name}_b_calendar_id"],
                day_key(t[f"{name}_s"]) == view[f"_{name}_b_day"],
            ],
        )
    columns: dict[str, ir.Value] = {name: chain[name] for name in t.columns}
    if has_teams:
        columns["team"] = chain.team.coalesce(chain._agent_team)
    columns["segment"] = chain.segment if has_segments else ibis.null("string")
    for name in policies.columns:
        if name not in ("queue_key", "priority_key"):
            columns[name] = chain[name]
    for name in clocks:
        columns[f"{name}_b"] = business_seconds_of(chain[f"{name}_s"], chain, f"_{name}_b_")
    return chain.select(**columns)


def _with_durations(t: ir.Table) -> ir.Table:
    return t.mutate(
        first_response_hours=_hours(t.first_response_s, t.created_s),
        first_response_business_hours=_hours(t.first_response_b, t.created_b),
        resolution_hours=_hours(t.resolved_s, t.created_s),
        resolution_business_hours=_hours(t.resolved_b, t.created_b),
    )


def _sla_met(
    duration: ir.FloatingValue, elapsed_open: ir.FloatingValue, target: ir.FloatingValue
) -> ir.BooleanValue:
    """Met is null when there is no target or the clock is still running."""
    return ibis.cases(
        (target.isnull(), ibis.null("boolean")),
        (duration.notnull(), duration <= target),
        (elapsed_open > target, ibis.literal(False)),
        else_=ibis.null("boolean"),
    )


def _sla_overrun(
    met: ir.BooleanValue,
    duration: ir.FloatingValue,
    elapsed_open: ir.FloatingValue,
    target: ir.FloatingValue,
) -> ir.FloatingValue:
    """Overrun hours of a breached target (null unless met is False)."""
    return ibis.ifelse(met == ibis.literal(False), duration.coalesce(elapsed_open) - target, None)


def _with_sla_clock(t: ir.Table, clock: Clock, snapshot_s: int) -> ir.Table:
    """The clock's SLA outcomes, in layers: each duration and outcome is computed once and
    then read as a column by the expressions that need it (inlined, every outcome would
    recompute the durations it depends on several times over)."""
    if clock == "calendar":
        created, response, resolved, now = t.created_s, t.first_response_s, t.resolved_s, snapshot_s
        res = "resolution_hours"  # resolved - created, in hours of this clock
    else:
        created, response, resolved = t.created_b, t.first_response_b, t.resolved_b
        now = t.snapshot_business_s
        res = "resolution_business_hours"
    fr, elapsed = f"_first_response_hours_{clock}", f"_elapsed_hours_{clock}"
    fr_met, res_met = f"sla_first_response_met_{clock}", f"sla_resolution_met_{clock}"
    t = t.mutate(
        **{
            # solved without a reply: the solve is the response
            fr: _hours(response.coalesce(resolved), created),
            elapsed: _hours(now, created),
        }
    )
    t = t.mutate(
        **{
            fr_met: _sla_met(t[fr], t[elapsed], t.sla_first_response_target_hours),
            res_met: _sla_met(t[res], t[elapsed], t.sla_resolution_target_hours),
        }
    )
    applicable = t.sla_first_response_target_hours.notnull() | (
        t.sla_resolution_target_hours.notnull()
    )
    any_breach = (t[fr_met] == ibis.literal(False)).fill_null(False) | (
        t[res_met] == ibis.literal(False)
    ).fill_null(False)
    all_met = (t.sla_first_response_target_hours.isnull() | t[fr_met].fill_null(False)) & (
        t.sla_resolution_target_hours.isnull() | t[res_met].fill_null(False)
    )
    met = ibis.cases(
        (~applicable, ibis.null("boolean")),
        (any_breach, ibis.literal(False)),
        (all_met, ibis.literal(True)),
        else_=ibis.null("boolean"),
    )
    return t.mutate(
        **{
            f"sla_met_{clock}": met,
            f"sla_first_response_overrun_hours_{clock}": _sla_overrun(
                t[fr_met], t[fr], t[elapsed], t.sla_first_response_target_hours
            ),
            f"sla_resolution_overrun_hours_{clock}": _sla_overrun(
                t[res_met], t[res], t[elapsed], t.sla_resolution_target_hours
            ),
        }
    ).drop(fr, elapsed)


def _local_date(ctx: EnrichContext, ts: ir.TimestampValue) -> ir.DateValue:
    if ctx.reporting_timezone == "UTC":
        return ts.date()  # the engines run in UTC: no conversion needed
    return ctx.local_time(ts, ctx.reporting_timezone).date()


def with_derived(t: ir.Table, ctx: EnrichContext) -> ir.Table:
    """Cheap row-wise fields added on top of the stored core (free to recompute per query)."""
    extra: dict[str, ir.Value] = {}
    for clock in CLOCKS:
        met = t[f"sla_met_{clock}"]
        extra[f"sla_breached_{clock}"] = ~met
        extra[f"sla_breach_agrees_{clock}"] = ibis.ifelse(
            t.sla_breach.notnull() & met.notnull(), t.sla_breach == ~met, ibis.null("boolean")
        )
    t = t.mutate(**extra)
    clock = ctx.clock
    return t.mutate(
        sla_first_response_met=t[f"sla_first_response_met_{clock}"],
        sla_resolution_met=t[f"sla_resolution_met_{clock}"],
        sla_met=t[f"sla_met_{clock}"],
        sla_breached=t[f"sla_breached_{clock}"],
        sla_breach_agrees=t[f"sla_breach_agrees_{clock}"],
        rated=t.satisfaction_score.notnull(),
        satisfied=t.satisfaction_score >= ctx.satisfied_threshold,
        reopened=t.reopened_count.fill_null(0) > 0,
        one_touch=t.reply_count == 1,
        created_date=_local_date(ctx, t.created_at),
        resolved_date=_local_date(ctx, t.resolved_at),
    )


CORE_DROP = (
    "created_b",
    "first_response_b",
    "resolved_b",
    "first_response_s",
    "closed_at",
    "updated_at",
    "snapshot_business_s",
)


def enrich_core(
    tickets: ir.Table, customers: ir.Table | None, agents: ir.Table | None, ctx: EnrichContext
) -> ir.Table:
    """The expensive per-ticket fields (joins, business clocks, SLA outcomes): worth storing."""
    t = _with_resolution_state(tickets, ctx.epoch_seconds)
    t = _with_lookups(t, customers, agents, ctx.policy_lookup, ibis.memtable(ctx.calendar_days))
    t = _with_durations(t)
    for clock in CLOCKS:
        t = _with_sla_clock(t, clock, ctx.snapshot_s)
    return t.drop(*CORE_DROP)


def enrich(
    tickets: ir.Table, customers: ir.Table | None, agents: ir.Table | None, ctx: EnrichContext
) -> ir.Table:
    """The enriched tickets (lazy). Filter ``tickets`` first to keep the work small."""
    return with_derived(enrich_core(tickets, customers, agents, ctx), ctx)
