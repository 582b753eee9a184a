"""Flatten lifecycles into audit-log rows: one per event before the export instant.

Each row shows the ticket as it stood right after its event: status, assignee, cumulative
replies, the SLA flag judged at the event (the ticket's latest row is judged at the export
instant, as a live system re-evaluates its current record) and the CSAT once surveyed.
Collapsing the rows with the generated_events preset gives back the canonical ticket.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from tickets.data.generator.bronze_labels import (
    CHANNEL_LABELS,
    EVENT_PRIORITIES,
    EVENT_STATES,
)
from tickets.data.generator.canonical import codes
from tickets.data.generator.csat import Csat
from tickets.data.generator.lifecycle import (
    FIRST_RESPONSE,
    REASSIGN,
    RESOLVE,
    ChunkTickets,
    Lifecycle,
)
from tickets.data.generator.state import RESOLVED_STATUSES, SLOT_STATUS_INDEX, TicketState
from tickets.data.generator.timefmt import LocalClock
from tickets.data.generator.world import HOUR, World


def event_rows(
    world: World,
    table: pa.Table,
    t: ChunkTickets,
    lc: Lifecycle,
    state: TicketState,
    csat: Csat,
    clock: LocalClock,
) -> pa.Table:
    ticket, slot = np.nonzero(state.valid)  # ticket-major, then time order
    when = lc.times[ticket, slot]
    agent = lc.agent[ticket, slot]
    staff = world.staff
    team = np.where(agent < 0, -1, staff.team[np.maximum(agent, 0)])
    replies = np.cumsum(np.where(state.valid, lc.replies, 0), axis=1)[ticket, slot]
    reassigned = np.cumsum(state.valid[:, list(REASSIGN)], axis=1)
    reassigned = np.concatenate([np.zeros((len(t), 1), dtype=np.int64), reassigned], axis=1)
    done = reassigned[ticket, np.clip(slot - REASSIGN[0] + 1, 0, len(REASSIGN))]
    escalated = t.escalated[ticket] & (done == t.reassignments[ticket])
    scored = (slot >= lc.final_resolve[ticket]) & csat.responded[ticket]
    rows = pa.array(ticket.astype(np.int32))

    def per_ticket(column: str) -> pa.Array:
        """The ticket's value repeated on each of its rows."""
        return table.column(column).combine_chunks().take(rows)

    taxonomy = world.taxonomy
    issue = t.issue[ticket]
    breach = _row_breach(world, t, lc, state, ticket, slot, when)
    columns = {
        "number": per_ticket("ticket_id"),
        "sys_updated_at": clock.iso(when),
        "incident_state": codes(EVENT_STATES, SLOT_STATUS_INDEX[slot]),
        "assigned_to": codes(staff.agent_ids, agent),
        "assignment_group": codes(staff.team_names, team),
        "u_queue": codes(taxonomy.queues, t.queue[ticket]),
        "priority": codes(EVENT_PRIORITIES, t.priority[ticket]),
        "contact_type": codes(CHANNEL_LABELS, t.channel[ticket]),
        "caller_id": per_ticket("customer_id"),
        "cmdb_ci": codes(taxonomy.products, taxonomy.issue_product[issue]),
        "category": codes(taxonomy.categories, taxonomy.issue_category[issue]),
        "short_description": per_ticket("subject"),
        "u_csat": pa.array(np.where(scored, csat.score[ticket], np.nan), from_pandas=True),
        "made_sla": codes(("true", "false"), breach),
        "u_replies": pa.array(replies, pa.int32()),
        "u_issue_id": codes(taxonomy.issue_ids, issue),
        "u_language": per_ticket("x_language"),
        "u_sentiment": per_ticket("x_sentiment_true"),
        "u_escalated": codes(("false", "true"), escalated.astype(np.int8)),
    }
    return pa.table(columns)


def _row_breach(
    world: World,
    t: ChunkTickets,
    lc: Lifecycle,
    state: TicketState,
    ticket: np.ndarray,
    slot: np.ndarray,
    when: np.ndarray,
) -> np.ndarray:
    """SLA breach as of each row's time; a ticket's latest row is judged at the export.

    Business seconds of creation, first response and resolutions are computed once per
    ticket; each row only adds the business seconds of its own instant.
    """
    calendars, queue = world.queue_calendars, t.queue
    latest = slot == state.last_slot[ticket]
    now = calendars.business_seconds(np.where(latest, world.as_of_epoch, when), queue[ticket])
    created = calendars.business_seconds(t.created, queue)[ticket]
    answered = calendars.business_seconds(lc.times[:, FIRST_RESPONSE], queue)[ticket]
    resolved = np.full(slot.size, -1, dtype=np.int64)
    for resolve in RESOLVE:  # the latest resolution at or before the row, in business seconds
        done = state.valid[:, resolve]
        seconds = np.full(len(t), -1, dtype=np.int64)
        seconds[done] = calendars.business_seconds(lc.times[done, resolve], queue[done])
        resolved = np.where(slot >= resolve, np.maximum(resolved, seconds[ticket]), resolved)
    fr_end = np.where(slot >= FIRST_RESPONSE, answered, now)
    res_end = np.where(RESOLVED_STATUSES[slot], resolved, now)
    targets = world.targets[queue[ticket], t.priority[ticket]] * HOUR
    late = (fr_end - created > targets[:, 0]) | (res_end - created > targets[:, 1])
    return late.astype(np.int8)
