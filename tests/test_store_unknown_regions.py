"""A tag naming a region the store lacks costs that tag, never the article.

The gazetteer once tagged Kosovo (XK) with no regions row for it: the foreign key failed the whole
save, and every article naming Pristina was lost as an "internal error" skip. Any future gap between
the gazetteer and the store must not lose articles the same way."""

from __future__ import annotations

from datetime import datetime, timezone

from structlog.testing import capture_logs

from storage.records import Article, Feed, Region, RegionTag
from storage.store import ArticleExtras, Store

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)


def _store(tmp_path) -> Store:
    store = Store.open(tmp_path / "n.db")
    store.sync_regions([Region("europe", "Europe", "continent"),
                        Region("southern-europe", "Southern Europe", "subregion", "europe"),
                        Region("RS", "Serbia", "country", "southern-europe")])
    store.sync_feeds([Feed(url="https://balkan.example/rss", name="Balkan Desk")], NOW)
    return store


def _article(regions: tuple[RegionTag, ...]) -> Article:
    return Article(url="https://balkan.example/march", title="March in Pristina", text="Thousands marched.",
                   content_hash="h1", fetched_at=NOW, feed_id=1, guid="g1", regions=regions)


def test_an_article_with_a_tag_the_store_lacks_is_kept_without_that_tag(tmp_path) -> None:
    store = _store(tmp_path)
    tags = (RegionTag("XK", "country", 3, 4.5, True), RegionTag("RS", "country", 1, 0.6, False),
            RegionTag("city:786714", "city", 2, 3.0, True))
    city = Region("city:786714", "Pristina", "city", "XK", 42.67, 21.17)   # its country is missing too
    with capture_logs() as events:
        article_id = store.save_article(_article(tags), ArticleExtras(region_rows=(city,)))
    stored = store.db.execute("SELECT region_id FROM article_regions WHERE article_id = ?", [article_id]).fetchall()
    assert stored == [("RS",)]
    assert store.db.execute("SELECT COUNT(*) FROM regions WHERE id = 'city:786714'").fetchone() == (0,)
    (dropped,) = [e for e in events if e["event"] == "article.tags_dropped"]
    assert dropped["regions"] == ["XK", "city:786714"] and dropped["url"] == "https://balkan.example/march"
    store.close()


def test_a_city_whose_country_is_stored_is_added_with_the_article(tmp_path) -> None:
    store = _store(tmp_path)
    tags = (RegionTag("RS", "country", 2, 3.0, True), RegionTag("city:792680", "city", 2, 3.0, True))
    city = Region("city:792680", "Belgrade", "city", "RS", 44.8, 20.47)
    with capture_logs() as events:
        article_id = store.save_article(_article(tags), ArticleExtras(region_rows=(city,)))
    stored = store.db.execute("SELECT region_id FROM article_regions WHERE article_id = ? ORDER BY region_id",
                              [article_id]).fetchall()
    assert stored == [("RS",), ("city:792680",)]
    assert not [e for e in events if e["event"] == "article.tags_dropped"]
    store.close()
