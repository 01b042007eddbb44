"""The long-running service: APScheduler jobs for the due-feeds tick, outbox delivery and housekeeping.

State (next poll times, backoff, outbox) lives in the store, so a restart picks up where it stopped.
SIGTERM stops new work, lets in-flight polls finish for a grace period, then cancels them; an
article is written in one transaction, so a cancelled poll leaves it stored whole or not at all.
SIGHUP reads the config again (daemon/reload.py) while polls go on.
A store that takes no more writes (full disk, read-only file) stops the service with a StoreError:
no later poll could record anything, and re-fetching every feed at every tick would only hammer
the outlets and the journal.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import structlog
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from daemon.alerts import Deliverer
from daemon.errors import StoreError, store_failure
from daemon.pipeline import Pipeline, PollResult
from daemon.settings import Settings
from storage.records import Feed

log = structlog.get_logger("newswatch.scheduler")

DELIVERY_INTERVAL_S = 10.0
HOUSEKEEPING_INTERVAL_S = 3600.0
STOP_GRACE_S = 20.0
# The wall clock may drift from the monotonic clock by this much between ticks before the schedule
# is checked for next poll times that only a clock set back can explain.
CLOCK_STEP_S = 60.0


async def poll_round(pipeline: Pipeline, feeds, *, in_flight: dict | None = None) -> list[PollResult]:
    """Poll the given feeds concurrently (the fetcher enforces the global and per-host limits)."""
    tasks = []
    for feed in feeds:
        task = asyncio.create_task(pipeline.poll_feed(feed), name=f"poll {feed.url}")
        if in_flight is not None:
            in_flight[feed.id] = task
            task.add_done_callback(lambda _t, fid=feed.id: in_flight.pop(fid, None))
        tasks.append(task)
    results = await asyncio.gather(*tasks, return_exceptions=True)
    store_gone = None
    for feed, result in zip(feeds, results):
        if isinstance(result, BaseException) and not isinstance(result, asyncio.CancelledError):
            store_gone = store_gone or store_failure(result, pipeline.store.path)
            log.error("feed.crashed", feed=feed.url, error=repr(result), exc_info=result)
    if store_gone is not None:
        log.error("store.unwritable", store=pipeline.store.path, error=str(store_gone), action="stopping")
        raise store_gone
    return [r for r in results if isinstance(r, PollResult)]


def longest_wait_s(feed: Feed, settings: Settings) -> float:
    """The longest wait any poll outcome can set before a feed's next poll: the adaptive cap, the
    error backoff cap or a server's Retry-After cap, whichever is longest, with the jitter on top."""
    scheduler = settings.scheduler
    longest = max(feed.interval_s, scheduler.max_interval_s, scheduler.max_backoff_s, settings.http.max_retry_after)
    return longest * (1 + scheduler.jitter)


def scheduled_beyond_reach(feeds: list[Feed], now: datetime, settings: Settings) -> list[Feed]:
    """Feeds whose next poll lies further ahead than any poll could have set it: written while the
    clock ran ahead (a bad RTC at boot, then corrected by NTP). Left alone they would sleep until
    the wrong date comes round again, months or years away."""
    return [f for f in feeds if f.next_poll_at is not None
            and f.next_poll_at > now + timedelta(seconds=longest_wait_s(f, settings))]


