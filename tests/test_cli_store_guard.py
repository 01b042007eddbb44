"""The store commands name their store with --db before or after the command, and never write to a
file that is not a newswatch store."""

import json
import sqlite3

import pytest
from click.testing import CliRunner

from daemon.cli import main
from storage.store import Store

READING_COMMANDS = [["status"], ["status", "--json"], ["feeds", "list"], ["feeds", "enable", "https://a.example/rss"],
                    ["feeds", "disable", "https://a.example/rss"], ["reprocess"]]


def invoke(*args):
    return CliRunner().invoke(main, ["--log-format", "json", "-c", "/nonexistent/newswatch.toml", *args],
                              catch_exceptions=False)


@pytest.fixture
def other_application_db(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes (body) VALUES ('keep me as I am')")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("command", READING_COMMANDS, ids=" ".join)
def test_a_reading_command_refuses_another_applications_database_and_leaves_it_unchanged(
        command, other_application_db):
    before = other_application_db.read_bytes()
    result = invoke(*command, "--db", str(other_application_db))
    assert result.exit_code == 2
    assert result.output.strip() == (f"error: {other_application_db}: not a newswatch store (its tables: notes); "
                                     "left unchanged")
    assert other_application_db.read_bytes() == before
    assert sorted(p.name for p in other_application_db.parent.iterdir()) == ["other.db"]


def test_an_empty_file_is_not_a_store_for_status(tmp_path):
    (tmp_path / "empty.db").write_bytes(b"")
    result = invoke("status", "--db", str(tmp_path / "empty.db"))
    assert result.exit_code == 2 and "not a newswatch store (it has no tables)" in result.output
    assert (tmp_path / "empty.db").read_bytes() == b""


@pytest.mark.parametrize("command", READING_COMMANDS, ids=" ".join)
def test_db_after_the_command_names_the_store(command, tmp_path):
    result = invoke(*command, "--db", str(tmp_path / "after.db"))
    assert result.exit_code == 1
    assert f"no store at {tmp_path / 'after.db'}" in result.output


def test_db_after_the_command_wins_over_db_before_it(tmp_path):
    Store.open(tmp_path / "real.db").close()
    result = invoke("--db", str(tmp_path / "absent.db"), "status", "--json", "--db", str(tmp_path / "real.db"))
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["articles"] == 0


def test_db_before_the_command_still_works(tmp_path):
    Store.open(tmp_path / "real.db").close()
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "real.db"), "feeds", "list"], catch_exceptions=False)
    assert result.exit_code == 0 and result.output.split() == ["id", "state", "errors", "interval", "every", "next", "poll", "url"]


def test_demo_in_a_folder_that_does_not_exist_is_refused_and_not_created(tmp_path):
    result = invoke("demo", "--db", str(tmp_path / "missing" / "demo.db"))
    assert result.exit_code == 2
    assert f"the folder {tmp_path / 'missing'} does not exist" in result.output
    assert not (tmp_path / "missing").exists()
