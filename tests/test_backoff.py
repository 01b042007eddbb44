"""Politeness: interval with jitter, adaptive intervals, exponential backoff, Retry-After, disabling a dead feed."""

import random
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from daemon.backoff import (QUIET_GRACE, PollEvidence, PollHint, after_error, after_success, cache_hint,
                            cadence, feed_hints, in_effect_text, span_text, stored_hints)
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


# --- adaptive intervals -----------------------------------------------------------------------

ADAPTIVE = SchedulerSettings(jitter=0.1, max_backoff_s=3600, disable_after_errors=5, adaptive=True,
                             max_interval_s=4 * 3600)
STILL = SchedulerSettings(jitter=0, adaptive=True, max_interval_s=4 * 3600)   # no jitter: exact waits
FEED = Feed(url="https://example.org/rss", interval_s=900, id=1)


def wait_after(evidence, settings=STILL, feed=FEED, rng=None) -> float:
    return (after_success(feed, NOW, settings, "not modified", rng or random.Random(0), evidence).next_poll_at
            - NOW).total_seconds()


def test_a_quiet_feed_stretches_to_the_cap_and_no_further():
    assert wait_after(PollEvidence(quiet_polls=40)) == 4 * 3600


def test_each_empty_poll_after_the_grace_doubles_the_wait():
    waits = [wait_after(PollEvidence(quiet_polls=n)) for n in range(QUIET_GRACE - 1, QUIET_GRACE + 4)]
    assert waits == [900, 1800, 3600, 7200, 14400]


def test_a_busy_feed_stays_at_its_interval():
    busy = PollEvidence(new_entries=3, quiet_polls=0, recent_new=600, recent_span_s=7 * 86400)
    assert wait_after(busy) == 900


def test_a_new_entry_snaps_a_stretched_feed_back_to_its_interval():
    assert wait_after(PollEvidence(new_entries=1, quiet_polls=40)) == 900


def test_a_busy_feed_in_a_quiet_hour_waits_no_longer_than_its_usual_gap_between_articles():
    # 140 articles a week: one every 72 minutes on average.
    lull = PollEvidence(quiet_polls=10, recent_new=140, recent_span_s=7 * 86400)
    assert wait_after(lull) == 72 * 60


def test_a_feed_s_ttl_is_honoured_when_it_asks_for_less_frequent_polling():
    hinted = PollEvidence(new_entries=1, hints=feed_hints(60, None, None))
    assert wait_after(hinted) == 3600
    assert cadence(FEED, STILL, hinted).reason == "feed ttl 60m"


def test_a_feed_s_ttl_never_makes_it_polled_faster_than_its_interval():
    assert wait_after(PollEvidence(new_entries=1, hints=feed_hints(5, None, None))) == 900


def test_jitter_never_takes_a_hinted_wait_below_what_the_feed_asked_for():
    hinted = PollEvidence(new_entries=1, hints=feed_hints(60, None, None))
    assert min(wait_after(hinted, ADAPTIVE, rng=random.Random(seed)) for seed in range(50)) >= 3600


def test_a_hint_longer_than_the_cap_is_capped():
    weekly = PollEvidence(new_entries=1, hints=feed_hints(None, "weekly", None))
    assert wait_after(weekly) == 4 * 3600
    assert cadence(FEED, STILL, weekly).reason == "feed sy:updatePeriod weekly, capped"


def test_hints_are_ignored_when_the_operator_turns_them_off():
    off = SchedulerSettings(jitter=0, adaptive=True, feed_hints=False)
    assert wait_after(PollEvidence(new_entries=1, hints=feed_hints(60, None, None)), off) == 900


def test_with_adaptive_off_the_interval_is_fixed_whatever_the_evidence():
    fixed = SchedulerSettings(jitter=0, adaptive=False)
    evidence = PollEvidence(quiet_polls=40, hints=feed_hints(240, None, None))
    assert wait_after(evidence, fixed) == 900
    assert cadence(FEED, fixed, evidence).reason == "fixed"


def test_jitter_still_spreads_stretched_feeds_below_the_cap():
    waits = {wait_after(PollEvidence(quiet_polls=40), ADAPTIVE, rng=random.Random(seed)) for seed in range(20)}
    assert len(waits) == 20
    assert all(0.9 * 4 * 3600 <= wait <= 4 * 3600 for wait in waits)


def test_jitter_still_spreads_a_feed_at_its_interval():
    waits = {wait_after(PollEvidence(new_entries=1), ADAPTIVE, rng=random.Random(seed)) for seed in range(20)}
    assert len(waits) == 20 and all(810 <= wait <= 990 for wait in waits)


def test_a_feed_whose_interval_is_longer_than_the_cap_keeps_its_interval():
    daily = Feed(url="https://example.org/daily", interval_s=86400, id=2)
    assert wait_after(PollEvidence(quiet_polls=40), feed=daily) == 86400


