"""Everything a request handler needs, built once per process by the app factory.

:class:`Services` owns the database engine, the repository, the key verifier, the rate
limiter, the metrics and the enrichment worker. :class:`ModelLoader` loads the enricher in a
background thread so the service answers ``/healthz`` at once and ``/readyz`` turns ready
when the models and the index are in memory. It then watches the champion marker that
``retrain`` rewrites on a promotion or a rollback (``<outputs>/models/CHAMPION``, polled every
``api.champion_poll_s`` seconds, or at once on ``SIGHUP``): the new champion and index are
loaded in the background and swapped in when ready, so no request waits or is refused.
"""

from __future__ import annotations

import gc
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
from tickets.utils.champion import ChampionWatcher

log = logging.getLogger(__name__)

EnricherFactory = Callable[[ApiSettings], Enricher]


@dataclass
class ModelState:
    status: str = "loading"  # loading | ready | failed | disabled
    detail: str = ""
    started: float = field(default_factory=time.monotonic)
    seconds: float | None = None


class ModelLoader:
    def __init__(
        self, factory: EnricherFactory | None, worker: EnrichmentWorker, metrics: ServiceMetrics
    ) -> None:
        self.factory = factory
        self.worker = worker
        self.metrics = metrics
        self.state = ModelState(status="loading" if factory else "disabled")
        self._reload = threading.Event()  # set by SIGHUP (or a test) to reload at once
        self._stop = threading.Event()

    def start(self, settings: ApiSettings) -> None:
        if self.factory is None:
            return
        threading.Thread(
            target=self._run, args=(settings,), name="model-loader", daemon=True
        ).start()

    def stop(self) -> None:
        self._stop.set()
        self._reload.set()

    def request_reload(self) -> None:
        """Load the champion again now (the ``SIGHUP`` handler)."""
        self._reload.set()

    def _run(self, settings: ApiSettings) -> None:
        watcher = ChampionWatcher(settings.resolved_models_dir)
        watcher.changed()  # prime: the marker as it is now is what the first load sees
        self._load(settings)
        poll = settings.champion_poll_s or None  # 0: only SIGHUP reloads
        while not self._stop.is_set():
            signalled = self._reload.wait(poll)
            self._reload.clear()
            if self._stop.is_set():
                return
            if watcher.changed() or signalled:
                log.info("champion changed (%s): reloading the models", watcher.path)
                self._load(settings, reload=True)

    def _load(self, settings: ApiSettings, reload: bool = False) -> None:
        assert self.factory is not None
        started = time.monotonic() if reload else self.state.started
        try:
            enricher = self.factory(settings)
        except Exception as err:
            if reload:  # keep serving the models already loaded
                self.metrics.model_reloads.labels(outcome="failed").inc()
                log.error(
                    "could not reload the models (%s: %s); still serving %s",
                    error_label(err),
                    _first_line(err),
                    self.state.detail,
                )
                return
            self.state.status, self.state.detail = "failed", error_label(err)
            log.error(
                "could not load the models (%s: %s); tickets are stored as pending",
                error_label(err),
                _first_line(err),
            )
            return
        self.worker.set_enricher(enricher)  # one attribute swap: the next batch uses it
        # the models and the index are long-lived: keep their millions of objects out of the
        # garbage collector's full passes, which otherwise pause every request for tens of ms
        # (on a reload, the replaced models' objects are unfrozen first so they can be freed)
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self.state.seconds = round(time.monotonic() - started, 2)
        self.state.status, self.state.detail = "ready", enricher.version
        if reload:
            self.metrics.model_reloads.labels(outcome="reloaded").inc()
        log.info(
            "models %s in %.1fs: %s",
            "reloaded" if reload else "ready",
            self.state.seconds,
            enricher.version,
        )


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
            loader=ModelLoader(factory if settings.load_models else None, worker, metrics),
        )

    def start(self) -> None:
        self.worker.start()
        self.loader.start(self.settings)

    def stop(self) -> None:
        self.loader.stop()
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
        overload_timeout_s=settings.enrichment_overload_timeout_s,
    )
