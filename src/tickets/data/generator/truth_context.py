"""The descriptive sections of ground_truth.json: arrivals, SLA, durations, CSAT, text, staff."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from tickets.data.generator.catalog import PRODUCTS, QUEUES
from tickets.data.generator.csat import CUTS, DriverStats
from tickets.data.generator.tally import TruthTally
from tickets.data.generator.world import World
from tickets.schemas.tickets import PRIORITIES

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def arrivals_section(world: World) -> dict[str, Any]:
    arrivals = world.settings.arrivals
    launched = [p.name for p in PRODUCTS if p.launched]
    day = world.arrivals.launch_day
    per_day = world.arrivals.counts.sum(axis=1)
    return {
        "weekday_factors": dict(zip(WEEKDAYS, arrivals.weekday, strict=True)),
        "hour_weights_utc": list(arrivals.hour),
        "growth_per_year": arrivals.growth_per_year,
        "holidays": [h.isoformat() for h in world.arrivals.holidays],
        "holiday_factor": arrivals.holiday_factor,
        "launches": [
            {
                "product": name,
                "date": (world.settings.start + dt.timedelta(days=day)).isoformat(),
                "boost": arrivals.launch_boost,
                "boost_days": arrivals.launch_boost_days,
            }
            for name in launched
        ],
        "tickets_per_weekday": {
            w: int(per_day[_weekday_index(world) == i].sum()) for i, w in enumerate(WEEKDAYS)
        },
    }


def _weekday_index(world: World) -> np.ndarray:
    first = world.settings.start.weekday()
    return (first + np.arange(world.settings.days)) % 7


def sla_section(world: World, tally: TruthTally) -> dict[str, Any]:
    durations = world.settings.durations
    return {
        "clock": "business",
        "calendars": "sla_policies.parquet (one row per queue x priority; queue null = default)",
        "measured_as_of": "the export instant (as_of); open tickets count time up to it",
        "planned_resolution_breach": dict(durations.planned_breach),
        "breach_band": list(durations.breach_band),
        "breach_rate_by_priority": tally.breach_rates(),
        "queue_slowness": {q.name: q.slowness for q in QUEUES},
        "targets_hours": {
            q.name: {
                p: {
                    "first_response": float(world.targets[i, j, 0]),
                    "resolution": float(world.targets[i, j, 1]),
                }
                for j, p in enumerate(PRIORITIES)
            }
            for i, q in enumerate(QUEUES)
        },
    }


def csat_section(world: World, tally: TruthTally, drivers: DriverStats) -> dict[str, Any]:
    csat = world.settings.csat
    return {
        "scale": [1, 5],
        "latent_cuts": CUTS.tolist(),
        "intercept": csat.intercept,
        "noise_sd": csat.noise_sd,
        "planned_response_rate": dict(csat.response_rate),
        "response_rate": round(tally.responses / max(tally.resolved, 1), 4),
        "responses": tally.responses,
        "mean_score": round(tally.score_sum / max(tally.responses, 1), 4),
        "importance_definition": "std-dev over scored tickets of each driver's latent contribution",
        "scored_tickets_in_importance": drivers.count,
    }


def context_sections(world: World, tally: TruthTally, drivers: DriverStats) -> dict[str, Any]:
    settings, staff = world.settings, world.staff
    remote = {
        staff.agent_ids[a]: staff.timezones[a]
        for a in range(len(staff.agent_ids))
        if staff.timezones[a] != QUEUES[staff.queue[a]].timezone
    }
    return {
        "sla": sla_section(world, tally),
        "arrivals": arrivals_section(world),
        "durations": settings.durations.model_dump(mode="json"),
        "lifecycle": settings.lifecycle.model_dump(mode="json"),
        "csat": csat_section(world, tally, drivers),
        "text": {**settings.text_style.model_dump(mode="json"), "generated": settings.text},
        "agents": {"count": len(staff.agent_ids), "remote_timezones": remote},
        "counts": {
            "tickets": tally.tickets,
            "by_status": tally.status_counts(),
            "by_product": {
                p.name: int(world.arrivals.counts[:, world.taxonomy.issue_product == i].sum())
                for i, p in enumerate(PRODUCTS)
            },
            "customers": world.customers.count,
        },
    }
