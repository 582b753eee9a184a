"""``/healthz`` (the process answers), ``/readyz`` (models, index and database ready) and
``/metrics`` (Prometheus). None of them needs a key; bind the service to a private address."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST

from tickets.api.deps import ServicesDep
from tickets.api.schemas import HealthPublic

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness: the process is up")
def healthz() -> HealthPublic:
    return HealthPublic(status="ok")


@router.get(
    "/readyz",
    summary="Readiness: models and index loaded, database reachable",
    responses={503: {"model": HealthPublic, "description": "Not ready yet (or broken)"}},
)
def readyz(services: ServicesDep) -> Response:
    state = services.loader.state
    database = "ok" if services.database_ok() else "unreachable"
    models = state.status if not state.detail else f"{state.status}: {state.detail}"
    ready = database == "ok" and state.status in ("ready", "disabled")
    body = HealthPublic(
        status="ready" if ready else "not ready", checks={"database": database, "models": models}
    )
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
def metrics(services: ServicesDep) -> Response:
    return Response(services.metrics.render(), media_type=CONTENT_TYPE_LATEST)
