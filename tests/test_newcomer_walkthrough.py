"""A newcomer's walk through the README: the commands it shows, tried as a first-time user would,
with the slips a first-time user makes (no config yet, a mistyped URL or rule, a busy port)."""

import socket
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import click
import pytest
from click.testing import CliRunner

from daemon.cli import main
from tests.daemon_world import REPO, newswatch, write_config

OPML_ONE = b"""<?xml version="1.0"?><opml version="2.0"><body>
<outline text="Desk A" type="rss" xmlUrl="https://a.example/rss"/></body></opml>"""


def invoke(*args, env=None):
    return CliRunner().invoke(main, ["--log-format", "json", *args], catch_exceptions=False, env=env)


def store_with_feed(tmp_path, feeds=("https://a.example/rss",), alerts=""):
    """A config and the store `run` would create for it, without polling anything."""
    from daemon.config_file import load_settings
    from daemon.runtime import open_store
    config = write_config(tmp_path / "n.toml", tmp_path / "n.db", list(feeds), alerts=alerts)
    open_store(load_settings(config, secrets=False)).close()
    return config


def every_command(group=main, path=()):
    for name, command in group.commands.items():
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from every_command(command, (*path, name))


# --- newswatch demo ------------------------------------------------------------------------------

def test_demo_summary_says_1_copy_not_1_copies(tmp_path):
    result = invoke("demo", "--db", str(tmp_path / "demo.db"))
    assert result.exit_code == 0, result.output
    assert "1 copy)" in result.output and "1 copies" not in result.output


def test_demo_articles_are_dated_within_the_days_before_the_run_so_the_last_7_days_queries_find_them(tmp_path):
    result = invoke("demo", "--db", str(tmp_path / "demo.db"))
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(tmp_path / "demo.db")
    oldest, newest = (datetime.fromisoformat(v) for v in
                      conn.execute("SELECT min(published_at), max(published_at) FROM articles").fetchone())
    conn.close()
    now = datetime.now(timezone.utc)
    assert now - timedelta(days=2) < newest <= now
    assert oldest > now - timedelta(days=9)


def test_demo_writes_to_the_store_named_by_the_global_db_option(tmp_path):
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "mine.db"), "demo"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "mine.db").is_file()
    assert f"newswatch serve --db {tmp_path / 'mine.db'}" in result.output


# --- run --once ------------------------------------------------------------------------------------

def test_run_once_names_why_feeds_failed_under_its_summary(tmp_path, newsroom):
    gone = newsroom.add_fault("/gone/feed.xml", "status", status=404)
    broken = [newsroom.add_fault(f"/err{n}/feed.xml", "status", status=500) for n in (1, 2)]
    config = write_config(tmp_path / "n.toml", tmp_path / "n.db", [gone, *broken])
    result = newswatch("-c", str(config), "run", "--once")
    assert result.returncode == 1, result.stderr
    lines = [line for line in result.stderr.splitlines() if not line.startswith("{")]
    assert any(line in (f"  2 feeds failed: http 500 (e.g. {url})" for url in broken) for line in lines)
    assert f"  feed failed: {gone}: http 404" in lines


# --- check-config --------------------------------------------------------------------------------

def test_check_config_warns_that_a_config_without_feeds_has_nothing_to_poll(tmp_path):
    config = tmp_path / "n.toml"
    config.write_text('[storage]\npath = "n.db"\n[http]\nuser_agent = "nw (+https://desk.example.com/contact)"\n')
    result = invoke("-c", str(config), "check-config")
    assert result.exit_code == 0, result.output
    assert "warning:" in result.output and "no [[feeds]]" in result.output


def test_check_config_takes_db_after_the_command_and_checks_that_store_s_folder(tmp_path):
    config = write_config(tmp_path / "n.toml", tmp_path / "n.db", ["https://a.example/rss"])
    result = invoke("-c", str(config), "check-config", "--db", str(tmp_path / "absent" / "x.db"))
    assert result.exit_code == 2
    assert f"{tmp_path / 'absent'} does not exist" in result.output


def test_check_config_counts_one_feed_in_the_singular(tmp_path):
    config = write_config(tmp_path / "n.toml", tmp_path / "n.db", ["https://a.example/rss"])
    result = invoke("-c", str(config), "check-config")
    assert result.exit_code == 0, result.output
    assert "ok (1 feed, 0 alert rules," in result.output


@pytest.mark.parametrize("args", [["check-config"], ["run", "--once"], ["status"], ["serve"]])
def test_a_store_path_naming_a_folder_is_refused_as_a_slip_with_the_file_it_should_name(tmp_path, args):
    (tmp_path / "state").mkdir()
    config = write_config(tmp_path / "n.toml", tmp_path / "state", ["https://a.example/rss"])
    result = invoke("-c", str(config), *args)
    assert result.exit_code == 2
    assert f"{tmp_path / 'state'} is a folder, not a store file" in result.output
    assert str(tmp_path / "state" / "newswatch.db") in result.output


# --- store commands without a config ---------------------------------------------------------------

