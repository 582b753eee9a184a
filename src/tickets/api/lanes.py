"""A two-lane job queue for the enrichment worker: live intake first, retries after.

Retries of pending tickets must never delay a ticket whose sender is waiting for the answer:
the worker takes live jobs whenever there are any, and retries only in small chunks, so a
live ticket waits at most for one small retry chunk.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Generic, TypeVar

Job = TypeVar("Job")


class Lanes(Generic[Job]):
    def __init__(self) -> None:
        self._live: deque[Job] = deque()
        self._retry: deque[Job] = deque()
        self._ready = threading.Condition()
        self._closed = False

    def put(self, job: Job, live: bool = True) -> None:
        with self._ready:
            (self._live if live else self._retry).append(job)
            self._ready.notify()

    def take(self, live_batch: int, retry_batch: int, timeout: float = 0.5) -> list[Job]:
        """Up to ``live_batch`` live jobs, else up to ``retry_batch`` retries; [] on timeout."""
        with self._ready:
            if not self._live and not self._retry and not self._closed:
                self._ready.wait(timeout)
            source, limit = (self._live, live_batch) if self._live else (self._retry, retry_batch)
            return [source.popleft() for _ in range(min(limit, len(source)))]

    @property
    def live_waiting(self) -> int:
        return len(self._live)

    @property
    def idle(self) -> bool:
        return not self._live and not self._retry

    def close(self) -> None:
        with self._ready:
            self._closed = True
            self._ready.notify_all()
