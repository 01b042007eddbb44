"""The command line: OPML in and out, status, feed enable/disable, eval, and clear errors."""

import json

from click.testing import CliRunner

from daemon.cli import main
from daemon.opml import feeds_from_opml
from tests.daemon_world import write_config

OPML = b"""<?xml version="1.0"?><opml version="2.0"><head><title>subs</title></head><body>
<outline text="Africa"><outline text="Desk A" title="Desk A" type="rss" xmlUrl="https://a.example/rss"/>
<outline text="Desk B" type="rss" xmlUrl="https://b.example/atom.xml"/></outline>
<outline text="A folder without feeds"/></body></opml>"""


def invoke(*args):
    return CliRunner().invoke(main, ["--log-format", "json", *args], catch_exceptions=False)


def test_opml_import_prints_feed_tables_that_load_as_config(tmp_path):
    config = write_config(tmp_path / "n.toml", tmp_path / "n.db", ["https://a.example/rss"])
    (tmp_path / "subs.opml").write_bytes(OPML)
    result = invoke("-c", str(config), "import-opml", str(tmp_path / "subs.opml"), "--write")
    assert result.exit_code == 0, result.output
    listed = invoke("-c", str(config), "export-opml")
    urls = [f.url for f in feeds_from_opml(listed.output.encode())]
    assert urls == ["https://a.example/rss", "https://b.example/atom.xml"]


def test_opml_that_is_not_opml_is_refused_clearly(tmp_path):
    (tmp_path / "x.opml").write_text("<html><body>hi</body></html>")
    result = invoke("import-opml", str(tmp_path / "x.opml"))
    assert result.exit_code == 1 and "not OPML" in result.output


def test_status_and_feed_switches_on_a_store(tmp_path):
    config = write_config(tmp_path / "n.toml", tmp_path / "n.db", ["https://a.example/rss"])
    assert invoke("-c", str(config), "status").exit_code == 1   # no store yet: a clear error
    from daemon.config_file import load_settings
    from daemon.runtime import open_store
    open_store(load_settings(config)).close()
    assert invoke("-c", str(config), "feeds", "disable", "https://a.example/rss", "--reason", "paywalled").exit_code == 0
    status = json.loads(invoke("-c", str(config), "status", "--json").output)
    assert status["disabled_feeds"] == 1 and status["disabled"][0]["reason"] == "paywalled"
    assert invoke("-c", str(config), "feeds", "enable", "https://a.example/rss").exit_code == 0
    assert json.loads(invoke("-c", str(config), "status", "--json").output)["disabled_feeds"] == 0
    assert invoke("-c", str(config), "feeds", "enable", "https://unknown.example/rss").exit_code == 1


def test_eval_extraction_prints_both_systems(fixture_corpus):
    result = invoke("eval", "extraction", "--corpus", str(fixture_corpus), "--json")
    assert result.exit_code == 0, result.output
    systems = {s["name"]: s for s in json.loads(result.output)["systems"]}
    assert set(systems) == {"trafilatura (defaults)", "newswatch"}
    assert systems["newswatch"]["precision"] > systems["trafilatura (defaults)"]["precision"]


def test_store_commands_on_a_missing_or_broken_store_give_one_line(tmp_path):
    (tmp_path / "junk.db").write_bytes(b"not sqlite at all" * 50)
    for args in (["status"], ["feeds", "list"], ["feeds", "enable", "https://a.example/rss"]):
        missing = invoke("--db", str(tmp_path / "absent.db"), *args)
        broken = invoke("--db", str(tmp_path / "junk.db"), *args)
        assert missing.exit_code == 1 and "no store at" in missing.output
        assert broken.exit_code == 2 and "not a usable SQLite database" in broken.output
    assert not (tmp_path / "absent.db").exists()


MESSY_OPML = b"""<?xml version="1.0"?><opml version="2.0"><head><title>subs</title></head><body>
<outline text="Relative" xmlUrl="/feed.xml"/>
<outline text="Other scheme" xmlUrl="http://a.example/rss"/>
<outline text="Other case" xmlUrl="https://A.EXAMPLE/rss"/>
<outline text="New" xmlUrl="https://c.example/feed"/>
<outline text="Folder"><outline text="New again" xmlUrl="https://c.example/feed"/></outline></body></opml>"""


