"""Updates: when a stored URL is worth fetching again, and how much a revised text changed.

A feed that re-stamps an entry (its updated time moves past our last look at the article) is
the signal a publisher gives for a correction or a developing story; we re-fetch only then, so a
known URL costs no page fetch in the ordinary poll.
"""

from __future__ import annotations

import difflib
from datetime import datetime, timedelta


FUTURE_TOLERANCE = timedelta(minutes=10)


def needs_recheck(entry_updated: datetime | None, last_looked: datetime | None, *,
                  acted_on: datetime | None = None, now: datetime | None = None) -> bool:
    """True when the feed says the entry changed after we last looked at the article.

    acted_on is the stamp we last fetched for: only a newer stamp counts, so a feed that stamps
    entries in the future does not make us re-fetch on every poll; one that stamps every entry with
    its build time has those stamps dropped when parsed (daemon/feeds.py), so they never get here."""
    if entry_updated is None or last_looked is None:
        return False
    if now is not None and entry_updated > now + FUTURE_TOLERANCE:
        return False
    if acted_on is not None:
        return entry_updated > acted_on
    return entry_updated > last_looked


def changed_ratio(old: str, new: str) -> float:
    """Share of words that differ between two texts (0 same, 1 nothing in common)."""
    return 1.0 - difflib.SequenceMatcher(None, old.split(), new.split(), autojunk=False).ratio()
