"""Adaptive intervals end to end: the hints the feed parser exposes, the store's reading of a feed's
polls, and the real pipeline against the loopback newsroom writing next_poll_at into a real SQLite file."""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from structlog.testing import capture_logs

from daemon import runtime
from daemon.config_file import load_settings
from daemon.feeds import parse_feed
from daemon.newsroom import Newsroom
from storage.records import Feed, FetchLog
from storage.store import Store
from tests.daemon_world import KENYA_PARAGRAPHS, NIGER_PARAGRAPHS, page, rss, write_config

START = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
INTERVAL = timedelta(minutes=1)   # write_config gives every feed interval = "1m"


# --- the parser's hints -----------------------------------------------------------------------

def with_channel_extras(feed: bytes, extras: str) -> bytes:
    return feed.replace(b"<description>test</description>", b"<description>test</description>" + extras.encode(), 1)


def test_the_parser_exposes_a_feed_s_ttl_and_syndication_schedule():
    body = with_channel_extras(rss("F", []), "<ttl> 45 </ttl>").replace(
        b'<rss version="2.0">', b'<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">')
    body = with_channel_extras(body, "<sy:updatePeriod>Hourly</sy:updatePeriod>"
                                     "<sy:updateFrequency>2</sy:updateFrequency>")
    parsed = parse_feed(body, "https://example.org/rss")
    assert (parsed.ttl_minutes, parsed.update_period, parsed.update_frequency) == (45, "hourly", 2)


def test_a_ttl_that_is_not_a_whole_number_is_ignored():
    body = with_channel_extras(rss("F", []), "<ttl>soon</ttl>")
    assert parse_feed(body, "https://example.org/rss").ttl_minutes is None


# --- the store's reading of a feed's polls ----------------------------------------------------

def store_with_polls(path: Path, polls: list[tuple[str, int]]) -> tuple[Store, int]:
    """A real store holding one feed polled once a minute from START with (status, new entries) each time."""
    store = Store.open(str(path))
    store.sync_feeds([Feed(url="https://example.org/rss")], START)
    feed = store.feed_by_url("https://example.org/rss")
    for i, (status, new) in enumerate(polls):
        store.record_poll(feed, FetchLog(feed_id=feed.id, url=feed.url, at=START + i * INTERVAL, status=status,
                                         new_entries=new))
    return store, feed.id


def test_the_quiet_streak_counts_empty_good_polls_since_the_last_new_article(tmp_path):
    store, feed_id = store_with_polls(tmp_path / "s.db", [("ok", 5), ("ok", 1), ("not modified", 0),
                                                          ("error", 0), ("ok", 0)])
    assert store.poll_history(feed_id, START).quiet_polls == 2


def test_the_first_poll_s_backlog_is_not_counted_as_the_feed_s_pace(tmp_path):
    store, feed_id = store_with_polls(tmp_path / "s.db", [("error", 0), ("ok", 30), ("ok", 2), ("ok", 1)])
    history = store.poll_history(feed_id, START)
    assert (history.recent_new, history.first_polled_at) == (3, START + INTERVAL)


def test_only_polls_inside_the_window_count_towards_the_pace(tmp_path):
    store, feed_id = store_with_polls(tmp_path / "s.db", [("ok", 30), ("ok", 4), ("ok", 2), ("ok", 1)])
    assert store.poll_history(feed_id, START + 2 * INTERVAL).recent_new == 3


# --- the real pipeline, the loopback newsroom and a real SQLite file --------------------------

