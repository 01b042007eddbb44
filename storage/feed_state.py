"""The store's part of feed polling: the feeds table kept in step with the config, and each poll's outcome.

The scheduler asks which feeds are due and records what each poll found; a feed that leaves the
config stops being polled but keeps its row, so its stored articles still name their source.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlite_utils import Database

from storage.records import Feed, FetchLog
from storage.times import iso, parse_iso


@dataclass(frozen=True, slots=True)
class PollHistory:
    """A feed's recent polls as the adaptive schedule reads them (daemon/backoff.py)."""

    quiet_polls: int                  # good polls in a row, newest first, that added no article
    recent_new: int                   # articles added by polls since the time asked, the first poll left out
    first_polled_at: datetime | None  # the feed's first good poll (its backlog), None before any


def _sooner_for_shorter_interval(row: Sequence[Any], interval_s: int) -> datetime | None:
    """The next poll a shortened interval brings forward (one new interval after the last poll), for
    a feed row (id, interval_s, url, next_poll_at, last_polled_at, consecutive_errors); None when it
    stays: the interval did not shrink, the feed was never polled, or it is backing off after errors."""
    _, old_interval, _, next_poll, last_polled, errors = row
    if old_interval is None or interval_s >= old_interval or errors or not next_poll or not last_polled:
        return None
    sooner = parse_iso(last_polled) + timedelta(seconds=interval_s)
    return sooner if sooner < parse_iso(next_poll) else None


