"""One feed poll, top to bottom (DESIGN.md's diagram down to "for each entry"): fetch the feed with
its validators, follow a permanent move, take a 304, parse, hand each entry to the entry ingestion
(daemon/entry_ingest.py), then record the feed's new state, or its failure and backoff.

Kept apart from the per-entry stages so that feed-level bookkeeping (validators, moves, failures)
has one home: which validators are kept depends on the entries' outcomes, and nothing else here
needs to know how an article is made.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from datetime import datetime

import structlog

from daemon.entry_ingest import EntryIngest, utcnow
from daemon.errors import FeedParseError, FetchError, store_failure
from daemon.feed_schedule import FeedSchedule
from daemon.feeds import parse_feed
from daemon.fetch import Fetcher
from daemon.gazetteer import Gazetteer
from daemon.settings import Settings
from storage.records import Feed
from storage.store import Store

log = structlog.get_logger("newswatch.pipeline")

FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/rdf+xml, application/feed+json, "
               "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5")


@dataclass(frozen=True, slots=True)
class PollResult:
    feed_url: str
    status: str            # "ok", "not modified", "error"
    entries: int = 0
    stored: int = 0
    copies: int = 0
    known: int = 0
    skipped: int = 0
    updated: int = 0
    error: str | None = None


class Pipeline(EntryIngest):
    """The entry ingestion's long-lived pieces plus the feed schedule: runs one feed's poll."""

    def __init__(self, settings: Settings, store: Store, fetcher: Fetcher, gazetteer: Gazetteer,
                 executor: Executor | None, clock: Callable[[], datetime] = utcnow,
                 replace_executor: Callable[[], Executor] | None = None) -> None:
        super().__init__(settings, store, fetcher, gazetteer, executor, clock, replace_executor)
        self.schedule = FeedSchedule(settings, store)

    async def poll_feed(self, feed: Feed) -> PollResult:
        """Fetch, parse and ingest one feed; record its new state. Never raises for bad input, and a
        bug still leaves the feed backed off (not re-fetched every tick) with the reason recorded.
        A store that takes no more writes raises StoreError: that is no fault of the feed's."""
        started = time.monotonic()
        bound = log.bind(feed=feed.url)
        now = self.clock()
        try:
            return await self._poll(feed, started, bound, now)
        except Exception as exc:  # noqa: BLE001 - logged with its traceback and recorded on the feed
            if (gone := store_failure(exc, self.store.path)) is not None:
                raise gone from exc
            bound.error("feed.crashed", error=repr(exc), exc_info=exc)
            return self._feed_failed(feed, now, f"internal error: {type(exc).__name__}", started, bound)

    async def _poll(self, feed: Feed, started: float, bound, now: datetime) -> PollResult:
        try:
            response = await self.fetcher.get(feed.moved_to or feed.url, etag=feed.etag,
                                              last_modified=feed.last_modified, accept=FEED_ACCEPT)
        except FetchError as exc:
            if feed.moved_to and exc.status in (404, 410):   # the new home is gone: back to the configured URL
                bound.warning("feed.move_undone", moved_to=feed.moved_to, status=exc.status)
                feed = replace(feed, moved_to=None)
            return self._feed_failed(feed, now, exc.reason, started, bound, http_status=exc.status,
                                     retry_after=exc.retry_after)
        if response.moved_permanently:   # polled there from now on; the feed keeps its id and configured URL
            bound.warning("feed.moved", old=feed.moved_to or feed.url, new=response.url, action="update the config")
            feed = replace(feed, moved_to=response.url)
        if response.not_modified:
            schedule = self.schedule.done(feed, now, "not modified", ms=_ms(started), http_status=response.status,
                                          size=0, new=0, etag=response.etag or feed.etag,
                                          last_modified=response.last_modified or feed.last_modified,
                                          headers=response.headers)
            bound.info("feed.polled", status=304, ms=_ms(started), new=0, **schedule)
            return PollResult(feed.url, "not modified")
        try:
            # In a thread: a feed of 10,000 entries takes seconds to parse, and the event loop must
            # go on serving the other polls meanwhile (their fetches' timeouts keep running).
            parsed = await asyncio.to_thread(parse_feed, response.body, response.url, response.headers)
        except FeedParseError as exc:
            if exc.advertised:   # whole here: the stored reason is clipped and may cut a long URL
                bound.warning("feed.not_a_feed", advertised=exc.advertised,
                              action="put the advertised feed's URL in the config")
            return self._feed_failed(feed, now, exc.reason, started, bound, http_status=response.status,
                                     size=len(response.body))
        if parsed.bozo_reason:
            bound.warning("feed.bozo", reason=parsed.bozo_reason, entries=len(parsed.entries))
        self._guids_reused.pop(feed.id, None)
        outcomes = await asyncio.gather(*(self._ingest_guarded(feed, entry) for entry in parsed.entries))
        if reused := self._guids_reused.pop(feed.id, None):
            bound.warning("feed.guids_reused", entries=len(reused), action="entries with a stored GUID but another "
                          "URL are taken as new articles")
        counts = {name: outcomes.count(name)
                  for name in ("stored", "copy", "known", "skipped", "updated", "waiting")}
        counts["skipped"] += counts["waiting"]
        validators = (response.etag, response.last_modified)
        if counts["waiting"]:   # the feed's old validators: the next poll gets it whole and retries them
            validators = (feed.etag, feed.last_modified)
            bound.info("feed.validators_kept", waiting=counts["waiting"], reason="entries skipped for a "
                       "temporary reason are retried on the next poll")
        schedule = self.schedule.done(
            replace(feed, title=parsed.title or feed.title, site_url=parsed.site_url or feed.site_url),
            now, "ok", ms=_ms(started), http_status=response.status, size=len(response.body),
            new=counts["stored"] + counts["copy"], etag=validators[0], last_modified=validators[1],
            headers=response.headers, parsed=parsed)
        bound.info("feed.polled", status=response.status, ms=_ms(started), entries=len(parsed.entries),
                   new=counts["stored"] + counts["copy"], copies=counts["copy"], known=counts["known"],
                   updated=counts["updated"],
                   skipped=counts["skipped"], bozo=parsed.bozo_reason, **schedule)
        return PollResult(feed.url, "ok", entries=len(parsed.entries), stored=counts["stored"],
                          copies=counts["copy"], known=counts["known"], skipped=counts["skipped"],
                          updated=counts["updated"])

    def _feed_failed(self, feed: Feed, now: datetime, reason: str, started: float, bound, *,
                     http_status: int | None = None, retry_after: float | None = None,
                     size: int = 0) -> PollResult:
        updated = self.schedule.failed(feed, now, reason, ms=_ms(started), http_status=http_status,
                                       retry_after=retry_after, size=size)
        bound.warning("feed.polled", status=http_status or "error", ms=_ms(started), error=reason,
                      consecutive_errors=updated.consecutive_errors, retry_after=retry_after,
                      next_poll_at=updated.next_poll_at.isoformat() if updated.next_poll_at else None,
                      disabled=updated.disabled_reason)
        return PollResult(feed.url, "error", error=reason)


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