def test_the_reason_names_the_quiet_streak():
    assert cadence(FEED, STILL, PollEvidence(quiet_polls=5)).reason == "quiet: 6 polls with nothing new"


@pytest.mark.parametrize("ttl,period,frequency,expected", [
    (60, None, None, [3600]),
    (None, "hourly", 2, [1800]),
    (None, "daily", None, [86400]),
    (30, "hourly", None, [1800, 3600]),
    (0, "fortnightly", None, []),
    (None, "daily", 0, []),
])
def test_feed_hints_read_ttl_and_the_syndication_module(ttl, period, frequency, expected):
    assert [hint.seconds for hint in feed_hints(ttl, period, frequency)] == expected


@pytest.mark.parametrize("header,expected", [
    ("public, max-age=3600", 3600),
    ('max-age="600", must-revalidate', 600),
    ("max-age=3600, no-cache", None),
    ("no-store", None),
    ("s-maxage=3600", None),
    ("max-age=0", None),
    (None, None),
])
def test_cache_control_max_age_becomes_a_hint(header, expected):
    hint = cache_hint(header)
    assert (hint.seconds if hint else None) == expected


@given(interval=st.integers(60, 2 * 86400), cap=st.integers(60, 2 * 86400), new=st.integers(0, 50),
       quiet=st.integers(0, 200), recent=st.integers(0, 10_000), span=st.floats(0, 7 * 86400),
       hint=st.one_of(st.none(), st.floats(1, 10**8)), adaptive=st.booleans())
def test_the_wait_is_never_shorter_than_the_interval_nor_longer_than_the_cap(interval, cap, new, quiet, recent,
                                                                           span, hint, adaptive):
    settings = SchedulerSettings(jitter=0.1, adaptive=adaptive, max_interval_s=cap)
    evidence = PollEvidence(new_entries=new, quiet_polls=quiet, recent_new=recent, recent_span_s=span,
                            hints=(PollHint(hint, "test"),) if hint else ())
    plan = cadence(Feed(url="https://example.org/rss", interval_s=interval), settings, evidence)
    assert interval <= plan.seconds <= (max(cap, interval) if adaptive else interval)


@given(st.text(max_size=80))
def test_any_cache_control_header_gives_a_positive_hint_or_none(header):
    hint = cache_hint(header)
    assert hint is None or hint.seconds > 0


# --- the interval in effect, kept on the feed, and how waits read -----------------------------

def test_a_good_poll_keeps_the_interval_in_effect_and_its_reason_on_the_feed():
    after = after_success(FEED, NOW, STILL, "not modified", random.Random(0), PollEvidence(quiet_polls=5))
    assert (after.poll_interval_s, after.poll_reason) == (4 * 3600, "quiet: 6 polls with nothing new")


def test_a_failed_poll_leaves_the_interval_in_effect_as_the_last_good_poll_left_it():
    feed = Feed(url="https://example.org/rss", interval_s=900, poll_interval_s=7200, poll_reason="feed ttl 120m")
    after = after_error(feed, NOW, SETTINGS, "timeout", rng=random.Random(0))
    assert (after.poll_interval_s, after.poll_reason) == (7200, "feed ttl 120m")


def test_a_feed_s_stored_ttl_and_syndication_fields_become_its_hints():
    feed = Feed(url="https://example.org/rss", ttl_minutes=600, update_period="daily", update_frequency=2)
    assert [hint.source for hint in stored_hints(feed)] == ["feed ttl 600m", "feed sy:updatePeriod daily, 2 per period"]


def test_the_interval_in_effect_reads_as_a_span_and_its_reason():
    feed = Feed(url="https://example.org/rss", poll_interval_s=7200, poll_reason="feed ttl 600m, capped")
    assert in_effect_text(feed) == "2h (feed ttl 600m, capped)"


def test_a_feed_never_polled_has_no_interval_in_effect_to_show():
    assert in_effect_text(Feed(url="https://example.org/rss")) == "-"


@pytest.mark.parametrize("seconds,expected", [
    (0, "0s"), (45, "45s"), (59.4, "59s"), (59.6, "1m"), (60, "1m"), (90, "2m"), (473, "8m"), (600, "10m"),
    (900, "15m"), (3570, "1h"), (3600, "1h"), (5400, "1h30m"), (7220, "2h"), (7250, "2h1m"), (4 * 3600, "4h"),
    (86400, "1d"), (2 * 86400, "2d"), (86400 + 1800, "24h30m"),
])
def test_spans_of_a_minute_or_more_read_in_minutes_and_hours(seconds, expected):
    assert span_text(seconds) == expected


def test_a_busy_feed_s_usual_gap_in_the_reason_reads_in_minutes_not_seconds():
    evidence = PollEvidence(quiet_polls=5, recent_new=183, recent_span_s=86400)   # 472 s between articles
    assert cadence(Feed(url="https://example.org/rss", interval_s=60), STILL, evidence).reason == (
        "quiet: 6 polls with nothing new; usually 1 new every 8m")