@pytest.mark.parametrize("args", [["status"], ["feeds", "list"], ["alerts", "list"]])
def test_a_store_command_with_no_config_and_no_db_says_to_name_the_store_with_db(tmp_path, args):
    result = invoke("-c", str(tmp_path / "newswatch.toml"), *args)
    assert result.exit_code == 2
    assert "--db PATH" in result.output and str(tmp_path / "newswatch.toml") in result.output


# --- feeds enable / disable ----------------------------------------------------------------------

def test_enabling_a_mistyped_feed_url_suggests_the_stored_one(tmp_path):
    config = store_with_feed(tmp_path)
    result = invoke("-c", str(config), "feeds", "enable", "https://a.example/rs")
    assert result.exit_code == 1
    assert "did you mean https://a.example/rss?" in result.output


def test_enabling_a_feed_that_was_not_disabled_says_so(tmp_path):
    config = store_with_feed(tmp_path)
    result = invoke("-c", str(config), "feeds", "enable", "https://a.example/rss")
    assert result.exit_code == 0
    assert "it was not disabled" in result.output


# --- import-opml -----------------------------------------------------------------------------------

def test_import_opml_write_with_nothing_new_leaves_the_config_byte_for_byte(tmp_path):
    config = write_config(tmp_path / "n.toml", tmp_path / "n.db", ["https://a.example/rss"])
    before = config.read_bytes()
    (tmp_path / "subs.opml").write_bytes(OPML_ONE)
    result = invoke("-c", str(config), "import-opml", str(tmp_path / "subs.opml"), "--write")
    assert result.exit_code == 0
    assert config.read_bytes() == before
    assert "nothing to add" in result.output


def test_import_opml_of_a_list_without_feeds_is_an_error_naming_the_file(tmp_path):
    (tmp_path / "folders.opml").write_bytes(b'<opml version="2.0"><body><outline text="Africa"/></body></opml>')
    result = invoke("-c", str(tmp_path / "n.toml"), "import-opml", str(tmp_path / "folders.opml"))
    assert result.exit_code == 1
    assert "folders.opml: no feeds in it" in result.output


def test_import_opml_counts_one_added_feed_in_the_singular(tmp_path):
    config = write_config(tmp_path / "n.toml", tmp_path / "n.db", ["https://b.example/rss"])
    (tmp_path / "subs.opml").write_bytes(OPML_ONE)
    result = invoke("-c", str(config), "import-opml", str(tmp_path / "subs.opml"), "--write")
    assert result.exit_code == 0, result.output
    assert "added 1 feed to" in result.output


# --- tag -------------------------------------------------------------------------------------------

def test_tag_of_an_empty_text_without_a_title_is_refused_rather_than_reported_as_no_places(tmp_path):
    (tmp_path / "article.txt").write_text("\n  \n", encoding="utf-8")
    result = invoke("-c", str(tmp_path / "none.toml"), "tag", str(tmp_path / "article.txt"))
    assert result.exit_code == 2
    assert "article.txt is empty and no --title was given" in result.output


# --- alerts ----------------------------------------------------------------------------------------

RULE = '[[alerts]]\nname = "mali-desk"\nregions = ["ML"]\ncommand = ["true"]\n'


def test_alerts_retry_with_an_unknown_rule_lists_the_configured_rules(tmp_path):
    config = store_with_feed(tmp_path, alerts=RULE)
    result = invoke("-c", str(config), "alerts", "retry", "--rule", "mali-dsk")
    assert result.exit_code == 2
    assert "(its rules: mali-desk)" in result.output


def test_alerts_list_for_a_rule_with_no_rows_names_the_rule(tmp_path):
    config = store_with_feed(tmp_path, alerts=RULE)
    result = invoke("-c", str(config), "alerts", "list", "--rule", "mali-dsk")
    assert result.exit_code == 0
    assert "no alerts of rule 'mali-dsk' in the outbox" in result.output


# --- eval ------------------------------------------------------------------------------------------

def test_eval_on_a_folder_that_is_no_corpus_names_what_is_missing_without_an_errno(tmp_path):
    result = invoke("eval", "extraction", "--corpus", str(tmp_path))
    assert result.exit_code == 1
    assert "no ground-truth.json and no html in it" in result.output and "Errno" not in result.output


def test_eval_refuses_zero_passes(tmp_path):
    result = invoke("eval", "extraction", "--corpus", str(tmp_path), "--repeat", "0")
    assert result.exit_code == 2 and "--repeat" in result.output


# --- serve -----------------------------------------------------------------------------------------

def test_serve_on_a_busy_port_exits_2_with_one_line_instead_of_starting_datasette(tmp_path):
    store_with_feed(tmp_path)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "daemon", "serve", "--db", str(tmp_path / "n.db"),
                               "--port", str(port)], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr and "Uvicorn" not in done.stderr


# --- help ------------------------------------------------------------------------------------------

def test_every_command_s_help_has_an_example_and_every_option_says_what_it_does():
    gaps = []
    for path, command in every_command():
        result = invoke(*path, "--help")
        assert result.exit_code == 0
        if "Example" not in result.output:
            gaps.append(f"newswatch {' '.join(path)} --help shows no example")
        gaps += [f"newswatch {' '.join(path)} {p.opts[0]} has no help text" for p in command.params
                 if isinstance(p, click.Option) and not p.help]
    assert gaps == []
