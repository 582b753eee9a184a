"""Streaming counts the ground truth reports as realised values (breach rates, CSAT, ...)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tickets.data.generator.canonical import TONES
from tickets.data.generator.csat import Csat, in_drop
from tickets.data.generator.lifecycle import ChunkTickets
from tickets.data.generator.state import STATUSES, TicketState
from tickets.data.generator.world import World
from tickets.schemas.tickets import PRIORITIES

_ANGRY = TONES.index("angry")


@dataclass
class TruthTally:
    world: World
    tickets: int = 0
    by_priority: np.ndarray = field(default_factory=lambda: np.zeros(len(PRIORITIES)))
    breaches: np.ndarray = field(default_factory=lambda: np.zeros(len(PRIORITIES)))
    statuses: np.ndarray = field(default_factory=lambda: np.zeros(len(STATUSES)))
    resolved: int = 0
    responses: int = 0
    score_sum: float = 0.0
    drop_responses: int = 0
    drop_score_sum: float = 0.0
    drop_tickets: int = 0
    drop_angry: int = 0
    queue_tickets: int = 0  # tickets of the drop queue outside its window
    queue_angry: int = 0
    queue_responses: int = 0
    queue_score_sum: float = 0.0

    def add(self, t: ChunkTickets, state: TicketState, csat: Csat, tone: np.ndarray) -> None:
        self.tickets += len(t)
        self.by_priority += np.bincount(t.priority, minlength=len(PRIORITIES))
        self.breaches += np.bincount(
            t.priority, weights=state.sla_breach, minlength=len(PRIORITIES)
        )
        self.statuses += np.bincount(state.status, minlength=len(STATUSES))
        self.resolved += int(state.finally_resolved.sum())
        scored = csat.responded
        self.responses += int(scored.sum())
        self.score_sum += float(csat.score[scored].sum())
        if not self.world.plan.enabled:
            return
        inside = in_drop(self.world, t)
        outside = (t.queue == self.world.plan.drop_queue) & ~inside
        angry = tone == _ANGRY
        self.drop_tickets += int(inside.sum())
        self.drop_angry += int((inside & angry).sum())
        self.drop_responses += int((inside & scored).sum())
        self.drop_score_sum += float(csat.score[inside & scored].sum())
        self.queue_tickets += int(outside.sum())
        self.queue_angry += int((outside & angry).sum())
        self.queue_responses += int((outside & scored).sum())
        self.queue_score_sum += float(csat.score[outside & scored].sum())

    def breach_rates(self) -> dict[str, float]:
        return {
            p: round(float(self.breaches[i] / max(self.by_priority[i], 1)), 4)
            for i, p in enumerate(PRIORITIES)
        }

    def status_counts(self) -> dict[str, int]:
        return {s: int(self.statuses[i]) for i, s in enumerate(STATUSES)}
