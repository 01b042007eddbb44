"""A page failing for a passing reason is retried on later polls, but not for ever: past the try or
time limit the entry is given up and the feed can answer 304 again. A stored article's re-check that
fails for a passing reason is retried the same way, never marked checked meanwhile."""

import asyncio
import sqlite3
from datetime import datetime, timedelta, timezone

from daemon import runtime
from daemon.config_file import load_settings
from daemon.settings import SchedulerSettings
from tests.daemon_world import atom_entry, page, rss, write_config

WELLS = [f"Herders near Ménaka dug the {n}th new well this season as the dry months stretched the grazing routes."
         for n in range(1, 9)]
WELLS_CORRECTED = WELLS[:5] + ["The regional water office later said only four of the wells reached the water table."]


def poll(config, db) -> None:
    """One round for every feed, due or not."""
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE feeds SET next_poll_at = NULL")
    asyncio.run(runtime.run_once(load_settings(config), use_processes=False))


def first_round(newsroom, tmp_path):
    """A feed of one entry whose page answers 503 every time, after its first round."""
    newsroom.add_fault("/wells.html", "status", status=503)
    feed = newsroom.add("/feed.xml", rss("Desk", [{"title": "New wells", "link": newsroom.url("/wells.html"),
                                                   "guid": "w1"}]), content_type="application/rss+xml")
    db = tmp_path / "n.db"
    config = write_config(tmp_path / "n.toml", db, [feed])
    asyncio.run(runtime.run_once(load_settings(config), use_processes=False))
    return config, db


def feed_etag(db) -> str | None:
    return sqlite3.connect(db).execute("SELECT etag FROM feeds").fetchone()[0]


def test_an_entry_failing_on_every_try_up_to_the_limit_no_longer_holds_the_feeds_validators(newsroom, tmp_path):
    config, db = first_round(newsroom, tmp_path)
    for _ in range(SchedulerSettings().entry_max_tries - 1):
        poll(config, db)
    assert feed_etag(db) is not None


def test_a_page_given_up_is_not_requested_again_while_the_feed_is_unchanged(newsroom, tmp_path):
    config, db = first_round(newsroom, tmp_path)
    for _ in range(SchedulerSettings().entry_max_tries):
        poll(config, db)
    assert newsroom.count("/wells.html") == SchedulerSettings().entry_max_tries


def test_an_entry_waiting_longer_than_the_time_limit_is_given_up_on_its_next_failure(newsroom, tmp_path):
    config, db = first_round(newsroom, tmp_path)
    long_ago = datetime.now(timezone.utc) - timedelta(seconds=SchedulerSettings().entry_max_wait_s + 3600)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE skipped_entries SET first_seen_at = ?", [long_ago.isoformat(timespec="seconds")])
    poll(config, db)
    assert feed_etag(db) is not None


# --- the re-check of a stored article ---------------------------------------------------------------

def restamped_while_failing(newsroom, tmp_path):
    """A stored article whose feed re-stamps it while its page answers 503."""
    link = newsroom.add("/wells.html", page("New wells", WELLS), content_type="text/html")
    feed = newsroom.add("/feed.atom", atom_entry(link, datetime.now(timezone.utc) - timedelta(days=1), "New wells"),
                        content_type="application/atom+xml")
    db = tmp_path / "n.db"
    config = write_config(tmp_path / "n.toml", db, [feed])
    asyncio.run(runtime.run_once(load_settings(config), use_processes=False))
    newsroom.add_fault("/wells.html", "status", status=503)
    newsroom.add("/feed.atom", atom_entry(link, datetime.now(timezone.utc) + timedelta(minutes=5), "New wells"),
                 content_type="application/atom+xml")
    poll(config, db)
    return config, db