class FeedStateMixin:
    """Store methods for feeds and fetches; mixed into Store, which owns db and transaction()."""

    db: Database

    def sync_feeds(self, feeds: Sequence[Feed], now: datetime) -> None:
        """Make the feeds table match the config: add new feeds (due now), update names, hints
        and intervals, and stop polling feeds no longer in the config (their rows and articles stay).
        A feed whose config URL is replaced by the URL it moved to keeps its row (id, state, history).
        A changed interval drops the wait in effect worked out from the old one, until the next poll;
        a shorter one also brings a healthy feed's next poll forward to one new interval after its
        last, so the operator's change shows at once rather than after the old wait (a failing feed's
        backoff and Retry-After stand)."""
        urls = {f.url for f in feeds}
        columns = "id, interval_s, url, next_poll_at, last_polled_at, consecutive_errors"
        with self.transaction():  # type: ignore[attr-defined]
            for feed in feeds:
                existing = self.db.execute(f"SELECT {columns} FROM feeds WHERE url = ?", [feed.url]).fetchone()
                values = {"name": feed.name, "region_hints": json.dumps(list(feed.region_hints)),
                          "interval_s": feed.interval_s, "in_config": 1}
                if existing is None:   # the config now names where a feed moved: the same feed, renamed
                    moved = self.db.execute(f"SELECT {columns} FROM feeds WHERE moved_to = ?",
                                            [feed.url]).fetchone()
                    if moved and moved[2] not in urls:
                        existing = moved
                        values.update(url=feed.url, moved_to=None)
                if existing:
                    if existing[1] != feed.interval_s:
                        values.update(poll_interval_s=None, poll_reason=None)
                    sooner = _sooner_for_shorter_interval(existing, feed.interval_s)
                    if sooner is not None:
                        values["next_poll_at"] = iso(sooner)
                    self.db["feeds"].update(existing[0], values)
                else:
                    self.db["feeds"].insert({"url": feed.url, **values, "next_poll_at": iso(now),
                                             "added_at": iso(now), "consecutive_errors": 0})
            for feed_id, url in self.db.execute("SELECT id, url FROM feeds WHERE in_config = 1").fetchall():
                if url not in urls:
                    self.db["feeds"].update(feed_id, {"in_config": 0})

    def feeds(self) -> list[Feed]:
        return [self._feed(row) for row in self.db["feeds"].rows_where(order_by="id")]

    def retired_feed_urls(self) -> set[str]:
        """Feeds kept in the store (with their articles) after they left the config: no longer polled."""
        return {url for (url,) in self.db.execute("SELECT url FROM feeds WHERE in_config = 0").fetchall()}

    def feed(self, feed_id: int) -> Feed:
        return self._feed(self.db["feeds"].get(feed_id))

    def feed_by_url(self, url: str) -> Feed | None:
        rows = list(self.db["feeds"].rows_where("url = ?", [url]))
        return self._feed(rows[0]) if rows else None

    def due_feeds(self, now: datetime, limit: int | None = None) -> list[Feed]:
        """Feeds in the config, not disabled, whose next poll time has come (earliest first)."""
        rows = self.db["feeds"].rows_where(
            "in_config = 1 AND disabled_reason IS NULL AND (next_poll_at IS NULL OR next_poll_at <= ?)",
            [iso(now)], order_by="next_poll_at", limit=limit)
        return [self._feed(row) for row in rows]

    def next_due_at(self) -> datetime | None:
        row = self.db.execute("SELECT min(next_poll_at) FROM feeds WHERE in_config = 1 "
                              "AND disabled_reason IS NULL").fetchone()
        return parse_iso(row[0]) if row else None

    def replan_polls_from_the_future(self, now: datetime, skip: set[int]) -> list[tuple[str, datetime, datetime]]:
        """Configured, enabled feeds whose last poll is stamped after `now`, so it ran while the clock
        was ahead: each next poll is moved to the same wait measured from now (never sooner than the
        wait the poll planned). Returns (url, next poll as it was, next poll now) for each moved."""
        rows = self.db.execute(
            "SELECT id, url, last_polled_at, next_poll_at FROM feeds WHERE in_config = 1 "
            "AND disabled_reason IS NULL AND last_polled_at > ? AND next_poll_at > ?",
            [iso(now), iso(now)]).fetchall()
        moved = []
        with self.transaction():  # type: ignore[attr-defined]
            for feed_id, url, last_polled, next_poll in rows:
                if feed_id in skip:
                    continue
                was = parse_iso(next_poll)
                replanned = now + max(was - parse_iso(last_polled), timedelta(0))
                if replanned < was:
                    self.db.execute("UPDATE feeds SET next_poll_at = ? WHERE id = ?", [iso(replanned), feed_id])
                    moved.append((url, was, replanned))
        return moved

    def feeds_due_before(self, until: datetime, exclude: int) -> list[Feed]:
        """Configured, enabled feeds (but `exclude`) whose next poll comes before `until`."""
        rows = self.db["feeds"].rows_where(
            "in_config = 1 AND disabled_reason IS NULL AND id != ? AND (next_poll_at IS NULL OR next_poll_at < ?)",
            [exclude, iso(until)], order_by="next_poll_at")
        return [self._feed(row) for row in rows]

    def postpone_poll(self, feed_id: int, until: datetime) -> None:
        """Move a feed's next poll to `until` if it came sooner; its errors and state are untouched."""
        with self.transaction():  # type: ignore[attr-defined]
            self.db.execute("UPDATE feeds SET next_poll_at = ? WHERE id = ? "
                            "AND (next_poll_at IS NULL OR next_poll_at < ?)", [iso(until), feed_id, iso(until)])

    def record_poll(self, feed: Feed, log: FetchLog) -> None:
        """Save a feed's new state and its fetch-history row together. An operator's disable or enable
        made while the poll ran (operator_changed_at at or after its start, log.at) stands: the poll's
        schedule, error count and disabled state are then not written over it."""
        assert feed.id is not None
        acted = "operator_changed_at >= ?"
        started = iso(log.at)
        with self.transaction():  # type: ignore[attr-defined]
            # Plain SQL: this runs once per feed poll, and table.update() re-reads the schema each call.
            # One statement, so nothing lands between reading the operator's stamp and writing.
            self.db.execute(
                "UPDATE feeds SET title = ?, site_url = ?, etag = ?, last_modified = ?, "
                "last_polled_at = ?, last_status = ?, last_error = ?, "
                "ttl_minutes = ?, update_period = ?, update_frequency = ?, poll_interval_s = ?, poll_reason = ?, "
                "moved_to = ?, "
                f"next_poll_at = CASE WHEN {acted} THEN next_poll_at ELSE ? END, "
                f"consecutive_errors = CASE WHEN {acted} THEN consecutive_errors ELSE ? END, "
                f"disabled_reason = CASE WHEN {acted} THEN disabled_reason ELSE ? END "
                "WHERE id = ?",
                [feed.title, feed.site_url, feed.etag, feed.last_modified,
                 iso(feed.last_polled_at), feed.last_status, feed.last_error,
                 feed.ttl_minutes, feed.update_period, feed.update_frequency,
                 feed.poll_interval_s, feed.poll_reason, feed.moved_to,
                 started, iso(feed.next_poll_at), started, feed.consecutive_errors,
                 started, feed.disabled_reason, feed.id])
            self.db.execute(
                "INSERT INTO fetches (feed_id, url, at, status, http_status, ms, bytes, new_entries, error) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [log.feed_id, log.url, iso(log.at), log.status, log.http_status, log.ms, log.bytes,
                 log.new_entries, log.error])

    def poll_history(self, feed_id: int, since: datetime, limit: int = 64) -> PollHistory:
        """How quiet a feed has been: its empty good polls in a row (up to limit), and the articles its
        polls added since `since`. The first good poll stored the feed's backlog, not its pace, so
        it does not count. Reads one feed's rows through the (feed_id, at) index; errors are skipped."""
        latest = self.db.execute(
            "SELECT new_entries FROM fetches WHERE feed_id = ? AND status != 'error' "
            "ORDER BY at DESC, id DESC LIMIT ?", [feed_id, limit]).fetchall()
        quiet = next((i for i, (new,) in enumerate(latest) if new), len(latest))
        first = self.db.execute(
            "SELECT id, at FROM fetches WHERE feed_id = ? AND status != 'error' ORDER BY at, id LIMIT 1",
            [feed_id]).fetchone()
        if first is None:
            return PollHistory(quiet, 0, None)
        (recent,) = self.db.execute(
            "SELECT coalesce(sum(new_entries), 0) FROM fetches WHERE feed_id = ? AND at >= ? AND id != ?",
            [feed_id, iso(since), first[0]]).fetchone()
        return PollHistory(quiet, recent, parse_iso(first[1]))

    def set_feed_enabled(self, url: str, enabled: bool, reason: str = "disabled by operator",
                         now: datetime | None = None) -> bool:
        feed = self.feed_by_url(url)
        if feed is None:
            return False
        now = now or datetime.now(timezone.utc)
        values: dict[str, Any] = {"disabled_reason": None if enabled else reason, "operator_changed_at": iso(now)}
        if enabled:
            values.update(consecutive_errors=0, next_poll_at=iso(now))
        with self.transaction():  # type: ignore[attr-defined]
            self.db["feeds"].update(feed.id, values)
        return True

    @staticmethod
    def _feed(row: dict) -> Feed:
        return Feed(
            id=row["id"], url=row["url"], name=row["name"] or "", title=row["title"] or "",
            site_url=row["site_url"] or "", region_hints=tuple(json.loads(row["region_hints"] or "[]")),
            interval_s=row["interval_s"] or 900, etag=row["etag"], last_modified=row["last_modified"],
            next_poll_at=parse_iso(row["next_poll_at"]), last_polled_at=parse_iso(row["last_polled_at"]),
            last_status=row["last_status"], last_error=row["last_error"],
            consecutive_errors=row["consecutive_errors"] or 0, disabled_reason=row["disabled_reason"],
            ttl_minutes=row["ttl_minutes"], update_period=row["update_period"],
            update_frequency=row["update_frequency"], poll_interval_s=row["poll_interval_s"],
            poll_reason=row["poll_reason"], moved_to=row.get("moved_to"),
        )
