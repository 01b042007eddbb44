"""Precision of an article's identity and time: a URL keeps what names the article and drops what
names a visit; a page's bare day never files an article before the feed's exact time."""

import sqlite3
from datetime import datetime, timezone
from html import escape

import pytest

from daemon.pagemeta import parse_datetime
from daemon.publication_dates import earliest
from daemon.urls import canonical_url, is_above
from tests.daemon_world import newswatch, rss, write_config

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


def article_page(title: str, paragraphs: list[str], canonical: str) -> bytes:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f'<link rel="canonical" href="{escape(canonical)}"></head><body><article><h1>{escape(title)}</h1>'
            f"{body}</article></body></html>").encode()


WELL_PARAGRAPHS = [
    "Villagers in the hills above Tessaly dug a new well on Monday after the old one ran dry in the heat.",
    "The district water office lent them a drilling rig and two engineers for the week of work.",
    "Elders said the spring that fed the village for forty years had slowed to a trickle since August.",
]
MARKET_PARAGRAPHS = [
    "Traders at the Brenholt cattle market said prices fell by a third this season as buyers stayed away.",
    "Herders blamed the closure of the eastern road, which added two days to the drive from the pastures.",
    "The market committee asked the provincial governor to reopen the road before the dry season ends.",
]


def test_two_articles_whose_pages_declare_the_site_root_as_canonical_are_both_stored(newsroom, tmp_path):
    root = newsroom.url("/")
    well = newsroom.add("/news/2026/well", article_page("Village digs a new well", WELL_PARAGRAPHS, root),
                        content_type="text/html; charset=utf-8")
    market = newsroom.add("/news/2026/market", article_page("Cattle prices fall", MARKET_PARAGRAPHS, root),
                          content_type="text/html; charset=utf-8")
    feed = newsroom.add("/feed.xml", rss("Hill News", [{"title": "Well", "link": well, "guid": "w"},
                                                       {"title": "Market", "link": market, "guid": "m"}]),
                        content_type="application/rss+xml")
    db = tmp_path / "n.db"
    assert newswatch("-c", str(write_config(tmp_path / "n.toml", db, [feed])), "run", "--once").returncode == 0
    with sqlite3.connect(db) as conn:
        urls = sorted(row[0] for row in conn.execute("select url from articles"))
    assert urls == sorted([canonical_url(well), canonical_url(market)])


def test_a_canonical_naming_a_section_above_the_article_is_not_the_articles_address():
    assert is_above("https://news.example.org/world", "https://news.example.org/world/2026/11/well")


def test_a_canonical_naming_another_path_on_the_site_is_the_articles_address():
    assert not is_above("https://news.example.org/world/well-story", "https://news.example.org/world/2026/well")


def test_a_canonical_on_the_root_with_an_article_query_is_the_articles_address():
    assert not is_above("https://news.example.org/?p=101", "https://news.example.org/2026/well")


@pytest.mark.parametrize("first, second", [
    ("https://example.org/#!/story/101", "https://example.org/#!/story/102"),
    ("https://example.org/news?ref=2024-0311", "https://example.org/news?ref=2024-0312"),
    ("https://example.org/view?cmp=5521", "https://example.org/view?cmp=5522"),
    ("https://example.org/read?at_id=9", "https://example.org/read?at_id=10"),
])
def test_parameters_that_name_the_article_keep_two_articles_apart(first: str, second: str):
    assert canonical_url(first) != canonical_url(second)


def test_a_session_id_path_parameter_does_not_split_one_article():
    assert canonical_url("https://example.org/news/item;jsessionid=ABC123") == "https://example.org/news/item"


def test_a_named_zone_offset_after_an_iso_time_is_applied():
    assert parse_datetime("2024-03-04T21:00:00 GMT-05:00", NOW) == datetime(2024, 3, 5, 2, 0, tzinfo=timezone.utc)


def test_a_bare_gmt_after_an_iso_time_keeps_the_time_of_day():
    assert parse_datetime("2024-03-05T10:00:00 GMT", NOW) == datetime(2024, 3, 5, 10, 0, tzinfo=timezone.utc)


def test_a_page_day_without_a_time_yields_to_the_feed_time_of_the_next_day():
    feed = datetime(2024, 3, 5, 2, 0, tzinfo=timezone.utc)
    assert earliest(parse_datetime("2024-03-04", NOW), feed) == feed


def test_a_page_day_without_a_time_yields_to_the_feed_time_of_the_same_day():
    feed = datetime(2024, 3, 4, 15, 30, tzinfo=timezone.utc)
    assert earliest(parse_datetime("2024-03-04", NOW), feed) == feed
