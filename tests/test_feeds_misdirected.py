"""A feed URL that points at the wrong thing (the site's HTML page, JSON that is no JSON Feed) is refused
with a reason that says what to do: the page's own advertised feed URL, or what the JSON lacks."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from daemon import runtime
from daemon.config_file import load_settings
from daemon.errors import FeedParseError
from daemon.feeds import parse_feed
from tests.daemon_world import rss, write_config

HTML = {"content-type": "text/html; charset=utf-8"}
PAGE_URL = "https://ledger.example/news/"


def home_page(links: str) -> bytes:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Ledger</title>{links}</head>"
            f"<body><h1>Ledger</h1><p>Today's headlines from Gao and Mopti.</p></body></html>").encode()


def reason_for(body: bytes, headers: dict[str, str] | None = HTML, url: str = PAGE_URL) -> str:
    with pytest.raises(FeedParseError) as caught:
        parse_feed(body, url, headers)
    return caught.value.reason


def test_html_page_reason_names_the_rss_feed_it_advertises() -> None:
    body = home_page('<link rel="alternate" type="application/rss+xml" title="All" href="/rss/all.xml">')
    assert reason_for(body) == "not a feed (html page; it names its feed: https://ledger.example/rss/all.xml)"


def test_html_page_reason_names_an_atom_feed_given_relative_to_the_page() -> None:
    body = home_page('<link rel="stylesheet" href="/s.css"><link rel="alternate" '
                     'type="application/atom+xml" href="atom.xml">')
    assert reason_for(body) == "not a feed (html page; it names its feed: https://ledger.example/news/atom.xml)"


def test_language_versions_and_script_links_are_passed_over_for_the_real_feed() -> None:
    body = home_page('<link rel="alternate" hreflang="fr" type="text/html" href="/fr/">'
                     '<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">'
                     '<link rel="alternate" type="application/rss+xml" href="https://feeds.ledger.example/main">')
    assert reason_for(body) == "not a feed (html page; it names its feed: https://feeds.ledger.example/main)"


def test_json_feed_is_read_not_refused_as_malformed_xml() -> None:
    body = (b'{"version": "https://jsonfeed.org/version/1.1", "title": "Ledger", "items": '
            b'[{"id": "1", "url": "https://ledger.example/a", "content_text": "Gao market reopens."}]}')
    parsed = parse_feed(body, PAGE_URL, {"content-type": "application/feed+json"})
    assert [(entry.link, entry.summary) for entry in parsed.entries] == [("https://ledger.example/a", "Gao market reopens.")]


def test_json_that_is_no_json_feed_is_refused_as_such_not_as_malformed_xml() -> None:
    reason = reason_for(b'{"status": "ok", "data": []}', {"content-type": "application/json"})
    assert reason.startswith('not a feed (json: no "version"')


def test_the_daemon_records_the_advertised_feed_url_as_the_feeds_error(newsroom, tmp_path) -> None:
    feed_url = newsroom.add("/feeds/all.xml", rss("Ledger", []), content_type="application/rss+xml")
    page_url = newsroom.add("/", home_page('<link rel="alternate" type="application/rss+xml" href="/feeds/all.xml">'),
                            content_type="text/html; charset=utf-8")
    db = tmp_path / "n.db"
    config = write_config(tmp_path / "n.toml", db, [page_url])
    asyncio.run(runtime.run_once(load_settings(config), use_processes=False))
    (error,) = sqlite3.connect(db).execute("SELECT last_error FROM feeds").fetchone()
    assert error == f"not a feed (html page; it names its feed: {feed_url})"
