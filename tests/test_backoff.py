"""Politeness: interval with jitter, exponential backoff, Retry-After, disabling a dead feed."""

import random
from datetime import datetime, timedelta, timezone

from daemon.backoff import after_error, after_success
from daemon.settings import SchedulerSettings
from storage.records import Feed

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
SETTINGS = SchedulerSettings(jitter=0.1, max_backoff_s=3600, disable_after_errors=5)


def test_success_schedules_one_interval_ahead_within_jitter():
    feed = Feed(url="https://example.org/rss", interval_s=900, consecutive_errors=3, last_error="timeout")
    after = after_success(feed, NOW, SETTINGS, "ok", random.Random(1))
    assert timedelta(seconds=810) <= after.next_poll_at - NOW <= timedelta(seconds=990)
    assert after.consecutive_errors == 0 and after.last_error is None


def test_errors_back_off_exponentially_up_to_the_cap():
    feed = Feed(url="https://example.org/rss", interval_s=600)
    delays = []
    for _ in range(4):
        feed = after_error(feed, NOW, SchedulerSettings(jitter=0, max_backoff_s=3600, disable_after_errors=99),
                           "timeout")
        delays.append((feed.next_poll_at - NOW).total_seconds())
    assert delays == [600, 1200, 2400, 3600]


def test_retry_after_is_honoured_when_longer_than_the_backoff():
    feed = Feed(url="https://example.org/rss", interval_s=60)
    after = after_error(feed, NOW, SETTINGS, "http 429", retry_after=1800, rng=random.Random(0))
    assert after.next_poll_at - NOW >= timedelta(seconds=1800)


def test_retry_after_is_capped():
    feed = Feed(url="https://example.org/rss", interval_s=60)
    after = after_error(feed, NOW, SETTINGS, "http 503", retry_after=10**9, max_retry_after=7200,
                        rng=random.Random(0))
    assert after.next_poll_at - NOW <= timedelta(seconds=7200)


def test_a_feed_that_keeps_failing_is_disabled_with_the_reason():
    feed = Feed(url="https://example.org/rss", interval_s=60, consecutive_errors=4)
    after = after_error(feed, NOW, SETTINGS, "http 410")
    assert after.disabled_reason == "5 consecutive errors, last: http 410"


def test_a_failing_slow_feed_is_not_retried_sooner_than_its_interval():
    feed = Feed(url="https://example.org/daily", interval_s=86400)
    after = after_error(feed, NOW, SchedulerSettings(jitter=0, max_backoff_s=3600, disable_after_errors=99), "dns")
    assert after.next_poll_at - NOW == timedelta(days=1)
