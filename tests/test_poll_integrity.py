"""A poll keeps what it should: an operator's change made while it ran, every gzip member of a page,
and no page re-fetch for a feed that stamps its entries with its build time."""

import asyncio
import gzip
import sqlite3
import threading
import time
from datetime import datetime, timezone

from daemon import runtime
from daemon.config_file import load_settings
from daemon.feeds import parse_feed
from daemon.fetch import Fetcher
from daemon.settings import HttpSettings
from storage.store import Store
from tests.daemon_world import KENYA_PARAGRAPHS, NIGER_PARAGRAPHS, page, rss, write_config


def poll_while_operator_acts(newsroom, tmp_path, act, *, errors_before: int = 0) -> sqlite3.Row:
    """Poll a slow feed (it times out) once; `act(store, url)` runs while the request is in flight."""
    feed = newsroom.add("/feed.xml", rss("F", []), content_type="application/rss+xml")
    db = tmp_path / "n.db"
    settings = load_settings(write_config(tmp_path / "n.toml", db, [feed]))
    asyncio.run(runtime.run_once(settings, use_processes=False))   # creates the store and the feed row
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE feeds SET next_poll_at = NULL, consecutive_errors = ?", [errors_before])
    newsroom.add_fault("/feed.xml", "slow", delay=3.0, body=rss("F", []), content_type="application/rss+xml")
    seen = newsroom.count("/feed.xml")

    def operator() -> None:
        while newsroom.count("/feed.xml") == seen:
            time.sleep(0.05)
        store = Store.open(db, create=False)
        act(store, feed)
        store.close()

    acting = threading.Thread(target=operator)
    acting.start()
    asyncio.run(runtime.run_once(settings, use_processes=False))
    acting.join()
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    return conn.execute("SELECT * FROM feeds").fetchone()


def test_a_feed_disabled_while_it_is_polled_stays_disabled(newsroom, tmp_path):
    row = poll_while_operator_acts(newsroom, tmp_path,
                                   lambda store, url: store.set_feed_enabled(url, False, "paywalled"))
    assert row["disabled_reason"] == "paywalled"


def test_a_feed_enabled_while_a_poll_that_disables_it_runs_stays_enabled_and_due(newsroom, tmp_path):
    row = poll_while_operator_acts(newsroom, tmp_path, lambda store, url: store.set_feed_enabled(url, True),
                                   errors_before=19)   # the 20th error in a row disables the feed
    assert (row["disabled_reason"], row["consecutive_errors"]) == (None, 0)
    assert datetime.fromisoformat(row["next_poll_at"]) <= datetime.now(timezone.utc)


def test_an_enable_during_a_failing_poll_of_a_healthy_feed_keeps_it_due_without_errors(newsroom, tmp_path):
    row = poll_while_operator_acts(newsroom, tmp_path, lambda store, url: store.set_feed_enabled(url, True))
    assert row["consecutive_errors"] == 0
    assert datetime.fromisoformat(row["next_poll_at"]) <= datetime.now(timezone.utc)


FEED = "https://x.example/feed"


def atom(entries: list[tuple[str, str]], built: str) -> bytes:
    """An Atom feed built at `built`, one entry per (link, updated stamp)."""
    items = "".join(f"<entry><title>{link}</title><link href='{link}'/><id>urn:{link}</id>"
                    f"<updated>{stamp}</updated></entry>" for link, stamp in entries)
    return (f"<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'><title>F</title>"
            f"<id>urn:f</id><updated>{built}</updated>{items}</feed>").encode()


def test_entries_all_stamped_with_one_build_time_have_no_updated_stamp():
    built = "2026-11-20T08:15:00Z"
    parsed = parse_feed(atom([("https://x.example/a", built), ("https://x.example/b", built)], built), FEED)
    assert [e.updated_at for e in parsed.entries] == [None, None]


def test_a_feed_restamping_every_entry_with_its_build_time_causes_no_page_refetch(newsroom, tmp_path):
    newsroom.add("/niger", page("Niger schools", NIGER_PARAGRAPHS), content_type="text/html")
    newsroom.add("/kenya", page("Kenya rates", KENYA_PARAGRAPHS), content_type="text/html")

    def build(stamp: str) -> bytes:
        return atom([(newsroom.url("/niger"), stamp), (newsroom.url("/kenya"), stamp)], stamp)

    feed = newsroom.add("/feed.xml", build("2026-11-20T08:00:00Z"), content_type="application/atom+xml")
    db = tmp_path / "n.db"
    settings = load_settings(write_config(tmp_path / "n.toml", db, [feed]))
    asyncio.run(runtime.run_once(settings, use_processes=False))
    newsroom.add("/feed.xml", build("2026-11-20T08:15:00Z"), content_type="application/atom+xml")
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE feeds SET next_poll_at = NULL")
    asyncio.run(runtime.run_once(settings, use_processes=False))
    assert (newsroom.count("/niger"), newsroom.count("/kenya")) == (1, 1)


def test_a_page_sent_as_two_gzip_members_is_read_whole(newsroom):
    body = b"<p>first member</p>\n" * 300 + b"<p>second member</p>\n" * 300
    url = newsroom.add("/two.html", gzip.compress(body[:6300]) + gzip.compress(body[6300:]),
                       content_type="text/html", headers={"Content-Encoding": "gzip"})

    async def fetch() -> bytes:
        async with Fetcher(HttpSettings(allow_private_networks=True)) as fetcher:
            return (await fetcher.get(url)).body

    assert asyncio.run(fetch()) == body
