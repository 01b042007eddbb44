"""`newswatch demo`: the loopback newsroom ingested end to end shows the copy and the regions right."""

import sqlite3

from daemon.demo import run_demo


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
