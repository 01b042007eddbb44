"""When an article was first published, from the page's date and the feed's: both can be wrong."""

from __future__ import annotations

from datetime import datetime, time as time_of_day, timedelta, timezone

EARLIEST_PLAUSIBLE = datetime(1990, 1, 1, tzinfo=timezone.utc)


def plausible(moment: datetime | None, now: datetime) -> datetime | None:
    """A feed date outside 1990..tomorrow is a broken CMS (the epoch, a typo), not a publication date."""
    if moment is None or moment < EARLIEST_PLAUSIBLE or moment > now + timedelta(days=1):
        return None
    return moment


def earliest(page: datetime | None, feed: datetime | None) -> datetime | None:
    """The original publication date: the page's, unless the feed's is earlier (pages get re-stamped).
    A page time of exactly midnight UTC is taken for a bare day: a feed time on that day or the next wins."""
    if page and feed:
        if page.time() == time_of_day(0) and page <= feed < page + timedelta(days=2):
            return feed
        return min(page, feed)
    return page or feed
