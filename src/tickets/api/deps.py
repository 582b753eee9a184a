"""Request dependencies as ``Annotated`` aliases: the services, and the caller's API key.

``Intake``/``Read`` check, in this order: a bearer key is present and known (else 401), it has
the scope (else 403), and it is under its rate limit (else 429 with ``Retry-After``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from tickets.api.auth import Principal
from tickets.api.ratelimit import retry_after_header
from tickets.api.schemas import Problem
from tickets.api.services import Services
from tickets.api.storage.repository import TicketRepository

bearer = HTTPBearer(auto_error=False, description="An API key: Authorization: Bearer tk_...")

ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    401: {"model": Problem, "description": "No API key, or a key the service does not know"},
    403: {"model": Problem, "description": "The key lacks the scope this endpoint needs"},
    413: {"model": Problem, "description": "The request body is over the size limit"},
    429: {"model": Problem, "description": "The key is over its rate limit; see Retry-After"},
}


def unprocessable(loc: list[str], message: str, kind: str = "value_error") -> HTTPException:
    """A 422 shaped like FastAPI's own: one entry per field, with its location."""
    return HTTPException(422, [{"loc": loc, "msg": message, "type": kind}])


def get_services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


def get_repository(request: Request) -> TicketRepository:
    return get_services(request).repository


ServicesDep = Annotated[Services, Depends(get_services)]
RepositoryDep = Annotated[TicketRepository, Depends(get_repository)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def require(scope: str) -> Callable[..., Principal]:
    def dependency(services: ServicesDep, credentials: Credentials) -> Principal:
        unauthorised = {"WWW-Authenticate": "Bearer"}
        if credentials is None:
            raise HTTPException(
                401, "missing API key: send 'Authorization: Bearer <key>'", unauthorised
            )
        principal = services.verifier.verify(credentials.credentials)
        if principal is None:
            raise HTTPException(401, "API key not recognised (revoked or mistyped)", unauthorised)
        if not principal.allows(scope):
            raise HTTPException(
                403, f"this API key lacks the '{scope}' scope; ask an admin for a key with it"
            )
        wait = services.limiter.acquire(principal.key_id)
        if wait > 0:
            raise HTTPException(
                429,
                "rate limit exceeded for this API key; retry later",
                {"Retry-After": retry_after_header(wait)},
            )
        return principal

    dependency.__name__ = f"require_{scope}"
    return dependency


IntakeKey = Annotated[Principal, Depends(require("intake"))]
ReadKey = Annotated[Principal, Depends(require("read"))]
