"""The stored records: the data contract between the daemon and the store.

Users query the tables these map to in Datasette, so names here are stable. Times are
timezone-aware UTC datetimes; the store converts them to ISO-8601 text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Feed:
    """A polled feed with its politeness and health state."""

    url: str
    name: str = ""
    region_hints: tuple[str, ...] = ()
    interval_s: int = 900
    id: int | None = None
    title: str = ""
    site_url: str = ""
    etag: str | None = None
    last_modified: str | None = None
    next_poll_at: datetime | None = None
    last_polled_at: datetime | None = None
    last_status: str | None = None
    last_error: str | None = None
    consecutive_errors: int = 0
    disabled_reason: str | None = None
    # The feed's own polling hints from its last full response, kept because a 304 has no body.
    ttl_minutes: int | None = None            # RSS <ttl>
    update_period: str | None = None          # sy:updatePeriod, lower case ("hourly", "daily", ...)
    update_frequency: int | None = None       # sy:updateFrequency
    # The wait between good polls in effect after the last one, and why (daemon/backoff.py cadence).
    poll_interval_s: int | None = None
    poll_reason: str | None = None
    moved_to: str | None = None   # where the feed moved for good (301/308); polled instead of url


@dataclass(frozen=True, slots=True)
class RegionTag:
    """A region an article is about or mentions.

    kind is the region's kind (city, country, subregion, continent, custom); focus marks the
    few regions the article is mainly about; score orders tags by weight of evidence.
    """

    region_id: str
    kind: str
    mentions: int
    score: float
    focus: bool = False


@dataclass(frozen=True, slots=True)
class Region:
    """A gazetteer entry: countries use ISO 3166-1 alpha-2 ids ("ML"); others are slugs."""

    id: str
    name: str
    kind: str
    parent_id: str | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """One clean, tagged article ready to store. id is None until stored."""

    url: str
    title: str
    text: str
    fetched_at: datetime
    feed_id: int | None = None
    guid: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    language: str | None = None
    site_name: str | None = None
    source: str = "page"  # "page" (extracted from the article page) or "feed" (feed's own content)
    word_count: int = 0
    content_hash: str = ""
    simhash: int = 0  # unsigned 64-bit fingerprint
    duplicate_of: int | None = None
    story_id: int | None = None
    regions: tuple[RegionTag, ...] = ()
    id: int | None = None
    link_url: str | None = None               # canonical feed link, when the page's canonical URL differs
    entry_updated_at: datetime | None = None  # the feed entry's "updated" stamp when fetched
    revision: int = 0                         # revisions stored so far (read back; the store counts them)


@dataclass(frozen=True, slots=True)
class Delivery:
    """One alert waiting in (or delivered from) the outbox."""

    id: int
    rule: str
    article_id: int
    target: str
    payload: str
    attempts: int = 0
    status: str = "pending"  # pending, delivered, failed, replaced (by `alerts retry`)
    next_attempt_at: datetime | None = None
    last_error: str | None = None


@dataclass(frozen=True, slots=True)
class Skip:
    """A feed entry that was not stored, and why (the "nothing is lost" record)."""

    url: str
    reason: str
    feed_id: int | None = None
    guid: str | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class FetchLog:
    """One row of fetch history for a feed poll."""

    feed_id: int
    url: str
    at: datetime
    status: str
    http_status: int | None = None
    ms: int = 0
    bytes: int = 0
    new_entries: int = 0
    error: str | None = None
    extra: dict = field(default_factory=dict)
