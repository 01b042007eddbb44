"""Updates: a feed re-stamps an entry, the page's text changed, the article is revised in place."""

import sqlite3
from datetime import datetime, timedelta, timezone

from daemon.receiver import WebhookReceiver
from daemon.revisions import changed_ratio, needs_recheck
from tests.daemon_world import MALI_PARAGRAPHS, atom_entry, newswatch, page, write_config

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


def test_recheck_only_when_the_feed_stamp_is_newer_than_our_last_look():
    assert needs_recheck(NOW, NOW - timedelta(minutes=1))
    assert not needs_recheck(NOW - timedelta(minutes=1), NOW)
    assert not needs_recheck(None, NOW)


def test_changed_ratio_counts_changed_words():
    assert changed_ratio("a b c d", "a b c d") == 0.0
    assert changed_ratio("a b c d", "w x y z") == 1.0
    assert 0 < changed_ratio("a b c d", "a b c e") < 0.5


def test_a_restamped_entry_with_new_text_is_revised_in_place_and_alerts_only_on_update_rules(newsroom, tmp_path):
    link = newsroom.add("/a/convoy", page("Convoy attacked on the road to Djenné", MALI_PARAGRAPHS),
                        content_type="text/html; charset=utf-8")
    early = datetime.now(timezone.utc) - timedelta(days=1)
    feed = newsroom.add("/feed.atom", atom_entry(link, early), content_type="application/atom+xml")
    db = tmp_path / "n.db"
    with WebhookReceiver("s") as receiver:
        alerts = (f'[[alerts]]\nname = "first-only"\nregions = ["ML"]\nwebhook = {{ url = "{receiver.url}", secret = "s" }}\n'
                  f'[[alerts]]\nname = "updates-too"\nregions = ["ML"]\non_update = true\n'
                  f'webhook = {{ url = "{receiver.url}", secret = "s" }}\n')
        config = write_config(tmp_path / "n.toml", db, [feed], alerts=alerts)
        assert newswatch("-c", str(config), "run", "--once").returncode == 0
        # Unchanged stamp: a second poll fetches no page.
        newsroom.add("/feed.atom", atom_entry(link, early) + b" ", content_type="application/atom+xml")
        assert newswatch("-c", str(config), "run", "--once").returncode == 0
        assert newsroom.count("/a/convoy") == 1
        # The publisher corrects the story and re-stamps the entry.
        corrected = MALI_PARAGRAPHS[:3] + ["Two of the missing drivers were found alive on Wednesday, the army said."]
        newsroom.add("/a/convoy", page("Convoy attacked on the road to Djenné", corrected),
                     content_type="text/html; charset=utf-8")
        later = datetime.now(timezone.utc) + timedelta(minutes=5)
        newsroom.add("/feed.atom", atom_entry(link, later), content_type="application/atom+xml")
        result = newswatch("-c", str(config), "run", "--once")
        assert result.returncode == 0, result.stderr
        rules = sorted(r.body["rule"] for r in receiver.accepted())
    conn = sqlite3.connect(db)
    articles = conn.execute("SELECT id, revision, text, updated_at FROM articles").fetchall()
    revisions = conn.execute("SELECT article_id, changed_ratio FROM article_revisions").fetchall()
    conn.close()
    assert len(articles) == 1
    article_id, revision, text, updated_at = articles[0]
    assert revision == 1 and "found alive" in text and updated_at
    assert revisions[0][0] == article_id and 0 < revisions[0][1] < 0.5
    assert rules == ["first-only", "updates-too", "updates-too"]


def test_a_stamp_in_the_future_or_already_acted_on_triggers_no_recheck():
    assert not needs_recheck(NOW + timedelta(hours=3), NOW - timedelta(hours=1), now=NOW)
    assert not needs_recheck(NOW - timedelta(minutes=5), NOW - timedelta(hours=1), acted_on=NOW - timedelta(minutes=5),
                             now=NOW)
    assert needs_recheck(NOW - timedelta(minutes=5), NOW - timedelta(hours=1), acted_on=NOW - timedelta(hours=2),
                         now=NOW)


def newsroom_feed_again(newsroom, path: str, item: str) -> bytes:
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{path} again</title>'
            f"<link>http://x.example/</link><description>d</description>{item}</channel></rss>").encode()


def test_a_link_whose_page_declares_another_canonical_url_is_known_without_a_page_fetch(newsroom, tmp_path):
    body = page("Convoy attacked on the road to Djenné", MALI_PARAGRAPHS).replace(
        b"<head>", b'<head><link rel="canonical" href="' + newsroom.url("/stories/convoy").encode() + b'">')
    newsroom.add("/a/convoy-print", body, content_type="text/html; charset=utf-8")
    link = newsroom.url("/a/convoy-print")
    item = f"<item><title>Convoy</title><link>{link}</link></item>"  # no GUID
    for path in ("/main.xml", "/africa.xml"):
        newsroom.add(path, (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{path}</title>'
                            f"<link>http://x.example/</link><description>d</description>{item}</channel></rss>").encode(),
                     content_type="application/rss+xml")
    db = tmp_path / "n.db"
    config = write_config(tmp_path / "n.toml", db, [newsroom.url("/main.xml"), newsroom.url("/africa.xml")])
    assert newswatch("-c", str(config), "run", "--once").returncode == 0
    first = newsroom.count("/a/convoy-print")
    assert first == 1   # the second feed's entry waited for the first instead of fetching the page too
    for path in ("/main.xml", "/africa.xml"):   # new bodies, so the feeds answer 200 and list the link again
        newsroom.add(path, newsroom_feed_again(newsroom, path, item), content_type="application/rss+xml")
    assert newswatch("-c", str(config), "run", "--once").returncode == 0
    assert newsroom.count("/a/convoy-print") == first
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT url FROM articles").fetchall() == [(newsroom.url("/stories/convoy"),)]
    conn.close()