class Service:
    """Runs the tick, delivery and housekeeping jobs until stopped."""

    def __init__(self, pipeline: Pipeline, deliverer: Deliverer) -> None:
        self.pipeline, self.deliverer = pipeline, deliverer
        self.in_flight: dict[int, asyncio.Task] = {}
        self.delivering: asyncio.Task | None = None
        self.stopping = asyncio.Event()
        self.failure: StoreError | None = None
        self._clock_offset: float | None = None   # wall clock minus monotonic clock at the last tick
        self.on_reload: Callable[[], None] | None = None   # SIGHUP; must not block (it schedules the reload)

    async def tick(self) -> None:
        """Start polls for every due feed not already being polled."""
        if self.stopping.is_set():
            return
        now = datetime.now(timezone.utc)
        due = [f for f in self.pipeline.store.due_feeds(now) if f.id not in self.in_flight]
        if self._clock_stepped():
            due += self._misscheduled(now, {f.id for f in due})
            self._replan_polls_from_the_future(now, {f.id for f in due} | set(self.in_flight))
        if due:
            log.debug("scheduler.tick", due=len(due), in_flight=len(self.in_flight))
            asyncio.create_task(self._poll(due))

    async def _poll(self, due: list[Feed]) -> None:
        try:
            await poll_round(self.pipeline, due, in_flight=self.in_flight)
        except StoreError as exc:
            self.stop_for_store(exc)

    def _clock_stepped(self) -> bool:
        """True at the first tick and whenever the wall clock jumped since the last one."""
        offset = time.time() - time.monotonic()
        stepped = self._clock_offset is None or abs(offset - self._clock_offset) > CLOCK_STEP_S
        self._clock_offset = offset
        return stepped

    def _misscheduled(self, now: datetime, already: set[int]) -> list[Feed]:
        """Configured, enabled feeds whose next poll only a clock set back explains: polled now, and
        the poll writes a next poll time from the corrected clock."""
        store = self.pipeline.store
        retired = store.retired_feed_urls()
        candidates = [f for f in store.feeds() if f.url not in retired and f.disabled_reason is None
                      and f.id not in already and f.id not in self.in_flight]
        stray = scheduled_beyond_reach(candidates, now, self.pipeline.settings)
        for feed in stray:
            log.warning("feed.next_poll_beyond_reach", feed=feed.url, next_poll_at=feed.next_poll_at.isoformat(),
                        reason="set while the clock ran ahead", action="polled now")
        return stray

    def _replan_polls_from_the_future(self, now: datetime, skip: set[int]) -> None:
        """Feeds last polled while the clock ran ahead by less than the beyond-reach margin (NTP set it
        back an hour): their planned wait is measured from now, or they would be silent for the step."""
        for url, was, replanned in self.pipeline.store.replan_polls_from_the_future(now, skip):
            log.warning("feed.next_poll_replanned", feed=url, next_poll_at_was=was.isoformat(),
                        next_poll_at=replanned.isoformat(), reason="last poll recorded while the clock ran ahead")

    async def deliver(self) -> None:
        if self.stopping.is_set():
            return
        self.delivering = asyncio.current_task()
        try:
            await self.deliverer.deliver_due(should_stop=self.stopping.is_set)
        finally:
            self.delivering = None

    async def housekeeping(self) -> None:
        days = self.pipeline.settings.raw_retention_days
        purged = self.pipeline.store.purge_raw_pages(datetime.now(timezone.utc) - timedelta(days=days))
        if purged:
            log.info("housekeeping.raw_pages_purged", rows=purged, older_than_days=days)
        # Lines a host printed once and never again are not boilerplate: forget them after 90 days.
        forgotten = self.pipeline.store.purge_site_lines(datetime.now(timezone.utc) - timedelta(days=90))
        if forgotten:
            log.info("housekeeping.site_lines_forgotten", rows=forgotten)

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self._request_stop, sig)
        loop.add_signal_handler(signal.SIGHUP, self._request_reload)
        scheduler = AsyncIOScheduler(timezone=timezone.utc)
        now = datetime.now(timezone.utc)
        tick_s = self.pipeline.settings.scheduler.tick_s
        scheduler.add_job(self.tick, "interval", seconds=tick_s, next_run_time=now, id="tick",
                          max_instances=1, coalesce=True)
        scheduler.add_job(self.deliver, "interval", seconds=DELIVERY_INTERVAL_S, next_run_time=now,
                          id="deliver", max_instances=1, coalesce=True)
        scheduler.add_job(self.housekeeping, "interval", seconds=HOUSEKEEPING_INTERVAL_S,
                          next_run_time=now + timedelta(seconds=60), id="housekeeping",
                          max_instances=1, coalesce=True)
        scheduler.start()
        log.info("service.started", feeds=len(self.pipeline.store.feeds()), tick_s=tick_s)
        await self.stopping.wait()
        # A delivery in progress finishes (so a POST its receiver got is marked delivered) before the
        # scheduler, which would cancel it, shuts down; deliver_due stops between deliveries.
        if self.delivering is not None:
            await asyncio.wait([self.delivering], timeout=STOP_GRACE_S)
        scheduler.shutdown(wait=False)
        await self._drain()
        if self.failure is not None:
            raise self.failure
        log.info("service.stopped")

    def _request_stop(self, sig: signal.Signals) -> None:
        if not self.stopping.is_set():
            log.info("service.stopping", signal=sig.name, in_flight=len(self.in_flight))
            self.stopping.set()

    def _request_reload(self) -> None:
        """SIGHUP, as `systemctl reload newswatch` sends it: handled, never the default (a silent death)."""
        if self.on_reload is None:
            log.warning("config.reload_ignored", signal="SIGHUP",
                        reason="this service has no config file to read again")
            return
        self.on_reload()

    def stop_for_store(self, exc: StoreError) -> None:
        """Stop as after SIGTERM, then fail: run_service raises it and `run` exits 1 naming the store."""
        if self.failure is None:
            self.failure = exc
        self.stopping.set()

    async def _drain(self) -> None:
        tasks = list(self.in_flight.values())
        if not tasks:
            return
        done, pending = await asyncio.wait(tasks, timeout=STOP_GRACE_S)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
            log.warning("service.cancelled_polls", count=len(pending))
