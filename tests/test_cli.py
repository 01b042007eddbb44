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
    assert status["disabled_feeds"] == 1 and status["failing"][0]["disabled"] == "paywalled"
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
        assert broken.exit_code == 1 and "not a usable SQLite database" in broken.output
    assert not (tmp_path / "absent.db").exists()
