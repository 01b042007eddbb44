"""Input written by strangers: huge unspaced scripts, hostile metadata, extreme dates, lone surrogates."""

import asyncio
import json
import sqlite3

import pytest

from daemon import runtime
from daemon.analysis import gazetteer_for
from daemon.config_file import load_settings
from daemon.hygiene import hygiene
from daemon.pagemeta import clean_author, parse_datetime
from daemon.regions import tag
from tests.daemon_world import rss, write_config

WELL_PARAGRAPHS = [
    "Engineers from the water board finished drilling a new borehole outside Ménaka on Tuesday morning.",
    "Families who had walked four kilometres each day for water now queue at a pump beside the market.",
    "The district officer said two more wells would be dug before the dry season reaches its height.",
    "Herders asked that a trough be built nearby so their cattle stop crowding the fields at dusk.",
    "A local committee of six women will keep the key to the pump house and collect a small monthly fee.",
]


@pytest.mark.timeout(20)
def test_tagging_a_long_unspaced_chinese_text_takes_linear_time():
    text = "马里尼日尔布基纳法索" * 16_000            # one 160k-character "word"; quadratic took ~40 s
    assert tag("Title", text, gazetteer_for((), ()))


@pytest.mark.timeout(20)
def test_a_run_of_spaces_inside_the_author_meta_does_not_stall_the_author_cleaner():
    assert clean_author("Awa" + " " * 100_000 + "Traoré") == "Awa Traoré"


def test_an_author_value_is_cut_before_cleaning():
    assert len(clean_author("Z" * 5_000)) <= 300


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+01:00",
                                   "Fri, 31 Dec 9999 23:00:00 -0500"])
def test_a_date_beyond_the_datetime_range_in_utc_is_unreadable(value):
    assert parse_datetime(value) is None


def test_hygiene_drops_lone_surrogates():
    assert hygiene("Wells \ud800dug \udfffnear Ménaka") == "Wells dug near Ménaka"


def test_a_page_whose_json_ld_holds_a_lone_surrogate_is_stored(newsroom, tmp_path):
    ld = json.dumps({"@type": "NewsArticle", "headline": "Wells \ud800 dug", "author": {"name": "Awa \udfff Traoré"}})
    body = "".join(f"<p>{p}</p>" for p in WELL_PARAGRAPHS)
    html = (f'<html><head><script type="application/ld+json">{ld}</script></head>'
            f"<body><article><h1>Wells dug</h1>{body}</article></body></html>")
    newsroom.add("/wells", html.encode(), content_type="text/html")
    feed = newsroom.add("/feed.xml", rss("F", [{"title": "w", "link": newsroom.url("/wells"), "guid": "1"}]),
                        content_type="application/rss+xml")
    settings = load_settings(write_config(tmp_path / "n.toml", tmp_path / "n.db", [feed]))
    results = asyncio.run(runtime.run_once(settings, use_processes=False))
    assert results[0].stored == 1
    assert sqlite3.connect(tmp_path / "n.db").execute("SELECT title FROM articles").fetchall() == [("Wells dug",)]
