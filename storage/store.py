"""The only code that reads or writes SQL.

One Store owns one connection. The daemon hands it plain records and gets plain records back;
every article is written in one transaction together with its tags, fingerprints and alerts,
so a crash leaves an article stored whole or not at all. The queries for feeds, dedup lookups,
overviews, the outbox and site lines live in the mixins Store is built from, one module each.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import sqlite3
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator

import structlog
from sqlite_utils import Database

from storage.dedup_prints import DedupPrintsMixin, StoredPrint
from storage.errors import StoreError
from storage.feed_state import FeedStateMixin
from storage.overview import OverviewMixin
from storage.records import Article, Region, RegionTag, Skip
from storage.outbox import OutboxMixin
from storage.region_aliases import RegionName, replace_other_names
from storage.region_names import check_parents
from storage.times import iso, parse_iso
from storage.schema import known_migration_names, migrations
from storage.site_lines import SiteLines, SiteLinesMixin
from storage.store_file import applied_migrations, check_store_location, database_problem

log = structlog.get_logger("newswatch.store")

# StoredPrint is imported from here by the daemon; it lives with the queries that return it.
__all__ = ["ArticleExtras", "KnownArticle", "Store", "StoredPrint", "to_signed64", "to_unsigned64"]

_SIGNED = 1 << 63


def to_signed64(value: int) -> int:
    """SQLite integers are signed 64-bit; fingerprints are unsigned."""
    return value - (1 << 64) if value >= _SIGNED else value


def to_unsigned64(value: int) -> int:
    return value + (1 << 64) if value < 0 else value


@dataclass(frozen=True, slots=True)
class KnownArticle:
    id: int
    content_hash: str
    revision: int
    duplicate_of: int | None
    story_id: int | None
    last_looked_at: datetime | None = None   # the latest of fetched, updated and checked times
    entry_updated_at: datetime | None = None  # the feed's "updated" stamp last acted on
    by_guid_only: bool = False   # found by the feed's GUID alone: the stored URL is another one


@dataclass(frozen=True, slots=True)
class ArticleExtras:
    """Everything stored beside an article row in the same transaction."""

    signature: bytes = b""
    story_features: bytes = b""
    dedup_keys: tuple[int, ...] = ()
    story_keys: tuple[int, ...] = ()
    region_rows: tuple[Region, ...] = ()     # regions the tags point at (cities are added lazily)
    raw_html: bytes | None = None
    content_type: str | None = None
    alerts: tuple[tuple[str, str], ...] = ()  # (rule name, target) to put in the outbox
    site_lines: SiteLines | None = None       # the article's lines, counted when it is first saved


class Store(FeedStateMixin, DedupPrintsMixin, OverviewMixin, OutboxMixin, SiteLinesMixin):
    """The SQLite store: schema on open, one writer, records in and out."""

    def __init__(self, db: Database, path: str) -> None:
        self.db, self.path = db, path

    @classmethod
    def open(cls, path: str | Path, *, create: bool = True) -> "Store":
        """Open and migrate the store; refuse a store from a newer version and any SQLite file that
        belongs to another application, before writing a byte to it.

        create=False is for the commands that only read or tweak a store: the file must already be
        a newswatch store. Folders are never created: a mistyped path is an error, not a new tree.
        """
        path = str(path)
        if path != ":memory:":
            check_store_location(Path(path), create)
        try:
            conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
            db = Database(conn)
            db.execute("PRAGMA busy_timeout=30000")
            applied = applied_migrations(db, path, create)
            db.execute("PRAGMA journal_mode=WAL")   # the first write: only once the file is known to be ours
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
        except sqlite3.DatabaseError as exc:
            raise StoreError(database_problem(Path(path), exc)) from exc
        unknown = applied - known_migration_names()
        if unknown:
            raise StoreError(f"{path}: written by a newer newswatch (unknown migrations: "
                             f"{', '.join(sorted(unknown))}); upgrade newswatch")
        migrations.apply(db)
        return cls(db, path)

    def close(self) -> None:
        self.db.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any exception: all or nothing."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if self.db.conn.in_transaction:   # SQLite may have rolled back already; keep the real error
                self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # --- regions ---------------------------------------------------------------------------

    def sync_regions(self, regions: Iterable[Region]) -> int:
        """Upsert the gazetteer's regions. A parent may come after its children (countries sort before
        their subregions), so parent_id's foreign key is checked at commit; a parent that is no
        region at all is named first (StoreError)."""
        rows = [dataclasses.asdict(r) for r in regions]
        with self.transaction():
            check_parents(self.db, rows)
            self.db.execute("PRAGMA defer_foreign_keys = ON")   # COMMIT or ROLLBACK turns it off
            self.db["regions"].upsert_all(rows, pk="id")
        return len(rows)

    def sync_region_names(self, names: Iterable[RegionName]) -> int:
        """Replace the regions' other names ("Tchad" for TD) with the gazetteer's current list, after
        sync_regions (every name's region must be stored). Returns how many names the store holds."""
        with self.transaction():
            return replace_other_names(self.db, names)

    # --- articles --------------------------------------------------------------------------

    def known_article(self, url: str, feed_id: int | None = None, guid: str | None = None,
                      twin: str | None = None) -> KnownArticle | None:
        """The stored article with this canonical URL (or its twin: the same URL under the other
        scheme), or else with this GUID in this feed (by_guid_only: some feeds give every item one GUID,
        so the caller decides whether that is the same article)."""
        columns = ("SELECT id, content_hash, revision, duplicate_of, story_id, "
                   "max(fetched_at, coalesce(updated_at, ''), coalesce(checked_at, '')), entry_updated_at "
                   "FROM articles ")
        urls = [url, twin or url]
        row = self.db.execute(columns + "WHERE url IN (?, ?) UNION ALL " + columns + "WHERE link_url IN (?, ?) "
                              "LIMIT 1", urls + urls).fetchone()
        by_guid_only = False
        if row is None and guid and feed_id is not None:
            row = self.db.execute(columns + "WHERE feed_id = ? AND guid = ?", [feed_id, guid]).fetchone()
            by_guid_only = True
        if row is None or row[0] is None:
            return None
        return KnownArticle(*row[:5], last_looked_at=parse_iso(row[5]), entry_updated_at=parse_iso(row[6]),
                            by_guid_only=by_guid_only)

    def mark_checked(self, article_id: int, at: datetime, entry_updated_at: datetime | None = None) -> None:
        """A stored URL fetched again with unchanged text: remember the look (and the feed stamp it
        answered), change nothing else."""
        with self.transaction():
            self.db.execute("UPDATE articles SET checked_at = ?, entry_updated_at = coalesce(?, entry_updated_at) "
                            "WHERE id = ?", [iso(at), iso(entry_updated_at), article_id])

    def save_article(self, article: Article, extras: ArticleExtras = ArticleExtras()) -> int:
        """Store a new article with its tags, fingerprints, raw page and alerts, all or nothing.

        A new story (story_id None) takes the article's own id as its story id.
        """
        with self.transaction():
            article_id = self.db["articles"].insert(self._article_row(article)).last_pk
            if article.story_id is None:
                self.db["articles"].update(article_id, {"story_id": article_id})
            self._write_extras(article_id, article, extras)
            self._count_site_lines(extras.site_lines, iso(article.fetched_at))
            for rule, target in extras.alerts:
                self.db.execute(
                    "INSERT OR IGNORE INTO deliveries (rule, article_id, target, status, attempts, created_at, "
                    "next_attempt_at) VALUES (?, ?, ?, 'pending', 0, ?, ?)",
                    [rule, article_id, target, iso(article.fetched_at), iso(article.fetched_at)])
        return article_id

    def update_article(self, article_id: int, article: Article, extras: ArticleExtras,
                       changed_ratio: float, old: KnownArticle) -> None:
        """A revised text for a stored URL: update in place, keep the id, record the revision. The
        article stays its first feed's (feed_id, guid), whichever feed listed the revision; each
        revision's alerts get outbox rows of their own, so the first alert's row is never reset."""
        row = self._article_row(article)
        for key in ("url", "fetched_at", "feed_id", "guid"):   # the first fetch stays; updated_at says
            row.pop(key)                                        # when the text changed
        row.update(revision=old.revision + 1, updated_at=iso(article.fetched_at),
                   duplicate_of=old.duplicate_of, story_id=old.story_id or article_id)
        with self.transaction():
            self.db["articles"].update(article_id, row)
            for table in ("article_regions", "dedup_buckets", "story_buckets"):
                self.db.execute(f"DELETE FROM {table} WHERE article_id = ?", [article_id])
            self._write_extras(article_id, article, extras)
            self.db["article_revisions"].insert({
                "article_id": article_id, "at": iso(article.fetched_at),
                "old_content_hash": old.content_hash, "new_content_hash": article.content_hash,
                "changed_ratio": round(changed_ratio, 4), "new_word_count": article.word_count,
            })
            for rule, target in extras.alerts:
                self.db.execute(
                    "INSERT OR IGNORE INTO deliveries (rule, article_id, target, revision, status, attempts, "
                    "created_at, next_attempt_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)",
                    [rule, article_id, target, old.revision + 1, iso(article.fetched_at), iso(article.fetched_at)])

    def _storable_tags(self, article: Article, region_rows: Iterable[Region]) -> list[RegionTag]:
        """Add the article's new city regions, and return the tags that name a stored region.

        A tag or a city whose region (or parent) the regions table lacks would fail the foreign key
        and the whole save with it: the gazetteer once tagged Kosovo (XK) without a row for it, and
        every article naming Pristina was lost. Such a tag is dropped and logged; the article is kept."""
        rows = [dataclasses.asdict(r) for r in region_rows]
        wanted = {t.region_id for t in article.regions} | {r["parent_id"] for r in rows if r["parent_id"]}
        known = self._region_ids(wanted)
        rows = [r for r in rows if not r["parent_id"] or r["parent_id"] in known]
        if rows:
            self.db["regions"].insert_all(rows, pk="id", ignore=True)
            known |= {r["id"] for r in rows}
        tags = [t for t in article.regions if t.region_id in known]
        if len(tags) < len(article.regions):
            log.warning("article.tags_dropped", url=article.url,
                        regions=sorted({t.region_id for t in article.regions} - known),
                        reason="no such region in the store: the gazetteer and the store disagree",
                        action="article kept without these tags; reprocess it after an upgrade that adds them")
        return tags

    def _region_ids(self, ids: set[str]) -> set[str]:
        if not ids:
            return set()
        return {row[0] for row in self.db.execute(
            f"SELECT id FROM regions WHERE id IN ({', '.join('?' * len(ids))})", sorted(ids))}

    def _write_extras(self, article_id: int, article: Article, extras: ArticleExtras) -> None:
        tags = self._storable_tags(article, extras.region_rows)
        focus = [t.region_id for t in tags if t.focus]
        names = dict(self.db.execute(
            f"SELECT id, name FROM regions WHERE id IN ({','.join('?' * len(focus))})", focus).fetchall()) if focus else {}
        # A JSON array of the focus regions' names, so Datasette can facet articles by region directly.
        self.db["articles"].update(article_id, {"focus_regions": json.dumps(
            [names.get(r, r) for r in focus], ensure_ascii=False)})
        self.db["article_regions"].insert_all([
            {"article_id": article_id, "region_id": t.region_id, "kind": t.kind, "mentions": t.mentions,
             "score": round(t.score, 4), "focus": int(t.focus)} for t in tags], replace=True)
        self.db["article_fingerprints"].upsert({
            "article_id": article_id, "signature": extras.signature, "story_features": extras.story_features,
        }, pk="article_id")
        self.db["dedup_buckets"].insert_all(
            [{"bucket_key": k, "article_id": article_id} for k in set(extras.dedup_keys)])
        self.db["story_buckets"].insert_all(
            [{"bucket_key": k, "article_id": article_id} for k in set(extras.story_keys)])
        if extras.raw_html is not None:
            self.db["raw_pages"].upsert({
                "article_id": article_id, "fetched_at": iso(article.fetched_at), "url": article.url,
                "content_type": extras.content_type, "body_gz": gzip.compress(extras.raw_html, 1),
            }, pk="article_id")

    @staticmethod
    def _article_row(article: Article) -> dict[str, Any]:
        return {
            "url": article.url, "feed_id": article.feed_id, "guid": article.guid, "title": article.title,
            "author": article.author, "published_at": iso(article.published_at),
            "fetched_at": iso(article.fetched_at), "language": article.language,
            "site_name": article.site_name, "source": article.source, "text": article.text,
            "word_count": article.word_count, "content_hash": article.content_hash,
            "simhash": to_signed64(article.simhash), "duplicate_of": article.duplicate_of,
            "story_id": article.story_id, "link_url": article.link_url if article.link_url != article.url else None,
            "entry_updated_at": iso(article.entry_updated_at),
        }

    def article(self, article_id: int) -> dict[str, Any] | None:
        """One article row with its region tags, as plain values (for alerts and the CLI)."""
        rows = list(self.db["articles"].rows_where("id = ?", [article_id]))
        if not rows:
            return None
        row = rows[0]
        row["regions"] = [dict(r) for r in self.db.query(
            "SELECT ar.region_id, r.name, ar.kind, ar.focus, ar.mentions, ar.score FROM article_regions ar "
            "LEFT JOIN regions r ON r.id = ar.region_id WHERE ar.article_id = ? ORDER BY ar.score DESC",
            [article_id])]
        row["feed_url"] = None
        if row["feed_id"] is not None:
            feed = self.db.execute("SELECT url FROM feeds WHERE id = ?", [row["feed_id"]]).fetchone()
            row["feed_url"] = feed[0] if feed else None
        return row

    def raw_page(self, article_id: int) -> tuple[bytes, str | None] | None:
        row = self.db.execute("SELECT body_gz, content_type FROM raw_pages WHERE article_id = ?",
                              [article_id]).fetchone()
        return (gzip.decompress(row[0]), row[1]) if row else None

    def purge_raw_pages(self, before: datetime) -> int:
        with self.transaction():
            return self.db.execute("DELETE FROM raw_pages WHERE fetched_at < ?", [iso(before)]).rowcount

    def record_skip(self, skip: Skip, now: datetime, *, run_since: datetime | None = None) -> None:
        """Record (or count again) an entry that was not stored, with its reason. A row last seen
        before run_since belongs to an earlier run of failures: the count starts over from this one."""
        since = iso(run_since)
        with self.transaction():
            self.db.execute(
                "INSERT INTO skipped_entries (feed_id, url, guid, reason, detail, first_seen_at, last_seen_at, times) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT (feed_id, url, guid, reason) DO UPDATE SET "
                "times = CASE WHEN last_seen_at < ? THEN 1 ELSE times + 1 END, "
                "first_seen_at = CASE WHEN last_seen_at < ? THEN excluded.first_seen_at ELSE first_seen_at END, "
                "last_seen_at = excluded.last_seen_at, detail = excluded.detail",
                [skip.feed_id, skip.url or "", skip.guid or "", skip.reason, skip.detail[:500], iso(now), iso(now),
                 since, since])

    def skip_history(self, skip: Skip) -> tuple[int, datetime] | None:
        """How often this entry was recorded as skipped for this reason in its current run of
        failures (see record_skip's run_since), and since when."""
        row = self.db.execute(
            "SELECT times, first_seen_at FROM skipped_entries WHERE feed_id IS ? AND url = ? AND guid = ? "
            "AND reason = ?", [skip.feed_id, skip.url or "", skip.guid or "", skip.reason]).fetchone()
        return (row[0], parse_iso(row[1])) if row else None

    # --- reprocessing ----------------------------------------------------------------------

    def stored_article(self, article_id: int) -> Article | None:
        """One stored article as the record the daemon built, with its region tags."""
        rows = list(self.db["articles"].rows_where("id = ?", [article_id]))
        if not rows:
            return None
        r = rows[0]
        tags = tuple(RegionTag(t[0], t[1], t[2], t[3], bool(t[4])) for t in self.db.execute(
            "SELECT region_id, kind, mentions, score, focus FROM article_regions WHERE article_id = ? "
            "ORDER BY score DESC", [article_id]))
        return Article(
            url=r["url"], title=r["title"] or "", text=r["text"] or "", fetched_at=parse_iso(r["fetched_at"]),
            feed_id=r["feed_id"], guid=r["guid"], author=r["author"], published_at=parse_iso(r["published_at"]),
            language=r["language"], site_name=r["site_name"], source=r["source"] or "page",
            word_count=r["word_count"] or 0, content_hash=r["content_hash"] or "",
            simhash=to_unsigned64(r["simhash"] or 0), duplicate_of=r["duplicate_of"], story_id=r["story_id"],
            regions=tags, id=r["id"], revision=r["revision"] or 0)

    def rewrite_article(self, article_id: int, article: Article, extras: ArticleExtras, *,
                        revised_at: datetime | None = None, changed_ratio: float = 0.0,
                        expected: tuple[str, int] | None = None) -> bool:
        """Reprocessed values for a stored article, in place (same id and URL); a revision is recorded
        only with revised_at (the text changed). No alert is queued and no line counted again. Copies
        of an article that turned out to be a copy itself follow it to its original, and copies and a
        story it founded follow it to its new story (a reprocess of one host leaves no one behind).

        expected (content_hash, revision) as read before the work: when the stored article no longer
        matches it (the running daemon revised it meanwhile), nothing is written and False returned."""
        row = self._article_row(article)
        for key in ("url", "fetched_at", "feed_id", "guid", "source"):
            row.pop(key)
        with self.transaction():
            old_hash, old_words, revision, old_story = self.db.execute(
                "SELECT content_hash, word_count, revision, story_id FROM articles WHERE id = ?",
                [article_id]).fetchone()
            if expected is not None and expected != (old_hash or "", revision or 0):
                return False
            if revised_at is not None:
                row.update(revision=(revision or 0) + 1, updated_at=iso(revised_at))
                self.db["article_revisions"].insert({
                    "article_id": article_id, "at": iso(revised_at), "old_content_hash": old_hash,
                    "new_content_hash": article.content_hash, "changed_ratio": round(changed_ratio, 4),
                    "old_word_count": old_words, "new_word_count": article.word_count})
            self.db["articles"].update(article_id, row)
            for table in ("article_regions", "dedup_buckets", "story_buckets"):
                self.db.execute(f"DELETE FROM {table} WHERE article_id = ?", [article_id])
            self._write_extras(article_id, article, dataclasses.replace(extras, raw_html=None))
            # Its copies share its story; a story it founded follows it when it joins another one
            self.db.execute("UPDATE articles SET story_id = ? WHERE duplicate_of = ?", [article.story_id, article_id])
            if old_story == article_id and article.story_id != article_id:
                self.db.execute("UPDATE articles SET story_id = ? WHERE story_id = ? AND id != ?",
                                [article.story_id, article_id, article_id])
            if article.duplicate_of is not None:
                self.db.execute("UPDATE articles SET duplicate_of = ? WHERE duplicate_of = ?",
                                [article.duplicate_of, article_id])
        return True
