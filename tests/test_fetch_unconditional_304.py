"""A 304 answer to a request that asked for no comparison (no If-None-Match, no If-Modified-Since)
is a server fault, not "unchanged": taken at its word it would keep a feed empty for ever while
every poll looked healthy."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from daemon import runtime
from daemon.config_file import load_settings
from daemon.errors import FetchError
from daemon.fetch import Fetcher, Response
from daemon.settings import HttpSettings
from tests.daemon_world import rss, write_config

SETTINGS = HttpSettings(user_agent="newswatch-test (+mailto:tests@example.org)", connect_timeout=1.0,
                        read_timeout=1.0, total_timeout=3.0, max_bytes=256 * 1024, max_redirects=3,
                        allow_private_networks=True)


def fetch(url: str, **conditions: str) -> Response:
    async def go() -> Response:
        async with Fetcher(SETTINGS) as fetcher:
            return await fetcher.get(url, **conditions)
    return asyncio.run(go())


def test_304_to_an_unconditional_request_is_an_error(newsroom) -> None:
    url = newsroom.add_fault("/feed.xml", "always_304")
    with pytest.raises(FetchError) as caught:
        fetch(url)
    assert (caught.value.reason, caught.value.status) == ("304 to an unconditional request", 304)


def test_a_feed_answering_304_to_its_first_poll_is_recorded_as_failing(newsroom, tmp_path) -> None:
    url = newsroom.add_fault("/feed.xml", "always_304", etag='"stale"')
    db = tmp_path / "n.db"
    config = write_config(tmp_path / "n.toml", db, [url])
    asyncio.run(runtime.run_once(load_settings(config), use_processes=False))
    row = sqlite3.connect(db).execute("SELECT last_status, last_error, consecutive_errors, etag FROM feeds").fetchone()
    assert row == ("error", "304 to an unconditional request", 1, None)
