"""A host that says "slow down" to an article page (429, or 503 with Retry-After) is asked for no other
page until its wait is over; a feed's own 429 stays that feed's."""

from __future__ import annotations

import asyncio
import time

from daemon import runtime
from daemon.config_file import load_settings
from daemon.errors import FetchError
from daemon.fetch import Fetcher
from daemon.newsroom import Newsroom
from daemon.settings import HttpSettings
from tests.daemon_world import KENYA_PARAGRAPHS, NIGER_PARAGRAPHS, page, rss, write_config

FAST = HttpSettings(user_agent="newswatch-test (+mailto:tests@example.org)", connect_timeout=1.0,
                    read_timeout=1.0, total_timeout=3.0, max_bytes=256 * 1024, max_redirects=3,
                    allow_private_networks=True)


def outcomes(urls: list[str], pause: float = 0.0) -> list[str]:
    """What one Fetcher gets for each URL in turn: the status, or the failure's reason."""
    async def go() -> list[str]:
        seen = []
        async with Fetcher(FAST) as fetcher:
            for url in urls:
                try:
                    seen.append(str((await fetcher.get(url, host_throttle=True)).status))
                except FetchError as exc:
                    seen.append(exc.reason)
                await asyncio.sleep(pause)
        return seen
    return asyncio.run(go())


def test_pages_of_a_host_that_answered_429_are_not_requested(newsroom: Newsroom) -> None:
    busy = newsroom.add_fault("/a/busy", "status", status=429, retry_after=600)
    other = newsroom.add("/a/other", b"<p>text</p>", content_type="text/html")
    assert outcomes([busy, other]) == ["http 429", "host throttled"]
    assert newsroom.count("/a/other") == 0


def test_a_throttled_host_says_how_long_is_left(newsroom: Newsroom) -> None:
    busy = newsroom.add_fault("/a/busy", "status", status=429, retry_after=600)
    other = newsroom.add("/a/other", b"<p>text</p>", content_type="text/html")

    async def go() -> float | None:
        async with Fetcher(FAST) as fetcher:
            try:
                await fetcher.get(busy, host_throttle=True)
            except FetchError:
                pass
            try:
                await fetcher.get(other, host_throttle=True)
            except FetchError as exc:
                return exc.retry_after
        return None
    assert 590 < (asyncio.run(go()) or 0) <= 600


def test_the_host_is_asked_again_once_its_wait_is_over(newsroom: Newsroom) -> None:
    busy = newsroom.add_fault("/a/busy", "status", status=429, retry_after=1)
    other = newsroom.add("/a/other", b"<p>text</p>", content_type="text/html")
    started = time.monotonic()
    assert outcomes([busy, other], pause=1.2) == ["http 429", "200"]
    assert time.monotonic() - started >= 1.2


def test_a_plain_server_error_does_not_throttle_the_host(newsroom: Newsroom) -> None:
    broken = newsroom.add_fault("/a/broken", "status", status=500)
    other = newsroom.add("/a/other", b"<p>text</p>", content_type="text/html")
    assert outcomes([broken, other]) == ["http 500", "200"]


def test_a_feeds_429_does_not_hold_back_the_hosts_other_feeds(newsroom: Newsroom) -> None:
    async def go() -> int:
        async with Fetcher(FAST) as fetcher:
            try:
                await fetcher.get(newsroom.add_fault("/c/feed.xml", "status", status=429, retry_after=600))
            except FetchError:
                pass
            other = newsroom.add("/a/feed.xml", b"<rss/>", content_type="application/rss+xml")
            return (await fetcher.get(other)).status
    assert asyncio.run(go()) == 200


def test_a_poll_asks_no_more_pages_of_a_host_that_throttled_one(newsroom: Newsroom, tmp_path) -> None:
    busy = newsroom.add_fault("/p/first", "status", status=429, retry_after=600)
    second = newsroom.add("/p/second", page("Niger story", NIGER_PARAGRAPHS), content_type="text/html")
    third = newsroom.add("/p/third", page("Kenya story", KENYA_PARAGRAPHS), content_type="text/html")
    feed = newsroom.add("/feed.xml", rss("F", [{"title": "First", "link": busy, "guid": "1"},
                                               {"title": "Second", "link": second, "guid": "2"},
                                               {"title": "Third", "link": third, "guid": "3"}]),
                        content_type="application/rss+xml")
    config = write_config(tmp_path / "n.toml", tmp_path / "n.db", [feed],
                          extra_http="per_host_concurrency = 1\nglobal_concurrency = 1")
    asyncio.run(runtime.run_once(load_settings(config), use_processes=False))
    assert newsroom.count("/p/first") == 1
    assert newsroom.count("/p/second") + newsroom.count("/p/third") == 0
