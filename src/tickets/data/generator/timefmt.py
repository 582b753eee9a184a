"""Fast fixed-width strings (timestamps, ids) for millions of rows, built as bytes in numpy.

Arrow's strftime and time-zone casts cost about 2 µs per value; the exports need tens of
millions of them. Day-first and ISO-with-offset timestamps and zero-padded ids have a fixed
width, so each row's bytes are gathered from small lookup tables (one row per calendar day,
per second of the day, per two digits) into an (n, width) byte matrix, which becomes an Arrow
string array in one step.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np
import pyarrow as pa

from tickets.utils.timeutil import zone

DAY = 86_400
_PAIRS = np.array([[48 + v // 10, 48 + v % 10] for v in range(100)], dtype=np.uint8)


def civil_from_days(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(year, month, day) of days since 1970-01-01, vectorised (after Howard Hinnant)."""
    z = days.astype(np.int64) + 719_468
    era = np.floor_divide(z, 146_097)
    doe = z - era * 146_097
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    return year, month, day


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    """(n, width) ASCII digits of non-negative ``values``, zero-padded."""
    pairs = [_PAIRS[(values // 100**k) % 100] for k in range((width + 1) // 2)][::-1]
    return np.concatenate(pairs, axis=1)[:, -width:]


@lru_cache(maxsize=1)
def _clock_table() -> np.ndarray:
    """(86400, 8) bytes of ``HH:MM:SS`` for every second of a day."""
    sod = np.arange(DAY)
    colon = np.full((DAY, 1), ord(":"), dtype=np.uint8)
    parts = [_digits(sod // 3600, 2), colon, _digits(sod // 60 % 60, 2), colon]
    return np.concatenate([*parts, _digits(sod % 60, 2)], axis=1)


def _date_table(first: int, count: int, day_first: bool) -> np.ndarray:
    """(count, 10) bytes of ``dd/mm/YYYY`` or ``YYYY-mm-dd`` from epoch day ``first``."""
    year, month, day = civil_from_days(np.arange(first, first + count))
    if day_first:
        sep = np.full((count, 1), ord("/"), dtype=np.uint8)
        parts = [_digits(day, 2), sep, _digits(month, 2), sep, _digits(year, 4)]
    else:
        sep = np.full((count, 1), ord("-"), dtype=np.uint8)
        parts = [_digits(year, 4), sep, _digits(month, 2), sep, _digits(day, 2)]
    return np.concatenate(parts, axis=1)


def byte_strings(matrix: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    """An Arrow string array whose row i is the bytes of ``matrix[i]``."""
    n, width = matrix.shape
    offsets = pa.py_buffer(np.arange(0, (n + 1) * width, width, dtype=np.int32).tobytes())
    data = pa.py_buffer(np.ascontiguousarray(matrix).tobytes())
    if missing is None or not missing.any():
        return pa.Array.from_buffers(pa.string(), n, [None, offsets, data])
    validity = pa.py_buffer(np.packbits(~missing, bitorder="little").tobytes())
    return pa.Array.from_buffers(pa.string(), n, [validity, offsets, data], int(missing.sum()))


def _stamp(local: np.ndarray, day_first: bool, sep: str) -> np.ndarray:
    days = np.floor_divide(local, DAY)
    first = int(days.min()) if days.size else 0
    count = int(days.max()) - first + 1 if days.size else 1
    out = np.empty((local.size, 19), dtype=np.uint8)
    out[:, :10] = _date_table(first, count, day_first)[days - first]
    out[:, 10] = ord(sep)
    out[:, 11:] = _clock_table()[local - days * DAY]
    return out


def day_first(seconds: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    """``dd/mm/YYYY HH:MM:SS`` (UTC) for epoch seconds; ``missing`` rows become null."""
    if missing is not None:
        seconds = np.where(missing, seconds[~missing].min() if (~missing).any() else 0, seconds)
    return byte_strings(_stamp(seconds, True, " "), missing)


def padded_ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """``PREFIX0000042``-style ids for non-negative ``numbers``."""
    head = np.frombuffer(prefix.encode(), dtype=np.uint8)
    out = np.empty((numbers.size, head.size + width), dtype=np.uint8)
    out[:, : head.size] = head
    out[:, head.size :] = _digits(numbers, width)
    return byte_strings(out)


class LocalClock:
    """UTC offsets of one timezone per UTC hour, for ISO strings with the local offset."""

    def __init__(self, timezone: str, first: dt.date, last: dt.date) -> None:
        tz = zone(timezone)
        start = dt.datetime.combine(first, dt.time.min, tzinfo=dt.UTC)
        hours = (last - first).days * 24 + 24
        self.base = int(start.timestamp())
        moments = (start + dt.timedelta(hours=h) for h in range(hours))
        offsets = [int(m.astimezone(tz).utcoffset().total_seconds()) for m in moments]  # type: ignore[union-attr]
        self.offsets = np.asarray(offsets, dtype=np.int64)
        self.kinds, self.kind_of_hour = np.unique(self.offsets, return_inverse=True)
        minutes = np.abs(self.kinds) // 60
        signs = np.where(self.kinds < 0, ord("-"), ord("+")).astype(np.uint8)[:, None]
        self.suffixes = np.concatenate(
            [signs, _digits(minutes // 60, 2), _digits(minutes % 60, 2)], axis=1
        )

    def iso(self, seconds: np.ndarray) -> pa.Array:
        """``YYYY-mm-ddTHH:MM:SS+hhmm`` local time with its offset."""
        hour = np.clip((seconds - self.base) // 3600, 0, self.offsets.size - 1)
        out = np.empty((seconds.size, 24), dtype=np.uint8)
        out[:, :19] = _stamp(seconds + self.offsets[hour], False, "T")
        out[:, 19:] = self.suffixes[self.kind_of_hour[hour]]
        return byte_strings(out)
