"""Public holidays of a few countries, computed for any year (no lookup tables, no network).

Enough realism for business calendars: fixed dates, Easter-based days and nth-weekday rules.
Weekend substitution days are left out on purpose: the calendars only need plausible closures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

COUNTRIES = ("GB", "DE", "US", "IN", "SG")


def easter_sunday(year: int) -> dt.date:
    """Gregorian Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return dt.date(year, month, day + 1)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th ``weekday`` (Monday = 0) of a month; n = -1 means the last one."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = nxt - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def _gb(year: int) -> list[dt.date]:
    easter = easter_sunday(year)
    return [
        dt.date(year, 1, 1),
        easter - dt.timedelta(days=2),
        easter + dt.timedelta(days=1),
        nth_weekday(year, 5, 0, 1),
        nth_weekday(year, 5, 0, -1),
        nth_weekday(year, 8, 0, -1),
        dt.date(year, 12, 25),
        dt.date(year, 12, 26),
    ]


def _de(year: int) -> list[dt.date]:
    easter = easter_sunday(year)
    return [
        dt.date(year, 1, 1),
        easter - dt.timedelta(days=2),
        easter + dt.timedelta(days=1),
        dt.date(year, 5, 1),
        easter + dt.timedelta(days=39),
        easter + dt.timedelta(days=50),
        dt.date(year, 10, 3),
        dt.date(year, 12, 25),
        dt.date(year, 12, 26),
    ]


def _us(year: int) -> list[dt.date]:
    return [
        dt.date(year, 1, 1),
        nth_weekday(year, 1, 0, 3),
        nth_weekday(year, 5, 0, -1),
        dt.date(year, 7, 4),
        nth_weekday(year, 9, 0, 1),
        nth_weekday(year, 11, 3, 4),
        dt.date(year, 12, 25),
    ]


def _in(year: int) -> list[dt.date]:
    return [dt.date(year, 1, 26), dt.date(year, 8, 15), dt.date(year, 10, 2)]


def _sg(year: int) -> list[dt.date]:
    easter = easter_sunday(year)
    return [
        dt.date(year, 1, 1),
        easter - dt.timedelta(days=2),
        dt.date(year, 5, 1),
        dt.date(year, 8, 9),
        dt.date(year, 12, 25),
    ]


_RULES: dict[str, Callable[[int], list[dt.date]]] = {
    "GB": _gb,
    "DE": _de,
    "US": _us,
    "IN": _in,
    "SG": _sg,
}


def public_holidays(country: str, years: Iterable[int]) -> list[dt.date]:
    """Sorted public holidays of ``country`` in the given years."""
    if country not in _RULES:
        raise ValueError(f"no holiday rules for country {country!r}; known: {', '.join(COUNTRIES)}")
    return sorted({day for year in years for day in _RULES[country](year)})


def holidays_between(country: str, first: dt.date, last: dt.date) -> list[dt.date]:
    """Public holidays of ``country`` from ``first`` to ``last`` inclusive."""
    days = public_holidays(country, range(first.year, last.year + 1))
    return [d for d in days if first <= d <= last]
