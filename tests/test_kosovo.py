"""Kosovo: not in ISO 3166-1, yet a country in the news and in GeoNames (code XK, its towns filed
under it). An article naming Pristina used to carry an XK tag that no regions row had, so its save
failed on the foreign key and the article was lost as an "internal error" skip."""

from __future__ import annotations

import sqlite3

from daemon.gazetteer import Gazetteer
from daemon.regions import focus_countries, tag
from tests.daemon_world import newswatch, page, rss, write_config

KOSOVO_PARAGRAPHS = [
    "Several thousand people marched through Pristina on Sunday to protest against a rise in "
    "electricity prices announced by the government last week.",
    "The march ended in front of the parliament building in Pristina, where organisers read out a "
    "list of demands and asked the prime minister to meet them within a week.",
    "Police in Kosovo said the protest passed without incident. A second march is planned for "
    "Prizren next Saturday.",
]


def test_kosovo_is_a_country_in_southern_europe(gazetteer: Gazetteer) -> None:
    region = gazetteer.region("XK")
    assert (region.name, region.kind, region.parent_id) == ("Kosovo", "country", "southern-europe")
    assert {"europe", "southern-europe"} <= set(gazetteer.containing("XK"))


def test_a_story_from_pristina_is_about_kosovo(gazetteer: Gazetteer) -> None:
    tags = tag("Thousands march in Pristina over power prices", "\n\n".join(KOSOVO_PARAGRAPHS), gazetteer)
    assert focus_countries(tags) == {"XK"}


def test_an_article_about_kosovo_is_stored_with_its_tags(newsroom, tmp_path) -> None:
    story = newsroom.add("/k/march", page("Thousands march in Pristina over power prices", KOSOVO_PARAGRAPHS),
                         content_type="text/html; charset=utf-8")
    feed = newsroom.add("/k/feed.xml", rss("Balkan Desk", [{"title": "March", "link": story, "guid": "k1"}]),
                        content_type="application/rss+xml")
    db = tmp_path / "n.db"
    result = newswatch("-c", str(write_config(tmp_path / "n.toml", db, [feed])), "run", "--once")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT a.title, ar.focus FROM articles a JOIN article_regions ar "
                              "ON ar.article_id = a.id WHERE ar.region_id = 'XK'").fetchall()
        skipped = conn.execute("SELECT reason FROM skipped_entries").fetchall()
    assert stored == [("Thousands march in Pristina over power prices", 1)]
    assert skipped == []
