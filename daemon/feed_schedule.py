"""A feed poll's bookkeeping: record its outcome in the store and set the next poll time.

The policy itself (interval, adaptive stretching, backoff) is the pure daemon/backoff.py; this class
gathers what it reads (the feed's recent polls from the store, its own ttl/sy: hints kept on the
feed row from its last full response, since a 304 has no body) and writes the result with the
poll's fetch log row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import structlog

from daemon import backoff
from daemon.feeds import ParsedFeed
from daemon.settings import Settings
from storage.records import Feed, FetchLog
from storage.store import Store

log = structlog.get_logger("newswatch.schedule")

# Answers by which a host asks every client to slow down (429 always, 503 when it names a wait): the
# host's other feeds are held back too, so each does not ask again only to earn the same answer.
HOST_SLOW_DOWN = frozenset({429, 503})


class FeedSchedule:
    """One per pipeline; keeps no state of its own, so a restart (or `run --once`) changes nothing."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings, self.store = settings, store

    def done(self, feed: Feed, now: datetime, status: str, *, ms: int, http_status: int, size: int, new: int,
             etag: str | None, last_modified: str | None, headers: Mapping[str, str],
             parsed: ParsedFeed | None = None) -> dict[str, object]:
        """Record a good poll and schedule the next; returns the interval in effect and why, for the log.
        A full response (parsed) replaces the feed's stored hints; a 304 (none) keeps them."""
        feed = replace(feed, etag=etag, last_modified=last_modified)
        if parsed is not None:
            feed = replace(feed, ttl_minutes=parsed.ttl_minutes, update_period=parsed.update_period,
                           update_frequency=parsed.update_frequency)
        cache = backoff.cache_hint(headers.get("cache-control"))
        evidence = self._evidence(feed, now, new, (*backoff.stored_hints(feed), *((cache,) if cache else ())))
        updated = backoff.after_success(feed, now, self.settings.scheduler, status, evidence=evidence)
        self.store.record_poll(updated, FetchLog(feed_id=feed.id, url=feed.url, at=now, status=status,
                                                 http_status=http_status, ms=ms, bytes=size, new_entries=new))
        return {"interval_s": updated.poll_interval_s, "interval_reason": updated.poll_reason,
                "next_poll_at": updated.next_poll_at.isoformat() if updated.next_poll_at else None}

    def failed(self, feed: Feed, now: datetime, reason: str, *, ms: int, http_status: int | None = None,
               retry_after: float | None = None, size: int = 0) -> Feed:
        """Record a failed poll with its backoff (and the feed disabled after too many); the new state.
        The feed's hints and its interval in effect stay as the last good poll left them."""
        updated = backoff.after_error(feed, now, self.settings.scheduler, reason, retry_after,
                                      self.settings.http.max_retry_after)
        self.store.record_poll(updated, FetchLog(feed_id=feed.id, url=feed.url, at=now, status="error",
                                                 http_status=http_status, ms=ms, bytes=size, error=reason))
        if retry_after is not None and http_status in HOST_SLOW_DOWN and feed.id is not None:
            self._hold_back_host(feed, now, http_status, retry_after)
        return updated

    def _hold_back_host(self, feed: Feed, now: datetime, http_status: int, retry_after: float) -> None:
        """The host's other feeds due before its Retry-After is over wait for it too (each with its own
        jitter above it); no error is counted on them, as none of them was asked."""
        host = polled_host(feed)
        cap, jitter = self.settings.http.max_retry_after, self.settings.scheduler.jitter
        asked = now + timedelta(seconds=min(max(retry_after, 0.0), cap))
        for sibling in self.store.feeds_due_before(asked, exclude=feed.id):
            if sibling.id is None or polled_host(sibling) != host:
                continue
            until = now + timedelta(seconds=backoff.retry_wait_s(retry_after, cap, jitter))
            self.store.postpone_poll(sibling.id, until)
            log.info("feed.poll_postponed", feed=sibling.url, host=host, next_poll_at=until.isoformat(),
                     reason=f"http {http_status} with Retry-After on {feed.moved_to or feed.url}")

    def _evidence(self, feed: Feed, now: datetime, new: int,
                  hints: tuple[backoff.PollHint, ...]) -> backoff.PollEvidence | None:
        """What the adaptive schedule reads: this poll, the feed's recent polls, its own hints."""
        if not self.settings.scheduler.adaptive or feed.id is None:
            return None
        history = self.store.poll_history(feed.id, now - backoff.RATE_WINDOW)
        return backoff.evidence_from(history, now, new, hints)


def polled_host(feed: Feed) -> str:
    """The host a feed's polls go to: where it moved for good, else its configured URL's."""
    return (urlsplit(feed.moved_to or feed.url).hostname or "").lower()
