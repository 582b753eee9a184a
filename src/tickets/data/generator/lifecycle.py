"""Ticket lifecycles as a fixed grid of event slots, drawn for a whole chunk at once.

Every ticket has the same 12 slots in time order; a boolean mask says which of them happen:

    created · first response · pending · reassign ×3 · resolve · reopen · resolve · reopen ·
    resolve · close

Durations are lognormal in business time (first response on the answering agent's calendar,
work on the queue's calendar) and depend on priority, queue, issue complexity, agent skill and
workload. One-touch tickets are resolved by the first response itself. Reopen gaps and
auto-close run on the wall clock.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tickets.data.generator.calibration import MAX_EXTRA_REASSIGNMENTS, work_multiplier
from tickets.data.generator.catalog import CHANNEL_SHARES, QUEUES
from tickets.data.generator.taxonomy import sample_by_cdf
from tickets.data.generator.world import HOUR, World
from tickets.schemas.tickets import PRIORITIES

SLOT_STATUS = (
    "new", "open", "pending", "open", "open", "open",
    "resolved", "open", "resolved", "open", "resolved", "closed",
)  # fmt: skip
CREATED, FIRST_RESPONSE, PENDING, CLOSE = 0, 1, 2, 11
REASSIGN, RESOLVE, REOPEN = (3, 4, 5), (6, 8, 10), (7, 9)
SLOTS = len(SLOT_STATUS)
REOPEN_WORK_SHARE = 0.4  # work after a reopen, relative to the first round
SECOND_REOPEN_FACTOR = 0.35
ONE_TOUCH_SECONDS = (60, 900)  # a one-touch ticket is resolved this soon after the answer
QUEUE_SLOWNESS = np.array([q.slowness for q in QUEUES])


@dataclass
class ChunkTickets:
    """Per-ticket draws of one chunk (arrays of equal length, creation order)."""

    created: np.ndarray
    issue: np.ndarray
    day: np.ndarray
    queue: np.ndarray
    priority: np.ndarray
    channel: np.ndarray
    customer: np.ndarray
    escalated: np.ndarray
    reassignments: np.ndarray
    reopens: np.ndarray
    chain: np.ndarray  # (n, 4) first agent, then the assignee after each reassignment
    final_agent: np.ndarray
    one_touch: np.ndarray  # the first response itself resolves the ticket

    def __len__(self) -> int:
        return int(self.created.size)

    @property
    def first_agent(self) -> np.ndarray:
        return self.chain[:, 0]


@dataclass
class Lifecycle:
    times: np.ndarray  # (n, SLOTS) epoch seconds, meaningful where ``present``
    present: np.ndarray  # (n, SLOTS) bool
    agent: np.ndarray  # (n, SLOTS) agent index after the event, -1 = unassigned
    replies: np.ndarray  # (n, SLOTS) agent replies sent at the event

    @property
    def final_resolve(self) -> np.ndarray:
        """Slot of each ticket's last resolution (6, 8 or 10)."""
        reopens = self.present[:, REOPEN[0]].astype(int) + self.present[:, REOPEN[1]]
        return np.asarray(RESOLVE)[reopens]


