"""Business calendars as sorted UTC open intervals, with vectorised clock conversions.

A calendar (timezone, working days, local opening hours, holidays) becomes one open interval per
working day, in UTC epoch seconds, plus the business seconds accumulated before each interval.
Then "business seconds since the epoch" ``B(t)`` and its inverse are two ``searchsorted`` calls,
so durations can be drawn in business time and turned into wall-clock instants for millions of
tickets at once. DST is handled by zoneinfo when the intervals are built.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from tickets.utils.timeutil import zone


@dataclass(frozen=True)
class CalendarSpec:
    timezone: str
    working_days: tuple[int, ...]  # ISO weekdays, Monday = 1
    work_start: str  # "HH:MM" local
    work_end: str
    holidays: tuple[dt.date, ...] = ()


def _clock(text: str) -> dt.time:
    hours, minutes = (int(part) for part in text.split(":"))
    return dt.time(hours, minutes)


@dataclass(frozen=True)
class BusinessCalendar:
    spec: CalendarSpec
    starts: np.ndarray  # int64 UTC epoch seconds, sorted
    ends: np.ndarray
    cumulative: np.ndarray  # business seconds before each interval

    @classmethod
    def build(cls, spec: CalendarSpec, first: dt.date, last: dt.date) -> BusinessCalendar:
        """Open intervals of every working day from ``first`` to ``last`` (local dates)."""
        tz = zone(spec.timezone)
        opens, closes = _clock(spec.work_start), _clock(spec.work_end)
        holidays = set(spec.holidays)
        starts, ends = [], []
        day = first
        while day <= last:
            if day.isoweekday() in spec.working_days and day not in holidays:
                lo = dt.datetime.combine(day, opens, tzinfo=tz).timestamp()
                hi = dt.datetime.combine(day, closes, tzinfo=tz).timestamp()
                if hi > lo:
                    starts.append(int(lo))
                    ends.append(int(hi))
            day += dt.timedelta(days=1)
        if not starts:
            raise ValueError(f"calendar {spec} has no working time between {first} and {last}")
        s, e = np.asarray(starts, np.int64), np.asarray(ends, np.int64)
        cumulative = np.concatenate([[0], np.cumsum(e - s)[:-1]]).astype(np.int64)
        return cls(spec, s, e, cumulative)

    @property
    def total(self) -> int:
        return int(self.cumulative[-1] + self.ends[-1] - self.starts[-1])

    def business_seconds(self, t: np.ndarray) -> np.ndarray:
        """B(t): business seconds between the calendar's first opening and instants ``t``."""
        index = np.searchsorted(self.starts, t, side="right") - 1
        safe = np.maximum(index, 0)
        inside = np.minimum(t - self.starts[safe], self.ends[safe] - self.starts[safe])
        return np.where(index < 0, 0, self.cumulative[safe] + inside)

    def is_open(self, t: np.ndarray) -> np.ndarray:
        """Whether each instant falls inside working time."""
        index = np.searchsorted(self.starts, t, side="right") - 1
        return (index >= 0) & (t < self.ends[np.maximum(index, 0)])

    def instant(self, b: np.ndarray) -> np.ndarray:
        """The inverse of ``business_seconds``: the instant at which B reaches ``b``."""
        b = np.clip(b, 0, self.total)
        index = np.searchsorted(self.cumulative, b, side="right") - 1
        return self.starts[index] + (b - self.cumulative[index])

    def add(self, t: np.ndarray, business: np.ndarray) -> np.ndarray:
        """The instant ``business`` seconds of working time after ``t`` (waits for opening)."""
        return self.instant(self.business_seconds(t) + business)

    def between(self, t0: np.ndarray, t1: np.ndarray) -> np.ndarray:
        """Business seconds elapsed from ``t0`` to ``t1``."""
        return self.business_seconds(t1) - self.business_seconds(t0)


SHIFT = 1 << 36  # > any epoch second or business-second total the generator uses


@dataclass(frozen=True)
class CalendarSet:
    """Several calendars on one shifted timeline, so rows on different calendars need one
    ``searchsorted`` instead of a loop: calendar k's instants and business seconds are moved
    by k × SHIFT. Business seconds are only comparable between rows on the same calendar.
    """

    calendars: tuple[BusinessCalendar, ...]
    starts: np.ndarray
    ends: np.ndarray
    cumulative: np.ndarray
    first: np.ndarray  # per calendar: first opening
    last: np.ndarray  # per calendar: last closing
    totals: np.ndarray  # per calendar: business seconds in all intervals

    @classmethod
    def of(cls, calendars: tuple[BusinessCalendar, ...]) -> CalendarSet:
        shift = [k * SHIFT for k in range(len(calendars))]
        return cls(
            calendars,
            np.concatenate([c.starts + s for c, s in zip(calendars, shift, strict=True)]),
            np.concatenate([c.ends + s for c, s in zip(calendars, shift, strict=True)]),
            np.concatenate([c.cumulative + s for c, s in zip(calendars, shift, strict=True)]),
            np.array([c.starts[0] for c in calendars], dtype=np.int64),
            np.array([c.ends[-1] for c in calendars], dtype=np.int64),
            np.array([c.total for c in calendars], dtype=np.int64),
        )

    def __len__(self) -> int:
        return len(self.calendars)

    def __getitem__(self, k: int) -> BusinessCalendar:
        return self.calendars[k]

    def _shifted(self, t: np.ndarray, which: np.ndarray) -> np.ndarray:
        return np.clip(t, self.first[which], self.last[which]) + which.astype(np.int64) * SHIFT

    def business_seconds(self, t: np.ndarray, which: np.ndarray) -> np.ndarray:
        shifted = self._shifted(t, which)
        index = np.searchsorted(self.starts, shifted, side="right") - 1
        inside = np.minimum(shifted - self.starts[index], self.ends[index] - self.starts[index])
        return self.cumulative[index] + inside

    def instant(self, b: np.ndarray, which: np.ndarray) -> np.ndarray:
        offset = which.astype(np.int64) * SHIFT
        b = np.clip(b, offset, offset + self.totals[which])
        index = np.searchsorted(self.cumulative, b, side="right") - 1
        return self.starts[index] - offset + (b - self.cumulative[index])

    def add(self, t: np.ndarray, business: np.ndarray, which: np.ndarray) -> np.ndarray:
        """The instant ``business`` working seconds after ``t`` on each row's calendar."""
        return self.instant(self.business_seconds(t, which) + business, which)

    def is_open(self, t: np.ndarray, which: np.ndarray) -> np.ndarray:
        shifted = t + which.astype(np.int64) * SHIFT
        index = np.searchsorted(self.starts, shifted, side="right") - 1
        return (shifted >= self.starts[index]) & (shifted < self.ends[index])