def test_opml_import_skips_entries_the_config_check_would_refuse_one_line_each(tmp_path):
    config = write_config(tmp_path / "n.toml", tmp_path / "n.db", ["https://a.example/rss"])
    (tmp_path / "subs.opml").write_bytes(MESSY_OPML)
    result = invoke("-c", str(config), "import-opml", str(tmp_path / "subs.opml"), "--write")
    assert result.exit_code == 0, result.output
    assert [line for line in result.output.splitlines() if line.startswith("skipped")] == [
        "skipped /feed.xml: not an http(s) URL: '/feed.xml'",
        "skipped http://a.example/rss: already in the config as https://a.example/rss",
        "skipped https://A.EXAMPLE/rss: already in the config as https://a.example/rss",
        "skipped https://c.example/feed: the same feed as https://c.example/feed earlier in the list"]
    assert invoke("-c", str(config), "check-config").exit_code == 0
    listed = invoke("-c", str(config), "export-opml")
    urls = [f.url for f in feeds_from_opml(listed.output.encode())]
    assert urls == ["https://a.example/rss", "https://c.example/feed"]


def test_opml_import_refuses_to_write_a_config_that_would_not_load_and_leaves_it_unchanged(tmp_path):
    config = tmp_path / "n.toml"
    config.write_text(f'feeds = [{{ url = "https://a.example/rss" }}]\n\n[storage]\npath = "{tmp_path / "n.db"}"\n',
                      encoding="utf-8")   # an inline array: appended [[feeds]] tables cannot extend it
    before = config.read_bytes()
    (tmp_path / "subs.opml").write_bytes(OPML)
    result = invoke("-c", str(config), "import-opml", str(tmp_path / "subs.opml"), "--write")
    assert result.exit_code == 2
    assert f"the config would not load with these feeds; {config} is unchanged" in result.output
    assert config.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n.toml", "subs.opml"]


def test_status_shows_a_disabled_feed_on_its_own_line_not_as_failing(tmp_path):
    from storage.records import Feed
    from storage.store import Store
    from datetime import datetime, timezone
    store = Store.open(tmp_path / "n.db")
    store.sync_feeds([Feed(url="https://a.example/rss")], datetime.now(timezone.utc))
    store.set_feed_enabled("https://a.example/rss", False, "paywalled")
    store.close()
    lines = invoke("--db", str(tmp_path / "n.db"), "status").output.splitlines()
    assert lines[1:] == ["  disabled: https://a.example/rss (paywalled; `newswatch feeds enable URL` polls it again)"]
    assert "(0 failing, 1 disabled)" in lines[0]


def test_status_names_a_feed_disabled_after_errors_once_with_the_way_back(tmp_path):
    from storage.records import Feed
    from storage.store import Store
    from datetime import datetime, timezone
    store = Store.open(tmp_path / "n.db")
    store.sync_feeds([Feed(url="https://a.example/rss")], datetime.now(timezone.utc))
    store.set_feed_enabled("https://a.example/rss", False, "20 consecutive errors, last: http 404")
    store.db.execute("UPDATE feeds SET consecutive_errors = 20, last_error = 'http 404'")
    store.db.conn.commit()
    store.close()
    lines = invoke("--db", str(tmp_path / "n.db"), "status").output.splitlines()
    assert lines[1:] == ["  disabled: https://a.example/rss (20 consecutive errors, last: http 404; "
                         "`newswatch feeds enable URL` polls it again)"]


def test_feeds_list_marks_feeds_no_longer_configured_and_keeps_columns_aligned(tmp_path):
    from storage.records import Feed
    from storage.store import Store
    from datetime import datetime, timezone
    now = datetime.now(timezone.utc)
    store = Store.open(tmp_path / "n.db")
    store.sync_feeds([Feed(url="https://a.example/rss"), Feed(url="https://b.example/rss")], now)
    store.set_feed_enabled("https://a.example/rss", False, "disabled by operator")
    store.sync_feeds([Feed(url="https://a.example/rss")], now)
    store.close()
    lines = invoke("--db", str(tmp_path / "n.db"), "feeds", "list").output.splitlines()
    assert len({line.index("url" if i == 0 else "https://") for i, line in enumerate(lines)}) == 1
    assert lines[1].split() == ["1", "DISABLED", "(disabled", "by", "operator)", "0", "15m", "-", "never",
                                "https://a.example/rss"]
    assert lines[2].endswith("https://b.example/rss  (not in the config: kept, no longer polled)")


