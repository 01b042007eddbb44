"""The real daemon on a JSON Feed from the loopback newsroom: the articles it lists are stored in a real
SQLite file, and the next poll sends the ETag back and gets a 304, as for RSS."""

from __future__ import annotations

import asyncio
import json
import sqlite3

from daemon import runtime
from daemon.config_file import load_settings
from tests.daemon_world import KENYA_PARAGRAPHS, NIGER_PARAGRAPHS, page, write_config


def json_feed(home_page: str) -> bytes:
    """A JSON Feed 1.1 whose two items link to newsroom pages, one by a URL relative to the home page."""
    return json.dumps({
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Loopback Wire",
        "home_page_url": home_page,
        "items": [
            {"id": "lw-1", "url": "/stories/niger", "title": "Niger schools",
             "content_html": "<p>Schools reopen.</p>", "date_published": "2026-11-20T09:00:00+01:00",
             "authors": [{"name": "Desk One"}]},
            {"id": "lw-2", "url": f"{home_page}stories/kenya", "title": "Kenya rates",
             "content_text": "Rates held.", "date_published": "2026-11-20T10:00:00Z"},
        ],
    }).encode()


def test_json_feed_articles_are_stored_and_the_second_poll_is_not_modified(newsroom, tmp_path) -> None:
    newsroom.add("/stories/niger", page("Niger schools", NIGER_PARAGRAPHS), content_type="text/html")
    newsroom.add("/stories/kenya", page("Kenya rates", KENYA_PARAGRAPHS), content_type="text/html")
    feed_url = newsroom.add("/wire/feed.json", json_feed(newsroom.url("/")),
                            content_type="application/feed+json", etag="wire-v1")
    db = tmp_path / "n.db"
    settings = load_settings(write_config(tmp_path / "n.toml", db, [feed_url]))

    (first,) = asyncio.run(runtime.run_once(settings, use_processes=False))
    (second,) = asyncio.run(runtime.run_once(settings, use_processes=False))

    assert (first.status, first.entries, first.stored, first.error) == ("ok", 2, 2, None)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT url, guid, author FROM articles ORDER BY guid").fetchall() == [
        (newsroom.url("/stories/niger"), "lw-1", "Desk One"), (newsroom.url("/stories/kenya"), "lw-2", None)]
    assert conn.execute("SELECT title, site_url FROM feeds").fetchall() == [("Loopback Wire", newsroom.url("/"))]
    assert second.status == "not modified"
    assert conn.execute("SELECT http_status FROM fetches ORDER BY id").fetchall() == [(200,), (304,)]
    feed_requests = [r for r in newsroom.requests if r.path == "/wire/feed.json"]
    assert [r.headers.get("if-none-match") for r in feed_requests] == [None, '"wire-v1"']
