"""Enrichment off the request path: one worker thread, micro-batches, a pending-ticket retrier.

Intake commits the ticket first, then hands it to :meth:`EnrichmentWorker.submit` and waits
at most ``enrichment_timeout_s`` for the result. The worker thread takes whatever is queued
(up to ``enrichment_batch`` tickets), runs the enricher once for all of them, and commits the
results in one transaction. One thread keeps the CPU-bound models from fighting over the two
cores, and batching lets a busy service categorise many tickets per model call.

If the enricher is not loaded, raises, or the request stops waiting, the ticket simply stays
``pending`` in the database. The retrier thread claims pending tickets (a lease in the row,
so several processes never enrich the same ticket twice at once) and feeds them to the same
queue, so every ticket is eventually enriched, including those queued when a process died.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass

from tickets.api.enrichment import Enricher, EnricherUnavailableError, Enrichment, TicketText
from tickets.api.lanes import Lanes
from tickets.api.metrics import ServiceMetrics
from tickets.api.storage.repository import TicketRepository

log = logging.getLogger(__name__)

BACKLOG_PAUSE_S = 0.05  # between retry batches while a backlog drains (live tickets go first)


@dataclass(frozen=True)
class WorkerSettings:
    timeout_s: float = 2.0
    batch: int = 16
    retry_interval_s: float = 5.0
    retry_batch: int = 50
    retry_lease_s: float = 120.0
    retry_max_attempts: int = 10
    retry_min_age_s: float = 10.0  # younger pending tickets are probably still queued
    max_queue: int = 128  # intake answers "pending" at once when this many wait (overload)
    budget_s: float = 0.15  # ... or when the predicted wait for enrichment exceeds this
    retry_chunk: int = 4  # retried tickets enriched together (small: live tickets wait less)
    overload_timeout_s: float = 0.15  # the wait for enrichment while intake is shedding load


@dataclass
class _Job:
    ticket: TicketText
    future: Future[Enrichment]


def error_label(err: BaseException) -> str:
    """What is stored and logged about a failure: the exception type, never its arguments
    (which could hold ticket text or connection strings)."""
    return f"{type(err).__module__}.{type(err).__qualname__}"


class EnricherBusyError(RuntimeError):
    """The enrichment queue is full; the ticket waits as pending."""


class EnrichmentWorker:
    def __init__(
        self, repository: TicketRepository, metrics: ServiceMetrics, settings: WorkerSettings
    ) -> None:
        self.repository = repository
        self.metrics = metrics
        self.settings = settings
        self.enricher: Enricher | None = None
        self.seconds_per_ticket = 0.0  # moving average of the enrichment time per ticket
        self._in_flight = 0  # tickets of the batch being enriched now
        self._last_shed = float("-inf")  # when intake last answered "pending: busy"
        self._lanes: Lanes[_Job] = Lanes()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> None:
        for target, name in ((self._run, "enrichment"), (self._retry_loop, "enrichment-retry")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._lanes.close()
        for thread in self._threads:
            thread.join(timeout)

    def set_enricher(self, enricher: Enricher) -> None:
        self.enricher = enricher
        self.metrics.set_model_version(enricher.version)

    # -- request path ---------------------------------------------------------------------
    def submit(
        self, ticket: TicketText, shed: bool = False, live: bool = True
    ) -> Future[Enrichment]:
        """Queue a ticket (``live``: a sender waits for it; else a retry, which goes last);
        with ``shed``, refuse at once when the worker is overloaded."""
        future: Future[Enrichment] = Future()
        if self.enricher is None:
            future.set_exception(EnricherUnavailableError("models are still loading"))
        elif shed and self._overloaded():
            self._last_shed = time.monotonic()
            future.set_exception(EnricherBusyError("enrichment queue full"))
        else:
            self._lanes.put(_Job(ticket, future), live)
        return future

    def _wait_limit(self) -> float:
        """How long a request waits for its enrichment: ``timeout_s`` normally; while intake is
        shedding load, only ``overload_timeout_s``, so an admitted ticket that a misjudged
        batch delays is answered pending at once instead of holding the tail latency."""
        s = self.settings
        return min(s.timeout_s, s.overload_timeout_s) if self._shed_within(1.0) else s.timeout_s

    def _shed_within(self, seconds: float) -> bool:
        """Intake answered a ticket "pending: busy" in the last ``seconds``."""
        return time.monotonic() - self._last_shed < seconds

    def _overloaded(self) -> bool:
        """Admission control: the queue is full, or the tickets ahead of this one would take
        longer than the latency budget at the recently measured speed."""
        waiting = self._lanes.live_waiting
        predicted = (self._in_flight + waiting + 1) * self.seconds_per_ticket
        return waiting >= self.settings.max_queue or predicted > self.settings.budget_s

    async def enrich_within(self, ticket: TicketText) -> Enrichment | None:
        """The stored enrichment, or None when it is not done within the timeout (the ticket
        stays pending for the retrier). Waiting does not hold a thread; a request that gives
        up cancels its job, so an overloaded worker never works for requests long gone."""
        future = self.submit(ticket, shed=True)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self._wait_limit())
        except TimeoutError:
            reason = "timeout"
        except EnricherUnavailableError:
            reason = "unavailable"
        except EnricherBusyError:
            reason = "busy"
        except Exception as err:
            reason = "error"
            log.warning("enrichment of %s failed (%s)", ticket.ticket_id, error_label(err))
        future.cancel()
        self.metrics.deferred.labels(reason).inc()
        return None

    # -- worker thread --------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            jobs = self._lanes.take(self.settings.batch, self.settings.retry_chunk)
            if jobs:
                self._process(jobs)

    def _process(self, jobs: list[_Job]) -> None:
        live = [j for j in jobs if j.future.set_running_or_notify_cancel()]
        if not live:  # every request gave up waiting: the retrier will take these tickets
            return
        self._in_flight = len(live)
        try:
            self._complete(live, split_on_failure=True)
        except Exception as err:  # never let the worker thread die
            log.error("enrichment worker error (%s)", error_label(err))
            for job in live:
                if not job.future.done():
                    job.future.set_exception(err)
        finally:
            self._in_flight = 0

    def _complete(self, jobs: list[_Job], split_on_failure: bool) -> None:
        started = time.perf_counter()
        try:
            results = self._enrich(jobs)
            per_ticket = (time.perf_counter() - started) / len(jobs)
            previous = self.seconds_per_ticket or per_ticket
            self.seconds_per_ticket = 0.8 * previous + 0.2 * per_ticket
        except Exception as err:  # the whole batch failed: try the tickets one by one
            if split_on_failure and len(jobs) > 1:
                for job in jobs:
                    self._complete([job], split_on_failure=False)
                return
            self._fail(jobs, err)
            return
        try:
            self.repository.complete(
                [(j.ticket.ticket_id, r) for j, r in zip(jobs, results, strict=True)]
            )
        except Exception as err:
            log.error("could not store enrichments (%s); tickets stay pending", error_label(err))
            for job in jobs:
                job.future.set_exception(err)
            return
        for job, result in zip(jobs, results, strict=True):
            self._observe(result)
            job.future.set_result(result)

    def _enrich(self, jobs: Sequence[_Job]) -> list[Enrichment]:
        enricher = self.enricher
        if enricher is None:
            raise EnricherUnavailableError("models are still loading")
        results = enricher.enrich([j.ticket for j in jobs])
        if len(results) != len(jobs):
            raise RuntimeError(f"enricher returned {len(results)} results for {len(jobs)} tickets")
        return results

    def _fail(self, jobs: Sequence[_Job], err: Exception) -> None:
        label = error_label(err)
        self.metrics.enrichment_failures.inc(len(jobs))
        log.warning("enrichment failed for %d ticket(s): %s", len(jobs), label)
        try:
            self.repository.record_failure([j.ticket.ticket_id for j in jobs], label)
        except Exception as store_err:
            log.error("could not record the failure (%s)", error_label(store_err))
        for job in jobs:
            job.future.set_exception(err)

    def _observe(self, result: Enrichment) -> None:
        prediction = result.prediction
        self.metrics.observe_enrichment(
            prediction.confidence, prediction.needs_review, result.recommendations.confident
        )

    # -- retrier thread -------------------------------------------------------------------
    def _retry_loop(self) -> None:
        """Every ``retry_interval_s``; at once again while full batches keep completing, so a
        backlog (after an overload or an outage) drains at the enricher's speed. While intake
        is shedding load the retrier waits: the cores belong to the live requests then."""
        delay = self.settings.retry_interval_s
        while not self._stop.wait(delay):
            if self._shed_within(self.settings.retry_interval_s):
                delay = self.settings.retry_interval_s
                continue
            try:
                done = self.retry_pending()
            except Exception as err:
                done = 0
                log.warning(
                    "pending-enrichment retry failed (%s); will try again", error_label(err)
                )
            backlog = done >= self.settings.retry_batch
            delay = BACKLOG_PAUSE_S if backlog else self.settings.retry_interval_s

    def retry_pending(self) -> int:
        """Enrich one batch of pending tickets; returns how many were completed."""
        s = self.settings
        if self.enricher is not None and self._lanes.idle:
            tickets = self.repository.claim_pending(
                s.retry_batch,
                dt.timedelta(seconds=s.retry_lease_s),
                dt.timedelta(seconds=s.retry_min_age_s),
                s.retry_max_attempts,
            )
            futures = [self.submit(t, live=False) for t in tickets]
            done = sum(1 for f in futures if _succeeded(f, s.retry_lease_s))
            if tickets:
                log.info("retried %d pending ticket(s): %d enriched", len(tickets), done)
        else:
            done = 0
        self.metrics.pending.set(self.repository.count_pending())
        return done


def _succeeded(future: Future[Enrichment], timeout: float) -> bool:
    try:
        future.result(timeout=timeout)
    except Exception:
        return False
    return True
