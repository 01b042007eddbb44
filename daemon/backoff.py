"""When to poll a feed next: its interval with jitter, stretched while it publishes nothing new,
exponential backoff on errors, Retry-After.

Pure functions of the feed's state, the poll's outcome and the evidence the caller gathered (its
recent polls, the feed's own hints), so the politeness policy is testable without a clock, a store
or a network.

The adaptive rule, in the order it is applied:
  * a poll that brought new articles keeps the feed at its configured interval (a feed that starts
    publishing again is back at full speed at once);
  * after QUIET_GRACE good polls in a row with nothing new, each further one doubles the wait, up to
    max_interval; but never beyond the feed's typical gap between new articles over the last week,
    so a busy feed's quiet hour does not hide its next story for long;
  * the feed's own hints (RSS ttl, sy:updatePeriod/updateFrequency, Cache-Control max-age) can only
    lengthen the wait, and are capped at max_interval too;
  * the configured interval is the floor throughout: never more often than the operator asked.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from daemon.settings import SchedulerSettings
from storage.feed_state import PollHistory
from storage.records import Feed

QUIET_GRACE = 2                       # empty polls in a row before the wait starts to stretch
RATE_WINDOW = timedelta(days=7)       # a week: weekdays and weekends both count in the rate
MIN_RATE_SPAN_S = 86400.0             # a young feed's rate is taken over at least a day
MIN_DELAY_S = 60.0

# sy:updatePeriod names (RSS 1.0 syndication module) and their lengths.
_UPDATE_PERIOD_S = {"hourly": 3600, "daily": 86400, "weekly": 7 * 86400, "monthly": 30 * 86400,
                    "yearly": 365 * 86400}
_MAX_AGE = re.compile(r'(?:^|,)\s*max-age\s*=\s*"?(\d+)"?\s*(?=,|$)', re.IGNORECASE)
_NOT_STORED = re.compile(r"(?:^|,)\s*(?:no-cache|no-store)\s*(?=,|$|=)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PollHint:
    """A publisher's request to be polled no more often than every `seconds`."""

    seconds: float
    source: str          # for the operator: "feed ttl 60m", "cache-control max-age 3600s"


@dataclass(frozen=True, slots=True)
class PollEvidence:
    """What the caller knows of a feed's publishing: this poll, its recent polls, its hints."""

    new_entries: int = 0             # articles this poll added (stored or copies)
    quiet_polls: int = 0             # earlier good polls in a row (newest first) that added nothing
    recent_new: int = 0              # articles added over RATE_WINDOW, the first poll's backlog left out
    recent_span_s: float = 0.0       # how much of RATE_WINDOW the feed's poll history covers
    hints: tuple[PollHint, ...] = ()


@dataclass(frozen=True, slots=True)
class Cadence:
    """The wait before the next good poll (before jitter) and why; jitter keeps it in not_before..not_after."""

    seconds: float
    reason: str
    not_before: float = 0.0
    not_after: float = math.inf


def cadence(feed: Feed, settings: SchedulerSettings, evidence: PollEvidence | None = None) -> Cadence:
    """The interval in effect after a good poll, and the reason an operator sees in the log."""
    interval = float(feed.interval_s)
    if not settings.adaptive:
        return Cadence(interval, "fixed")
    if evidence is None:
        return Cadence(interval, "interval")
    cap = max(float(settings.max_interval_s), interval)
    seconds, reason = interval, "new entries" if evidence.new_entries else "interval"
    quiet = 0 if evidence.new_entries else evidence.quiet_polls + 1
    if quiet > QUIET_GRACE:
        seconds = min(interval * 2.0 ** min(quiet - QUIET_GRACE, 40), cap)
        reason = f"quiet: {quiet} polls with nothing new"
        gap = typical_gap_s(evidence)
        if gap is not None and gap < seconds:
            seconds = max(interval, gap)
            reason += f"; usually 1 new every {span_text(gap)}"
    not_before = 0.0
    hint = max(evidence.hints, key=lambda h: h.seconds, default=None) if settings.feed_hints else None
    if hint is not None and min(hint.seconds, cap) > seconds:
        seconds = not_before = min(hint.seconds, cap)
        reason = hint.source + (", capped" if hint.seconds > cap else "")   # capped at `seconds`, shown beside it
    return Cadence(seconds, reason, not_before, cap)


def evidence_from(history: PollHistory, now: datetime, new_entries: int,
                  hints: tuple[PollHint, ...] = ()) -> PollEvidence:
    """The evidence for cadence() from the store's reading of the feed's polls (asked since
    now - RATE_WINDOW) and this poll's outcome."""
    since = now - RATE_WINDOW
    first = history.first_polled_at
    span = (now - max(since, first)).total_seconds() if first else 0.0
    return PollEvidence(new_entries=new_entries, quiet_polls=history.quiet_polls,
                        recent_new=history.recent_new, recent_span_s=max(0.0, span), hints=hints)


def typical_gap_s(evidence: PollEvidence) -> float | None:
    """The feed's average time between new articles over the recent window; None when it added none."""
    if evidence.recent_new <= 0:
        return None
    return max(evidence.recent_span_s, MIN_RATE_SPAN_S) / evidence.recent_new


