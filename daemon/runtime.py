"""Assembles the long-lived pieces from settings and runs them: once (run --once) or as a service.

The CLI and the demo call these; nothing here knows about click.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from multiprocessing import forkserver
import os
import signal
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import AsyncIterator

import structlog

from daemon.alerts import Deliverer, DeliveryPass
from daemon.fetch import Fetcher
from daemon.gazetteer import Gazetteer
from daemon.pipeline import Pipeline, PollResult
from daemon.process_life import die_with_parent
from daemon.reload import ConfigReloader, match_store_to_config
from daemon.scheduler import Service, poll_round
from daemon.settings import Settings
from storage.store import Store

log = structlog.get_logger("newswatch.runtime")

# How long the workers may take to finish once the polls are done or cancelled. The scheduler's
# grace periods (up to 40 s) plus this stay within the unit's TimeoutStopSec=45s.
WORKER_STOP_GRACE_S = 3.0


def open_store(settings: Settings, gazetteer: Gazetteer | None = None) -> Store:
    """Open the store and make its feeds and regions match the config (as a reload does again)."""
    store = Store.open(settings.storage_path)
    gazetteer = gazetteer or Gazetteer.load(settings.custom_regions, settings.custom_places)
    match_store_to_config(store, settings, gazetteer, datetime.now(timezone.utc))
    return store


def worker_context() -> multiprocessing.context.BaseContext:
    """Workers fork from a forkserver that has trafilatura and the gazetteer loaded already."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["daemon.warm_worker"])
    return context


def worker_ignores_stop_signals() -> None:
    """The parent decides when to stop or reload; a SIGTERM/SIGINT/SIGHUP sent to the whole process
    group (systemd, Ctrl-C, a closed terminal) must not kill the workers under in-flight articles.
    But a worker must not outlive the daemon either (daemon/process_life.py)."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    die_with_parent()


def worker_pool(settings: Settings) -> ProcessPoolExecutor:
    """Extraction is CPU-bound: one worker process per core (or as configured)."""
    workers = settings.workers or os.cpu_count() or 1
    return ProcessPoolExecutor(max_workers=workers, mp_context=worker_context(),
                               initializer=worker_ignores_stop_signals)


@asynccontextmanager
async def pipeline_for(settings: Settings, *, use_processes: bool = True) -> AsyncIterator[Pipeline]:
    gazetteer = Gazetteer.load(settings.custom_regions, settings.custom_places)
    store = open_store(settings, gazetteer)
    executor = worker_pool(settings) if use_processes else None
    if executor is not None:
        # The forkserver starts from this thread, which lives as long as the daemon: it asks the
        # kernel to be killed when the thread that started it ends (daemon/process_life.py).
        forkserver.ensure_running()
        await asyncio.to_thread(start_workers, executor, settings.workers or os.cpu_count() or 1)
    fetcher = Fetcher(settings.http)
    pipeline = Pipeline(settings, store, fetcher, gazetteer, executor,
                        replace_executor=(lambda: worker_pool(settings)) if use_processes else None)
    try:
        yield pipeline
    finally:
        await pipeline.fetcher.aclose()   # a reload may have replaced the one made here (and closed that)
        if pipeline.executor is not None:
            stop_workers(pipeline.executor, WORKER_STOP_GRACE_S)
        store.close()


def start_workers(executor: ProcessPoolExecutor, count: int) -> None:
    """Start the pool's workers before the first poll. The pool starts them on demand, and the first
    start boots the forkserver (trafilatura, the gazetteer: seconds on a busy machine) inside
    submit(), which the event loop calls: every fetch in flight meanwhile ran out its total timeout
    while its page had long arrived. Done here, in a thread, nothing is in flight yet."""
    started = time.monotonic()
    for future in [executor.submit(os.getpid) for _ in range(count)]:
        future.result()
    log.info("workers.started", count=len(getattr(executor, "_processes", None) or {}) or count,
             ms=round((time.monotonic() - started) * 1000))


def stop_workers(executor: ProcessPoolExecutor, grace_s: float) -> None:
    """Shut the pool down, killing a worker still busy after grace_s. The polls that asked for its
    work are finished or cancelled by now, so nothing will store its result: waiting on a parser
    stuck on a pathological page would only make systemd kill the whole daemon at TimeoutStopSec.
    Workers ignore SIGTERM (the parent decides), hence SIGKILL."""
    # The pool keeps its processes in a private mapping; there is no public way to bound the wait.
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + grace_s
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
    stuck = [p for p in processes if p.is_alive()]
    for process in stuck:
        process.kill()
        process.join(5)
    if stuck:
        log.warning("workers.killed", count=len(stuck), grace_s=grace_s,
                    reason="still busy after the polls were done or cancelled")


@dataclass(frozen=True, slots=True)
class RoundReport:
    """A one-shot run: each feed's poll, and what became of the alerts due at its end."""

    polls: tuple[PollResult, ...]
    alerts: DeliveryPass


async def run_once(settings: Settings, *, use_processes: bool = True) -> list[PollResult]:
    """Poll every enabled feed once, finish the pipeline, deliver due alerts, and return."""
    return list((await run_round(settings, use_processes=use_processes)).polls)


async def run_round(settings: Settings, *, use_processes: bool = True) -> RoundReport:
    """run_once, with the alert delivery pass's outcome too (`run --once` prints both)."""
    async with pipeline_for(settings, use_processes=use_processes) as pipeline:
        configured = {c.url for c in settings.feeds}
        feeds = [f for f in pipeline.store.feeds() if f.disabled_reason is None and f.url in configured]
        log.info("run.once", feeds=len(feeds))
        results = await poll_round(pipeline, feeds)
        alerts = await deliver_due_alerts(pipeline, settings)
        return RoundReport(polls=tuple(results), alerts=alerts)


async def deliver_due_alerts(pipeline: Pipeline, settings: Settings) -> DeliveryPass:
    """One delivery pass over the outbox, as the end of a one-shot run makes."""
    deliverer = Deliverer(pipeline.store, settings.alerts, user_agent=settings.http.user_agent)
    try:
        return await deliverer.deliver_pass()
    finally:
        await deliverer.aclose()


async def run_service(settings: Settings, *, store_override: str | None = None) -> None:
    """The daemon until SIGTERM/SIGINT; SIGHUP reads settings.source_path again (daemon/reload.py).
    store_override is --db: a reload keeps it over the config's [storage] path, as start did."""
    async with pipeline_for(settings) as pipeline:
        deliverer = Deliverer(pipeline.store, settings.alerts, user_agent=settings.http.user_agent)
        service = Service(pipeline, deliverer)
        reloader = ConfigReloader(service, settings.source_path, store_override=store_override)
        service.on_reload = reloader.request
        try:
            await service.run()
        finally:
            await reloader.aclose()
            await deliverer.aclose()


def run(coro) -> object:
    return asyncio.run(coro)
