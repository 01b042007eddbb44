"""The service when its store stops taking writes (the file turned read-only): it must stop with a
clear StoreError (the CLI's exit 1) instead of re-fetching every feed at every tick forever.

The store is the real SQLite file; SQLite's query_only pragma makes its writes fail with the same
SQLITE_READONLY a read-only file gives, which works even when the tests run as root.
"""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from daemon import runtime
from daemon.alerts import Deliverer
from daemon.config_file import load_settings
from daemon.errors import StoreError
from daemon.scheduler import Service, poll_round
from tests.daemon_world import MALI_PARAGRAPHS, page, rss, write_config


def _read_only(store) -> None:
    store.db.execute("PRAGMA query_only = ON")


async def _serve_until_stopped(settings, break_store, limit_s: float):
    async with runtime.pipeline_for(settings, use_processes=False) as pipeline:
        break_store(pipeline.store)
        deliverer = Deliverer(pipeline.store, settings.alerts, user_agent=settings.http.user_agent)
        try:
            await asyncio.wait_for(Service(pipeline, deliverer).run(), limit_s)
        finally:
            await deliverer.aclose()


def test_a_read_only_store_stops_the_service_with_a_store_error(newsroom, tmp_path):
    items = [{"title": f"Item {i}", "link": newsroom.url(f"/a/{i}"), "guid": f"g{i}"} for i in range(3)]
    for i in range(3):
        newsroom.add(f"/a/{i}", page(f"Convoy report {i}", MALI_PARAGRAPHS[i:] + MALI_PARAGRAPHS[:i]),
                     content_type="text/html; charset=utf-8")
    feed = newsroom.add("/a/feed.xml", rss("Outlet A", items), content_type="application/rss+xml")
    db = tmp_path / "newswatch.db"
    settings = load_settings(write_config(tmp_path / "n.toml", db, [feed], tick="1s"), secrets=False)
    with pytest.raises(StoreError) as raised:
        asyncio.run(_serve_until_stopped(settings, _read_only, limit_s=20))
    assert str(db) in str(raised.value) and "readonly" in str(raised.value)
    # Stopped after the first failed poll: the feed was not fetched again at every tick.
    assert newsroom.count("/a/feed.xml") == 1


async def _one_round_on_read_only_store(settings):
    async with runtime.pipeline_for(settings, use_processes=False) as pipeline:
        _read_only(pipeline.store)
        return await poll_round(pipeline, pipeline.store.feeds())


def test_a_round_on_a_read_only_store_raises_instead_of_reporting_no_feeds_polled(newsroom, tmp_path):
    """`run --once` polls through poll_round: a round that could record nothing must not read as
    "polled 0 feeds" with exit 0."""
    feed = newsroom.add("/a/feed.xml", rss("Outlet A", []), content_type="application/rss+xml")
    db = tmp_path / "newswatch.db"
    settings = load_settings(write_config(tmp_path / "n.toml", db, [feed]), secrets=False)
    with pytest.raises(StoreError, match="readonly"):
        asyncio.run(_one_round_on_read_only_store(settings))


async def _one_round_on_a_full_store(settings):
    async with runtime.pipeline_for(settings, use_processes=False) as pipeline:
        pages = pipeline.store.db.execute("PRAGMA page_count").fetchone()[0]
        pipeline.store.db.execute(f"PRAGMA max_page_count = {pages}")   # room for a feed row, not a long article
        return await poll_round(pipeline, pipeline.store.feeds())


def test_an_article_that_meets_a_full_disk_is_not_recorded_as_skipped_for_good(newsroom, tmp_path):
    """A skip recorded as "internal error" would lose the article once space is freed: the round
    stops with the store's error instead, and the next run stores it."""
    long_report = [f"{paragraph} ({day})" for day in range(60) for paragraph in MALI_PARAGRAPHS]   # new pages needed
    newsroom.add("/a/0", page("Convoy report", long_report), content_type="text/html; charset=utf-8")
    feed = newsroom.add("/a/feed.xml", rss("Outlet A", [{"title": "Convoy", "link": newsroom.url("/a/0"),
                                                        "guid": "g0"}]), content_type="application/rss+xml")
    db = tmp_path / "newswatch.db"
    settings = load_settings(write_config(tmp_path / "n.toml", db, [feed]), secrets=False)
    with pytest.raises(StoreError, match="full"):
        asyncio.run(_one_round_on_a_full_store(settings))
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM skipped_entries WHERE reason = 'internal error'").fetchone() == (0,)
    finally:
        conn.close()
    results = asyncio.run(runtime.run_once(settings, use_processes=False))   # space again: stored now
    assert results[0].stored == 1