class SteppingClock:
    """The pipeline's clock, moved on by hand: polls a minute apart without waiting a minute."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def poll_times(settings, url: str, polls: int, clock: SteppingClock, step: timedelta = INTERVAL,
               between=None) -> None:
    """Poll one feed `polls` times, `step` apart, with the real pipeline (no worker processes)."""
    async def run() -> None:
        async with runtime.pipeline_for(settings, use_processes=False) as pipeline:
            pipeline.clock = clock
            for i in range(polls):
                if between is not None:
                    between(i)
                await pipeline.poll_feed(pipeline.store.feed_by_url(url))
                clock.now += step
    asyncio.run(run())


def stored_wait(db: Path, url: str) -> timedelta:
    """next_poll_at - last_polled_at as the SQLite file holds them."""
    conn = sqlite3.connect(db)
    try:
        (next_poll, last_polled), = conn.execute(
            "SELECT next_poll_at, last_polled_at FROM feeds WHERE url = ?", [url]).fetchall()
    finally:
        conn.close()
    return datetime.fromisoformat(next_poll) - datetime.fromisoformat(last_polled)


def one_story_feed(newsroom: Newsroom, **extra) -> str:
    newsroom.add("/kenya", page("Kenya holds its lending rate", KENYA_PARAGRAPHS), content_type="text/html")
    return newsroom.add("/feed.xml", rss("Outlet", [{"title": "Kenya", "link": newsroom.url("/kenya"), "guid": "k1"}]),
                        content_type="application/rss+xml", **extra)


def settings_for(tmp_path: Path, url: str, scheduler: str = ""):
    config = write_config(tmp_path / "n.toml", tmp_path / "n.db", [url])
    config.write_text(config.read_text().replace('tick = "1s"', f'tick = "1s"\n{scheduler}'))
    return load_settings(config)


def test_a_feed_that_answers_304_is_polled_less_often_than_its_interval(newsroom, tmp_path):
    url = one_story_feed(newsroom)
    settings = settings_for(tmp_path, url)
    poll_times(settings, url, 6, SteppingClock(START))   # one 200 with the story, then five 304s
    assert sum(1 for r in newsroom.requests if r.path == "/feed.xml" and r.headers.get("if-none-match")) == 5
    # Five empty polls: two at the interval, then 2m, 4m, 8m (jitter at most 10 % either way).
    assert stored_wait(tmp_path / "n.db", url) >= 0.9 * 8 * INTERVAL


def test_a_stretched_feed_is_back_at_its_interval_once_it_publishes_again(newsroom, tmp_path):
    url = one_story_feed(newsroom)
    settings = settings_for(tmp_path, url)
    newsroom.add("/niger", page("Niger to reopen schools", NIGER_PARAGRAPHS), content_type="text/html")

    def publish_before_the_last_poll(i: int) -> None:
        if i == 6:
            newsroom.add("/feed.xml", rss("Outlet", [
                {"title": "Niger", "link": newsroom.url("/niger"), "guid": "n1"},
                {"title": "Kenya", "link": newsroom.url("/kenya"), "guid": "k1"}]), content_type="application/rss+xml")

    poll_times(settings, url, 7, SteppingClock(START), between=publish_before_the_last_poll)
    assert stored_wait(tmp_path / "n.db", url) <= 1.1 * INTERVAL


def test_with_adaptive_off_a_quiet_feed_keeps_its_interval(newsroom, tmp_path):
    url = one_story_feed(newsroom)
    settings = settings_for(tmp_path, url, "adaptive = false")
    poll_times(settings, url, 6, SteppingClock(START))
    assert stored_wait(tmp_path / "n.db", url) <= 1.1 * INTERVAL


def test_a_feed_s_ttl_holds_through_the_304s_that_follow(newsroom, tmp_path):
    newsroom.add("/kenya", page("Kenya holds its lending rate", KENYA_PARAGRAPHS), content_type="text/html")
    url = newsroom.add("/feed.xml", with_channel_extras(rss("Outlet", [
        {"title": "Kenya", "link": newsroom.url("/kenya"), "guid": "k1"}]), "<ttl>30</ttl>"),
        content_type="application/rss+xml")
    settings = settings_for(tmp_path, url)
    poll_times(settings, url, 2, SteppingClock(START), step=timedelta(minutes=30))
    assert stored_wait(tmp_path / "n.db", url) >= timedelta(minutes=30)


def test_cache_control_max_age_on_a_304_is_honoured(newsroom, tmp_path):
    url = one_story_feed(newsroom, headers={"Cache-Control": "public, max-age=1200"})
    settings = settings_for(tmp_path, url)
    poll_times(settings, url, 2, SteppingClock(START), step=timedelta(minutes=20))
    assert stored_wait(tmp_path / "n.db", url) >= timedelta(minutes=20)


def test_the_poll_log_event_says_which_interval_is_in_effect_and_why(newsroom, tmp_path):
    url = one_story_feed(newsroom)
    settings = settings_for(tmp_path, url)
    with capture_logs() as events:
        poll_times(settings, url, 4, SteppingClock(START))
    polled = [e for e in events if e["event"] == "feed.polled"]
    assert [(e["interval_s"], e["interval_reason"]) for e in polled] == [
        (60, "new entries"), (60, "interval"), (60, "interval"), (120, "quiet: 3 polls with nothing new")]
    assert all(e["next_poll_at"] for e in polled)


# --- hints and the interval in effect kept on the feed row ------------------------------------

def ttl_feed(newsroom: Newsroom, ttl: str = "<ttl>600</ttl>") -> str:
    newsroom.add("/kenya", page("Kenya holds its lending rate", KENYA_PARAGRAPHS), content_type="text/html")
    return newsroom.add("/feed.xml", with_channel_extras(rss("Outlet", [
        {"title": "Kenya", "link": newsroom.url("/kenya"), "guid": "k1"}]), ttl), content_type="application/rss+xml")


def test_a_feed_s_ttl_still_holds_for_a_304_after_a_restart(newsroom, tmp_path):
    url = ttl_feed(newsroom)
    settings = settings_for(tmp_path, url, 'max_interval = "2h"')
    clock = SteppingClock(START)
    poll_times(settings, url, 1, clock, step=timedelta(hours=2))   # a 200 carrying the ttl, then the process ends
    poll_times(settings, url, 1, clock)                            # a new process: a 304, no body
    assert [r.headers.get("if-none-match") is not None for r in newsroom.requests if r.path == "/feed.xml"] == [
        False, True]
    assert stored_wait(tmp_path / "n.db", url) >= timedelta(hours=2)


def test_the_feed_row_says_which_interval_is_in_effect_and_why(newsroom, tmp_path):
    url = ttl_feed(newsroom)
    settings = settings_for(tmp_path, url, 'max_interval = "2h"')
    poll_times(settings, url, 2, SteppingClock(START), step=timedelta(hours=2))
    store = Store.open(tmp_path / "n.db")
    feed = store.feed_by_url(url)
    store.close()
    assert (feed.ttl_minutes, feed.poll_interval_s, feed.poll_reason) == (600, 7200, "feed ttl 600m, capped")


def test_a_full_response_without_a_ttl_forgets_the_old_one(newsroom, tmp_path):
    url = ttl_feed(newsroom)
    settings = settings_for(tmp_path, url, 'max_interval = "2h"')

    def drop_the_ttl(i: int) -> None:
        if i == 1:
            ttl_feed(newsroom, ttl="<language>en</language>")

    poll_times(settings, url, 2, SteppingClock(START), step=timedelta(hours=2), between=drop_the_ttl)
    store = Store.open(tmp_path / "n.db")
    feed = store.feed_by_url(url)
    store.close()
    assert (feed.ttl_minutes, feed.poll_interval_s) == (None, 60)


def test_a_feed_s_hints_and_interval_in_effect_round_trip_through_the_store(tmp_path):
    store, feed_id = store_with_polls(tmp_path / "s.db", [])
    kept = replace(store.feed(feed_id), ttl_minutes=45, update_period="hourly", update_frequency=2,
                   poll_interval_s=2700, poll_reason="feed ttl 45m")
    store.record_poll(kept, FetchLog(feed_id=feed_id, url=kept.url, at=START, status="ok"))
    assert store.feed(feed_id) == kept


def test_a_changed_interval_in_the_config_drops_the_interval_in_effect_until_the_next_poll(tmp_path):
    store, feed_id = store_with_polls(tmp_path / "s.db", [])
    store.record_poll(replace(store.feed(feed_id), ttl_minutes=45, poll_interval_s=2700, poll_reason="feed ttl 45m"),
                      FetchLog(feed_id=feed_id, url="https://example.org/rss", at=START, status="ok"))
    store.sync_feeds([Feed(url="https://example.org/rss", interval_s=3600)], START)
    feed = store.feed(feed_id)
    assert (feed.poll_interval_s, feed.poll_reason, feed.ttl_minutes) == (None, None, 45)
