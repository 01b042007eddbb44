"""A region is found by any of the names the tagger knows it by, not only the one regions.name holds:
"Côte d'Ivoire" finds the country stored as Ivory Coast, "Tchad" finds Chad, "مالي" Mali, "région du
Sahel" the Sahel; adjectives of nationality ("Malian") and acronyms that are not names (NFL) find
nothing; a bare name two countries share ("Congo") means both of them, each article once.

The store is a real SQLite file holding the real gazetteer's regions and other names, with the config's
Sahel over the shipped one, queried through Datasette with the shipped metadata.
"""

import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlite_utils import Database

from daemon import runtime
from daemon.config_file import load_settings
from daemon.gazetteer import Gazetteer
from daemon.region_aliases import other_names
from storage.errors import StoreError
from storage.records import Article, Region, RegionTag
from storage.region_aliases import RegionName
from storage.schema import migrations
from storage.store import Store
from tests.browsing_world import datasette_json, table_rows
from tests.daemon_world import write_config

MIGRATION = "0012_region_other_names"


def when(day: int) -> datetime:
    return datetime(2026, 11, day, 9, 0, tzinfo=timezone.utc)


def tags(*region_ids: str) -> tuple[RegionTag, ...]:
    return tuple(RegionTag(region_id, "country", 1, 1.0, True) for region_id in region_ids)


def save(store: Store, slug: str, title: str, day: int, regions: tuple[RegionTag, ...]) -> int:
    return store.save_article(Article(url=f"https://news.example.org/{slug}", title=title, text=title + ".",
                                      fetched_at=when(day), published_at=when(day), site_name="Example News",
                                      regions=regions))


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load({"Sahel": ("ML", "NE", "BF", "TD", "MR")})


@pytest.fixture(scope="module")
def archive(tmp_path_factory, gazetteer) -> tuple[Path, dict[str, int]]:
    """The store and its articles' ids by name."""
    path = tmp_path_factory.mktemp("region-aliases") / "archive.db"
    store = Store.open(path)
    store.sync_regions(gazetteer.regions())
    store.sync_region_names(other_names(gazetteer))
    ids = {
        "cocoa": save(store, "cocoa", "Cocoa prices rise in Abidjan", 20, tags("CI", "western-africa")),
        "chad": save(store, "chad", "Flooding in N'Djamena", 19, tags("TD", "middle-africa", "sahel")),
        "mali": save(store, "mali", "Bamako talks resume", 18, tags("ML", "western-africa", "sahel")),
        "congos": save(store, "congos", "Bridge across the Congo river planned", 17, tags("CD", "CG")),
        "kinshasa": save(store, "kinshasa", "Kinshasa votes", 16, tags("CD")),
        "burkina": save(store, "burkina", "Ouagadougou market reopens", 15, tags("BF", "sahel")),
        "turkey": save(store, "turkey", "Ankara hosts a summit", 14, tags("TR")),
        "myanmar": save(store, "myanmar", "Yangon port expands", 13, tags("MM")),
        "prague": save(store, "prague", "Prague tram strike", 12, tags("CZ")),
        "nfl": save(store, "nfl", "Draft day in Detroit", 11, tags("US")),
        "niger": save(store, "niger", "Niamey hosts a forum", 10, tags("NE")),
    }
    store.close()
    return path, ids


def rows(db: Path, path: str) -> list[dict]:
    return datasette_json(db, path)["rows"]


def latest(db: Path, region: str) -> list:
    found = rows(db, f"/archive/latest_in_region.json?region={quote(region)}&_shape=objects")
    return [row["id"] if row["id"] is not None else row["title"] for row in found]


def stories(db: Path, region: str) -> list[str]:
    found = rows(db, f"/archive/stories_in_region.json?region={quote(region)}&since=2026-11-01&_shape=objects")
    return [row["title"] for row in found]


@pytest.mark.parametrize("typed", ["Côte d'Ivoire", "cote d ivoire", "COTE D’IVOIRE", "Elfenbeinküste",
                                   "ساحل العاج"])
def test_the_country_stored_as_ivory_coast_is_found_by_its_other_names(archive, typed):
    db, ids = archive
    assert latest(db, typed) == [ids["cocoa"]]


@pytest.mark.parametrize("typed", ["Tchad", "TCHAD", "تشاد", "Tschad"])
def test_chad_is_found_by_its_french_arabic_and_german_names(archive, typed):
    db, ids = archive
    assert latest(db, typed) == [ids["chad"]]


@pytest.mark.parametrize("typed, article", [("مالي", "mali"), ("النيجر", "niger"), ("بوركينا فاسو", "burkina")])
def test_sahel_countries_are_found_by_their_arabic_names(archive, typed, article):
    db, ids = archive
    assert latest(db, typed) == [ids[article]]


@pytest.mark.parametrize("typed, article", [("Burkina", "burkina"), ("DRC", "kinshasa"), ("DR Congo", "kinshasa"),
                                            ("Türkiye", "turkey"), ("turkiye", "turkey"), ("Burma", "myanmar"),
                                            ("Czech Republic", "prague")])
def test_countries_are_found_by_their_short_forms_acronyms_and_older_names(archive, typed, article):
    db, ids = archive
    assert ids[article] in latest(db, typed)


