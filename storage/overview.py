"""The store's read-only views for people and bulk jobs: counts, listings and article ids.

The CLI's status and listing commands and reprocessing read through these; none of them writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from storage.times import iso


@dataclass(frozen=True, slots=True)
class Summary:
    articles: int
    originals: int
    copies: int
    stories: int
    feeds: int
    failing_feeds: int
    disabled_feeds: int
    skipped: int
    deliveries_pending: int
    deliveries_delivered: int
    deliveries_failed: int   # given up: attempts spent, or the target left the config
    deliveries_replaced: int  # queued again by `alerts retry` under another rule or target: kept as history
    top_regions: tuple[tuple[str, str, int], ...]  # (id, name, articles with it as focus)


class OverviewMixin:
    """Store methods for summaries and listings; mixed into Store, which owns db."""

    db: Database

    def summary(self, top: int = 8) -> Summary:
        def one(sql: str) -> int:
            return self.db.execute(sql).fetchone()[0] or 0
        regions = self.db.execute(
            "SELECT ar.region_id, coalesce(r.name, ar.region_id), count(*) AS n FROM article_regions ar "
            "JOIN articles a ON a.id = ar.article_id AND a.duplicate_of IS NULL "
            "LEFT JOIN regions r ON r.id = ar.region_id "
            "WHERE ar.focus = 1 GROUP BY ar.region_id ORDER BY n DESC, ar.region_id LIMIT ?", [top]).fetchall()
        return Summary(
            articles=one("SELECT count(*) FROM articles"),
            originals=one("SELECT count(*) FROM articles WHERE duplicate_of IS NULL"),
            copies=one("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL"),
            stories=one("SELECT count(DISTINCT story_id) FROM articles"),
            feeds=one("SELECT count(*) FROM feeds WHERE in_config = 1"),
            failing_feeds=one("SELECT count(*) FROM feeds WHERE in_config = 1 AND consecutive_errors > 0 "
                              "AND disabled_reason IS NULL"),   # a disabled feed is counted once, as disabled
            disabled_feeds=one("SELECT count(*) FROM feeds WHERE in_config = 1 AND disabled_reason IS NOT NULL"),
            skipped=one("SELECT count(*) FROM skipped_entries"),
            deliveries_pending=one("SELECT count(*) FROM deliveries WHERE status = 'pending'"),
            deliveries_delivered=one("SELECT count(*) FROM deliveries WHERE status = 'delivered'"),
            deliveries_failed=one("SELECT count(*) FROM deliveries WHERE status = 'failed'"),
            deliveries_replaced=one("SELECT count(*) FROM deliveries WHERE status = 'replaced'"),
            top_regions=tuple((r[0], r[1], r[2]) for r in regions),
        )

    def skipped(self) -> list[dict[str, Any]]:
        return list(self.db["skipped_entries"].rows_where(order_by="id"))

    def articles(self) -> list[dict[str, Any]]:
        return list(self.db["articles"].rows_where(order_by="id"))

    def article_ids(self, since: datetime | None = None, host: str | None = None) -> list[int]:
        """Ids of stored articles, oldest first: fetched at or after since, on host or its subdomains."""
        where, params = ["1 = 1"], []
        if since is not None:
            where.append("fetched_at >= ?")
            params.append(iso(since))
        if host:
            where.append("(" + " OR ".join(["url GLOB ?"] * 4) + ")")
            params += [f"*://{host}/*", f"*://{host}:*", f"*://*.{host}/*", f"*://*.{host}:*"]
        return [r[0] for r in self.db.execute(
            f"SELECT id FROM articles WHERE {' AND '.join(where)} ORDER BY id", params).fetchall()]
