"""Pacing defects found in a review of how feeds are scheduled: each test reads as the promise a
publisher or an operator relies on. Times are fixed instants and seeded random generators, never sleeps."""

from __future__ import annotations

import asyncio
import random
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace


from daemon.backoff import after_error
from daemon.feed_schedule import FeedSchedule
from daemon.scheduler import Service
from daemon.settings import SchedulerSettings, Settings
from storage.records import Feed, FetchLog
from storage.store import Store
from tests.log_capture import every_event_captured

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
URL = "https://example.org/rss"


# --- Retry-After: the server named one moment; a host's feeds must not all come back at it ----

def test_feeds_told_the_same_retry_after_come_back_spread_out_not_in_the_same_second():
    """A host that answers its 50 feeds 503 with one Retry-After (an HTTP-date is the same instant
    for all) must not get all 50 back in the same tick: the wait is jittered above what it asked."""
    settings = SchedulerSettings(jitter=0.1, max_backoff_s=3600, disable_after_errors=99)
    feed = Feed(url=URL, interval_s=300)
    returns = {after_error(feed, NOW, settings, "http 503", retry_after=7200, rng=random.Random(seed)).next_poll_at
               for seed in range(50)}
    assert len(returns) > 40
    assert min(returns) >= NOW + timedelta(seconds=7200)            # never sooner than asked
    assert max(returns) <= NOW + timedelta(seconds=7200 * 1.1)      # within the jitter


# --- an error never makes a feed polled more often than when it was healthy --------------------

def test_a_feed_whose_publisher_asked_for_two_hours_is_not_retried_after_fifteen_minutes_on_an_error():
    """The feed's ttl set its wait to 2h; a 500 without Retry-After must not bring the next request
    forward to the configured 15 minutes: the struggling server would get more requests, not fewer."""
    settings = SchedulerSettings(jitter=0, max_backoff_s=6 * 3600, disable_after_errors=99)
    feed = Feed(url=URL, interval_s=900, poll_interval_s=7200, poll_reason="feed ttl 120m")
    after = after_error(feed, NOW, settings, "http 500", rng=random.Random(0))
    assert after.next_poll_at - NOW >= timedelta(seconds=7200)


def test_a_quiet_feed_s_error_backoff_still_grows_from_its_wait_in_effect_up_to_the_cap():
    settings = SchedulerSettings(jitter=0, max_backoff_s=6 * 3600, disable_after_errors=99)
    feed = Feed(url=URL, interval_s=900, poll_interval_s=4 * 3600, poll_reason="quiet: 6 polls with nothing new")
    waits = []
    for _ in range(7):
        feed = after_error(feed, NOW, settings, "read timeout", rng=random.Random(0))
        waits.append((feed.next_poll_at - NOW).total_seconds())
    assert waits == [4 * 3600] * 5 + [6 * 3600] * 2


# --- the operator's interval: a shorter one in the config takes effect without waiting out the old --

def polled_daily_store(path) -> tuple[Store, int]:
    """A real store with one feed configured daily, polled well at NOW, next poll a day later."""
    store = Store.open(str(path))
    store.sync_feeds([Feed(url=URL, interval_s=86400)], NOW)
    feed = store.feed_by_url(URL)
    store.record_poll(after_success_at(feed, days=1), FetchLog(feed_id=feed.id, url=URL, at=NOW, status="ok",
                                                               new_entries=3))
    return store, feed.id


def after_success_at(feed: Feed, days: int) -> Feed:
    """The feed as a good poll at NOW leaves it, next poll `days` later (no jitter to reckon with)."""
    return replace(feed, last_polled_at=NOW, last_status="ok", next_poll_at=NOW + timedelta(days=days),
                   poll_interval_s=days * 86400, poll_reason="interval")


def test_a_feed_whose_interval_is_shortened_in_the_config_is_polled_one_new_interval_after_its_last_poll(tmp_path):
    store, feed_id = polled_daily_store(tmp_path / "s.db")
    store.sync_feeds([Feed(url=URL, interval_s=300)], NOW + timedelta(minutes=1))
    assert store.feed(feed_id).next_poll_at == NOW + timedelta(seconds=300)
    assert [f.id for f in store.due_feeds(NOW + timedelta(minutes=6))] == [feed_id]
    store.close()


