"""A region is found by the name a person types, whatever its case and accents; a name several
regions carry means the broadest of them (Antarctica the continent, not the country AQ; Micronesia
the subregion, not the country FM; Mali the country, not the towns in Guinea and China), each
article once, while an id means its one region; and a region's parent is a foreign key Datasette
labels with the parent's name.

The store is a real SQLite file holding the real gazetteer's regions, GeoNames cities stored the
way the daemon stores them (lazily, with their first article), a place and a custom region from the
config, all queried through Datasette with the shipped metadata.
"""

import sqlite3
from urllib.parse import quote
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlite_utils import Database
from sqlite_utils.db import ForeignKey

from daemon.gazetteer import Gazetteer, place_id, slug
from daemon.settings import CustomPlace
from storage.errors import StoreError
from storage.records import Article, Region, RegionTag
from storage.schema import migrations
from storage.store import ArticleExtras, Store
from tests.browsing_world import datasette_json, table_rows

MIGRATION = "0011_region_parents_and_names"
SEGOU = "city:2451478"   # GeoNames' Ségou, Mali
MALI_TOWN = "city:2417886"   # a town called Mali, in Guinea
KORO_ML, KORO_CI = "city:2454674", "city:2286294"   # two towns called Koro, in Mali and in Ivory Coast
FRONTIERS_NAME = "Région des Trois Frontières"   # a custom region of the config
FRONTIERS = slug(FRONTIERS_NAME)
INATES = place_id("Inatès")                        # a place of the config


def when(day: int) -> datetime:
    return datetime(2026, 11, day, 9, 0, tzinfo=timezone.utc)


def tags(*tagged: tuple[str, str, bool]) -> tuple[RegionTag, ...]:
    return tuple(RegionTag(region_id, kind, 1, 1.0, focus) for region_id, kind, focus in tagged)


def save(store: Store, gazetteer: Gazetteer, slug: str, title: str, day: int, regions: tuple[RegionTag, ...],
         duplicate_of: int | None = None) -> int:
    """One article saved as the daemon saves it: its city rows (GeoNames cities are stored lazily) with it."""
    article = Article(url=f"https://news.example.org/{slug}", title=title, text=title + ".", fetched_at=when(day),
                      published_at=when(day), site_name="Example News", duplicate_of=duplicate_of,
                      story_id=duplicate_of, regions=regions)
    cities = tuple(gazetteer.region(t.region_id) for t in regions if t.region_id.startswith("city:"))
    return store.save_article(article, ArticleExtras(region_rows=cities))


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load({FRONTIERS_NAME: ("ML", "NE", "BF")}, [CustomPlace("Inatès", ("NE",), 15.2, 1.7)])


@pytest.fixture(scope="module")
def archive(tmp_path_factory, gazetteer) -> tuple[Path, dict[str, int]]:
    """The store and its articles' ids by name."""
    path = tmp_path_factory.mktemp("region-names") / "archive.db"
    store = Store.open(path)
    store.sync_regions(gazetteer.regions())
    ids = {
        "station": save(store, gazetteer, "station", "Research station resupplied", 20,
                        tags(("AQ", "country", True), ("antarctica", "continent", False))),
        "ice shelf": save(store, gazetteer, "ice-shelf", "Ice shelf calves a giant iceberg", 19,
                          tags(("antarctica", "continent", True))),
        "typhoon": save(store, gazetteer, "typhoon", "Typhoon nears Pohnpei", 18,
                        tags(("FM", "country", True), ("micronesia", "subregion", True),
                             ("oceania", "continent", False))),
        "market": save(store, gazetteer, "market", "Market fire in Ségou", 17,
                       tags((SEGOU, "city", True), ("ML", "country", True), ("western-africa", "subregion", False))),
        "attack": save(store, gazetteer, "attack", "Attack near Inatès", 16,
                       tags((INATES, "city", True), ("NE", "country", True), (FRONTIERS, "custom", True))),
        "town": save(store, gazetteer, "town", "Mali prefecture opens a clinic", 15,
                     tags((MALI_TOWN, "city", True), ("GN", "country", True))),
        "two koros": save(store, gazetteer, "two-koros", "Two towns called Koro twin up", 14,
                          tags((KORO_ML, "city", True), (KORO_CI, "city", True))),
        "koro": save(store, gazetteer, "koro", "Koro cocoa cooperative elects a head", 13,
                     tags((KORO_CI, "city", True), ("CI", "country", True))),
    }
    ids["station copy"] = save(store, gazetteer, "station-copy", "Antarctic station gets supplies", 20,
                               tags(("AQ", "country", True), ("antarctica", "continent", False)),
                               duplicate_of=ids["station"])
    store.close()
    return path, ids


