"""`newswatch demo`: the loopback newsroom ingested end to end shows the copy and the regions right."""

import sqlite3

from daemon import runtime
from daemon.demo import DEMO_SECRET, demo_settings, ingest_in_order, run_demo, serve
from daemon.demo_site import load_newsroom, poll_phases, routes
from daemon.newsroom import Newsroom
from daemon.receiver import WebhookReceiver

BREAKING_FEED = "/sahel-courier/feed.xml"
SYNDICATING_FEED = "/west-africa-wire/feed.xml"


def copy_pairs(db) -> list[tuple[str, str]]:
    """(copy's site, original's site) for every stored copy."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT c.site_name, o.site_name FROM articles c JOIN articles o "
                            "ON o.id = c.duplicate_of").fetchall()
    finally:
        conn.close()


def test_demo_finds_the_copy_tags_regions_and_delivers_alerts(tmp_path):
    lines = []
    db = tmp_path / "demo.db"
    assert run_demo(str(db), echo=lines.append) == 0
    report = "\n".join(lines)
    conn = sqlite3.connect(db)
    copies = conn.execute("SELECT c.title, o.title FROM articles c JOIN articles o ON o.id = c.duplicate_of").fetchall()
    focus = dict(conn.execute(
        "SELECT a.title, group_concat(ar.region_id) FROM articles a JOIN article_regions ar ON ar.article_id = a.id "
        "AND ar.focus = 1 AND ar.kind = 'country' GROUP BY a.id").fetchall())
    stories = conn.execute("SELECT count(DISTINCT story_id), count(*) FROM articles").fetchone()
    conn.close()
    assert len(copies) == 1 and "Mopti" in copies[0][0] + copies[0][1]
    assert focus["Fuel convoys reach Bamako after weeks of shortages"] == "ML"
    assert focus["Floods in Niamey force thousands from their homes"] == "NE"
    assert stories == (8, 9)   # the two Mali stories stay apart; the copy joins its original's story
    assert "copy found" in report and "skipped" in report and "newswatch serve --db" in report
    assert "alerts delivered to the loopback webhook (signature checked): 7" in report


def test_demo_reports_the_syndicated_page_as_the_copy_of_the_outlet_that_broke_the_story(tmp_path):
    db = tmp_path / "demo.db"
    assert run_demo(str(db), echo=lambda _line: None) == 0
    assert copy_pairs(db) == [("West Africa Wire", "Sahel Courier")]


def test_the_breaking_outlet_is_polled_in_a_phase_before_the_outlet_that_carries_its_story():
    phases = poll_phases()
    phase_of = {path: n for n, phase in enumerate(phases) for path in phase}
    assert phase_of[BREAKING_FEED] < phase_of[SYNDICATING_FEED]


def test_every_demo_outlet_is_polled_exactly_once():
    polled = [path for phase in poll_phases() for path in phase]
    assert sorted(polled) == sorted(f"/{o['slug']}/feed.xml" for o in load_newsroom()["outlets"])


def test_outlets_that_copy_each_other_in_a_circle_are_refused():
    newsroom = {"outlets": [{"slug": "a"}, {"slug": "b"}],
                "articles": [{"outlet": "a", "slug": "x", "copy_of": "y"}, {"outlet": "b", "slug": "y", "copy_of": "x"}]}
    try:
        poll_phases(newsroom)
    except ValueError as exc:
        assert "circle" in str(exc)
    else:
        raise AssertionError("a copy cycle was accepted")


def test_the_breaking_outlet_stays_the_original_even_when_it_answers_last(tmp_path):
    # The breaking outlet's feed answers two seconds late; were the feeds polled together, the
    # syndicated page would be stored first and become the original. The phases keep the order.
    with Newsroom() as newsroom, WebhookReceiver(DEMO_SECRET) as receiver:
        serve(newsroom)
        feed = next(r for r in routes(newsroom.url("").rstrip("/")) if r.path == BREAKING_FEED)
        newsroom.add_fault(BREAKING_FEED, "slow", delay=2.0, body=feed.body, content_type=feed.content_type)
        settings = demo_settings(str(tmp_path / "demo.db"), newsroom, receiver.url)
        phases = [[newsroom.url(p) for p in phase] for phase in poll_phases()]
        runtime.run(ingest_in_order(settings, phases, use_processes=False))
    assert copy_pairs(tmp_path / "demo.db") == [("West Africa Wire", "Sahel Courier")]


def test_demo_refuses_to_wipe_a_store_that_is_not_a_demo(tmp_path):
    from datetime import datetime, timezone

    from storage.records import Article
    from storage.store import Store
    db = tmp_path / "archive.db"
    store = Store.open(db)
    store.save_article(Article(url="https://news.example/a", title="t", text="x", fetched_at=datetime.now(timezone.utc)))
    store.close()
    lines = []
    assert run_demo(str(db), echo=lines.append) == 1
    assert "not the demo's" in lines[0]
    assert Store.open(db).articles()[0]["url"] == "https://news.example/a"