def test_a_feed_whose_interval_is_shortened_long_after_its_last_poll_is_due_at_once(tmp_path):
    store, feed_id = polled_daily_store(tmp_path / "s.db")
    later = NOW + timedelta(hours=3)
    store.sync_feeds([Feed(url=URL, interval_s=300)], later)
    assert [f.id for f in store.due_feeds(later)] == [feed_id]
    store.close()


def test_a_shortened_interval_brings_a_healthy_feed_forward_but_not_a_failing_one_s_backoff(tmp_path):
    """Backoff and Retry-After answer the server's trouble, not the operator's interval: they stand."""
    store = Store.open(str(tmp_path / "s.db"))
    other = "https://example.net/rss"
    store.sync_feeds([Feed(url=URL, interval_s=86400), Feed(url=other, interval_s=86400)], NOW)
    healthy, failing = store.feed_by_url(URL), store.feed_by_url(other)
    store.record_poll(after_success_at(healthy, days=1), FetchLog(feed_id=healthy.id, url=URL, at=NOW, status="ok"))
    failed = after_error(failing, NOW, SchedulerSettings(jitter=0, disable_after_errors=99), "http 429",
                         retry_after=6 * 3600, rng=random.Random(0))
    store.record_poll(failed, FetchLog(feed_id=failing.id, url=other, at=NOW, status="error", error="http 429"))
    store.sync_feeds([Feed(url=URL, interval_s=300), Feed(url=other, interval_s=300)], NOW + timedelta(minutes=1))
    assert store.feed(healthy.id).next_poll_at == NOW + timedelta(seconds=300)
    assert store.feed(failing.id).next_poll_at == failed.next_poll_at
    store.close()


# --- a clock set back a little: feeds polled while it ran ahead must not fall silent for the step --

def test_after_the_clock_is_set_back_an_hour_a_feed_polled_meanwhile_keeps_its_wait_not_the_hour(tmp_path):
    """NTP sets back a clock that ran an hour ahead: the last poll is recorded an hour in the future and
    its next poll 15 minutes after that. Left alone the feed would be silent for 1h15m (too short for
    the "beyond reach" rescue, which waits out the longest backoff); its wait is measured from now instead."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    store = Store.open(str(tmp_path / "s.db"))
    store.sync_feeds([Feed(url=URL, interval_s=900)], now)
    feed = store.feed_by_url(URL)
    ahead = now + timedelta(hours=1)
    store.record_poll(replace(feed, last_polled_at=ahead, last_status="ok", next_poll_at=ahead + timedelta(minutes=15)),
                      FetchLog(feed_id=feed.id, url=URL, at=ahead, status="ok"))
    service = Service(SimpleNamespace(store=store, settings=Settings()), deliverer=None)
    with every_event_captured() as logs:
        asyncio.run(service.tick())
    next_poll = store.feed(feed.id).next_poll_at
    assert now + timedelta(minutes=14) <= next_poll <= now + timedelta(minutes=16)
    replanned = [e for e in logs if e["event"] == "feed.next_poll_replanned"]
    assert replanned and replanned[0]["feed"] == URL
    store.close()


# --- a host that says "slow down" to one of its feeds is not asked by its other feeds meanwhile --

def test_a_429_with_retry_after_on_one_feed_holds_back_the_host_s_other_feeds_without_counting_errors(tmp_path):
    """Ten feeds of one outlet due over the next minutes: after the first is told "429, Retry-After:
    600", the other nine must not each ask again (and each earn a 429 and an error) before the 600s."""
    store = Store.open(str(tmp_path / "s.db"))
    sibling, elsewhere = "https://example.org/world.xml", "https://example.net/rss"
    store.sync_feeds([Feed(url=URL), Feed(url=sibling), Feed(url=elsewhere)], NOW)
    schedule = FeedSchedule(Settings(), store)
    with every_event_captured() as logs:
        schedule.failed(store.feed_by_url(URL), NOW, "http 429", ms=12, http_status=429, retry_after=600)
    held, other = store.feed_by_url(sibling), store.feed_by_url(elsewhere)
    assert held.next_poll_at >= NOW + timedelta(seconds=600)
    assert (held.consecutive_errors, held.last_error) == (0, None)
    assert [f.url for f in store.due_feeds(NOW + timedelta(minutes=5))] == [elsewhere]
    assert other.next_poll_at == NOW
    postponed = [e for e in logs if e["event"] == "feed.poll_postponed"]
    assert [e["feed"] for e in postponed] == [sibling] and postponed[0]["host"] == "example.org"
    store.close()
