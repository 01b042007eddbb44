"""The entry retry limits ([scheduler] entry_max_tries, entry_max_wait) are read from the config, and
check-config refuses a bad one naming its key and line."""

import pytest
from click.testing import CliRunner

from daemon.cli import main
from daemon.config_file import load_settings
from tests.daemon_world import REPO, write_config


def config_with(tmp_path, scheduler_keys: str):
    """A loadable config whose [scheduler] table holds these keys, starting on line 16."""
    path = write_config(tmp_path / "n.toml", tmp_path / "n.db", ["https://desk.example/rss"])
    text = path.read_text(encoding="utf-8").replace("[scheduler]\n", f"[scheduler]\n{scheduler_keys}\n", 1)
    path.write_text(text, encoding="utf-8")
    assert text.splitlines()[15] == scheduler_keys.splitlines()[0]
    return path


def test_the_config_sets_both_entry_retry_limits(tmp_path):
    config = config_with(tmp_path, 'entry_max_tries = 3\nentry_max_wait = "90m"')
    scheduler = load_settings(config, environ={}).scheduler
    assert (scheduler.entry_max_tries, scheduler.entry_max_wait_s) == (3, 5400)


def test_the_shipped_config_states_the_default_entry_retry_limits():
    text = (REPO / "config" / "newswatch.toml").read_text(encoding="utf-8")
    assert "\nentry_max_tries = 6 " in text and '\nentry_max_wait = "24h" ' in text


@pytest.mark.parametrize("line,key,words", [
    ("entry_max_tries = 0", "scheduler.entry_max_tries", "must be greater than zero"),
    ("entry_max_tries = -3", "scheduler.entry_max_tries", "must be greater than zero"),
    ('entry_max_tries = "six"', "scheduler.entry_max_tries", "expected int, got str 'six'"),
    ("entry_max_tries = 2.5", "scheduler.entry_max_tries", "expected int, got float 2.5"),
    ("entry_max_tries = true", "scheduler.entry_max_tries", "expected int, got bool True"),
    ('entry_max_wait = "0s"', "scheduler.entry_max_wait", "duration must be positive"),
    ("entry_max_wait = -60", "scheduler.entry_max_wait", "duration must be positive"),
    ('entry_max_wait = "a day"', "scheduler.entry_max_wait", "expected a duration such as"),
    ("entry_max_wait = false", "scheduler.entry_max_wait", "expected a duration such as"),
    ('entry_max_wait = "400d"', "scheduler.entry_max_wait", "duration '400d' is longer than a year"),
])
def test_check_config_refuses_a_bad_entry_retry_limit_with_its_key_and_line(tmp_path, line, key, words):
    config = config_with(tmp_path, line)
    result = CliRunner().invoke(main, ["--log-format", "json", "-c", str(config), "check-config"],
                                catch_exceptions=False)
    assert result.exit_code == 2, result.output
    assert f"error: {config}:16: {key}: {words}" in result.output, result.output