def test_a_recheck_answering_503_leaves_the_stored_article_unchecked_and_untouched(newsroom, tmp_path):
    _, db = restamped_while_failing(newsroom, tmp_path)
    assert sqlite3.connect(db).execute("SELECT checked_at, revision, text LIKE '%4th new well%' FROM articles"
                                       ).fetchall() == [(None, 0, 1)]


def test_a_recheck_that_answered_503_is_tried_again_and_revises_the_article(newsroom, tmp_path):
    config, db = restamped_while_failing(newsroom, tmp_path)
    newsroom.add("/wells.html", page("New wells", WELLS_CORRECTED), content_type="text/html")
    poll(config, db)
    assert sqlite3.connect(db).execute("SELECT revision FROM articles").fetchall() == [(1,)]


def test_a_recheck_failing_on_every_try_is_given_up_at_the_try_limit(newsroom, tmp_path):
    config, db = restamped_while_failing(newsroom, tmp_path)
    for _ in range(SchedulerSettings().entry_max_tries):
        poll(config, db)
    assert newsroom.count("/wells.html") == 1 + SchedulerSettings().entry_max_tries


# --- a new run of failures starts over ------------------------------------------------------------

def shift_back(db, by: timedelta) -> None:
    """Move every recorded skip and look at the articles back in time, as if later polls came `by` later."""
    with sqlite3.connect(db) as conn:
        conn.create_function("earlier", 1, lambda t: t and (datetime.fromisoformat(t) - by).isoformat(
            timespec="seconds"))
        conn.execute("UPDATE skipped_entries SET first_seen_at = earlier(first_seen_at), "
                     "last_seen_at = earlier(last_seen_at)")
        conn.execute("UPDATE articles SET fetched_at = earlier(fetched_at), checked_at = earlier(checked_at), "
                     "updated_at = earlier(updated_at)")


def test_an_entry_given_up_long_ago_is_retried_again_at_its_next_passing_failure(newsroom, tmp_path):
    config, db = first_round(newsroom, tmp_path)
    for _ in range(SchedulerSettings().entry_max_tries - 1):
        poll(config, db)   # given up at the last of these
    shift_back(db, timedelta(seconds=SchedulerSettings().entry_max_wait_s + 3600))
    newsroom.add("/feed.xml", rss("Desk", [{"title": "New wells, and a census", "link": newsroom.url("/wells.html"),
                                            "guid": "w1"}]), content_type="application/rss+xml")
    before = newsroom.count("/wells.html")
    poll(config, db)   # a new run's first failure: waiting, so the feed's old validators are kept ...
    poll(config, db)   # ... and the next poll asks for the page again instead of taking a 304
    assert newsroom.count("/wells.html") == before + 2


def test_a_recheck_given_up_then_fetched_fine_gets_its_full_tries_at_its_next_failure(newsroom, tmp_path):
    config, db = restamped_while_failing(newsroom, tmp_path)
    link = newsroom.url("/wells.html")
    for _ in range(SchedulerSettings().entry_max_tries - 1):
        poll(config, db)   # given up at the last of these
    shift_back(db, timedelta(minutes=30))   # well within entry_max_wait: only the good fetch ends the run
    newsroom.add("/wells.html", page("New wells", WELLS_CORRECTED), content_type="text/html")
    # re-stamped twice more, each stamp later than the last and within the feeds-in-the-future tolerance
    newsroom.add("/feed.atom", atom_entry(link, datetime.now(timezone.utc) + timedelta(minutes=7), "New wells"),
                 content_type="application/atom+xml")
    poll(config, db)
    assert sqlite3.connect(db).execute("SELECT revision FROM articles").fetchall() == [(1,)]
    newsroom.add_fault("/wells.html", "status", status=503)
    newsroom.add("/feed.atom", atom_entry(link, datetime.now(timezone.utc) + timedelta(minutes=9), "New wells"),
                 content_type="application/atom+xml")
    before = newsroom.count("/wells.html")
    poll(config, db)
    poll(config, db)
    assert newsroom.count("/wells.html") == before + 2
