"""Stores written by earlier versions upgrade in place: here, outbox rows that held a full webhook
URL (token and all) are rewritten into the redacted key new rows get, and are still delivered."""

import asyncio
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlite_utils import Database

from daemon.alerts import Deliverer
from daemon.receiver import WebhookReceiver
from daemon.settings import AlertRule, WebhookSettings
from storage.schema import migrations, redacted_webhook_targets
from storage.store import Store
from storage.times import iso
from storage.webhook_targets import legacy_webhook_url, webhook_target

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
TOKEN = "T0OLDSTORE/B0OLDSTORE/xoxbOldStoreToken77"
REDACTION = "0005_redacted_webhook_targets"


def old_store(path: Path, deliveries: list[dict]) -> Path:
    """A store as the version before the redaction migration left it: one article, and the given
    outbox rows written straight into the file (WAL mode, as the daemon runs it)."""
    db = Database(sqlite3.connect(path, isolation_level=None))
    db.execute("PRAGMA journal_mode=WAL")
    migrations.apply(db, stop_before=REDACTION)
    db["articles"].insert({"id": 1, "url": "https://example.org/a", "title": "Drone strike near Mopti",
                           "text": "Text.", "fetched_at": iso(NOW), "story_id": 1})
    for delivery in deliveries:
        db["deliveries"].insert({"rule": "mali-desk", "article_id": 1, "status": "pending", "attempts": 0,
                                 "created_at": iso(NOW), "next_attempt_at": iso(NOW), **delivery})
    db.conn.close()
    return path


def rule(url: str) -> AlertRule:
    return AlertRule(name="mali-desk", regions=("ML",), webhook=WebhookSettings(url=url, secret="k"))


def upgraded_rows(path: Path) -> list[dict]:
    store = Store.open(path)
    try:
        return store.deliveries()
    finally:
        store.close()


def deliver(path: Path, rules: list[AlertRule]) -> int:
    async def run(store: Store) -> int:
        deliverer = Deliverer(store, rules)
        try:
            return await deliverer.deliver_due(NOW)
        finally:
            await deliverer.aclose()
    store = Store.open(path)
    try:
        return asyncio.run(run(store))
    finally:
        store.close()


def file_bytes(path: Path) -> bytes:
    """The store file and any WAL beside it, as they lie on disk."""
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def test_the_previous_migration_list_ends_just_before_the_redaction(tmp_path):
    path = old_store(tmp_path / "n.db", [])
    names = [m.name for m in migrations._migrations]
    assert [m.name for m in migrations.applied(Database(path))] == names[:names.index(REDACTION)]


def test_an_old_row_holding_a_full_webhook_url_gets_the_redacted_key_of_a_new_row(tmp_path):
    url = f"https://hooks.example.org/services/{TOKEN}"
    path = old_store(tmp_path / "n.db", [{"target": f"webhook:{url}"}])
    assert [r["target"] for r in upgraded_rows(path)] == [webhook_target("mali-desk", url)]


def test_after_the_upgrade_no_byte_of_a_webhook_token_is_left_in_the_store_file(tmp_path):
    # Pages full of rows: an UPDATE without secure_delete leaves old cells in the pages' free space.
    path = old_store(tmp_path / "n.db", [{"target": f"webhook:https://hooks.example.org/{TOKEN}/{n}"}
                                         for n in range(200)])
    assert b"xoxbOldStoreToken77" in file_bytes(path)     # the old version did write them there (row and index)
    upgraded_rows(path)
    assert b"xoxbOldStoreToken77" not in file_bytes(path)


def test_while_the_upgraded_store_stays_open_its_main_file_already_holds_no_token(tmp_path):
    path = old_store(tmp_path / "n.db", [{"target": f"webhook:https://hooks.example.org/{TOKEN}/{n}"}
                                         for n in range(200)])
    store = Store.open(path)
    try:
        assert b"xoxbOldStoreToken77" not in path.read_bytes()   # a backup copying only the .db file
    finally:
        store.close()


def test_the_rewrite_run_again_on_an_upgraded_store_changes_nothing(tmp_path):
    url = f"https://hooks.example.org/services/{TOKEN}"
    path = old_store(tmp_path / "n.db", [{"target": f"webhook:{url}"}, {"target": "command:mali-desk"}])
    before = upgraded_rows(path)
    db = Database(sqlite3.connect(path, isolation_level=None))
    redacted_webhook_targets(db)
    db.conn.close()
    assert upgraded_rows(path) == before


