"""An alert announces the revision its outbox row was queued for: an alert still owed for the first
version when the text is revised is sent with the first version's title, summary, regions and
revision number, not the revised article's."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from daemon.alerts import Deliverer, matching_alerts
from daemon.receiver import WebhookReceiver
from daemon.settings import AlertRule, WebhookSettings
from storage.records import Article, Region, RegionTag
from storage.schema import migrations
from storage.store import ArticleExtras, KnownArticle, Store
from storage.times import iso
from tests.outbox_world import NOW, mali_store

SNAPSHOTS = "0009_announced_revisions"
MALI = RegionTag("ML", "country", 3, 3.0, True)
NIGER = RegionTag("NE", "country", 4, 4.0, True)
FIRST = Article(url="https://example.org/gao-bridge", title="Bridge near Gao closed after floods",
                site_name="Example News", text="The river rose overnight and the bridge was shut to lorries.",
                fetched_at=NOW, regions=(MALI,), content_hash="first")
REVISED = Article(url="https://example.org/gao-bridge", title="Gao bridge reopens to light traffic",
                  site_name="Example News", text="Engineers let cars cross again; lorries must use the ferry.",
                  fetched_at=NOW + timedelta(minutes=30), regions=(MALI, NIGER), content_hash="revised")


@pytest.fixture
def store(tmp_path):
    yield from mali_store(tmp_path)


def desk(url: str) -> AlertRule:
    return AlertRule(name="gao-desk", regions=("ML",), on_update=True, webhook=WebhookSettings(url=url, secret="k"))


def save_then_revise(store: Store, rule: AlertRule) -> None:
    """The first version queued (its receiver not yet asked), then revised before any delivery."""
    store.sync_regions([Region("NE", "Niger", "country")])
    article_id = store.save_article(FIRST, ArticleExtras(alerts=matching_alerts([rule], FIRST, None)))
    revise(store, rule, article_id)


def revise(store: Store, rule: AlertRule, article_id: int) -> None:
    store.update_article(article_id, REVISED,
                         ArticleExtras(alerts=matching_alerts([rule], REVISED, None, is_update=True)), 0.7,
                         KnownArticle(id=article_id, content_hash="first", revision=0, duplicate_of=None,
                                      story_id=article_id))


def delivered_articles(store: Store, rule: AlertRule, receiver: WebhookReceiver) -> list[dict]:
    """What the receiver got in one pass, each payload's article, in delivery id order."""
    async def run() -> None:
        deliverer = Deliverer(store, [rule])
        try:
            await deliverer.deliver_pass(NOW + timedelta(hours=1))
        finally:
            await deliverer.aclose()
    asyncio.run(run())
    return [r.body["article"] for r in sorted(receiver.accepted(), key=lambda r: int(r.delivery_id))]


def test_an_alert_owed_for_the_first_version_announces_revision_0_after_a_revision(store):
    with WebhookReceiver("k") as receiver:
        save_then_revise(store, desk(receiver.url))
        articles = delivered_articles(store, desk(receiver.url), receiver)
    assert [a["revision"] for a in articles] == [0, 1]


def test_an_alert_owed_for_the_first_version_carries_the_first_versions_title(store):
    with WebhookReceiver("k") as receiver:
        save_then_revise(store, desk(receiver.url))
        articles = delivered_articles(store, desk(receiver.url), receiver)
    assert [a["title"] for a in articles] == [FIRST.title, REVISED.title]


def test_an_alert_owed_for_the_first_version_carries_the_first_versions_summary(store):
    with WebhookReceiver("k") as receiver:
        save_then_revise(store, desk(receiver.url))
        articles = delivered_articles(store, desk(receiver.url), receiver)
    assert [a["summary"] for a in articles] == [FIRST.text, REVISED.text]


def test_an_alert_owed_for_the_first_version_carries_the_first_versions_regions(store):
    with WebhookReceiver("k") as receiver:
        save_then_revise(store, desk(receiver.url))
        articles = delivered_articles(store, desk(receiver.url), receiver)
    assert [[r["id"] for r in a["regions"]] for a in articles] == [["ML"], ["NE", "ML"]]


def store_before_snapshots(path: Path, target: str) -> Path:
    """A store as the version before snapshots left it: Mali, one article, its alert to target still owed."""
    db = Database(sqlite3.connect(path, isolation_level=None))
    db.execute("PRAGMA journal_mode=WAL")
    migrations.apply(db, stop_before=SNAPSHOTS)
    db["regions"].insert({"id": "ML", "name": "Mali", "kind": "country"})
    db["articles"].insert({"id": 1, "url": FIRST.url, "title": FIRST.title, "text": FIRST.text,
                           "fetched_at": iso(NOW), "story_id": 1, "content_hash": "first", "revision": 0})
    db["article_regions"].insert({"article_id": 1, "region_id": "ML", "kind": "country", "mentions": 3,
                                  "score": 3.0, "focus": 1})
    db["deliveries"].insert({"rule": "gao-desk", "article_id": 1, "target": target, "status": "pending",
                             "attempts": 0, "created_at": iso(NOW), "next_attempt_at": iso(NOW), "revision": 0})
    db.conn.close()
    return path


def test_an_alert_owed_in_a_store_from_before_snapshots_keeps_its_versions_title_through_a_revision(tmp_path):
    with WebhookReceiver("k") as receiver:
        rule = desk(receiver.url)
        path = store_before_snapshots(tmp_path / "n.db", matching_alerts([rule], FIRST, None)[0][1])
        store = Store.open(path)
        try:
            store.sync_regions([Region("NE", "Niger", "country")])
            revise(store, rule, 1)
            articles = delivered_articles(store, rule, receiver)
        finally:
            store.close()
    assert [(a["revision"], a["title"]) for a in articles] == [(0, FIRST.title), (1, REVISED.title)]
