"""The shipped canned queries answer an analyst's questions about a region, story by story, and say
what is wrong with a parameter instead of answering with an empty page.

The store is the demo's: the real daemon run over the loopback newsroom (articles published
2026-11-15 to 2026-11-21; one drone-strike story carried by Sahel Courier and, as a copy, by West
Africa Wire).
"""

import asyncio
from pathlib import Path

import pytest
from datasette.app import Datasette

from daemon.serve_setup import datasette_metadata
from daemon.demo import run_demo
from daemon.paths import shipped_config_path

DRONE_STRIKE_ORIGINAL = "Malian army says drone strike near Mopti killed 11 fighters"
DRONE_STRIKE_COPY = "Eleven fighters killed in Malian drone strike, army says"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("canned") / "archive.db"
    run_demo(str(db), echo=lambda _line: None)
    return db


def rows(db: Path, path: str) -> list[dict]:
    """The rows of a canned query, asserting Datasette answered 200 (never a 500 for a bad parameter)."""
    metadata = datasette_metadata(db, shipped_config_path("datasette.json"))

    async def fetch():
        response = await Datasette([str(db)], metadata=metadata).client.get(path + "&_shape=objects")
        assert response.status_code == 200, response.text[:500]
        return response.json()["rows"]

    return asyncio.run(fetch())


def test_latest_in_region_names_an_unknown_region_instead_of_returning_nothing(demo_db):
    found = rows(demo_db, "/archive/latest_in_region.json?region=Atlantis")
    assert len(found) == 1 and found[0]["id"] is None
    assert 'No region called "Atlantis"' in found[0]["title"]


def test_latest_in_region_without_a_region_asks_for_one(demo_db):
    found = rows(demo_db, "/archive/latest_in_region.json?region=")
    assert len(found) == 1 and found[0]["title"].startswith("Give a region")


def test_latest_in_region_says_what_focus_takes(demo_db):
    found = rows(demo_db, "/archive/latest_in_region.json?region=Mali&focus=yes")
    assert len(found) == 1 and 'not "yes"' in found[0]["title"]


def test_stories_of_a_day_refuse_a_day_that_is_not_a_date(demo_db):
    found = rows(demo_db, "/archive/todays_stories.json?day=20/11/2026")
    assert len(found) == 1 and found[0]["story_id"] is None
    assert "YYYY-MM-DD" in found[0]["a_title"] and 'not "20/11/2026"' in found[0]["a_title"]


def test_stories_of_a_day_are_headed_by_their_first_original_not_by_a_copy(demo_db):
    found = rows(demo_db, "/archive/todays_stories.json?day=2026-11-20")
    assert [(row["a_title"], row["articles"], row["outlets"]) for row in found] == [(DRONE_STRIKE_ORIGINAL, 2, 2)]


def test_stories_in_the_sahel_since_a_day_show_each_story_once_with_the_outlets_that_carried_it(demo_db):
    found = rows(demo_db, "/archive/stories_in_region.json?region=Sahel&since=2026-11-20")
    assert len({row["story_id"] for row in found}) == len(found) == 3
    drone_strike = next(row for row in found if row["title"] == DRONE_STRIKE_ORIGINAL)
    assert (drone_strike["originals"], drone_strike["copies"], drone_strike["outlets"]) == (1, 1, 2)
    assert set(drone_strike["carried_by"].split(",")) == {"Sahel Courier", "West Africa Wire"}
    assert DRONE_STRIKE_COPY not in {row["title"] for row in found}
    assert [row["last_published"] for row in found] == sorted((row["last_published"] for row in found), reverse=True)


def test_stories_in_a_region_take_an_iso_code_and_focus(demo_db):
    found = rows(demo_db, "/archive/stories_in_region.json?region=ML&since=2026-11-21&focus=1")
    assert [row["title"] for row in found] == ["Fuel convoys reach Bamako after weeks of shortages"]


@pytest.mark.parametrize("since", ["last week", "2026-13-40"])
def test_stories_in_a_region_refuse_a_since_that_is_not_a_date(demo_db, since):
    found = rows(demo_db, f"/archive/stories_in_region.json?region=Sahel&since={since}")
    assert len(found) == 1 and found[0]["story_id"] is None
    assert f'not "{since}"' in found[0]["title"]


def test_stories_in_a_region_say_when_nothing_was_published_since_the_day(demo_db):
    found = rows(demo_db, "/archive/stories_in_region.json?region=Sahel&since=2026-12-01")
    assert [row["title"] for row in found] == ['No stories tagged with "Sahel" since 2026-12-01']


def test_stories_in_a_region_name_an_unknown_region(demo_db):
    found = rows(demo_db, "/archive/stories_in_region.json?region=Sahell&since=2026-11-20")
    assert len(found) == 1 and 'No region called "Sahell"' in found[0]["title"]
