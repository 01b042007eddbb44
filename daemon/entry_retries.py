"""When an entry waiting for its page (a passing failure) is given up: waiting holds the feed's old
validators, so a page failing for ever would otherwise keep the feed off 304s for ever.

The limits count one run of failures only. A run ends when the entry goes entry_max_wait without a
failure, or when its article is fetched successfully (stored, checked or revised) after the run's
latest failure; the next failure then starts a new run at try one. So an entry given up months ago,
or whose re-checks failed a few times before one worked, gets its full tries again at its next
passing failure, while an entry given up and still failing keeps being given up at once (the
feed's polls keep the gaps between its failures short) instead of holding the feed's validators
again after every give-up.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog

from daemon.settings import SchedulerSettings
from storage.records import Skip
from storage.store import Store

log = structlog.get_logger("newswatch.pipeline")


def gives_up(tries: int, waited_s: float, limits: SchedulerSettings) -> bool:
    """Past entry_max_tries tries or entry_max_wait_s since the first failure, whichever comes first."""
    return tries >= limits.entry_max_tries or waited_s >= limits.entry_max_wait_s


def run_since(now: datetime, limits: SchedulerSettings, fetched_ok_at: datetime | None = None) -> datetime:
    """The moment a run of failures still going on must have been seen after: failures recorded
    earlier belong to a finished run and no longer count (Store.record_skip starts the count over)."""
    quiet_since = now - timedelta(seconds=limits.entry_max_wait_s)
    return max(quiet_since, fetched_ok_at) if fetched_ok_at is not None else quiet_since


def still_waiting(store: Store, skip: Skip, feed_url: str, now: datetime, limits: SchedulerSettings) -> bool:
    """Whether a skip just recorded for a passing reason (with run_since) is worth another poll; logs
    it when not."""
    history = store.skip_history(skip)
    if history is None:
        return True
    tries, first_seen_at = history
    waited_s = (now - first_seen_at).total_seconds()
    if not gives_up(tries, waited_s, limits):
        return True
    log.warning("article.gave_up", url=skip.url, feed=feed_url, reason=skip.reason, detail=skip.detail,
                tries=tries, waited_hours=round(waited_s / 3600, 1))
    return False
