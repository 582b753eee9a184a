"""What the ticket system shows at the export instant: lifecycles cut at ``as_of``.

The canonical ticket is the collapse of its events before ``as_of`` (latest status, first
response, last resolution while resolved, counts of reopens, reassignments and replies), so
the bronze event log collapses back to exactly the same row. SLA breach is measured in business
time on the queue's calendar against its (queue, priority) targets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tickets.data.generator.lifecycle import (
    CLOSE,
    FIRST_RESPONSE,
    REASSIGN,
    REOPEN,
    RESOLVE,
    SLOT_STATUS,
    SLOTS,
    ChunkTickets,
    Lifecycle,
)
from tickets.data.generator.world import HOUR, World

STATUSES = ("new", "open", "pending", "resolved", "closed")
SLOT_STATUS_INDEX = np.array([STATUSES.index(s) for s in SLOT_STATUS], dtype=np.int8)
RESOLVED_STATUSES = np.isin(SLOT_STATUS_INDEX, [3, 4])
IS_RESOLVE_SLOT = np.isin(np.arange(SLOTS), RESOLVE)
MISSING = np.iinfo(np.int64).min


@dataclass
class TicketState:
    status: np.ndarray  # index into STATUSES
    updated_at: np.ndarray
    first_response_at: np.ndarray  # MISSING when absent
    resolved_at: np.ndarray
    closed_at: np.ndarray
    agent: np.ndarray  # -1 when unassigned
    reopened_count: np.ndarray
    reassignment_count: np.ndarray
    reply_count: np.ndarray
    finally_resolved: np.ndarray  # resolved for good before the export (CSAT was surveyed)
    sla_breach: np.ndarray
    valid: np.ndarray  # (n, SLOTS) events that happened before the export
    last_slot: np.ndarray


def as_of(world: World, t: ChunkTickets, lc: Lifecycle) -> TicketState:
    n, asof = len(t), world.as_of_epoch
    rows = np.arange(n)
    valid = lc.present & (lc.times < asof)
    last = SLOTS - 1 - np.argmax(valid[:, ::-1], axis=1)
    status = SLOT_STATUS_INDEX[last]
    resolved_now = RESOLVED_STATUSES[last]
    resolve_times = np.where(valid & IS_RESOLVE_SLOT, lc.times, MISSING).max(axis=1)
    resolved_at = np.where(resolved_now, resolve_times, MISSING)
    first_response = np.where(valid[:, FIRST_RESPONSE], lc.times[:, FIRST_RESPONSE], MISSING)
    breach = sla_breached(world, t, first_response, resolved_at, np.full(n, asof, dtype=np.int64))
    return TicketState(
        status=status,
        updated_at=lc.times[rows, last],
        first_response_at=first_response,
        resolved_at=resolved_at,
        closed_at=np.where(valid[:, CLOSE], lc.times[:, CLOSE], MISSING),
        agent=lc.agent[rows, last],
        reopened_count=valid[:, list(REOPEN)].sum(axis=1).astype(np.int32),
        reassignment_count=valid[:, list(REASSIGN)].sum(axis=1).astype(np.int32),
        reply_count=np.where(valid, lc.replies, 0).sum(axis=1).astype(np.int32),
        finally_resolved=valid[rows, lc.final_resolve],
        sla_breach=breach,
        valid=valid,
        last_slot=last,
    )


def sla_breached(
    world: World,
    t: ChunkTickets,
    first_response: np.ndarray,
    resolved: np.ndarray,
    now: np.ndarray,
    index: np.ndarray | None = None,
) -> np.ndarray:
    """Breach of either target, judged at ``now`` (clocks still running count up to it).

    ``index`` selects the ticket of each row when the rows are events rather than tickets.
    """
    index = np.arange(len(t)) if index is None else index
    queue, priority = t.queue[index], t.priority[index]
    created = t.created[index]
    fr_end = np.where(first_response == MISSING, now, np.minimum(first_response, now))
    res_end = np.where(resolved == MISSING, now, resolved)
    calendars = world.queue_calendars
    start = calendars.business_seconds(created, queue)
    targets = world.targets[queue, priority] * HOUR
    fr_late = calendars.business_seconds(fr_end, queue) - start > targets[:, 0]
    res_late = calendars.business_seconds(res_end, queue) - start > targets[:, 1]
    return fr_late | res_late
