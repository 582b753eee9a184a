"""When tickets arrive: a (day × issue) rate matrix, one multinomial draw, then times of day.

Rates multiply weekday seasonality, linear growth, holiday dips, product launches and the
planted volume effects. One multinomial over all (day, issue) cells fixes exactly N tickets;
chunks are runs of whole days, so the stream is in creation order and memory stays bounded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from tickets.data.generator.anomalies import AnomalyPlan
from tickets.data.generator.catalog import ARRIVAL_HOLIDAY_COUNTRIES, PRODUCTS
from tickets.data.generator.holidays import holidays_between
from tickets.data.generator.settings import ArrivalSettings, GeneratorSettings
from tickets.data.generator.taxonomy import Taxonomy

DAY = 86_400


@dataclass(frozen=True)
class ArrivalPlan:
    counts: np.ndarray  # (days, issues) tickets created per day and issue
    rates: np.ndarray  # (days, issues) expected tickets per day and issue
    day_factor: np.ndarray  # weekday × growth × holiday factor per day
    launch_day: int  # day the launched product goes on sale (index from the start)
    holidays: tuple[dt.date, ...]  # arrival holidays inside the period

    @property
    def days(self) -> int:
        return int(self.counts.shape[0])

    def chunks(self, chunk_rows: int) -> list[tuple[int, int]]:
        """[first_day, end_day) runs of whole days holding about ``chunk_rows`` tickets each."""
        per_day = self.counts.sum(axis=1)
        runs, first, rows = [], 0, 0
        for day, count in enumerate(per_day):
            rows += int(count)
            if rows >= chunk_rows:
                runs.append((first, day + 1))
                first, rows = day + 1, 0
        if first < self.days:
            runs.append((first, self.days))
        return runs


def day_factors(
    arrivals: ArrivalSettings, start: dt.date, days: int
) -> tuple[np.ndarray, tuple[dt.date, ...]]:
    """Weekday × growth × holiday volume factor of each day, and the arrival holidays."""
    dates = [start + dt.timedelta(days=d) for d in range(days)]
    weekday = np.array([arrivals.weekday[d.weekday()] for d in dates])
    growth = 1.0 + arrivals.growth_per_year * np.arange(days) / 365.0
    last = dates[-1]
    closed = {h for c in ARRIVAL_HOLIDAY_COUNTRIES for h in holidays_between(c, start, last)}
    dip = np.array([arrivals.holiday_factor if d in closed else 1.0 for d in dates])
    return weekday * growth * dip, tuple(sorted(closed))


def launch_factors(arrivals: ArrivalSettings, days: int) -> tuple[np.ndarray, int]:
    """(days, products) volume factor: launched products start at their launch day."""
    launch_day = min(int(arrivals.launch_day_fraction * days), days - 1)
    factor = np.ones((days, len(PRODUCTS)))
    since = np.arange(days) - launch_day
    boost = 1.0 + (arrivals.launch_boost - 1.0) * np.clip(
        1 - since / arrivals.launch_boost_days, 0, 1
    )
    for p, product in enumerate(PRODUCTS):
        if product.launched:
            factor[:, p] = np.where(since < 0, 0.0, boost)
    return factor, launch_day


def plan_arrivals(
    settings: GeneratorSettings, taxonomy: Taxonomy, plan: AnomalyPlan, rng: np.random.Generator
) -> ArrivalPlan:
    days = settings.days
    factor, holidays = day_factors(settings.arrivals, settings.start, days)
    launch, launch_day = launch_factors(settings.arrivals, days)
    weights = np.array([p.weight for p in PRODUCTS])
    product_rate = factor[:, None] * weights[None, :] * launch  # (days, products)
    rates = product_rate[:, taxonomy.issue_product] * taxonomy.issue_share[None, :]
    regular = rates.sum(axis=1)
    if plan.enabled:
        spike_issues = taxonomy.issue_product == plan.spike_product
        spike_days = plan.spike.days(days)
        rates[np.ix_(spike_days, spike_issues)] *= plan.spike_multiplier
        rates[:, plan.emerging_issue] = plan.emerging_share(days) * regular
        rates[:, plan.gap_issue] = plan.gap_share_by_day(days) * regular
    probabilities = (rates / rates.sum()).ravel()
    counts = rng.multinomial(settings.tickets, probabilities).reshape(rates.shape)
    expected = rates * (settings.tickets / rates.sum())
    return ArrivalPlan(counts, expected, factor, launch_day, holidays)


def draw_times(
    rng: np.random.Generator,
    counts: np.ndarray,
    first_day: int,
    start_epoch: int,
    hour_weights: tuple[float, ...],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Creation instants (epoch seconds, sorted), issue and day index for a run of days."""
    flat = counts.ravel()
    cells = np.repeat(np.arange(flat.size, dtype=np.int64), flat)
    day = (cells // counts.shape[1]).astype(np.int32) + first_day
    issue = (cells % counts.shape[1]).astype(np.int16)
    hours = np.asarray(hour_weights, dtype=np.float64)
    hour = rng.choice(24, size=cells.size, p=hours / hours.sum())
    seconds = hour * 3600 + rng.integers(0, 3600, size=cells.size)
    created = start_epoch + day.astype(np.int64) * DAY + seconds
    order = np.argsort(created, kind="stable")
    return created[order], issue[order], day[order]
