"""When an entry waiting for its page (a passing failure) is given up: waiting holds the feed's old
validators, so a page failing for ever would otherwise keep the feed off 304s for ever."""

from __future__ import annotations

from datetime import datetime

import structlog

from daemon.settings import SchedulerSettings
from storage.records import Skip
from storage.store import Store

log = structlog.get_logger("newswatch.pipeline")


def gives_up(tries: int, waited_s: float, limits: SchedulerSettings) -> bool:
    """Past entry_max_tries tries or entry_max_wait_s since the first failure, whichever comes first."""
    return tries >= limits.entry_max_tries or waited_s >= limits.entry_max_wait_s


def still_waiting(store: Store, skip: Skip, feed_url: str, now: datetime, limits: SchedulerSettings) -> bool:
    """Whether a skip just recorded for a passing reason is worth another poll; logs it when not."""
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