def rows(db: Path, path: str) -> list[dict]:
    """The rows of a Datasette page or canned query, asserting it answered 200."""
    return datasette_json(db, path)


def latest(db: Path, region: str, focus: str = "") -> list[tuple]:
    found = rows(db, f"/archive/latest_in_region.json?region={quote(region)}&focus={focus}&_shape=objects")["rows"]
    return [(row["id"], row["focus"]) if row["id"] is not None else row["title"] for row in found]


def stories(db: Path, region: str) -> list[str]:
    found = rows(db, f"/archive/stories_in_region.json?region={quote(region)}&since=2026-11-01&_shape=objects")["rows"]
    return [row["title"] for row in found]


@pytest.mark.parametrize("name, articles", [("Antarctica", [("station", 0), ("ice shelf", 1)]),
                                            ("Micronesia", [("typhoon", 1)])])
def test_a_name_a_region_and_its_country_share_means_the_broader_region_listing_each_article_once(
        archive, name, articles):
    db, ids = archive
    assert latest(db, name) == [(ids[article], focus) for article, focus in articles]


def test_a_country_name_does_not_bring_in_the_towns_called_like_it(archive):
    db, ids = archive
    assert latest(db, "Mali") == [(ids["market"], 1)]
    assert latest(db, "GN") == [(ids["town"], 1)]


def test_an_id_means_its_own_region_even_when_another_region_is_named_like_it(archive):
    db, ids = archive
    assert latest(db, "AQ") == [(ids["station"], 1)]
    assert latest(db, "micronesia") == [(ids["typhoon"], 1)]   # the subregion's id, and the country FM's name
    assert latest(db, "FM", focus="1") == [(ids["typhoon"], 1)]


def test_namesake_towns_are_all_taken_and_an_article_naming_both_is_listed_once(archive):
    db, ids = archive
    assert latest(db, "KORO") == [(ids["two koros"], 1), (ids["koro"], 1)]


def test_latest_in_region_finds_a_city_whatever_case_and_accents_are_typed(archive):
    db, ids = archive
    spellings = ["Ségou", "ségou", "SÉGOU", "sÉgou", "Segou", "SEGOU", " segou "]
    assert [typed for typed in spellings if latest(db, typed) != [(ids["market"], 1)]] == []


@pytest.mark.parametrize("typed", ["SÉGOU", "Segou"])
def test_stories_in_region_finds_a_city_whatever_case_and_accents_are_typed(archive, typed):
    db, _ = archive
    assert stories(db, typed) == ["Market fire in Ségou"]


@pytest.mark.parametrize("typed", ["INATÈS", "inates", "RÉGION DES TROIS FRONTIÈRES", "region des trois frontieres"])
def test_a_place_and_a_custom_region_from_the_config_are_found_whatever_case_and_accents(archive, typed):
    db, ids = archive
    assert latest(db, typed) == [(ids["attack"], 1)]


def test_only_a_whole_name_matches_a_region(archive):
    db, ids = archive
    assert latest(db, "RÉGION DES TROIS FRONTIÈRES") == [(ids["attack"], 1)]
    assert latest(db, "TROIS FRONTIÈRES") == ['No region called "TROIS FRONTIÈRES" in the regions table: try an ISO '
                                              'code such as ML, or a name such as Mali, Sahel or Western Africa']


def test_a_region_parent_is_a_foreign_key_to_regions(archive):
    db, _ = archive
    assert ForeignKey("regions", "parent_id", "regions", "id") in Database(db)["regions"].foreign_keys


def test_datasette_labels_the_parent_facet_with_the_parents_names(archive):
    db, _ = archive
    facet = rows(db, "/archive/regions.json?kind=country&_facet=parent_id&_size=0")["facet_results"]["parent_id"]
    labels = {result["value"]: result["label"] for result in facet["results"]}
    assert labels["western-africa"] == "Western Africa" and labels["micronesia"] == "Micronesia"


def test_a_renamed_region_is_found_by_its_new_name_and_no_longer_by_its_old_one(tmp_path):
    store = Store.open(tmp_path / "archive.db")
    store.sync_regions([Region("NE", "Niger", "country"), Region(INATES, "Inatès", "city", "NE")])
    store.save_article(Article(url="https://news.example.org/a", title="Attack near Inatès", text="Attack.",
                               fetched_at=when(16), published_at=when(16),
                               regions=tags((INATES, "city", True))))
    store.sync_regions([Region(INATES, "In-Atès", "city", "NE")])
    store.close()
    assert latest(tmp_path / "archive.db", "IN ATES") == [(1, 1)]
    assert latest(tmp_path / "archive.db", "Inatès")[0].startswith('No region called "Inatès"')