def test_an_old_pending_row_is_still_delivered_to_the_configured_webhook_after_the_upgrade(tmp_path):
    with WebhookReceiver("k") as receiver:
        url = f"{receiver.url}/{TOKEN}"
        path = old_store(tmp_path / "n.db", [{"target": f"webhook:{url}"}])
        delivered = deliver(path, [rule(url)])
        assert len(receiver.accepted()) == 1
    assert delivered == 1 and [r["status"] for r in upgraded_rows(path)] == ["delivered"]


def test_an_old_error_message_quoting_the_webhook_url_loses_the_url_too(tmp_path):
    url = f"https://hooks.example.org/services/{TOKEN}"
    path = old_store(tmp_path / "n.db", [{"target": f"webhook:{url}", "attempts": 1,
                                          "last_error": f"internal error: InvalidURL: bad {url}"}])
    assert upgraded_rows(path)[0]["last_error"] == \
        "internal error: InvalidURL: bad webhook:mali-desk (https://hooks.example.org)"


@pytest.mark.parametrize("old_status, new_status, kept_status, kept", [
    ("pending", "delivered", "pending", "old"),      # an alert still owed is never dropped
    ("delivered", "pending", "pending", "new"),
    ("delivered", "delivered", "delivered", "new"),  # the newest record of a delivery
    ("failed", "delivered", "delivered", "new"),
])
def test_an_old_row_and_a_new_row_for_the_same_webhook_and_article_become_one(tmp_path, old_status, new_status,
                                                                              kept_status, kept):
    url = f"https://hooks.example.org/services/{TOKEN}"
    path = old_store(tmp_path / "n.db", [
        {"target": f"webhook:{url}", "status": old_status},
        {"target": webhook_target("mali-desk", url), "status": new_status},   # queued again after an update
    ])
    rows = upgraded_rows(path)
    assert [(r["id"], r["status"], r["target"]) for r in rows] == [
        ({"old": 1, "new": 2}[kept], kept_status, webhook_target("mali-desk", url))]


def test_old_rows_for_two_webhooks_of_one_rule_stay_two_rows(tmp_path):
    first, second = f"https://hooks.example.org/{TOKEN}", "https://hooks.example.org/another/path"
    path = old_store(tmp_path / "n.db", [{"target": f"webhook:{first}"}, {"target": f"webhook:{second}"}])
    assert [r["target"] for r in upgraded_rows(path)] == [webhook_target("mali-desk", first),
                                                         webhook_target("mali-desk", second)]


def test_command_rows_and_rows_already_redacted_are_left_as_they_are(tmp_path):
    targets = ["command:mali-desk", webhook_target("mali-desk", f"https://hooks.example.org/{TOKEN}")]
    path = old_store(tmp_path / "n.db", [{"target": target} for target in targets])
    assert [r["target"] for r in upgraded_rows(path)] == targets


def test_a_rule_named_like_a_url_does_not_make_its_redacted_target_look_like_an_old_one():
    name = "https://desk.example/watch"
    assert legacy_webhook_url(name, webhook_target(name, f"https://hooks.example.org/{TOKEN}")) is None
    assert legacy_webhook_url(name, f"webhook:https://hooks.example.org/{TOKEN}") == \
        f"https://hooks.example.org/{TOKEN}"


# --- 0006: a feed's polling hints and its interval in effect on the feed row --------------------

POLL_HINTS = "0006_feed_poll_hints"


def store_before_poll_hints(path: Path) -> Path:
    """A store as the version before 0006 left it: one feed, polled, with its etag."""
    db = Database(sqlite3.connect(path, isolation_level=None))
    migrations.apply(db, stop_before=POLL_HINTS)
    db["feeds"].insert({"id": 1, "url": "https://example.org/rss", "interval_s": 600, "etag": '"v1"',
                        "next_poll_at": iso(NOW), "last_polled_at": iso(NOW), "last_status": "not modified"})
    db.conn.close()
    return path


def test_an_old_feed_row_loads_after_the_upgrade_with_no_hints_and_no_interval_in_effect(tmp_path):
    store = Store.open(store_before_poll_hints(tmp_path / "n.db"))
    try:
        feed = store.feed(1)
    finally:
        store.close()
    assert (feed.etag, feed.interval_s, feed.ttl_minutes, feed.update_period, feed.update_frequency,
            feed.poll_interval_s, feed.poll_reason) == ('"v1"', 600, None, None, None, None, None)


def test_the_upgraded_feeds_table_holds_the_hints_and_the_interval_in_effect(tmp_path):
    Store.open(store_before_poll_hints(tmp_path / "n.db")).close()
    columns = {c.name for c in Database(tmp_path / "n.db")["feeds"].columns}
    assert {"ttl_minutes", "update_period", "update_frequency", "poll_interval_s", "poll_reason"} <= columns
