"""ASGI middleware: body-size limit (413), latency metrics, security headers, and a last-resort
handler that turns any unexpected error into a plain 500 without a stack trace.

Written as plain ASGI (not ``BaseHTTPMiddleware``) to stay off the hot path's event-loop cost.
"""

from __future__ import annotations

import json
import logging
import time
import traceback
import uuid
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tickets.api.metrics import ServiceMetrics

log = logging.getLogger(__name__)

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


def too_large(limit: int) -> HTTPException:
    return HTTPException(413, f"request body is larger than the limit of {limit} bytes")


def where(err: BaseException) -> str:
    """The innermost frame of an error as ``file:line`` (no stack trace, no values)."""
    frames = traceback.extract_tb(err.__traceback__)
    if not frames:
        return "?"
    last = frames[-1]
    return f"{last.filename.rsplit('/', 1)[-1]}:{last.lineno}"


class ServiceMiddleware:
    def __init__(self, app: ASGIApp, metrics: ServiceMetrics, max_body_bytes: int) -> None:
        self.app = app
        self.metrics = metrics
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        state: dict[str, Any] = {"status": 500, "started": False}
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body_bytes:
            await _send_json(send, 413, too_large(self.max_body_bytes).detail, state)
        else:
            await self._call(scope, self._limited(receive), self._tracking(send, state), state)
        route = scope.get("route")
        template = getattr(route, "path", None) or "unmatched"
        self.metrics.latency.labels(scope["method"], template, str(state["status"])).observe(
            time.perf_counter() - start
        )

    async def _call(self, scope: Scope, receive: Receive, send: Send, state: dict) -> None:  # type: ignore[type-arg]
        try:
            await self.app(scope, receive, send)
        except Exception as err:  # last resort: no stack trace leaves the process
            reference = uuid.uuid4().hex[:12]
            log.error(
                "unhandled %s at %s (reference %s) on %s %s",
                type(err).__qualname__,
                where(err),
                reference,
                scope["method"],
                scope["path"],
            )
            if not state["started"]:
                detail = f"internal error; quote reference {reference} to the operator"
                await _send_json(send, 500, detail, state)

    def _limited(self, receive: Receive) -> Receive:
        received = 0
        limit = self.max_body_bytes

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise too_large(limit)
            return message

        return limited_receive

    @staticmethod
    def _tracking(send: Send, state: dict) -> Send:  # type: ignore[type-arg]
        async def tracking_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["status"], state["started"] = message["status"], True
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers += [h for h in SECURITY_HEADERS if h[0] not in names]
                message = {**message, "headers": headers}
            await send(message)

        return tracking_send


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _send_json(send: Send, status: int, detail: str, state: dict) -> None:  # type: ignore[type-arg]
    body = json.dumps({"detail": detail}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *SECURITY_HEADERS,
    ]
    if status == 413:
        headers.append((b"connection", b"close"))
    state["status"], state["started"] = status, True
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
