"""Fixed-width timestamp and id strings built from bytes."""

from __future__ import annotations

import datetime as dt

import numpy as np

from tickets.data.generator.timefmt import LocalClock, day_first, padded_ids

LEAP_DAY = int(dt.datetime(2024, 2, 29, 23, 5, 9, tzinfo=dt.UTC).timestamp())


def test_day_first_with_nulls():
    values = day_first(np.array([0, LEAP_DAY, 5]), np.array([False, False, True]))
    assert values.to_pylist() == ["01/01/1970 00:00:00", "29/02/2024 23:05:09", None]


def test_local_iso_uses_the_offset_of_the_instant():
    clock = LocalClock("America/New_York", dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    summer = int(dt.datetime(2024, 7, 1, 12, tzinfo=dt.UTC).timestamp())
    assert clock.iso(np.array([LEAP_DAY, summer])).to_pylist() == [
        "2024-02-29T18:05:09-0500",
        "2024-07-01T08:00:00-0400",
    ]


def test_padded_ids():
    assert padded_ids("TCK-", np.array([1, 12345678]), 8).to_pylist() == [
        "TCK-00000001",
        "TCK-12345678",
    ]
