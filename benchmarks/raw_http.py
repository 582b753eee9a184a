"""A minimal HTTP/1.1 keep-alive client on asyncio streams, for the load benchmarks.

httpx costs about 12 ms of CPU per request here, which on a 2-core machine takes a large share
of the cores the server under test needs. This client writes the request bytes itself and
reads a ``Content-Length`` response (all the API sends): about 0.3 ms per request. It is for
measurement only: one host, no TLS, no redirects, no chunked bodies.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


class HttpError(Exception):
    """No usable answer: connection refused or reset, timeout, or an unparsable response."""


@dataclass(frozen=True)
class Response:
    status_code: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class RawClient:
    def __init__(self, base_url: str, headers: dict[str, str], timeout: float) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.timeout = timeout
        self._fixed = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self._idle: deque[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = deque()

    async def __aenter__(self) -> RawClient:
        return self

    async def __aexit__(self, *_: object) -> None:
        while self._idle:
            self._idle.pop()[1].close()

    async def post(self, path: str, json_body: Any, headers: dict[str, str]) -> Response:
        return await self.request("POST", path, json.dumps(json_body).encode(), headers)

    async def get(self, path: str) -> Response:
        return await self.request("GET", path, b"", {})

    async def request(
        self, method: str, path: str, body: bytes, headers: dict[str, str]
    ) -> Response:
        try:
            return await asyncio.wait_for(self._exchange(method, path, body, headers), self.timeout)
        except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as err:
            raise HttpError(f"{method} {path}: {type(err).__name__}") from err

    async def _exchange(
        self, method: str, path: str, body: bytes, headers: dict[str, str]
    ) -> Response:
        while self._idle:  # a pooled connection the server closed (keep-alive timeout): next
            reader, writer = self._idle.pop()
            try:
                return await self._send(reader, writer, method, path, body, headers)
            except (ConnectionError, asyncio.IncompleteReadError):
                continue
        return await self._send(*await self._connect(), method, path, body, headers)

    async def _send(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        method: str,
        path: str,
        body: bytes,
        headers: dict[str, str],
    ) -> Response:
        try:
            extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
            content = f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n{self._fixed}{extra}"
            writer.write((head + (content if body else "") + "\r\n").encode() + body)
            status_line = await reader.readuntil(b"\r\n")
            length, keep_alive = 0, True
            while (line := await reader.readuntil(b"\r\n")) != b"\r\n":
                name, _, value = line.decode("latin-1").partition(":")
                name = name.strip().lower()
                if name == "content-length":
                    length = int(value)
                elif name == "connection" and value.strip().lower() == "close":
                    keep_alive = False
                elif name == "transfer-encoding":
                    raise ValueError("chunked responses are not supported")
            payload = await reader.readexactly(length)
        except BaseException:
            writer.close()
            raise
        if keep_alive:
            self._idle.append((reader, writer))
        else:
            writer.close()
        return Response(int(status_line.split(b" ", 2)[1]), payload)

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection(self.host, self.port, limit=1 << 20)
