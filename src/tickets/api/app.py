"""The app factory. ``create_app(settings)`` wires settings, database, auth, metrics, the
enrichment worker and the routers; the database is migrated and the models start loading when
the app starts (its lifespan).

``python main.py serve`` runs ``app_from_environment`` through uvicorn, which rebuilds the
settings in each worker process from ``TICKETS_SERVE_SETTINGS`` (JSON written by the serve task,
secrets excluded: those only ever come from the environment).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from tickets.api.enrichment import Enricher
from tickets.api.metrics import ServiceMetrics
from tickets.api.middleware import ServiceMiddleware
from tickets.api.routes import analytics, anomalies, console, health, tickets
from tickets.api.services import EnricherFactory, Services
from tickets.api.settings import ApiSettings

log = logging.getLogger(__name__)

SETTINGS_ENV = "TICKETS_SERVE_SETTINGS"
DESCRIPTION = """\
Ticket intake and solution delivery. Post a ticket, get back its category with a calibrated
confidence and recommendations: similar solved tickets, KB articles and a suggested resolution
that cites them. Every ticket is committed before the response; if the models are not ready
or fail, the ticket is still stored (`enrichment: "pending"`) and enriched later.

Authenticate with `Authorization: Bearer <key>`; create keys with
`python main.py serve --create-key NAME --scopes intake,read`.
"""


def real_enricher(settings: ApiSettings) -> Enricher:
    """The categoriser + retriever enricher (heavy imports stay inside)."""
    from tickets.api.model_enricher import load_model_enricher

    return load_model_enricher(settings)


def create_app(
    settings: ApiSettings | None = None, enricher_factory: EnricherFactory | None = real_enricher
) -> FastAPI:
    settings = settings or ApiSettings()
    metrics = ServiceMetrics()
    metrics.watch_lifecycle(settings.outputs / "lifecycle", settings.outputs / "models")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = Services.build(settings, enricher_factory, metrics)
        app.state.services = services
        services.start()
        _reload_on_sighup(services)
        try:
            yield
        finally:
            services.stop()

    app = FastAPI(
        title="Tickets API",
        version="1",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url=None,
    )
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    for module in (tickets, analytics, anomalies, health, console):
        app.include_router(module.router)
    app.mount("/console", StaticFiles(directory=console.CONSOLE_DIR), name="console")
    app.add_middleware(ServiceMiddleware, metrics=metrics, max_body_bytes=settings.max_body_bytes)
    return app


def _reload_on_sighup(services: Services) -> None:
    """``kill -HUP <pid>`` reloads the champion at once (the watcher also polls the marker)."""
    try:
        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, services.loader.request_reload)
    except (NotImplementedError, RuntimeError, ValueError, AttributeError):
        log.debug("SIGHUP reload unavailable here (not the main thread, or no SIGHUP)")


async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
    """422 with one entry per bad field (location, message, type); the input is not echoed."""
    errors = [
        {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type"))}
        for e in exc.errors()
    ]
    return JSONResponse({"detail": errors}, status_code=422)


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    """FastAPI answers 400 for a body it cannot decode (e.g. not UTF-8); that is invalid
    input, so it becomes a 422 like every other."""
    if exc.status_code == 400:
        errors = [
            {"loc": ["body"], "msg": "the body is not valid UTF-8 JSON", "type": "json_invalid"}
        ]
        return JSONResponse({"detail": errors}, status_code=422)
    return await http_exception_handler(request, exc)


def settings_to_environment(settings: ApiSettings) -> str:
    payload: dict[str, Any] = settings.model_dump(mode="json", exclude={"api_key_pepper"})
    return json.dumps(payload)


def app_from_environment() -> FastAPI:
    from tickets.utils.logging import setup_logging

    raw = os.environ.get(SETTINGS_ENV)
    settings = ApiSettings(**json.loads(raw)) if raw else ApiSettings()
    setup_logging(settings.log_level)
    return create_app(settings)