def test_syncing_a_region_whose_parent_is_no_region_names_it_and_writes_nothing(tmp_path):
    store = Store.open(tmp_path / "archive.db")
    try:
        with pytest.raises(StoreError, match=r"place:pristina \(parent XK\)"):
            store.sync_regions([Region("RS", "Serbia", "country"), Region("place:pristina", "Pristina", "city", "XK")])
        assert store.db.execute("SELECT count(*) FROM regions").fetchone()[0] == 0
    finally:
        store.close()


# --- a store written before the migration ------------------------------------------------------

OLD_REGIONS = [
    {"id": "antarctica", "name": "Antarctica", "kind": "continent", "parent_id": None, "lat": None, "lon": None},
    {"id": "AQ", "name": "Antarctica", "kind": "country", "parent_id": "antarctica", "lat": -75.0, "lon": 0.0},
    {"id": "western-africa", "name": "Western Africa", "kind": "subregion", "parent_id": "africa", "lat": None,
     "lon": None},   # its continent never stored (a store edited by hand, or an older gazetteer)
    {"id": "ML", "name": "Mali", "kind": "country", "parent_id": "western-africa", "lat": 12.65, "lon": -8.0},
    {"id": SEGOU, "name": "Ségou", "kind": "city", "parent_id": "ML", "lat": 13.44, "lon": -6.26},
]


def old_store(path: Path, *, orphan_article: bool = False) -> Path:
    """A store as the version before the migration left it, with regions, an article and its tags
    written straight into the file; orphan_article adds an article whose feed is gone, as a sqlite3
    shell (foreign keys off) can leave one."""
    db = Database(sqlite3.connect(path, isolation_level=None))
    db.execute("PRAGMA journal_mode=WAL")
    migrations.apply(db, stop_before=MIGRATION)
    db["regions"].insert_all(OLD_REGIONS)
    db["articles"].insert({"id": 1, "url": "https://news.example.org/market", "title": "Market fire in Ségou",
                           "text": "Fire.", "fetched_at": "2026-11-17T09:00:00+00:00",
                           "published_at": "2026-11-17T09:00:00+00:00", "story_id": 1})
    db["article_regions"].insert_all([
        {"article_id": 1, "region_id": SEGOU, "kind": "city", "mentions": 2, "score": 3.0, "focus": 1},
        {"article_id": 1, "region_id": "ML", "kind": "country", "mentions": 2, "score": 3.0, "focus": 1}])
    if orphan_article:
        db["articles"].insert({"id": 2, "url": "https://news.example.org/gone", "title": "From a removed feed",
                               "text": "Gone.", "fetched_at": "2026-11-17T09:00:00+00:00", "feed_id": 99,
                               "story_id": 2})
    db.conn.close()
    return path


def test_an_old_store_upgrades_in_place_keeping_every_row(tmp_path):
    path = old_store(tmp_path / "archive.db")
    before = {table: table_rows(path, table) for table in ("regions", "articles", "article_regions")}
    Store.open(path).close()
    after = {table: table_rows(path, table) for table in ("regions", "articles", "article_regions")}
    assert after["articles"] == before["articles"] and after["article_regions"] == before["article_regions"]
    assert after["regions"][:len(before["regions"])] == before["regions"]
    assert [row[1:] for row in after["regions"][len(before["regions"]):]] == [
        ("africa", "africa", None, None, None, None)]   # a placeholder for the parent no row had
    db = Database(path)
    assert ForeignKey("regions", "parent_id", "regions", "id") in db["regions"].foreign_keys
    assert ["kind"] in [index.columns for index in db["regions"].indexes]
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_an_upgraded_store_finds_its_old_regions_whatever_case_and_accents(tmp_path):
    path = old_store(tmp_path / "archive.db")
    Store.open(path).close()
    assert latest(path, "SÉGOU") == [(1, 1)]
    assert latest(path, "mali") == [(1, 1)]


def test_an_old_store_with_an_orphan_row_elsewhere_still_upgrades(tmp_path):
    path = old_store(tmp_path / "archive.db", orphan_article=True)
    Store.open(path).close()
    assert ForeignKey("regions", "parent_id", "regions", "id") in Database(path)["regions"].foreign_keys
    assert [row[1] for row in table_rows(path, "articles")] == [1, 2]