def test_feeds_list_names_where_a_feed_moved_for_good(tmp_path):
    from dataclasses import replace
    from datetime import datetime, timezone
    from storage.records import Feed, FetchLog
    from storage.store import Store
    now = datetime.now(timezone.utc)
    store = Store.open(tmp_path / "n.db")
    store.sync_feeds([Feed(url="https://a.example/rss")], now)
    feed = replace(store.feeds()[0], moved_to="https://a.example/feed/")
    store.record_poll(feed, FetchLog(feed_id=feed.id, url=feed.url, at=now, status="ok", http_status=200))
    store.close()
    lines = invoke("--db", str(tmp_path / "n.db"), "feeds", "list").output.splitlines()
    assert lines[1].endswith("https://a.example/rss  (moved for good to https://a.example/feed/: polled there; "
                             "update the config)")


def test_feeds_list_shows_a_quiet_feeds_stretched_wait_next_to_its_interval(tmp_path):
    from storage.records import Feed
    from storage.records import FetchLog
    from storage.store import Store
    from dataclasses import replace
    from datetime import datetime, timedelta, timezone
    now = datetime.now(timezone.utc)
    store = Store.open(tmp_path / "n.db")
    store.sync_feeds([Feed(url="https://a.example/rss", interval_s=900)], now)
    [feed] = store.feeds()
    store.record_poll(replace(feed, last_status="304", next_poll_at=now + timedelta(hours=2, seconds=20)),
                      FetchLog(feed_id=feed.id, url=feed.url, at=now, status="304"))
    store.close()
    lines = invoke("--db", str(tmp_path / "n.db"), "feeds", "list").output.splitlines()
    assert lines[1].split() == ["1", "304", "0", "15m", "-", "in", "2h", "https://a.example/rss"]


def test_counts_in_messages_use_the_right_plural():
    from daemon.cli_support import counted
    assert [counted(1, "copy", "copies"), counted(2, "copy", "copies"), counted(1, "feed"), counted(0, "feed")] == [
        "1 copy", "2 copies", "1 feed", "0 feeds"]


def store_with_feeds_in_effect(path, feeds):
    """A store whose feeds were last polled with the given (interval in effect, reason), or (None, None)."""
    from dataclasses import replace
    from datetime import datetime, timedelta, timezone
    from storage.records import Feed, FetchLog
    from storage.store import Store
    now = datetime.now(timezone.utc)
    store = Store.open(path)
    store.sync_feeds([Feed(url=url, interval_s=60) for url, _, _ in feeds], now)
    for (url, seconds, reason), feed in zip(feeds, store.feeds()):
        if seconds is not None:
            store.record_poll(replace(feed, last_status="not modified", ttl_minutes=600, poll_interval_s=seconds,
                                      poll_reason=reason, next_poll_at=now + timedelta(seconds=seconds + 20)),
                              FetchLog(feed_id=feed.id, url=url, at=now, status="not modified"))
    store.close()


def test_feeds_list_shows_the_interval_in_effect_and_why_in_its_every_column(tmp_path):
    store_with_feeds_in_effect(tmp_path / "n.db", [("https://a.example/rss", 7200, "feed ttl 600m, capped")])
    header, row = invoke("--db", str(tmp_path / "n.db"), "feeds", "list").output.splitlines()
    assert row[header.index("every"):header.index("next poll")].rstrip() == "2h (feed ttl 600m, capped)"


def test_feeds_list_keeps_its_columns_aligned_around_reasons_of_any_length(tmp_path):
    store_with_feeds_in_effect(tmp_path / "n.db", [
        ("https://a.example/rss", 480, "quiet: 4 polls with nothing new"),
        ("https://b.example/rss", None, None),
        ("https://c.example/rss", 7200, "feed ttl 600m, capped")])
    lines = invoke("--db", str(tmp_path / "n.db"), "feeds", "list").output.splitlines()
    assert len({line.index("next poll" if i == 0 else ("in " if i != 2 else "due")) for i, line in enumerate(lines)}) == 1
    assert len({line.index("url" if i == 0 else "https://") for i, line in enumerate(lines)}) == 1
    assert "8m (quiet: 4 polls with nothing new)" in lines[1]


def test_feeds_list_json_gives_the_interval_in_effect_its_reason_and_the_feed_s_hints(tmp_path):
    store_with_feeds_in_effect(tmp_path / "n.db", [("https://a.example/rss", 7200, "feed ttl 600m, capped")])
    [feed] = json.loads(invoke("--db", str(tmp_path / "n.db"), "feeds", "list", "--json").output)
    assert {k: feed[k] for k in ("poll_interval_s", "poll_reason", "ttl_minutes", "update_period")} == {
        "poll_interval_s": 7200, "poll_reason": "feed ttl 600m, capped", "ttl_minutes": 600, "update_period": None}
