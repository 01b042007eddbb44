"""Nothing stored is lost or taken over: feeds that reuse GUIDs, revisions seen through another feed,
revision alerts, and `reprocess` racing the running daemon."""

import asyncio
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlite_utils import Database
from structlog.testing import capture_logs

from daemon import reprocess as reprocessing
from daemon import runtime
from daemon.config_file import load_settings
from daemon.gazetteer import Gazetteer
from daemon.settings import Settings
from storage.records import Article, Feed
from storage.schema import migrations
from storage.store import ArticleExtras, Store
from storage.times import iso
from tests.daemon_world import KENYA_PARAGRAPHS, NIGER_PARAGRAPHS, page, write_config

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
TARGET = "webhook:desk (https example.org) #abc"


def atom_with_one_guid(items: list[tuple[str, str, str]]) -> bytes:
    """An Atom feed whose CMS gives every entry the same id."""
    entries = "".join(f"<entry><title>{title}</title><link href='{link}'/><id>urn:same</id>"
                      f"<updated>{updated}</updated></entry>" for title, link, updated in items)
    return ("<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'><title>F</title>"
            f"<id>urn:f</id><updated>2026-11-20T08:00:00Z</updated>{entries}</feed>").encode()


def poll_twice(newsroom, tmp_path: Path, second_stamp: str) -> sqlite3.Connection:
    """Poll a feed listing the Niger page, then the same feed with the Kenya page added under the same GUID."""
    newsroom.add("/niger", page("Niger schools", NIGER_PARAGRAPHS), content_type="text/html")
    newsroom.add("/kenya", page("Kenya rates", KENYA_PARAGRAPHS), content_type="text/html")
    niger = ("a", newsroom.url("/niger"), "2026-11-20T08:00:00Z")
    feed = newsroom.add("/feed.xml", atom_with_one_guid([niger]), content_type="application/atom+xml")
    settings = load_settings(write_config(tmp_path / "n.toml", tmp_path / "n.db", [feed]))
    asyncio.run(runtime.run_once(settings, use_processes=False))
    newsroom.add("/feed.xml", atom_with_one_guid([("b", newsroom.url("/kenya"), second_stamp), niger]),
                 content_type="application/atom+xml")
    conn = sqlite3.connect(tmp_path / "n.db")
    conn.execute("UPDATE feeds SET next_poll_at = NULL, etag = NULL, last_modified = NULL")
    conn.commit()
    asyncio.run(runtime.run_once(settings, use_processes=False))
    return conn


def test_a_new_article_under_a_reused_guid_is_stored(newsroom, tmp_path):
    conn = poll_twice(newsroom, tmp_path, "2026-11-20T08:00:00Z")
    titles = {row[0] for row in conn.execute("SELECT title FROM articles")}
    assert titles == {"Niger schools", "Kenya rates"}


def test_a_re_stamped_entry_under_a_reused_guid_does_not_overwrite_the_stored_article(newsroom, tmp_path):
    conn = poll_twice(newsroom, tmp_path, "2026-11-23T08:00:00Z")
    stored = conn.execute("SELECT title, revision FROM articles WHERE url LIKE '%/niger'").fetchone()
    assert stored == ("Niger schools", 0)


def test_a_poll_that_meets_reused_guids_says_so_once(newsroom, tmp_path):
    with capture_logs() as logs:
        poll_twice(newsroom, tmp_path, "2026-11-23T08:00:00Z")
    assert [e["entries"] for e in logs if e["event"] == "feed.guids_reused"] == [1]


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "n.db")
    store.sync_feeds([Feed(url="https://a.example/rss", name="A"),
                      Feed(url="https://agg.example/rss", name="Aggregator")], NOW)
    yield store
    store.close()


def article(text: str, hash_: str, at: datetime = NOW, **kw) -> Article:
    values = dict(url="https://a.example/x", title="Floods", feed_id=1, guid="a-guid-1", simhash=5)
    return Article(text=text, content_hash=hash_, fetched_at=at, **{**values, **kw})


def revise(store: Store, article_id: int, revised: Article, alerts=()) -> None:
    known = store.known_article(revised.url)
    store.update_article(article_id, revised, ArticleExtras(alerts=alerts), 0.5, known)


def test_a_revision_seen_through_another_feed_keeps_the_articles_feed_and_guid(store):
    article_id = store.save_article(article("v1", "h1"))
    revise(store, article_id, article("v2", "h2", NOW + timedelta(hours=1), feed_id=2, guid="agg-123"))
    assert store.db.execute("SELECT feed_id, guid FROM articles").fetchone() == (1, "a-guid-1")


def test_a_revision_alert_gets_a_delivery_id_of_its_own(store):
    article_id = store.save_article(article("v1", "h1"), ArticleExtras(alerts=(("desk", TARGET),)))
    first = store.due_deliveries(NOW)[0]
    store.mark_delivered(first.id, NOW)
    revise(store, article_id, article("v2", "h2", NOW + timedelta(hours=1)), alerts=(("desk", TARGET),))
    assert [d.id for d in store.due_deliveries(NOW + timedelta(hours=2))] != [first.id]


def test_a_revision_alert_survives_the_first_alert_being_delivered_meanwhile(store):
    article_id = store.save_article(article("v1", "h1"), ArticleExtras(alerts=(("desk", TARGET),)))
    in_flight = store.due_deliveries(NOW)[0]
    revise(store, article_id, article("v2", "h2", NOW + timedelta(minutes=1)), alerts=(("desk", TARGET),))
    store.mark_delivered(in_flight.id, NOW + timedelta(minutes=1))
    assert len(store.due_deliveries(NOW + timedelta(hours=1))) == 1


def test_an_outbox_from_before_revision_alerts_keeps_its_rows_and_takes_revision_alerts(tmp_path):
    db = Database(sqlite3.connect(tmp_path / "old.db", isolation_level=None))
    migrations.apply(db, stop_before="0007_revision_alerts")
    db["articles"].insert({"id": 1, "url": "https://a.example/x", "title": "Floods", "text": "v1",
                           "fetched_at": iso(NOW), "story_id": 1, "content_hash": "h1", "revision": 0})
    db["deliveries"].insert({"rule": "desk", "article_id": 1, "target": TARGET, "status": "delivered",
                             "attempts": 1, "created_at": iso(NOW), "next_attempt_at": iso(NOW)})
    db.conn.close()
    store = Store.open(tmp_path / "old.db")
    revise(store, 1, article("v2", "h2", NOW + timedelta(hours=1)), alerts=(("desk", TARGET),))
    rows = [(d["id"], d["status"], d["revision"]) for d in store.deliveries()]
    store.close()
    assert rows == [(1, "delivered", 0), (2, "pending", 1)]


def test_reprocess_keeps_a_revision_the_daemon_stored_while_it_worked(store, monkeypatch):
    article_id = store.save_article(article("Old text about floods in the capital city. " * 5, "h1"))
    daemon_store = Store.open(store.path)
    corrected = "CORRECTED: the death toll is 12, not 120. " * 5
    rebuilt = reprocessing.Reprocessor._rebuilt

    def daemon_revises_meanwhile(self, old, extracted, text):
        revise(daemon_store, article_id, article(corrected, "h2", NOW + timedelta(hours=1)))
        return rebuilt(self, old, extracted, text)

    monkeypatch.setattr(reprocessing.Reprocessor, "_rebuilt", daemon_revises_meanwhile)
    reprocessing.reprocess(store, Settings(storage_path=store.path), Gazetteer.load(), [article_id])
    daemon_store.close()
    assert store.db.execute("SELECT text FROM articles").fetchone()[0] == corrected
