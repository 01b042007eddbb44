"""The long-running service: APScheduler jobs for the due-feeds tick, outbox delivery and housekeeping.

State (next poll times, backoff, outbox) lives in the store, so a restart picks up where it stopped.
SIGTERM stops new work, lets in-flight polls finish for a grace period, then cancels them; an
article is written in one transaction, so a cancelled poll leaves it stored whole or not at all.
"""

from __future__ import annotations

import asyncio
import signal
from datetime import datetime, timedelta, timezone

import structlog
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from daemon.alerts import Deliverer
from daemon.pipeline import Pipeline, PollResult

log = structlog.get_logger("newswatch.scheduler")

DELIVERY_INTERVAL_S = 10.0
HOUSEKEEPING_INTERVAL_S = 3600.0
STOP_GRACE_S = 20.0


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
    for feed, result in zip(feeds, results):
        if isinstance(result, BaseException) and not isinstance(result, asyncio.CancelledError):
            log.error("feed.crashed", feed=feed.url, error=repr(result), exc_info=result)
    return [r for r in results if isinstance(r, PollResult)]


class Service:
    """Runs the tick, delivery and housekeeping jobs until stopped."""

    def __init__(self, pipeline: Pipeline, deliverer: Deliverer) -> None:
        self.pipeline, self.deliverer = pipeline, deliverer
        self.in_flight: dict[int, asyncio.Task] = {}
        self.delivering: asyncio.Task | None = None
        self.stopping = asyncio.Event()

    async def tick(self) -> None:
        """Start polls for every due feed not already being polled."""
        if self.stopping.is_set():
            return
        now = datetime.now(timezone.utc)
        due = [f for f in self.pipeline.store.due_feeds(now) if f.id not in self.in_flight]
        if due:
            log.debug("scheduler.tick", due=len(due), in_flight=len(self.in_flight))
            asyncio.create_task(poll_round(self.pipeline, due, in_flight=self.in_flight))

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
        log.info("service.stopped")

    def _request_stop(self, sig: signal.Signals) -> None:
        if not self.stopping.is_set():
            log.info("service.stopping", signal=sig.name, in_flight=len(self.in_flight))
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
