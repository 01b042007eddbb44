"""A transport that drops a connection to a non-public address before any request is sent on it.

The fetcher checks what a host resolves to before each request, but the connection resolves the
name again: a name that answers a public address to the check and a private one to the connection
(DNS rebinding) would reach the private host. This backend checks the address the socket actually
connected to, right after connecting and before the TLS handshake or a byte of the request.

httpx has no public way to pass a network backend to its transport, so the transport's connection
pool is replaced by one built with httpcore's public API; tests/test_fetch.py fails if httpx stops
using it (a rebinding request would then reach the loopback newsroom).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import httpcore
import httpx

BLOCKED = "blocked private address"


class PeerBlocked(httpcore.ConnectError):
    """The connection reached an address the fetcher may not talk to."""

    def __init__(self, address: str) -> None:
        super().__init__(f"{BLOCKED} {address}")
        self.address = address


class _PublicPeersOnly(httpcore.AsyncNetworkBackend):
    def __init__(self, is_blocked: Callable[[str], bool]) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._is_blocked = is_blocked

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        stream = await self._inner.connect_tcp(host, port, timeout=timeout, local_address=local_address,
                                               socket_options=socket_options)
        peer = stream.get_extra_info("server_addr")
        if peer and self._is_blocked(str(peer[0])):
            await stream.aclose()
            raise PeerBlocked(str(peer[0]))
        return stream

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are never fetched")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def guarded_transport(limits: httpx.Limits, is_blocked: Callable[[str], bool]) -> httpx.AsyncHTTPTransport:
    """An httpx transport whose every connection is checked by is_blocked(peer address)."""
    transport = httpx.AsyncHTTPTransport(limits=limits, trust_env=False)
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=_PublicPeersOnly(is_blocked),
    )
    return transport
