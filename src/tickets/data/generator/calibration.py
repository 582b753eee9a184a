"""Work-time multipliers and their expected size, so planned breach rates stay planned.

A ticket's work is the (queue, priority) median × issue complexity × reassignment and
escalation costs × workload / skill. Those factors redistribute time between tickets; dividing
the median by their expected geometric mean per priority keeps the typical ticket at the
planned median, so the realised breach rates land near ``durations.planned_breach``.
"""

from __future__ import annotations

import math

import numpy as np

REASSIGN_COST = 0.25  # each reassignment adds this share of work
ESCALATION_COST = 1.5  # escalated tickets take this much longer
MAX_EXTRA_REASSIGNMENTS = 2


def work_multiplier(
    complexity: np.ndarray, reassignments: np.ndarray, escalated: np.ndarray, skill: np.ndarray
) -> np.ndarray:
    cost = 1 + REASSIGN_COST * reassignments
    return complexity * cost * np.where(escalated, ESCALATION_COST, 1.0) / skill


def _poisson_capped(rate: float) -> list[float]:
    """P(min(Poisson(rate), cap) = k) for k = 0..cap."""
    probs = [math.exp(-rate) * rate**k / math.factorial(k) for k in range(MAX_EXTRA_REASSIGNMENTS)]
    return [*probs, 1.0 - sum(probs)]


def expected_log_multiplier(
    issue_tickets: np.ndarray,
    priority_probs: np.ndarray,
    complexity: np.ndarray,
    reassign_rate: float,
    escalation: np.ndarray,
    mean_log_skill: tuple[float, float],
) -> np.ndarray:
    """E[log work multiplier] per priority, over the planned issue mix.

    ``priority_probs`` is (issues, priorities); ``mean_log_skill`` is (L1, L2) agents' mean
    log skill (escalated tickets end with an L2 agent).
    """
    priorities = priority_probs.shape[1]
    totals, weights = np.zeros(priorities), np.zeros(priorities)
    for i, c in enumerate(complexity):
        extra = _poisson_capped(reassign_rate * float(c))
        for p in range(priorities):
            w = float(issue_tickets[i] * priority_probs[i, p])
            if w == 0:
                continue
            value = math.log(c)
            for escalated, p_esc in ((0, 1 - escalation[p]), (1, escalation[p])):
                skill = mean_log_skill[escalated]
                for k, p_k in enumerate(extra):
                    cost = math.log(1 + REASSIGN_COST * (k + escalated))
                    cost += escalated * math.log(ESCALATION_COST) - skill
                    value += p_esc * p_k * cost
            totals[p] += w * value
            weights[p] += w
    return totals / np.maximum(weights, 1e-12)
