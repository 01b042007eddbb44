"""A feed URL that serves the site's HTML page which names its real feed: the advertised URL travels on
the error whole, and the poll logs it in a feed.not_a_feed event, because the stored reason is clipped
to 200 characters and a long feed URL would reach the operator cut off."""

from __future__ import annotations

import asyncio
import pickle
import sqlite3

import pytest
from structlog.testing import capture_logs

from daemon import runtime
from daemon.config_file import load_settings
from daemon.errors import FeedParseError
from daemon.feeds import parse_feed
from tests.daemon_world import rss, write_config

LONG_PATH = "/feeds/" + "sahel-and-west-africa-security-and-humanitarian-news-" * 4 + "all-stories.xml"


def home_page(feed_href: str) -> bytes:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Ledger</title>"
            f"<link rel='alternate' type='application/rss+xml' href='{feed_href}'></head>"
            f"<body><h1>Ledger</h1><p>Today's headlines from Gao and Mopti.</p></body></html>").encode()


def test_the_error_carries_the_advertised_feed_url_whole_even_when_the_reason_is_clipped() -> None:
    with pytest.raises(FeedParseError) as caught:
        parse_feed(home_page(LONG_PATH), "https://ledger.example/", {"content-type": "text/html"})
    assert caught.value.advertised == "https://ledger.example" + LONG_PATH
    assert len(caught.value.reason) <= 200 and caught.value.advertised not in caught.value.reason


def test_the_advertised_url_survives_pickling_as_between_worker_processes() -> None:
    error = FeedParseError("https://ledger.example/", "not a feed (html page)", advertised="https://ledger.example/rss")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.url, copy.reason, copy.advertised) == (error.url, error.reason, error.advertised)


def test_the_poll_logs_the_full_advertised_url_and_keeps_the_recorded_page_problem(newsroom, tmp_path) -> None:
    feed_url = newsroom.add(LONG_PATH, rss("Ledger", []), content_type="application/rss+xml")
    assert len(feed_url) >= 250
    page_url = newsroom.add("/", home_page(LONG_PATH), content_type="text/html; charset=utf-8")
    db = tmp_path / "n.db"
    config = write_config(tmp_path / "n.toml", db, [page_url])
    with capture_logs() as events:
        asyncio.run(runtime.run_once(load_settings(config), use_processes=False))
    (event,) = [e for e in events if e["event"] == "feed.not_a_feed"]
    assert event["feed"] == page_url
    assert event["advertised"] == feed_url
    assert event["action"] == "put the advertised feed's URL in the config"
    (error,) = sqlite3.connect(db).execute("SELECT last_error FROM feeds").fetchone()
    assert error.startswith("not a feed (html page; it names its feed: http://127.0.0.1:")
    assert len(error) <= 200 and error.endswith("…")
