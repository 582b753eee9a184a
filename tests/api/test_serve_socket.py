"""The listening socket ``serve --workers N`` hands to uvicorn's worker processes must report
TCP, or asyncio leaves Nagle's algorithm on and every keep-alive response waits ~40 ms for the
client's delayed ACK (uvicorn issue 3149; measured here: GET p50 47 ms instead of 5 ms)."""

from __future__ import annotations

import asyncio
import socket

import uvicorn

from tickets.tasks.serve import _tcp_socket


async def _accepted_nodelay(listener: socket.socket) -> int:
    """TCP_NODELAY of a connection accepted by an asyncio server on ``listener``."""
    loop = asyncio.get_running_loop()
    seen: asyncio.Future[int] = loop.create_future()

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            sock = transport.get_extra_info("socket")
            seen.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    server = await loop.create_server(Probe, sock=listener)
    host, port = listener.getsockname()[:2]
    _, writer = await asyncio.open_connection(host, port)
    try:
        return await asyncio.wait_for(seen, 5)
    finally:
        writer.close()
        server.close()
        await server.wait_closed()


def test_accepted_connections_get_tcp_nodelay() -> None:
    config = uvicorn.Config("tickets.api.app:app_from_environment", host="127.0.0.1", port=0)
    bare = config.bind_socket()  # what uvicorn itself hands its workers
    if bare.proto != socket.IPPROTO_TCP:  # a uvicorn with the bug: Nagle stays on
        assert asyncio.run(_accepted_nodelay(bare)) == 0
    bare.close()

    listener = _tcp_socket(config)
    assert listener.proto == socket.IPPROTO_TCP
    assert asyncio.run(_accepted_nodelay(listener)) != 0