@pytest.mark.parametrize("typed", ["Sahel region", "région du Sahel", "REGION DU SAHEL", "منطقة الساحل"])
def test_the_sahel_of_the_config_keeps_the_shipped_sahels_other_names(archive, typed):
    db, ids = archive
    assert latest(db, typed) == [ids["chad"], ids["mali"], ids["burkina"]]


def test_a_subregion_is_found_by_its_other_name(archive):
    db, ids = archive
    assert latest(db, "West Africa") == [ids["cocoa"], ids["mali"]]


def test_stories_in_region_finds_a_country_by_its_other_name(archive):
    db, _ = archive
    assert stories(db, "Cote d'Ivoire") == ["Cocoa prices rise in Abidjan"]


@pytest.mark.parametrize("typed", ["Malian", "malien", "Ivoirian", "ivoirien", "tchadien", "Chadian"])
def test_an_adjective_of_nationality_is_not_a_region_name(archive, typed):
    db, _ = archive
    assert latest(db, typed) == [f'No region called "{typed}" in the regions table: try an ISO code such as ML, '
                                 'or a name such as Mali, Sahel or Western Africa']


@pytest.mark.parametrize("typed", ["NFL", "FAMa", "JNIM", "Boko Haram", "الجيش المالي"])
def test_acronyms_and_armed_groups_the_tagger_reads_as_evidence_are_not_region_names(archive, typed):
    db, _ = archive
    assert latest(db, typed)[0].startswith(f'No region called "{typed}"')


def test_a_name_two_countries_share_means_both_listing_each_article_once(archive):
    db, ids = archive
    assert latest(db, "Congo") == [ids["congos"], ids["kinshasa"]]
    assert latest(db, "CG") == [ids["congos"]]


def test_other_names_cover_countries_subregions_and_custom_regions_but_no_city_and_no_adjective(gazetteer):
    names = other_names(gazetteer)
    kinds = {region.id: region.kind for region in gazetteer.regions()}
    by_region = {}
    for pair in names:
        by_region.setdefault(pair.region_id, set()).add(pair.name)
    assert {kinds[region_id] for region_id in by_region} == {"country", "subregion", "continent", "custom"}
    assert {"Tchad", "تشاد"} <= by_region["TD"] and "West Africa" in by_region["western-africa"]
    assert not {"Malian", "Malians", "malien", "Chad"} & (by_region["ML"] | by_region["TD"])


# --- keeping the table in step, and a store written before the migration -------------------------------

def test_a_name_dropped_from_the_gazetteer_stops_finding_its_region(tmp_path):
    store = Store.open(tmp_path / "archive.db")
    store.sync_regions([Region("TD", "Chad", "country")])
    save(store, "chad", "Flooding in N'Djamena", 19, tags("TD"))
    store.sync_region_names([RegionName("TD", "Tchad"), RegionName("TD", "Tschad")])
    store.sync_region_names([RegionName("TD", "Tchad")])
    store.close()
    assert latest(tmp_path / "archive.db", "Tchad") == [1]
    assert latest(tmp_path / "archive.db", "Tschad")[0].startswith('No region called "Tschad"')


def test_other_names_of_a_region_the_store_lacks_are_refused_before_anything_is_written(tmp_path):
    store = Store.open(tmp_path / "archive.db")
    try:
        store.sync_regions([Region("TD", "Chad", "country")])
        with pytest.raises(StoreError, match="XK"):
            store.sync_region_names([RegionName("TD", "Tchad"), RegionName("XK", "Kosova")])
        assert store.db.execute("SELECT count(*) FROM region_other_names").fetchone()[0] == 0
    finally:
        store.close()


def test_an_old_store_gains_the_other_names_in_place_keeping_every_row(tmp_path):
    path = tmp_path / "archive.db"
    db = Database(sqlite3.connect(path, isolation_level=None))
    db.execute("PRAGMA journal_mode=WAL")
    migrations.apply(db, stop_before=MIGRATION)
    db["regions"].insert_all([{"id": "middle-africa", "name": "Middle Africa", "kind": "subregion"},
                              {"id": "TD", "name": "Chad", "kind": "country", "parent_id": "middle-africa"}])
    db["articles"].insert({"id": 1, "url": "https://news.example.org/chad", "title": "Flooding in N'Djamena",
                           "text": "Floods.", "fetched_at": "2026-11-19T09:00:00+00:00",
                           "published_at": "2026-11-19T09:00:00+00:00", "story_id": 1})
    db["article_regions"].insert({"article_id": 1, "region_id": "TD", "kind": "country", "mentions": 1,
                                  "score": 1.0, "focus": 1})
    db.conn.close()
    tables = ("regions", "articles", "article_regions", "region_name_index")
    before = {table: table_rows(path, table) for table in tables}
    store = Store.open(path)
    assert {table: table_rows(path, table) for table in tables} == before
    assert latest(path, "Chad") == [1] and latest(path, "Tchad")[0].startswith('No region called')
    store.sync_region_names([RegionName("TD", "Tchad")])
    store.close()
    assert latest(path, "Tchad") == [1]


def test_the_daemon_fills_the_other_names_when_it_opens_its_store(tmp_path) -> None:
    settings = load_settings(str(write_config(tmp_path / "n.toml", tmp_path / "n.db", [])))
    store = runtime.open_store(settings)
    try:
        found = store.db.execute("SELECT region_id FROM region_other_names WHERE name = 'Tchad'").fetchall()
    finally:
        store.close()
    assert found == [("TD",)]
