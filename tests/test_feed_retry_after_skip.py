"""An entry skipped for a temporary reason (a 503, a throttled host, a timeout) is tried again on the
next poll: the feed's validators are not advanced, so it cannot answer 304 over the entry."""

import asyncio
import sqlite3

from daemon import runtime
from daemon.config_file import load_settings
from tests.daemon_world import page, rss, write_config

MARKET = [f"Traders at the Niamey grain market said prices rose for the {n}th week as the harvest thinned."
          for n in range(1, 9)]


def poll(config, db) -> None:
    """One round for every feed, due or not."""
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE feeds SET next_poll_at = NULL")
    asyncio.run(runtime.run_once(load_settings(config), use_processes=False))


def world(newsroom, tmp_path, first_answer: int):
    """A feed of one article whose page first answers `first_answer`, after one round."""
    newsroom.add_fault("/market.html", "status", status=first_answer)
    feed = newsroom.add("/feed.xml", rss("Desk", [{"title": "Grain prices", "link": newsroom.url("/market.html"),
                                                   "guid": "m1"}]), content_type="application/rss+xml")
    db = tmp_path / "n.db"
    config = write_config(tmp_path / "n.toml", db, [feed])
    asyncio.run(runtime.run_once(load_settings(config), use_processes=False))
    newsroom.add("/market.html", page("Grain prices", MARKET), content_type="text/html")
    return config, db


def test_an_entry_whose_page_answered_503_is_stored_on_the_next_poll(newsroom, tmp_path) -> None:
    config, db = world(newsroom, tmp_path, 503)
    poll(config, db)
    assert [r[0] for r in sqlite3.connect(db).execute("SELECT url FROM articles")] == [newsroom.url("/market.html")]


def test_the_feed_keeps_its_previous_etag_while_an_entry_waits_for_a_retry(newsroom, tmp_path) -> None:
    _, db = world(newsroom, tmp_path, 503)
    assert sqlite3.connect(db).execute("SELECT etag FROM feeds").fetchone() == (None,)

