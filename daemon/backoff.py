"""When to poll a feed next: its interval with jitter, exponential backoff on errors, Retry-After.

A pure function of the feed's state and the poll's outcome, so the politeness policy is testable
without a clock or a network.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta

from daemon.settings import SchedulerSettings
from storage.records import Feed


def after_success(feed: Feed, now: datetime, settings: SchedulerSettings, status: str,
                  rng: random.Random | None = None) -> Feed:
    """The feed's state after a good poll (200 or 304): errors reset, next poll one interval away."""
    rng = rng or random
    spread = feed.interval_s * settings.jitter
    delay = max(60.0, feed.interval_s + rng.uniform(-spread, spread))
    return replace(feed, last_polled_at=now, last_status=status, last_error=None, consecutive_errors=0,
                   next_poll_at=now + timedelta(seconds=delay))


def after_error(feed: Feed, now: datetime, settings: SchedulerSettings, reason: str,
                retry_after: float | None = None, max_retry_after: float = 6 * 3600.0,
                rng: random.Random | None = None) -> Feed:
    """The feed's state after a failed poll: backoff doubling per consecutive error (capped),
    at least the server's Retry-After, and disabled with the reason after too many errors."""
    rng = rng or random
    errors = feed.consecutive_errors + 1
    # Never sooner than the healthy interval: a failing daily feed is not retried every few hours.
    backoff = max(feed.interval_s, min(feed.interval_s * 2 ** min(errors - 1, 16), settings.max_backoff_s))
    delay = backoff * (1 + rng.uniform(0, settings.jitter))
    if retry_after is not None:
        delay = max(delay, min(retry_after, max_retry_after))
    disabled = feed.disabled_reason
    if errors >= settings.disable_after_errors:
        disabled = f"{errors} consecutive errors, last: {reason}"
    return replace(feed, last_polled_at=now, last_status="error", last_error=reason, consecutive_errors=errors,
                   next_poll_at=now + timedelta(seconds=delay), disabled_reason=disabled)
