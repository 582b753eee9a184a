"""ground_truth.json: every planted effect with its true size, as the contract lays it out.

Planned values come from the settings and the world; realised values (breach rates, CSAT
means, daily counts) come from the tally and the arrival counts, so readers can check both.
No wall-clock time or run id goes in: the file is part of the byte-identical output.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from tickets.data.generator.anomalies import Window
from tickets.data.generator.catalog import CHANNELS, PRODUCTS, SEGMENTS
from tickets.data.generator.csat import DriverStats
from tickets.data.generator.issues import EMERGING_ISSUE, KB_GAP_ISSUE
from tickets.data.generator.tally import TruthTally
from tickets.data.generator.truth_context import context_sections
from tickets.data.generator.world import World

GENERATOR_VERSION = "1"
EMERGING_TERMS = ("E4711", "journal corrupted", "sync loop")
NO_DIRECT_EFFECT = ("reassignment_count", "sla_breach", "priority", "queue")


def iso_day(world: World, day: int) -> str:
    moment = dt.datetime.combine(world.settings.start, dt.time.min, tzinfo=dt.UTC)
    return (moment + dt.timedelta(days=day)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _window(world: World, window: Window) -> dict[str, str]:
    return {"start": iso_day(world, window.first_day), "end": iso_day(world, window.end_day)}


def _numeric(feature: str, effect: float, unit: str) -> dict[str, Any]:
    key = "effect_per_doubling" if "doubling" in unit else "effect_per_unit"
    return {
        "feature": feature,
        "sign": -1 if effect > 0 else 1,
        key: -effect,
        "description": f"{unit} lowers CSAT by {effect} points",
    }


def _categorical(feature: str, levels: dict[str, float], description: str) -> dict[str, Any]:
    return {"feature": feature, "sign": 0, "levels": levels, "description": description}


def csat_drivers(world: World, drivers: DriverStats) -> list[dict[str, Any]]:
    settings, importance, staff = world.settings.csat, drivers.importance(), world.staff
    agents = {
        staff.agent_ids[a]: float(staff.csat_effect[a]) for a in np.flatnonzero(staff.csat_effect)
    }
    channels = {c: settings.channel[c] for c in CHANNELS if settings.channel.get(c)}
    segments = {s: settings.segment[s] for s in SEGMENTS if settings.segment.get(s)}
    entries = [
        _numeric(
            "resolution_hours",
            settings.resolution_per_doubling,
            "each doubling of (1 + resolution hours)",
        ),
        _numeric("reopened_count", settings.reopen_per_reopen, "each reopen"),
        _numeric(
            "first_response_hours",
            settings.first_response_per_doubling,
            "each doubling of (1 + first response hours)",
        ),
        _categorical("agent_id", agents, "a few agents are much better or worse than peers"),
        _categorical("channel", channels, "channel effect in CSAT points (others 0)"),
        _categorical("segment", segments, "customer segment effect in CSAT points (others 0)"),
    ]
    for entry in entries:
        entry["importance"] = round(importance[entry["feature"]], 4)
    return sorted(entries, key=lambda e: -e["importance"])


def _spike(world: World) -> dict[str, Any]:
    plan, counts, rates = world.plan, world.arrivals.counts, world.arrivals.rates
    issues = world.taxonomy.issue_product == plan.spike_product
    days = slice(plan.spike.first_day, plan.spike.end_day)
    return {
        "type": "volume_spike",
        "dimension": "product",
        "value": PRODUCTS[plan.spike_product].name,
        **_window(world, plan.spike),
        "multiplier": plan.spike_multiplier,
        "tickets_in_window": int(counts[days][:, issues].sum()),
        "expected_without_spike": round(
            float(rates[days][:, issues].sum()) / plan.spike_multiplier, 1
        ),
    }


def _emerging(world: World) -> dict[str, Any]:
    plan, counts = world.plan, world.arrivals.counts[:, world.plan.emerging_issue]
    days = slice(plan.emerging.first_day, plan.emerging.end_day)
    return {
        "type": "emerging_issue",
        "dimension": "issue",
        "value": EMERGING_ISSUE.issue_id,
        **_window(world, plan.emerging),
        "error_code": EMERGING_ISSUE.error_code,
        "terms": list(EMERGING_TERMS),
        "product": EMERGING_ISSUE.product,
        "category": EMERGING_ISSUE.category,
        "growth": "exponential, 20x from the first to the last day of the window",
        "final_share_of_daily_volume": plan.emerging_final_share,
        "kb_id": world.taxonomy.kb_ids[plan.emerging_issue],
        "daily_tickets": counts[days].astype(int).tolist(),
        "tickets_outside_window": int(counts.sum() - counts[days].sum()),
    }


def _ratio(total: float, count: int) -> float | None:
    return round(total / count, 4) if count else None


def _sentiment_drop(world: World, tally: TruthTally) -> dict[str, Any]:
    plan = world.plan
    return {
        "type": "sentiment_drop",
        "dimension": "queue",
        "value": world.taxonomy.queues[plan.drop_queue],
        **_window(world, plan.drop),
        "csat_delta": plan.drop_csat_delta,
        "tones_in_window": dict(world.settings.planted.sentiment_drop.tones),
        "mean_csat_in_window": _ratio(tally.drop_score_sum, tally.drop_responses),
        "mean_csat_outside_window": _ratio(tally.queue_score_sum, tally.queue_responses),
        "angry_share_in_window": _ratio(tally.drop_angry, tally.drop_tickets),
        "angry_share_outside_window": _ratio(tally.queue_angry, tally.queue_tickets),
    }


def _kb_gap(world: World) -> dict[str, Any]:
    plan = world.plan
    return {
        "type": "kb_gap",
        "dimension": "issue",
        "value": KB_GAP_ISSUE.issue_id,
        **_window(world, plan.gap),
        "error_code": KB_GAP_ISSUE.error_code,
        "product": KB_GAP_ISSUE.product,
        "category": KB_GAP_ISSUE.category,
        "share_of_daily_volume": plan.gap_share,
        "kb_ids": [],
        "tickets": int(world.arrivals.counts[:, plan.gap_issue].sum()),
    }


def anomalies(world: World, tally: TruthTally) -> list[dict[str, Any]]:
    if not world.plan.enabled:
        return []
    return [_spike(world), _emerging(world), _sentiment_drop(world, tally), _kb_gap(world)]


def issues_section(world: World) -> dict[str, Any]:
    taxonomy = world.taxonomy
    return {
        spec.issue_id: {
            "product": spec.product,
            "category": spec.category,
            "queue": taxonomy.queues[taxonomy.issue_queue[i]],
            "error_code": spec.error_code,
            "kb_ids": [kb] if kb else [],
            "tickets": int(world.arrivals.counts[:, i].sum()),
        }
        for i, (spec, kb) in enumerate(zip(taxonomy.issues, taxonomy.kb_ids, strict=True))
    }


def build_ground_truth(world: World, tally: TruthTally, drivers: DriverStats) -> dict[str, Any]:
    settings = world.settings
    issues = issues_section(world)
    return {
        "seed": settings.seed,
        "tickets": settings.tickets,
        "start": settings.start.isoformat(),
        "days": settings.days,
        "generator_version": GENERATOR_VERSION,
        "scenario": settings.scenario,
        "as_of": iso_day(world, settings.days),
        "anomalies_planted": world.plan.enabled,
        "csat_drivers": csat_drivers(world, drivers),
        "csat_no_direct_effect": list(NO_DIRECT_EFFECT),
        "anomalies": anomalies(world, tally),
        "kb_relevance": {"by_issue": {k: v["kb_ids"] for k, v in issues.items()}},
        "issues": issues,
        **context_sections(world, tally, drivers),
    }
