"""Cron schedules for ``retrain --loop`` (the docker-compose scheduler service).

Standard five-field cron expressions in UTC: ``minute hour day-of-month month day-of-week``,
each ``*``, ``N``, ``A-B``, ``*/S``, ``A-B/S`` or a comma list of those; day-of-week 0-7 with 0
and 7 both Sunday. When both day fields are restricted a day matches either (as Vixie cron).
The same expressions drive ``deploy/cron/retrain.cron`` and the Kubernetes CronJobs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))
_NAMES = ("minute", "hour", "day of month", "month", "day of week")
MAX_DAYS = 366 * 5  # no expression with a real match needs to look further (Feb 29 on Monday)


class CronError(ValueError):
    """A cron expression that cannot be parsed; the message says which field and why."""


@dataclass(frozen=True)
class Cron:
    expression: str
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]  # 0 = Sunday
    any_day: bool
    any_weekday: bool

    @classmethod
    def parse(cls, expression: str) -> Cron:
        parts = expression.split()
        if len(parts) != 5:
            raise CronError(
                f"cron {expression!r}: expected 5 fields (minute hour day month weekday), "
                f"got {len(parts)}"
            )
        sets = [
            _field(p, lo, hi, name, expression)
            for p, (lo, hi), name in zip(parts, _RANGES, _NAMES, strict=True)
        ]
        weekdays = frozenset(d % 7 for d in sets[4])
        minutes, hours, days, months = sets[:4]
        return cls(
            expression, minutes, hours, days, months, weekdays, parts[2] == "*", parts[4] == "*"
        )

    def day_matches(self, day: dt.date) -> bool:
        if day.month not in self.months:
            return False
        in_month = day.day in self.days
        in_week = (day.isoweekday() % 7) in self.weekdays
        if self.any_day or self.any_weekday:
            return in_month and in_week
        return in_month or in_week

    def next_after(self, moment: dt.datetime) -> dt.datetime:
        """The first matching minute strictly after ``moment`` (UTC)."""
        start = moment.astimezone(dt.UTC).replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
        for offset in range(MAX_DAYS):
            day = start.date() + dt.timedelta(days=offset)
            if not self.day_matches(day):
                continue
            for hour in sorted(self.hours):
                for minute in sorted(self.minutes):
                    candidate = dt.datetime(
                        day.year, day.month, day.day, hour, minute, tzinfo=dt.UTC
                    )
                    if candidate >= start:
                        return candidate
        raise CronError(f"cron {self.expression!r} never matches (e.g. February 30)")


def _field(text: str, lo: int, hi: int, name: str, expression: str) -> frozenset[int]:
    values: set[int] = set()
    for part in text.split(","):
        base, _, step_text = part.partition("/")
        try:
            step = int(step_text) if step_text else 1
            if base == "*":
                first, last = lo, hi
            elif "-" in base:
                first, last = (int(x) for x in base.split("-", 1))
            else:
                first = last = int(base)
        except ValueError:
            raise CronError(
                f"cron {expression!r}: {name} field {text!r} is not a number, range, step or list"
            ) from None
        if step < 1 or not lo <= first <= last <= hi:
            raise CronError(f"cron {expression!r}: {name} field {text!r} must lie in {lo}-{hi}")
        values.update(range(first, last + 1, step))
    return frozenset(values)


def next_job(schedules: dict[str, Cron], moment: dt.datetime) -> tuple[str, dt.datetime]:
    """The job that runs first after ``moment`` (ties: the first listed), and when."""
    upcoming = [
        (cron.next_after(moment), i, name) for i, (name, cron) in enumerate(schedules.items())
    ]
    when, _, name = min(upcoming)
    return name, when
