"""Manners toward each host: how many requests it gets at once, and a pause after it asks for one.

Kept apart from the HTTP mechanics in fetch.py: this is the crawler's policy toward one outlet,
the part an operator tunes (per_host_concurrency) and the part a 429 changes.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from daemon.errors import FetchError

THROTTLE_DEFAULT_S = 60.0   # how long a host that said 429 without Retry-After is left alone


class _HostSlot:
    __slots__ = ("semaphore", "users")

    def __init__(self, limit: int) -> None:
        self.semaphore = asyncio.Semaphore(limit)
        self.users = 0


class HostLimits:
    """Per-host concurrency slots (dropped when a host has no request in flight, so a crawler of
    thousands of hosts keeps only the busy ones) and the hosts cooling down after a "slow down"."""

    def __init__(self, per_host: int) -> None:
        self._per_host = max(1, per_host)
        self._slots: dict[str, _HostSlot] = {}
        self._cooling: dict[str, float] = {}   # host -> monotonic time before which it is not asked again

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Wait for one of the host's slots and hold it for the request."""
        slot = self._slots.get(host)
        if slot is None:
            slot = self._slots[host] = _HostSlot(self._per_host)
        slot.users += 1
        try:
            async with slot.semaphore:
                yield
        finally:
            slot.users -= 1
            if slot.users == 0:
                del self._slots[host]

    def check_cooling(self, url: str, host: str) -> None:
        """Raise "host throttled", with the time left, while the host's pause lasts."""
        until = self._cooling.get(host)
        if until is None:
            return
        left = until - time.monotonic()
        if left <= 0:
            del self._cooling[host]
            return
        raise FetchError(url, "host throttled", retry_after=left)

    def note_throttle(self, host: str, exc: FetchError) -> None:
        """Remember a host's "slow down" (429, with or without Retry-After; 503 with it)."""
        if exc.status == 429 or exc.status == 503 and exc.retry_after is not None:
            wait = exc.retry_after if exc.retry_after is not None else THROTTLE_DEFAULT_S
            if wait > 0:
                self._cooling[host] = max(self._cooling.get(host, 0.0), time.monotonic() + wait)
