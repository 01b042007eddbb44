"""Work sent to the extraction worker processes: within a time limit, and surviving a dead or
stuck worker (the pool is replaced and the work of the pool's other workers retried).

A mixin of EntryIngest (it uses the ingestion's executor, replace_executor and settings), kept apart
so that what an article goes through and how a process pool is kept alive are read separately.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from concurrent.futures import Executor
from concurrent.futures.process import BrokenProcessPool

import structlog

from daemon.settings import EXTRACTION_TIME_LIMIT_S, Settings

log = structlog.get_logger("newswatch.pipeline")


class WorkTimedOut(TimeoutError):
    """Work sent to a worker process ran past the time limit; its worker was killed with the pool
    (or left running when no new pool can be made)."""

    def __init__(self, work: str, limit_s: float, waited_s: float) -> None:
        self.work, self.limit_s, self.waited_s = work, limit_s, waited_s
        super().__init__(f"{work} ran past its {limit_s:g} s limit")


class WorkerCalls:
    """_in_worker for the ingestion: needs self.executor, self.replace_executor and self.settings."""

    executor: Executor | None
    replace_executor: Callable[[], Executor] | None
    settings: Settings
    _worker_slots: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None

    async def _in_worker(self, function, *args):
        """Run CPU-bound work in the pool, within the time limit. A worker that died (out of memory, a
        crash in a parser on a hostile page) breaks the whole pool: the pool is replaced and the work
        retried, so ingestion goes on. Work caught in a pool killed for another's timeout is retried
        too: each call replaces a pool at most once, so the retries end."""
        if self.executor is None:
            return function(*args)
        async with self._worker_slot():
            replaced = False
            while True:
                executor = self.executor
                try:
                    return await self._within_time_limit(executor, function, args)
                except BrokenProcessPool:
                    if self.executor is not executor:   # already replaced (a timeout, another call): go on
                        continue
                    if replaced or self.replace_executor is None:
                        raise
                    log.error("workers.pool_broken", action="replacing the worker pool")
                    self.executor, replaced = self.replace_executor(), True
                    executor.shutdown(wait=False, cancel_futures=True)

    def _worker_slot(self) -> asyncio.Semaphore:
        """One slot per worker process: work goes to the pool only when a worker is free to start it,
        so the time limit counts the work's own running time, not its wait behind other pages."""
        loop = asyncio.get_running_loop()
        if self._worker_slots is None or self._worker_slots[0] is not loop:
            # the pool's size is private; the fallback mirrors daemon.runtime.worker_pool's choice
            size = getattr(self.executor, "_max_workers", None) or os.cpu_count() or 1
            self._worker_slots = (loop, asyncio.Semaphore(size))
        return self._worker_slots[1]

    async def _within_time_limit(self, executor: Executor, function, args: tuple):
        """The work's result, or WorkTimedOut once it has run past the limit. A process cannot be
        interrupted from outside and the pool does not say which worker runs what, so the stuck
        worker goes with its whole pool: a new pool takes over, and the work of the other workers
        sees the old one broken and is retried on the new one (_in_worker)."""
        limit_s = getattr(self.settings, "extraction_time_limit_s", EXTRACTION_TIME_LIMIT_S)
        started = time.monotonic()
        future = asyncio.get_running_loop().run_in_executor(executor, function, *args)
        try:
            return await asyncio.wait_for(future, limit_s)
        except TimeoutError:
            if not future.cancelled():   # the work itself raised TimeoutError: not ours to handle
                raise
            waited_s = time.monotonic() - started
            self._kill_pool(executor, function.__name__, waited_s)
            raise WorkTimedOut(function.__name__, limit_s, waited_s) from None

    def _kill_pool(self, executor: Executor, work: str, waited_s: float) -> None:
        """Replace the pool and SIGKILL the old one's workers (they ignore SIGTERM: the parent decides).
        Without a way to make a new pool the stuck worker is left, rather than break every later call."""
        if self.executor is not executor:   # another timeout or break replaced this pool already
            return
        if self.replace_executor is None:
            log.error("workers.stuck", work=work, waited_s=round(waited_s, 1),
                      action="left running: no way to start a new worker pool")
            return
        self.executor = self.replace_executor()
        # The pool keeps its processes in a private mapping, as daemon.runtime.stop_workers knows too.
        processes = list((getattr(executor, "_processes", None) or {}).values())
        for process in processes:
            process.kill()
        executor.shutdown(wait=False)   # no cancel_futures: others' work must fail over, not be cancelled
        log.warning("workers.stuck_killed", work=work, waited_s=round(waited_s, 1), killed=len(processes),
                    action="started a new worker pool; the other workers' pages are retried")
