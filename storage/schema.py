"""Tables, indexes and full-text search, applied as named migrations (sqlite-utils Migrations).

A migration, once released, never changes: a new column or table is a new migration at the
end of the list, so a store written by any earlier version upgrades in place.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from storage.region_aliases import create_other_names
from storage.region_names import add_missing_parents, declare_parent_key, index_region_names
from storage.webhook_targets import legacy_webhook_url, redacted_text, webhook_target

migrations = Migrations("newswatch")


@migrations(name="0001_initial")
def initial(db: Database) -> None:
    db["feeds"].create({
        "id": int, "url": str, "name": str, "title": str, "site_url": str, "region_hints": str,
        "interval_s": int, "etag": str, "last_modified": str, "next_poll_at": str,
        "last_polled_at": str, "last_status": str, "last_error": str, "consecutive_errors": int,
        "disabled_reason": str, "in_config": int, "added_at": str,
    }, pk="id", not_null={"url"}, defaults={"consecutive_errors": 0, "in_config": 1, "interval_s": 900})
    db["feeds"].create_index(["url"], unique=True)
    db["feeds"].create_index(["next_poll_at"])

    db["articles"].create({
        "id": int, "url": str, "feed_id": int, "guid": str, "title": str, "author": str,
        "published_at": str, "fetched_at": str, "updated_at": str, "language": str, "site_name": str,
        "source": str, "text": str, "word_count": int, "content_hash": str, "simhash": int,
        "duplicate_of": int, "story_id": int, "revision": int, "focus_regions": str,
    }, pk="id", not_null={"url"}, defaults={"revision": 0},
        foreign_keys=[("feed_id", "feeds", "id"), ("duplicate_of", "articles", "id")])
    db["articles"].create_index(["url"], unique=True)
    db["articles"].create_index(["feed_id", "guid"])
    db["articles"].create_index(["content_hash"])
    db["articles"].create_index(["duplicate_of"])
    db["articles"].create_index(["story_id"])
    db["articles"].create_index(["published_at"])
    db["articles"].create_index(["fetched_at"])
    db["articles"].enable_fts(["title", "text"], create_triggers=True, tokenize="unicode61")

    db["regions"].create({"id": str, "name": str, "kind": str, "parent_id": str, "lat": float, "lon": float},
                         pk="id")
    db["regions"].create_index(["kind"])
    db["article_regions"].create({
        "article_id": int, "region_id": str, "kind": str, "mentions": int, "score": float, "focus": int,
    }, pk=("article_id", "region_id"),
        foreign_keys=[("article_id", "articles", "id"), ("region_id", "regions", "id")])
    db["article_regions"].create_index(["region_id", "focus"])

    # Dedup and story lookups go through indexed bucket keys, never a scan of the archive.
    db["article_fingerprints"].create({"article_id": int, "signature": bytes, "story_features": bytes},
                                      pk="article_id", foreign_keys=[("article_id", "articles", "id")])
    db["dedup_buckets"].create({"bucket_key": int, "article_id": int})
    db["dedup_buckets"].create_index(["bucket_key"])
    db["story_buckets"].create({"bucket_key": int, "article_id": int})
    db["story_buckets"].create_index(["bucket_key"])

    db["article_revisions"].create({
        "id": int, "article_id": int, "at": str, "old_content_hash": str, "new_content_hash": str,
        "changed_ratio": float, "old_word_count": int, "new_word_count": int,
    }, pk="id", foreign_keys=[("article_id", "articles", "id")])
    db["article_revisions"].create_index(["article_id"])

    db["raw_pages"].create({"article_id": int, "fetched_at": str, "url": str, "content_type": str,
                            "body_gz": bytes}, pk="article_id")
    db["raw_pages"].create_index(["fetched_at"])

    db["fetches"].create({
        "id": int, "feed_id": int, "url": str, "at": str, "status": str, "http_status": int, "ms": int,
        "bytes": int, "new_entries": int, "error": str,
    }, pk="id", foreign_keys=[("feed_id", "feeds", "id")])
    db["fetches"].create_index(["feed_id", "at"])

    db["skipped_entries"].create({
        "id": int, "feed_id": int, "url": str, "guid": str, "reason": str, "detail": str,
        "first_seen_at": str, "last_seen_at": str, "times": int,
    }, pk="id", foreign_keys=[("feed_id", "feeds", "id")])
    db["skipped_entries"].create_index(["feed_id", "url", "guid", "reason"], unique=True)
    db["skipped_entries"].create_index(["reason"])

    db["deliveries"].create({
        "id": int, "rule": str, "article_id": int, "target": str, "status": str, "attempts": int,
        "created_at": str, "next_attempt_at": str, "delivered_at": str, "last_error": str,
    }, pk="id", defaults={"status": "pending", "attempts": 0},
        foreign_keys=[("article_id", "articles", "id")])
    db["deliveries"].create_index(["rule", "article_id", "target"], unique=True)
    db["deliveries"].create_index(["status", "next_attempt_at"])


@migrations(name="0002_site_lines")
def site_lines(db: Database) -> None:
    """Per-host counts of recurring lines (site-learned boilerplate, daemon/boilerplate.py).

    site_hosts counts each host's articles; a line remembers that count as it stood before the
    line's first article, so the share of the host's articles carrying it can be told later.
    The example is kept from a line's second article on: most lines are seen once.
    """
    db["site_hosts"].create({"host": str, "articles": int, "first_seen": str, "last_seen": str},
                            pk="host", not_null={"articles"}, defaults={"articles": 0})
    db["site_lines"].create({
        "host": str, "line_hash": int, "example": str, "articles": int, "host_articles_before": int,
        "first_seen": str, "last_seen": str,
    }, pk=("host", "line_hash"), not_null={"articles", "host_articles_before"},
        defaults={"articles": 0, "host_articles_before": 0})
    db["site_lines"].create_index(["host", "articles"])
    db["site_lines"].create_index(["articles", "last_seen"])


@migrations(name="0003_article_checked_at")
def article_checked_at(db: Database) -> None:
    """When a stored URL was last fetched again to look for a revision (text unchanged or not)."""
    db["articles"].add_column("checked_at", str)


@migrations(name="0004_article_link_and_entry_stamp")
def article_link_and_entry_stamp(db: Database) -> None:
    """link_url: the canonical form of the feed's link when the page's own canonical URL differs, so
    the next poll knows the entry without fetching its page again. entry_updated_at: the feed's
    "updated" stamp last acted on, so only a new stamp triggers a re-fetch."""
    db["articles"].add_column("link_url", str)
    db["articles"].add_column("entry_updated_at", str)
    db["articles"].create_index(["link_url"])


@migrations(name="0005_redacted_webhook_targets", transactional=False)
def redacted_webhook_targets(db: Database) -> None:
    """Outbox rows from before targets were redacted hold "webhook:<full URL>", token included:
    each becomes the key a new row gets (storage.webhook_targets.webhook_target), which the
    deliverer still sends to the configured URL.

    secure_delete zeroes the old text instead of leaving it in the pages' free space, and the
    checkpoint after the rewrite's own transaction puts the rewritten pages in the store file at
    once, so a copy of the file taken while the daemon runs holds no token either. Should the
    process die before the migration is recorded, running it again finds nothing left to do.
    """
    was_secure = db.execute("PRAGMA secure_delete").fetchone()[0]
    db.execute("PRAGMA secure_delete = ON")
    try:
        with db.atomic():
            _redact_old_webhook_targets(db)
    finally:
        db.execute(f"PRAGMA secure_delete = {int(was_secure)}")
    db.execute("PRAGMA wal_checkpoint(PASSIVE)")   # never waits for a reader; the next checkpoint does the rest


class _OutboxRow(NamedTuple):
    id: int
    status: str
    last_error: str | None
    url: str | None        # the full URL of a row from before redaction; None for a row already redacted


def _kept_first(row: _OutboxRow) -> tuple[int, int]:
    """Of rows that come to share one key, the one kept: an alert still owed beats a record of a
    delivery, which beats one given up; then the newest."""
    return ({"pending": 0, "delivered": 1, "failed": 2}.get(row.status, 3), -row.id)


def _redact_old_webhook_targets(db: Database) -> None:
    """Rows that come to share (rule, article, target) with another, old or new, are merged into one."""
    legacy: dict[tuple[str, int, str], list[_OutboxRow]] = {}
    for row_id, rule, article_id, target, status, error in db.execute(
            "SELECT id, rule, article_id, target, status, last_error FROM deliveries "
            "WHERE target LIKE 'webhook:%://%'").fetchall():
        url = legacy_webhook_url(rule, target)
        if url is not None:
            legacy.setdefault((rule, article_id, webhook_target(rule, url)), []).append(
                _OutboxRow(row_id, status, error, url))
    for (rule, article_id, target), rows in legacy.items():
        rows += [_OutboxRow(*row, None) for row in db.execute(
            "SELECT id, status, last_error FROM deliveries WHERE rule = ? AND article_id IS ? AND target = ?",
            [rule, article_id, target]).fetchall()]
        kept = min(rows, key=_kept_first)
        for row in rows:
            if row.id != kept.id:
                db.execute("DELETE FROM deliveries WHERE id = ?", [row.id])
        if kept.url is not None:
            error = kept.last_error and redacted_text(kept.last_error, rule, kept.url)
            db.execute("UPDATE deliveries SET target = ?, last_error = ? WHERE id = ?", [target, error, kept.id])


def known_migration_names() -> set[str]:
    return {m.name for m in migrations._migrations}


@migrations(name="0006_feed_poll_hints")
def feed_poll_hints(db: Database) -> None:
    """The feed's own ttl / sy:updatePeriod / sy:updateFrequency from its last full response, so a
    304 after a restart still honours them; and the wait between polls in effect with its reason,
    so an operator sees why a feed is polled less often (all NULL until the feed's next good poll)."""
    for column, kind in (("ttl_minutes", int), ("update_period", str), ("update_frequency", int),
                         ("poll_interval_s", int), ("poll_reason", str)):
        db["feeds"].add_column(column, kind)


@migrations(name="0007_revision_alerts")
def revision_alerts(db: Database) -> None:
    """An alert for a revised article gets its own outbox row (and delivery id, which receivers
    de-duplicate on) instead of resetting the first one: revision 0 is the article's first alert."""
    db["deliveries"].add_column("revision", int, not_null_default=0)
    db.execute("DROP INDEX IF EXISTS idx_deliveries_rule_article_id_target")
    db["deliveries"].create_index(["rule", "article_id", "target", "revision"], unique=True)


@migrations(name="0008_feed_operator_changes")
def feed_operator_changes(db: Database) -> None:
    """When an operator last enabled or disabled a feed: a poll running across that moment keeps the
    operator's state instead of writing back the one it started from."""
    db["feeds"].add_column("operator_changed_at", str)


# The payload fields of one article revision, as read at the moment an alert for it is queued.
_ANNOUNCED_COLUMNS = ("article_id, revision, url, title, published_at, fetched_at, site_name, feed_url, story_id, "
                      "text_opening, regions")
_ANNOUNCED_SELECT = (
    "SELECT a.id, coalesce(a.revision, 0), a.url, a.title, a.published_at, a.fetched_at, a.site_name, "
    "(SELECT url FROM feeds WHERE feeds.id = a.feed_id), a.story_id, substr(a.text, 1, 1000), "
    "(SELECT json_group_array(json_object('region_id', region_id, 'name', name, 'kind', kind, 'focus', focus)) "
    " FROM (SELECT ar.region_id, r.name, ar.kind, ar.focus FROM article_regions ar "
    "       LEFT JOIN regions r ON r.id = ar.region_id WHERE ar.article_id = a.id ORDER BY ar.score DESC)) "
    "FROM articles a ")


@migrations(name="0009_announced_revisions")
def announced_revisions(db: Database) -> None:
    """What each alerted revision of an article said, kept when its first alert is queued: an alert
    still owed for revision 0 after the text was revised announces revision 0, not the new text.
    A trigger takes the snapshot on every insert into deliveries (new articles, revisions, `alerts
    retry`), and only while the article still is that revision. Rows owed before this migration get
    theirs now where the article has not moved on; older ones have none (the deliverer then sends
    the article as it stands)."""
    db["announced_revisions"].create({
        "article_id": int, "revision": int, "url": str, "title": str, "published_at": str, "fetched_at": str,
        "site_name": str, "feed_url": str, "story_id": int, "text_opening": str, "regions": str,
    }, pk=("article_id", "revision"))
    db.execute(
        f"INSERT OR IGNORE INTO announced_revisions ({_ANNOUNCED_COLUMNS}) {_ANNOUNCED_SELECT} "
        "WHERE EXISTS (SELECT 1 FROM deliveries d WHERE d.article_id = a.id AND d.status IN ('pending', 'failed') "
        "AND d.revision = coalesce(a.revision, 0))")
    db.execute(
        "CREATE TRIGGER IF NOT EXISTS deliveries_snapshot_revision AFTER INSERT ON deliveries BEGIN "
        f"INSERT OR IGNORE INTO announced_revisions ({_ANNOUNCED_COLUMNS}) {_ANNOUNCED_SELECT} "
        "WHERE a.id = NEW.article_id AND coalesce(a.revision, 0) = NEW.revision; END")


@migrations(name="0010_feed_moved_to")
def feed_moved_to(db: Database) -> None:
    """Where a feed moved for good (301/308): polled instead of its configured URL, which stays its name."""
    db["feeds"].add_column("moved_to", str)


@migrations(name="0011_region_parents_and_names")
def region_parents_and_names(db: Database) -> None:
    """regions.parent_id becomes a foreign key to regions.id, so Datasette shows a parent's name (a
    parent missing from the table gets a placeholder row first: no row or parent id is dropped);
    and region_name_index lets the canned queries find a region by its name in any case, with or
    without accents (storage/region_names.py)."""
    add_missing_parents(db)
    declare_parent_key(db)
    index_region_names(db)


@migrations(name="0012_region_other_names")
def region_other_names(db: Database) -> None:
    """region_other_names and its full-text index, so the region queries find "Côte d'Ivoire" or
    "Tchad" as well as the one name regions holds (storage/region_aliases.py). New tables only: every
    row stays; the daemon fills them at its next start, when it syncs the gazetteer's regions."""
    create_other_names(db)
