"""Per-key rate limit: a token bucket per API key, in the memory of each process.

A key may send ``burst`` requests at once and ``rate`` per second sustained; beyond that the
service answers 429 with ``Retry-After``. With ``--workers N`` every process keeps its own
buckets, so the effective limit is up to N times the setting (documented in docs/api.md).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable


class RateLimiter:
    def __init__(
        self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._buckets: dict[int, tuple[float, float]] = {}  # key id → (tokens, last refill)
        self._lock = threading.Lock()

    def acquire(self, key_id: int) -> float:
        """Take one token; returns 0 when allowed, else the seconds to wait before retrying."""
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(key_id, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[key_id] = (tokens - 1, now)
                return 0.0
            self._buckets[key_id] = (tokens, now)
            return (1 - tokens) / self.rate


def retry_after_header(wait_seconds: float) -> str:
    return str(max(1, math.ceil(wait_seconds)))
