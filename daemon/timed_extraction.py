"""Kept raw pages extracted again in a child process, each page within the extraction time limit.

`newswatch reprocess` goes through thousands of kept pages in one run. A page that makes the parsers
spin must cost the run its time limit, not the rest of the run: a thread cannot be stopped, a process
can be killed. One worker process serves page after page (one start per run, not one per article);
a page past the limit costs that worker, and the next page gets a fresh one from the warm forkserver.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType

import structlog

from daemon.errors import ExtractionError
from daemon.extract import Extracted
from daemon.runtime import worker_ignores_stop_signals, worker_context

log = structlog.get_logger("newswatch.reprocess")

# A first start forks the forkserver, which imports trafilatura and builds the gazetteer's tables:
# seconds, not minutes. The page's own limit starts once the worker is up.
WORKER_START_LIMIT_S = 120.0
# How long an idle worker may take to leave once told to; past it, it is killed.
WORKER_STOP_GRACE_S = 5.0

PageExtraction = Callable[[bytes, str, "str | None", "str | None"], Extracted]


class ExtractionTimedOut(ExtractionError):
    """A page whose extraction ran past the time limit; the worker doing it was killed."""

    def __init__(self, url: str, limit_s: float, waited_s: float) -> None:
        self.limit_s, self.waited_s = limit_s, waited_s
        super().__init__(url, f"extraction timed out after {limit_s:g} s")

    def __reduce__(self):
        return type(self), (self.url, self.limit_s, self.waited_s)


class TimedExtraction:
    """extract(body, url, content_type, residue_rules_path) runs `extraction` (process_page, or a
    stand-in with its signature; it must be a top-level function, as it is sent to the worker by
    reference) in one reused child process, and raises ExtractionTimedOut past time_limit_s.

    Use it as a context manager: the worker is shut down when the run ends, killed when the run is
    interrupted (Ctrl-C) while it works. It ignores SIGINT, SIGTERM and SIGHUP itself: the parent decides."""

    def __init__(self, extraction: PageExtraction, time_limit_s: float) -> None:
        self.extraction, self.time_limit_s = extraction, time_limit_s
        self._pool: ProcessPoolExecutor | None = None
        self._last_work: Future | None = None   # the worker is at work while this is not done

    def __enter__(self) -> TimedExtraction:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def extract(self, body: bytes, url: str, content_type: str | None,
                residue_rules_path: str | None) -> Extracted:
        """The page's article; ExtractionError (ExtractionTimedOut past the limit) when there is none."""
        pool = self._pool or self._started(url)
        started = time.monotonic()
        try:
            future = self._last_work = pool.submit(self.extraction, body, url, content_type, residue_rules_path)
            return future.result(timeout=self.time_limit_s)
        except TimeoutError:
            if future.done():   # the work itself raised TimeoutError: a bug, not ours to hide
                raise
            waited_s = time.monotonic() - started
            self._discard(kill=True)
            raise ExtractionTimedOut(url, self.time_limit_s, waited_s) from None
        except BrokenProcessPool:   # the worker died under this page (out of memory, a crashing parser)
            self._discard(kill=True)
            log.error("extraction.worker_died", url=url, action="the next page gets a new worker")
            raise ExtractionError(url, "the extraction worker died") from None

    def close(self) -> None:
        """Shut the worker down; one still at work (the run was interrupted) is killed at once."""
        if self._pool is not None:
            self._discard(kill=self._last_work is not None and not self._last_work.done())

    def _started(self, url: str) -> ProcessPoolExecutor:
        """A new worker, up and waiting, so that the page's time limit counts the page's work alone."""
        self._pool = ProcessPoolExecutor(1, mp_context=worker_context(), initializer=worker_ignores_stop_signals)
        started = time.monotonic()
        try:
            self._last_work = self._pool.submit(os.getpid)
            pid = self._last_work.result(timeout=WORKER_START_LIMIT_S)
        except (TimeoutError, BrokenProcessPool) as exc:
            self._discard(kill=True)
            log.error("extraction.worker_not_started", url=url, limit_s=WORKER_START_LIMIT_S,
                      error=type(exc).__name__, action="the page keeps its stored text; the next page tries again")
            raise ExtractionError(url, "the extraction worker did not start") from None
        log.debug("extraction.worker_started", pid=pid, ms=round((time.monotonic() - started) * 1000))
        return self._pool

    def _discard(self, *, kill: bool) -> None:
        """Let the worker go (SIGKILL when it is stuck or busy) and wait until it is gone: no process
        outlives the run. The pool keeps its processes in a private mapping, as runtime.stop_workers
        knows too; there is no public way to kill a pool's worker."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        processes = list((getattr(pool, "_processes", None) or {}).values())
        killed = [p.pid for p in processes if kill and p.is_alive()]
        for process in processes:
            if kill:
                process.kill()
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.join(WORKER_STOP_GRACE_S)
            if process.is_alive():   # told to leave while idle, yet still there
                killed.append(process.pid)
                process.kill()
                process.join(WORKER_STOP_GRACE_S)
        if killed:
            log.warning("extraction.worker_killed", pids=killed,
                        reason="stuck past the time limit, or at work when the run ended or was interrupted")
