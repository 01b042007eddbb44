"""The guarded transport: a connection is checked where it landed, before a request is sent on it."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from daemon.newsroom import Newsroom
from daemon.peer_guard import PeerBlocked, guarded_transport


def get(url: str, is_blocked) -> httpx.Response:
    async def go() -> httpx.Response:
        async with httpx.AsyncClient(transport=guarded_transport(httpx.Limits(), is_blocked)) as client:
            return await client.get(url)
    return asyncio.run(go())


def test_a_permitted_peer_is_fetched_through_the_guarded_pool(newsroom: Newsroom) -> None:
    url = newsroom.add("/feed.xml", b"<rss>ok</rss>")
    assert get(url, lambda address: False).content == b"<rss>ok</rss>"


def test_a_blocked_peer_is_dropped_before_the_request_is_sent(newsroom: Newsroom) -> None:
    url = newsroom.add("/feed.xml", b"<rss>ok</rss>")
    with pytest.raises(httpx.ConnectError) as raised:
        get(url, lambda address: address == "127.0.0.1")
    assert isinstance(raised.value.__cause__, PeerBlocked) and newsroom.count("/feed.xml") == 0
