"""Everything fixed before the first ticket: taxonomy, arrivals, staff, customers, calendars.

``build_world`` draws the static parts from their own seeded streams, so chunks only draw
per-ticket randomness. Durations are parameterised here from the SLA targets and the planned
breach rates: a lognormal with median m breaches target T with probability 1 - Φ(ln(T/m)/σ).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from tickets.data.generator.anomalies import AnomalyPlan, plan_anomalies
from tickets.data.generator.arrivals import ArrivalPlan, plan_arrivals
from tickets.data.generator.calendars import BusinessCalendar, CalendarSet, CalendarSpec
from tickets.data.generator.calibration import expected_log_multiplier
from tickets.data.generator.catalog import BASE_TARGETS, QUEUES
from tickets.data.generator.customers import Customers, build_customers
from tickets.data.generator.holidays import public_holidays
from tickets.data.generator.settings import GeneratorSettings
from tickets.data.generator.staff import Staff, build_staff
from tickets.data.generator.taxonomy import Taxonomy, build_taxonomy
from tickets.schemas.tickets import PRIORITIES

HOUR = 3600
CALENDAR_TAIL_DAYS = 730  # calendars reach this far past the period, for long resolutions
STREAMS = {"arrivals": 1, "staff": 2, "customers": 3, "text": 4, "chunks": 5}


def stream(seed: int, name: str, *keys: int) -> np.random.Generator:
    """An independent, reproducible random stream per purpose (and per chunk)."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(STREAMS[name], *keys)))


@dataclass(frozen=True)
class World:
    settings: GeneratorSettings
    taxonomy: Taxonomy
    plan: AnomalyPlan
    arrivals: ArrivalPlan
    staff: Staff
    customers: Customers
    queue_calendars: CalendarSet  # by queue index
    agent_calendars: CalendarSet  # by Staff.calendar index (queues' own calendars first)
    targets: np.ndarray  # (queues, priorities, 2) first response / resolution target hours
    first_response_median: np.ndarray  # (queues, priorities) business seconds
    work_median: np.ndarray  # (queues, priorities) business seconds
    queue_load: np.ndarray  # (days, queues) expected volume relative to the queue's mean
    start_epoch: int
    as_of_epoch: int  # the export instant: midnight after the last day (UTC)


def _epoch(day: dt.date) -> int:
    return int(dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC).timestamp())


def queue_calendar_specs(settings: GeneratorSettings) -> tuple[CalendarSpec, ...]:
    years = range(
        settings.start.year - 1, (settings.end + dt.timedelta(CALENDAR_TAIL_DAYS)).year + 1
    )
    return tuple(
        CalendarSpec(
            q.timezone,
            q.working_days,
            q.work_start,
            q.work_end,
            tuple(public_holidays(q.holiday_country, years)),
        )
        for q in QUEUES
    )


def sla_targets() -> np.ndarray:
    base = np.array([BASE_TARGETS[p] for p in PRIORITIES])  # (priorities, 2)
    scale = np.array([q.target_scale for q in QUEUES])
    return scale[:, None, None] * base[None, :, :]


def duration_medians(
    settings: GeneratorSettings, targets: np.ndarray, mean_log_factor: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Business-second medians of first response and of the work to resolve.

    ``mean_log_factor`` (per priority) is the expected log of the per-ticket work multiplier;
    the median is divided by its exponential so a typical ticket keeps the planned median.
    """
    durations = settings.durations
    z = np.array([NormalDist().inv_cdf(1 - durations.planned_breach[p]) for p in PRIORITIES])
    total = targets[:, :, 1] * np.exp(-z[None, :] * durations.resolution_sigma)
    first = targets[:, :, 0] * durations.first_response_share
    work = np.maximum(total - first, 0.1 * total) / np.exp(mean_log_factor)[None, :]
    return first * HOUR, work * HOUR


def _mean_log_factor(
    settings: GeneratorSettings, taxonomy: Taxonomy, arrivals: ArrivalPlan, staff: Staff
) -> np.ndarray:
    cdf = taxonomy.issue_priority_cdf
    probs = np.diff(np.concatenate([np.zeros((cdf.shape[0], 1)), cdf], axis=1), axis=1)
    escalation = np.array([settings.lifecycle.escalation.get(p, 0.0) for p in PRIORITIES])
    log_skill = tuple(float(np.log(staff.skill[staff.level == lv]).mean()) for lv in (1, 2))
    return expected_log_multiplier(
        arrivals.counts.sum(axis=0),
        probs,
        taxonomy.issue_complexity,
        settings.lifecycle.reassign_rate,
        escalation,
        log_skill,  # type: ignore[arg-type]
    )


def build_world(settings: GeneratorSettings) -> World:
    taxonomy = build_taxonomy(with_planted=settings.anomalies)
    plan = plan_anomalies(settings, taxonomy)
    arrivals = plan_arrivals(settings, taxonomy, plan, stream(settings.seed, "arrivals"))
    queue_rates = np.zeros((settings.days, len(QUEUES)))
    for i, q in enumerate(taxonomy.issue_queue):
        queue_rates[:, q] += arrivals.rates[:, i]
    queue_share = queue_rates.sum(axis=0) / queue_rates.sum()
    specs = queue_calendar_specs(settings)
    staff = build_staff(settings, queue_share, specs, stream(settings.seed, "staff"))
    first, last = (
        settings.start - dt.timedelta(days=7),
        settings.end + dt.timedelta(CALENDAR_TAIL_DAYS),
    )
    calendars = tuple(BusinessCalendar.build(s, first, last) for s in staff.calendars)
    targets = sla_targets()
    factor = _mean_log_factor(settings, taxonomy, arrivals, staff)
    fr_median, work_median = duration_medians(settings, targets, factor)
    return World(
        settings=settings,
        taxonomy=taxonomy,
        plan=plan,
        arrivals=arrivals,
        staff=staff,
        customers=build_customers(settings.customer_count, stream(settings.seed, "customers")),
        queue_calendars=CalendarSet.of(calendars[: len(QUEUES)]),
        agent_calendars=CalendarSet.of(calendars),
        targets=targets,
        first_response_median=fr_median,
        work_median=work_median,
        queue_load=queue_rates / np.maximum(queue_rates.mean(axis=0, keepdims=True), 1e-9),
        start_epoch=_epoch(settings.start),
        as_of_epoch=_epoch(settings.end),
    )
