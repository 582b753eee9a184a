"""Everything a request handler needs, built once per process by the app factory.

:class:`Services` owns the database engine, the repository, the key verifier, the rate
limiter, the metrics and the enrichment worker. :class:`ModelLoader` loads the enricher in a
background thread so the service answers ``/healthz`` at once and ``/readyz`` turns ready
when the models and the index are in memory.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from tickets.api.auth import KeyVerifier
from tickets.api.enrichment import Enricher
from tickets.api.metrics import ServiceMetrics
from tickets.api.ratelimit import RateLimiter
from tickets.api.settings import ApiSettings
from tickets.api.storage.db import (
    create_db_engine,
    recomputable_session_factory,
    session_factory,
    write_session_factory,
)
from tickets.api.storage.migrate import upgrade
from tickets.api.storage.repository import TicketRepository
from tickets.api.worker import EnrichmentWorker, WorkerSettings, error_label

log = logging.getLogger(__name__)

EnricherFactory = Callable[[ApiSettings], Enricher]


@dataclass
class ModelState:
    status: str = "loading"  # loading | ready | failed | disabled
    detail: str = ""
    started: float = field(default_factory=time.monotonic)
    seconds: float | None = None


class ModelLoader:
    def __init__(self, factory: EnricherFactory | None, worker: EnrichmentWorker) -> None:
        self.factory = factory
        self.worker = worker
        self.state = ModelState(status="loading" if factory else "disabled")

    def start(self, settings: ApiSettings) -> None:
        if self.factory is None:
            return
        threading.Thread(
            target=self._load, args=(settings,), name="model-loader", daemon=True
        ).start()

    def _load(self, settings: ApiSettings) -> None:
        assert self.factory is not None
        try:
            enricher = self.factory(settings)
        except Exception as err:
            self.state.status, self.state.detail = "failed", error_label(err)
            log.error(
                "could not load the models (%s: %s); tickets are stored as pending",
                error_label(err),
                _first_line(err),
            )
            return
        self.worker.set_enricher(enricher)
        self.state.seconds = round(time.monotonic() - self.state.started, 2)
        self.state.status, self.state.detail = "ready", enricher.version
        log.info("models ready in %.1fs: %s", self.state.seconds, enricher.version)


def _first_line(err: BaseException) -> str:
    """Our own errors say what to do in their first line; keep only that."""
    return str(err).splitlines()[0][:300] if str(err) else ""


@dataclass
class Services:
    settings: ApiSettings
    engine: Engine
    sessions: sessionmaker[Session]
    repository: TicketRepository
    verifier: KeyVerifier
    limiter: RateLimiter
    metrics: ServiceMetrics
    worker: EnrichmentWorker
    loader: ModelLoader

    @classmethod
    def build(
        cls, settings: ApiSettings, factory: EnricherFactory | None, metrics: ServiceMetrics
    ) -> Services:
        engine = create_db_engine(
            settings.resolved_database_url,
            settings.database_schema,
            settings.sqlite_synchronous,
            settings.pool_size,
        )
        upgrade(engine)
        sessions = session_factory(engine)
        repository = TicketRepository(
            sessions, write_session_factory(engine), recomputable_session_factory(engine)
        )
        worker = EnrichmentWorker(repository, metrics, worker_settings(settings))
        pepper = settings.api_key_pepper.get_secret_value()
        return cls(
            settings=settings,
            engine=engine,
            sessions=sessions,
            repository=repository,
            verifier=KeyVerifier(sessions, pepper, settings.key_cache_seconds),
            limiter=RateLimiter(settings.rate_limit_per_second, settings.rate_limit_burst),
            metrics=metrics,
            worker=worker,
            loader=ModelLoader(factory if settings.load_models else None, worker),
        )

    def start(self) -> None:
        self.worker.start()
        self.loader.start(self.settings)

    def stop(self) -> None:
        self.worker.stop()
        self.engine.dispose()

    def database_ok(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as err:
            log.warning("database check failed: %s", error_label(err))
            return False
        return True


def worker_settings(settings: ApiSettings) -> WorkerSettings:
    return WorkerSettings(
        timeout_s=settings.enrichment_timeout_s,
        batch=settings.enrichment_batch,
        retry_interval_s=settings.retry_interval_s,
        retry_batch=settings.retry_batch,
        retry_lease_s=settings.retry_lease_s,
        retry_max_attempts=settings.retry_max_attempts,
        retry_min_age_s=settings.retry_min_age_s,
        max_queue=settings.enrichment_max_queue,
        budget_s=settings.enrichment_budget_s,
    )
