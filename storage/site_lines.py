"""The store's part of site-learned boilerplate: per-host line counts (tables site_hosts, site_lines).

Lines are counted when an article is first saved, in the same transaction, each at most once
per article; a revision or a reprocessing of the same article never counts it again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from storage.times import iso

_LOOKUP_CHUNK = 500   # keys per IN (...) query, well under SQLite's variable limit


@dataclass(frozen=True, slots=True)
class SiteLines:
    """The learnable lines of one article of a host: (64-bit key, example text), each key once."""

    host: str
    lines: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True, slots=True)
class SiteLineCount:
    """A line of a host as counted so far: the distinct articles that carried it, and the host's
    articles counted since the line first appeared (that first article included)."""

    articles: int
    host_articles_since: int


class SiteLinesMixin:
    """Store methods for site_lines; mixed into Store, which owns db and transaction()."""

    db: Database

    def _count_site_lines(self, lines: SiteLines | None, at: str | None) -> None:
        """Count one newly saved article and its lines; runs inside the caller's transaction."""
        if lines is None or not lines.host:
            return
        # fetch times may arrive out of order (pages are fetched concurrently): keep the extremes
        host_articles = self.db.execute(
            "INSERT INTO site_hosts (host, articles, first_seen, last_seen) VALUES (?, 1, ?, ?) "
            "ON CONFLICT (host) DO UPDATE SET articles = articles + 1, "
            "first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen) "
            "RETURNING articles", [lines.host, at, at]).fetchone()[0]
        self.db.conn.executemany(
            "INSERT INTO site_lines (host, line_hash, example, articles, host_articles_before, first_seen, "
            "last_seen) VALUES (?, ?, NULL, 1, ?, ?, ?) ON CONFLICT (host, line_hash) DO UPDATE SET "
            "articles = articles + 1, first_seen = min(first_seen, excluded.first_seen), "
            "last_seen = max(last_seen, excluded.last_seen), example = coalesce(example, ?)",
            [(lines.host, key, host_articles - 1, at, at, example) for key, example in dict(lines.lines).items()])

    def site_line_counts(self, host: str, keys: Iterable[int]) -> dict[int, SiteLineCount]:
        """The counts of those of these keys the host has carried before (a key never seen is absent)."""
        keys = list(dict.fromkeys(keys))
        if not keys or not host:
            return {}
        row = self.db.execute("SELECT articles FROM site_hosts WHERE host = ?", [host]).fetchone()
        host_articles = row[0] if row else 0
        counts: dict[int, SiteLineCount] = {}
        for start in range(0, len(keys), _LOOKUP_CHUNK):
            chunk = keys[start:start + _LOOKUP_CHUNK]
            for key, articles, before in self.db.execute(
                    f"SELECT line_hash, articles, host_articles_before FROM site_lines WHERE host = ? "
                    f"AND line_hash IN ({','.join('?' * len(chunk))})", [host, *chunk]):
                counts[key] = SiteLineCount(articles, host_articles - before)
        return counts

    def site_lines(self, host: str | None = None, min_articles: int = 2) -> list[dict[str, Any]]:
        """Recurring lines (most widespread first), for the CLI and tests; Datasette reads the table."""
        where = "articles >= ?" + (" AND host = ?" if host else "")
        return [dict(r) for r in self.db.query(
            f"SELECT host, line_hash, example, articles, host_articles_before, first_seen, last_seen "
            f"FROM site_lines WHERE {where} ORDER BY articles DESC, host, line_hash",
            [min_articles, host] if host else [min_articles])]

    def purge_site_lines(self, before: datetime) -> int:
        """Forget lines seen in one article only and not since before: most lines are such."""
        with self.transaction():  # type: ignore[attr-defined]
            return self.db.execute("DELETE FROM site_lines WHERE articles = 1 AND last_seen < ?",
                                   [iso(before)]).rowcount
