"""CSAT: a latent score built from planted drivers plus noise, rounded to 1..5.

latent = intercept
         − a·(log2(1 + resolution h) − log2(1 + reference))   each doubling costs a points
         − b·reopens
         − c·(log2(1 + first response h) − log2(1 + reference))
         + agent effect + channel effect + segment effect
         + sentiment-drop delta (planted anomaly: one queue, one window)
         + N(0, noise²)

A driver's true importance is the standard deviation, over the tickets with a score, of its
contribution (in CSAT points); ``DriverStats`` accumulates it chunk by chunk. The survey
response depends only on the channel, so responding does not bias the drivers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tickets.data.generator.catalog import CHANNELS, SEGMENTS
from tickets.data.generator.lifecycle import ChunkTickets, Lifecycle
from tickets.data.generator.state import TicketState
from tickets.data.generator.world import HOUR, World

CUTS = np.array([1.5, 2.5, 3.5, 4.5])
DRIVERS = (
    "resolution_hours",
    "reopened_count",
    "first_response_hours",
    "agent_id",
    "channel",
    "segment",
)


@dataclass
class Csat:
    score: np.ndarray  # float, NaN without a survey response
    contributions: dict[str, np.ndarray]
    responded: np.ndarray


def draw_csat(
    world: World, rng: np.random.Generator, t: ChunkTickets, lc: Lifecycle, state: TicketState
) -> Csat:
    settings = world.settings.csat
    n = len(t)
    final = lc.times[np.arange(n), lc.final_resolve]
    res_hours = (final - t.created) / HOUR
    fr_hours = (lc.times[:, 1] - t.created) / HOUR
    ref_res = np.log2(1 + settings.reference_resolution_hours)
    ref_fr = np.log2(1 + settings.reference_first_response_hours)
    channel = np.array([settings.channel.get(c, 0.0) for c in CHANNELS])
    segment = np.array([settings.segment.get(s, 0.0) for s in SEGMENTS])
    contributions = {
        "resolution_hours": -settings.resolution_per_doubling * (np.log2(1 + res_hours) - ref_res),
        "reopened_count": -settings.reopen_per_reopen * t.reopens.astype(np.float64),
        "first_response_hours": -settings.first_response_per_doubling
        * (np.log2(1 + fr_hours) - ref_fr),
        "agent_id": world.staff.csat_effect[t.final_agent],
        "channel": channel[t.channel],
        "segment": segment[world.customers.segment[t.customer]],
    }
    latent = settings.intercept + sum(contributions.values()) + drop_delta(world, t)
    latent = latent + rng.normal(0.0, settings.noise_sd, n)
    rates = np.array([settings.response_rate.get(c, 0.0) for c in CHANNELS])
    responded = state.finally_resolved & (rng.random(n) < rates[t.channel])
    score = np.where(responded, 1.0 + np.digitize(latent, CUTS), np.nan)
    return Csat(score, contributions, responded)


def in_drop(world: World, t: ChunkTickets) -> np.ndarray:
    """Tickets of the sentiment-drop queue created inside its window."""
    plan = world.plan
    if not plan.enabled:
        return np.zeros(len(t), dtype=bool)
    in_window = (t.day >= plan.drop.first_day) & (t.day < plan.drop.end_day)
    return in_window & (t.queue == plan.drop_queue)


def drop_delta(world: World, t: ChunkTickets) -> np.ndarray:
    return np.where(in_drop(world, t), world.plan.drop_csat_delta, 0.0)


@dataclass
class DriverStats:
    """Streaming mean/std of each driver's contribution over tickets with a score."""

    count: int = 0
    sums: dict[str, float] = field(default_factory=dict)
    squares: dict[str, float] = field(default_factory=dict)

    def add(self, csat: Csat) -> None:
        mask = csat.responded
        self.count += int(mask.sum())
        for name, values in csat.contributions.items():
            chosen = values[mask]
            self.sums[name] = self.sums.get(name, 0.0) + float(chosen.sum())
            self.squares[name] = self.squares.get(name, 0.0) + float((chosen**2).sum())

    def importance(self) -> dict[str, float]:
        if self.count < 2:
            return dict.fromkeys(DRIVERS, 0.0)
        out = {}
        for name in DRIVERS:
            mean = self.sums[name] / self.count
            variance = max(self.squares[name] / self.count - mean**2, 0.0)
            out[name] = float(np.sqrt(variance))
        return out
