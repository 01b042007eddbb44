"""A feed that moved for good (every redirect a 301 or 308) is reported, so the operator can update
the config; a temporary redirect (302, 307) is not a move."""

import asyncio
import sqlite3

from structlog.testing import capture_logs

from daemon import runtime
from daemon.config_file import load_settings
from daemon.fetch import Fetcher
from daemon.settings import HttpSettings
from tests.daemon_world import rss, write_config

LOOPBACK = HttpSettings(connect_timeout=2, read_timeout=2, total_timeout=4, allow_private_networks=True)
FEED = rss("Gao desk", [{"title": "Ferry crossing reopens at Gao", "link": "http://example.org/ferry", "guid": "g1",
                         "summary": "The ferry across the Niger at Gao carried its first lorries since the rains."}])


def fetched(url: str):
    async def go():
        async with Fetcher(LOOPBACK) as fetcher:
            return await fetcher.get(url)
    return asyncio.run(go())


def test_a_chain_of_301_and_308_is_reported_as_a_permanent_move_to_its_last_url(newsroom):
    home = newsroom.add("/desk/gao.xml", FEED, content_type="application/rss+xml")
    newsroom.add_fault("/mid.xml", "redirect", to=home, status=308)
    response = fetched(newsroom.add_fault("/gao.xml", "redirect", to=newsroom.url("/mid.xml"), status=301))
    assert (response.moved_permanently, response.url) == (True, home)


def test_a_302_is_not_a_permanent_move(newsroom):
    home = newsroom.add("/desk/gao.xml", FEED, content_type="application/rss+xml")
    assert fetched(newsroom.add_fault("/gao.xml", "redirect", to=home, status=302)).moved_permanently is False


def test_a_301_followed_by_a_307_is_not_a_permanent_move(newsroom):
    home = newsroom.add("/desk/gao.xml", FEED, content_type="application/rss+xml")
    newsroom.add_fault("/mid.xml", "redirect", to=home, status=307)
    response = fetched(newsroom.add_fault("/gao.xml", "redirect", to=newsroom.url("/mid.xml"), status=301))
    assert response.moved_permanently is False


def test_a_poll_of_a_feed_that_moved_for_good_warns_with_the_old_and_new_url(newsroom, tmp_path):
    home = newsroom.add("/desk/gao.xml", FEED, content_type="application/rss+xml")
    old = newsroom.add_fault("/gao.xml", "redirect", to=home, status=301)
    config = write_config(tmp_path / "n.toml", tmp_path / "n.db", [old])
    with capture_logs() as events:
        asyncio.run(runtime.run_once(load_settings(config), use_processes=False))
    moved = [(e["old"], e["new"]) for e in events if e["event"] == "feed.moved"]
    assert moved == [(old, home)]


def poll(config, db) -> None:
    """One round for every feed, due or not."""
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE feeds SET next_poll_at = NULL")
    asyncio.run(runtime.run_once(load_settings(config), use_processes=False))


def moved_world(newsroom, tmp_path):
    """A feed configured at /gao.xml that moved for good to /desk/gao.xml, after its first round."""
    home = newsroom.add("/desk/gao.xml", FEED, content_type="application/rss+xml")
    old = newsroom.add_fault("/gao.xml", "redirect", to=home, status=301)
    db = tmp_path / "n.db"
    config = write_config(tmp_path / "n.toml", db, [old])
    asyncio.run(runtime.run_once(load_settings(config), use_processes=False))
    return config, db, old, home


def feed_rows(db):
    return sqlite3.connect(db).execute("SELECT id, url, moved_to FROM feeds ORDER BY id").fetchall()


def test_a_feed_that_moved_for_good_is_polled_at_its_new_url_from_then_on(newsroom, tmp_path):
    config, db, _, _ = moved_world(newsroom, tmp_path)
    poll(config, db)
    assert newsroom.count("/gao.xml") == 1


def test_a_moved_feed_keeps_its_id_and_configured_url_and_records_where_it_moved(newsroom, tmp_path):
    _, db, old, home = moved_world(newsroom, tmp_path)
    assert feed_rows(db) == [(1, old, home)]


def test_a_moved_feed_whose_new_url_answers_404_goes_back_to_its_configured_url(newsroom, tmp_path):
    config, db, old, _ = moved_world(newsroom, tmp_path)
    newsroom.remove("/desk/gao.xml")
    poll(config, db)
    assert feed_rows(db) == [(1, old, None)]


def test_a_config_that_names_the_new_url_keeps_the_same_feed_row(newsroom, tmp_path):
    _, db, _, home = moved_world(newsroom, tmp_path)
    poll(write_config(tmp_path / "n.toml", db, [home]), db)
    assert feed_rows(db) == [(1, home, None)]