def draw_tickets(
    world: World, rng: np.random.Generator, created: np.ndarray, issue: np.ndarray, day: np.ndarray
) -> ChunkTickets:
    taxonomy, staff, lifecycle = world.taxonomy, world.staff, world.settings.lifecycle
    n = created.size
    queue = taxonomy.issue_queue[issue].astype(np.int64)
    priority = sample_by_cdf(taxonomy.issue_priority_cdf[issue], rng.random(n))
    escalation = np.array([lifecycle.escalation.get(p, 0.0) for p in PRIORITIES])
    escalated = rng.random(n) < escalation[priority]
    extra = rng.poisson(lifecycle.reassign_rate * taxonomy.issue_complexity[issue])
    reassignments = np.minimum(extra, MAX_EXTRA_REASSIGNMENTS) + escalated
    chain = _agent_chain(world, rng, created, queue, reassignments, escalated)
    final = chain[np.arange(n), reassignments]
    p_reopen = np.clip(
        lifecycle.reopen_rate * taxonomy.issue_reopen[issue] * 1.1 / staff.skill[final], 0, 0.9
    )
    u = rng.random(n)
    first = u < p_reopen
    second = first & (rng.random(n) < p_reopen * SECOND_REOPEN_FACTOR)
    one_touch = rng.random(n) < lifecycle.one_touch_rate / taxonomy.issue_complexity[issue]
    return ChunkTickets(
        created=created,
        issue=issue,
        day=day,
        queue=queue,
        priority=priority,
        channel=rng.choice(len(CHANNEL_SHARES), size=n, p=np.asarray(CHANNEL_SHARES)),
        customer=world.customers.draw(rng.random(n)),
        escalated=escalated,
        reassignments=reassignments.astype(np.int8),
        reopens=(first.astype(np.int8) + second),
        chain=chain,
        final_agent=final,
        one_touch=one_touch & (reassignments == 0),
    )


def _agent_chain(
    world: World,
    rng: np.random.Generator,
    t_created: np.ndarray,
    queue: np.ndarray,
    reassignments: np.ndarray,
    escalated: np.ndarray,
) -> np.ndarray:
    """(n, 4) agents: the first L1 agent, then one per reassignment (L2 when escalated last).

    The first agent is on the queue's shift when the queue is open, otherwise one of its
    agents in another timezone. Each reassignment moves to a different agent.
    """
    staff, n = world.staff, queue.size
    chain = np.empty((n, 4), dtype=np.int64)
    is_open = world.queue_calendars.is_open(t_created, queue)
    u = rng.random(n)
    chain[:, 0] = np.where(is_open, staff.on_shift.pick(queue, u), staff.off_shift.pick(queue, u))
    first, size = staff.l1_first[queue], staff.l1_size[queue]
    for k in range(1, 4):
        pick = staff.l1.pick(queue, rng.random(n))
        pick = np.where(pick == chain[:, k - 1], first + (pick - first + 1) % size, pick)
        to_l2 = escalated & (reassignments == k)
        chain[:, k] = np.where(to_l2, staff.l2.pick(queue, rng.random(n)), pick)
    return chain


def draw_lifecycle(world: World, rng: np.random.Generator, t: ChunkTickets) -> Lifecycle:
    n, durations = len(t), world.settings.durations
    cap = durations.max_business_hours * HOUR
    work = _work_scale(world, t)
    times = np.zeros((n, SLOTS), dtype=np.int64)
    present = np.zeros((n, SLOTS), dtype=bool)
    times[:, CREATED] = t.created
    times[:, FIRST_RESPONSE] = fr = _first_response(world, rng, t)
    work1 = np.minimum(work * rng.lognormal(0, durations.resolution_sigma, n), cap)
    resolved = world.queue_calendars.add(fr, work1.astype(np.int64), t.queue)
    quick = fr + rng.integers(ONE_TOUCH_SECONDS[0], ONE_TOUCH_SECONDS[1], n)
    times[:, RESOLVE[0]] = np.where(t.one_touch, quick, resolved)
    span = times[:, RESOLVE[0]] - fr
    present[:, [CREATED, FIRST_RESPONSE, RESOLVE[0], CLOSE]] = True
    present[:, PENDING] = (rng.random(n) < world.settings.lifecycle.pending_rate) & ~t.one_touch
    times[:, PENDING] = fr + span // 10
    for k, slot in enumerate(REASSIGN, start=1):
        present[:, slot] = t.reassignments >= k
        times[:, slot] = fr + (span * (0.2 + 0.7 * k / (t.reassignments + 1))).astype(np.int64)
    for k, slot in enumerate(REOPEN):
        gap = (durations.reopen_gap_hours * HOUR * rng.lognormal(0, 0.8, n)).astype(np.int64)
        times[:, slot] = times[:, RESOLVE[k]] + gap
        extra = np.minimum(work * REOPEN_WORK_SHARE * rng.lognormal(0, 0.7, n), cap)
        resolved = world.queue_calendars.add(times[:, slot], extra.astype(np.int64), t.queue)
        present[:, slot] = present[:, RESOLVE[k + 1]] = t.reopens > k
        times[:, RESOLVE[k + 1]] = resolved
    last_resolve = np.asarray(RESOLVE)[t.reopens]
    times[:, CLOSE] = times[np.arange(n), last_resolve] + int(durations.close_after_hours * HOUR)
    _strictly_increasing(times, present)
    return Lifecycle(times, present, _slot_agents(t), _replies(world, rng, t, present))


