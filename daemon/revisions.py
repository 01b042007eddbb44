"""Updates: when a stored URL is worth fetching again, and how much a revised text changed.

A feed that re-stamps an entry (its updated time moves past our last look at the article) is
the signal a publisher gives for a correction or a developing story; we re-fetch only then, so a
known URL costs no page fetch in the ordinary poll.
"""

from __future__ import annotations

import difflib
from datetime import datetime


def needs_recheck(entry_updated: datetime | None, last_looked: datetime | None) -> bool:
    """True when the feed says the entry changed after we last fetched or checked the article."""
    return entry_updated is not None and last_looked is not None and entry_updated > last_looked


def changed_ratio(old: str, new: str) -> float:
    """Share of words that differ between two texts (0 same, 1 nothing in common)."""
    return 1.0 - difflib.SequenceMatcher(None, old.split(), new.split(), autojunk=False).ratio()