def after_success(feed: Feed, now: datetime, settings: SchedulerSettings, status: str,
                  rng: random.Random | None = None, evidence: PollEvidence | None = None) -> Feed:
    """The feed's state after a good poll (200 or 304): errors reset, next poll one cadence away
    (the plain interval without evidence, or with adaptive intervals off), with jitter; the cadence
    and its reason are kept on the feed for the operator."""
    rng = rng or random
    plan = cadence(feed, settings, evidence)
    spread = plan.seconds * settings.jitter
    high = min(plan.seconds + spread, plan.not_after)
    low = min(max(plan.seconds - spread, plan.not_before), high)
    delay = max(MIN_DELAY_S, rng.uniform(low, high))
    return replace(feed, last_polled_at=now, last_status=status, last_error=None, consecutive_errors=0,
                   next_poll_at=now + timedelta(seconds=delay), poll_interval_s=round(plan.seconds),
                   poll_reason=plan.reason)


def after_error(feed: Feed, now: datetime, settings: SchedulerSettings, reason: str,
                retry_after: float | None = None, max_retry_after: float = 6 * 3600.0,
                rng: random.Random | None = None) -> Feed:
    """The feed's state after a failed poll: backoff doubling per consecutive error (capped),
    at least the server's Retry-After, and disabled with the reason after too many errors."""
    rng = rng or random
    errors = feed.consecutive_errors + 1
    # Never sooner than the healthy wait: a failing daily feed is not retried every few hours, nor
    # one whose ttl or quiet streak set two hours retried after the configured fifteen minutes.
    healthy = max(feed.interval_s, feed.poll_interval_s or 0)
    backoff = max(healthy, min(feed.interval_s * 2 ** min(errors - 1, 16), settings.max_backoff_s))
    delay = backoff * (1 + rng.uniform(0, settings.jitter))
    if retry_after is not None:
        delay = max(delay, retry_wait_s(retry_after, max_retry_after, settings.jitter, rng))
    disabled = feed.disabled_reason
    if errors >= settings.disable_after_errors:
        disabled = f"{errors} consecutive errors, last: {reason}"
    return replace(feed, last_polled_at=now, last_status="error", last_error=reason, consecutive_errors=errors,
                   next_poll_at=now + timedelta(seconds=delay), disabled_reason=disabled)


def retry_wait_s(retry_after: float, cap: float, jitter: float, rng: random.Random | None = None) -> float:
    """The wait a Retry-After asks for (capped), with jitter above it and below the cap: a host that
    tells all its feeds one moment (an HTTP-date is the same instant for each) gets them back spread
    out, not in one tick."""
    rng = rng or random
    asked = min(max(retry_after, 0.0), cap)
    return min(asked * (1 + rng.uniform(0, jitter)), max(asked, cap))


# --- the publisher's own hints ----------------------------------------------------------------

def feed_hints(ttl_minutes: int | None, update_period: str | None,
               update_frequency: int | None) -> tuple[PollHint, ...]:
    """Hints from the feed document: RSS <ttl> (minutes) and sy:updatePeriod / sy:updateFrequency
    (so many updates per period); values that make no sense are ignored."""
    hints = []
    if ttl_minutes is not None and ttl_minutes > 0:
        hints.append(PollHint(ttl_minutes * 60.0, f"feed ttl {ttl_minutes}m"))
    period_s = _UPDATE_PERIOD_S.get((update_period or "").strip().lower())
    frequency = 1 if update_frequency is None else update_frequency
    if period_s is not None and frequency > 0:
        per = f", {frequency} per period" if frequency != 1 else ""
        hints.append(PollHint(period_s / frequency, f"feed sy:updatePeriod {update_period.strip().lower()}{per}"))
    return tuple(hints)


def cache_hint(cache_control: str | None) -> PollHint | None:
    """The response's Cache-Control max-age as a hint; none when the response may not be reused."""
    if not cache_control or _NOT_STORED.search(cache_control):
        return None
    match = _MAX_AGE.search(cache_control)
    if not match or int(match.group(1)) <= 0:
        return None
    seconds = int(match.group(1))
    return PollHint(float(seconds), f"cache-control max-age {seconds}s")


def stored_hints(feed: Feed) -> tuple[PollHint, ...]:
    """The feed's ttl / sy: hints as the store kept them from its last full response."""
    return feed_hints(feed.ttl_minutes, feed.update_period, feed.update_frequency)


def in_effect_text(feed: Feed) -> str:
    """The wait between polls in effect after the feed's last good poll and why: "8m (quiet: 4 polls
    with nothing new)"; "-" before its first."""
    if feed.poll_interval_s is None:
        return "-"
    return span_text(feed.poll_interval_s) + (f" ({feed.poll_reason})" if feed.poll_reason else "")


def span_text(seconds: float) -> str:
    """A wait as an operator writes it in the config, to the minute from a minute up: "45s", "8m",
    "4h", "1h30m", "2d"."""
    seconds = max(0.0, seconds)
    if seconds < 59.5:
        return f"{math.floor(seconds + 0.5)}s"
    minutes = math.floor(seconds / 60 + 0.5)          # to the nearest minute, half up
    if minutes < 60:
        return f"{minutes}m"
    if minutes % 1440 == 0:
        return f"{minutes // 1440}d"
    hours, rest = divmod(minutes, 60)
    return f"{hours}h{rest}m" if rest else f"{hours}h"