def _load(world: World, t: ChunkTickets, agent: np.ndarray) -> np.ndarray:
    """Workload factor: the queue's volume that day × the agent's share, to the elasticity."""
    day = np.clip(t.day, 0, world.queue_load.shape[0] - 1)
    load = world.queue_load[day, t.queue] * world.staff.load[agent]
    return load**world.settings.durations.workload_elasticity


def _first_response(world: World, rng: np.random.Generator, t: ChunkTickets) -> np.ndarray:
    """First response instants, on the first agent's own working hours."""
    durations, staff = world.settings.durations, world.staff
    business = world.first_response_median[t.queue, t.priority] * QUEUE_SLOWNESS[t.queue]
    business = business * _load(world, t, t.first_agent) / np.sqrt(staff.skill[t.first_agent])
    business = business * rng.lognormal(0, durations.first_response_sigma, len(t))
    business = np.minimum(business, durations.max_business_hours * HOUR).astype(np.int64)
    return world.agent_calendars.add(t.created, business, staff.calendar[t.first_agent])


def _work_scale(world: World, t: ChunkTickets) -> np.ndarray:
    """Median business seconds of work to resolve each ticket (before lognormal noise)."""
    work = world.work_median[t.queue, t.priority] * QUEUE_SLOWNESS[t.queue]
    factor = work_multiplier(
        world.taxonomy.issue_complexity[t.issue],
        t.reassignments,
        t.escalated,
        world.staff.skill[t.final_agent],
    )
    return work * factor * _load(world, t, t.final_agent)


def _strictly_increasing(times: np.ndarray, present: np.ndarray) -> None:
    """Push each present event at least one second after the previous present one."""
    last = times[:, 0].copy()
    for slot in range(1, SLOTS):
        bumped = np.maximum(times[:, slot], last + 1)
        times[:, slot] = np.where(present[:, slot], bumped, times[:, slot])
        last = np.where(present[:, slot], times[:, slot], last)


def _slot_agents(t: ChunkTickets) -> np.ndarray:
    """The assignee after each event: none at creation, then the chain of reassignments."""
    agent = np.empty((len(t), SLOTS), dtype=np.int64)
    agent[:, CREATED] = -1
    agent[:, FIRST_RESPONSE : REASSIGN[0]] = t.chain[:, :1]
    agent[:, list(REASSIGN)] = t.chain[:, 1:]
    agent[:, RESOLVE[0] :] = t.final_agent[:, None]
    return agent


def _replies(
    world: World, rng: np.random.Generator, t: ChunkTickets, present: np.ndarray
) -> np.ndarray:
    """Agent replies per event: first response, pending request, each resolution, plus chatter."""
    replies = np.zeros(present.shape, dtype=np.int32)
    replies[:, [FIRST_RESPONSE, PENDING, *RESOLVE]] = 1
    replies[:, RESOLVE[0]] += rng.poisson(world.settings.lifecycle.extra_replies, len(t))
    replies[t.one_touch, RESOLVE[0]] = 0  # the first response was the resolution
    return np.where(present, replies, 0)
