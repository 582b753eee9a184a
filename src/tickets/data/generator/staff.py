"""Support agents: L1 and L2 teams per queue, skill, workload, timezone and calendar.

Most agents sit in their queue's timezone and keep its calendar; some L1 agents work from other
timezones on their own local hours. Tickets that arrive while the queue is closed go to them
(follow the sun), so they answer while the queue's own team is off. A few
agents carry a planted CSAT effect (much better or worse than their peers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from tickets.data.generator.calendars import CalendarSpec
from tickets.data.generator.catalog import QUEUES
from tickets.data.generator.names import FIRST_NAMES, LAST_NAMES
from tickets.data.generator.settings import GeneratorSettings
from tickets.data.generator.taxonomy import GroupedSampler

REMOTE_SHARE = 0.2
REMOTE_HOURS = ("09:00", "18:00")
L2_SKILL_BONUS = 0.15


@dataclass(frozen=True)
class Roster:
    """Agents grouped by queue, drawn in proportion to their assignment weight."""

    sampler: GroupedSampler
    members: np.ndarray

    @classmethod
    def of(cls, groups: list[np.ndarray], weight: np.ndarray) -> Roster:
        sampler = GroupedSampler.from_weights([weight[g] for g in groups])
        return cls(sampler, np.concatenate(groups))

    def pick(self, queue: np.ndarray, u: np.ndarray) -> np.ndarray:
        """One agent per row from the row's queue."""
        return self.members[self.sampler.draw(queue, u)]


@dataclass(frozen=True)
class Staff:
    agent_ids: tuple[str, ...]
    names: tuple[str, ...]
    team_names: tuple[str, ...]
    team: np.ndarray  # team index per agent
    queue: np.ndarray  # queue index per agent
    level: np.ndarray  # 1 or 2
    timezones: tuple[str, ...]
    skill: np.ndarray
    load: np.ndarray  # assignment weight relative to the team's mean
    calendar: np.ndarray  # index into ``calendars``
    calendars: tuple[CalendarSpec, ...]  # 0..queues-1 are the queues' own calendars
    csat_effect: np.ndarray  # planted CSAT points per agent (mostly 0)
    l1: Roster  # every L1 agent of each queue
    l2: Roster
    on_shift: Roster  # L1 agents on the queue's own calendar
    off_shift: Roster  # L1 agents in other timezones (the queue's own when it has none)

    @property
    def l1_first(self) -> np.ndarray:
        """Per queue, the first L1 agent's index (a queue's L1 agents are contiguous)."""
        return self.l1.members[np.concatenate([[0], self.l1.sampler.last[:-1] + 1])]

    @property
    def l1_size(self) -> np.ndarray:
        return np.diff(np.concatenate([[-1], self.l1.sampler.last]))

    def table(self) -> pa.Table:
        return pa.table(
            {
                "agent_id": list(self.agent_ids),
                "name": list(self.names),
                "team": [self.team_names[t] for t in self.team],
                "timezone": list(self.timezones),
                "skill": np.round(self.skill, 3),
            }
        )


def team_sizes(settings: GeneratorSettings, queue_share: np.ndarray) -> list[tuple[int, int]]:
    """(L1, L2) head count per queue, proportional to its ticket share."""
    return [
        (max(3, round(0.8 * settings.agents * s)), max(1, round(0.2 * settings.agents * s)))
        for s in queue_share
    ]


def build_staff(
    settings: GeneratorSettings,
    queue_share: np.ndarray,
    queue_calendars: tuple[CalendarSpec, ...],
    rng: np.random.Generator,
) -> Staff:
    rows: list[tuple[int, int]] = []  # (queue, level)
    for q, (first_line, second_line) in enumerate(team_sizes(settings, queue_share)):
        rows += [(q, 1)] * first_line + [(q, 2)] * second_line
    queue = np.array([r[0] for r in rows], dtype=np.int16)
    level = np.array([r[1] for r in rows], dtype=np.int8)
    n = len(rows)
    width = max(3, len(str(n)))
    team_names = tuple(f"{spec.name} L{lv}" for spec in QUEUES for lv in (1, 2))
    lo, hi = settings.durations.skill_range
    skill = rng.uniform(lo, hi, n) + L2_SKILL_BONUS * (level == 2)
    weight = rng.lognormal(0.0, 0.35, n)
    team = (queue.astype(np.int64) * 2 + level - 1).astype(np.int16)
    team_weight = np.bincount(team, weights=weight, minlength=len(team_names))
    team_mean = team_weight / np.maximum(np.bincount(team, minlength=len(team_names)), 1)
    timezones, calendar, calendars = _timezones(queue, level, queue_calendars, rng)
    first = rng.integers(0, len(FIRST_NAMES), n)
    last = rng.integers(0, len(LAST_NAMES), n)
    queues = range(len(QUEUES))
    l1 = [np.flatnonzero((queue == q) & (level == 1)) for q in queues]
    local = [m[calendar[m] == q] for q, m in zip(queues, l1, strict=True)]
    remote = [m[calendar[m] != q] for q, m in zip(queues, l1, strict=True)]
    remote = [r if r.size else own for r, own in zip(remote, local, strict=True)]
    return Staff(
        agent_ids=tuple(f"AGENT-{i + 1:0{width}d}" for i in range(n)),
        names=tuple(f"{FIRST_NAMES[f]} {LAST_NAMES[g]}" for f, g in zip(first, last, strict=True)),
        team_names=team_names,
        team=team,
        queue=queue,
        level=level,
        timezones=timezones,
        skill=skill,
        load=weight / team_mean[team],
        calendar=calendar,
        calendars=calendars,
        csat_effect=_planted_effects(settings, queue, level, queue_share, rng),
        l1=Roster.of(l1, weight),
        l2=Roster.of([np.flatnonzero((queue == q) & (level == 2)) for q in queues], weight),
        on_shift=Roster.of(local, weight),
        off_shift=Roster.of(remote, weight),
    )


def _timezones(
    queue: np.ndarray,
    level: np.ndarray,
    queue_calendars: tuple[CalendarSpec, ...],
    rng: np.random.Generator,
) -> tuple[tuple[str, ...], np.ndarray, tuple[CalendarSpec, ...]]:
    calendars = list(queue_calendars)
    zones, index = [], np.empty(queue.size, dtype=np.int16)
    remote = (rng.random(queue.size) < REMOTE_SHARE) & (level == 1)
    pick = rng.random(queue.size)
    for a, q in enumerate(queue):
        spec = QUEUES[q]
        if not remote[a]:
            zones.append(spec.timezone)
            index[a] = q
            continue
        tz = spec.remote_timezones[int(pick[a] * len(spec.remote_timezones))]
        own = CalendarSpec(tz, spec.working_days, *REMOTE_HOURS)
        if own not in calendars:
            calendars.append(own)
        zones.append(tz)
        index[a] = calendars.index(own)
    return tuple(zones), index, tuple(calendars)


def _planted_effects(
    settings: GeneratorSettings,
    queue: np.ndarray,
    level: np.ndarray,
    queue_share: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Give the configured CSAT effects to L1 agents of the two busiest queues."""
    effects = np.zeros(queue.size)
    busiest = np.argsort(-queue_share, kind="stable")[:2]
    candidates = np.flatnonzero(np.isin(queue, busiest) & (level == 1))
    chosen = rng.choice(candidates, size=len(settings.csat.agent_effects), replace=False)
    effects[np.sort(chosen)] = settings.csat.agent_effects
    return effects
