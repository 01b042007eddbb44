"""check-config refuses what would fail at runtime every time, and warns about what merely should change."""

from pathlib import Path

import pytest

from daemon.config_checks import close_matches
from daemon.config_file import load_settings
from daemon.errors import ConfigError
from tests.config_world import problems_in, write_toml

CONFIG = """\
[storage]
path = "archive.db"

[http]
user_agent = "newswatch-test (+mailto:desk@newsroom.net)"
allow_private_networks = false

[[feeds]]
url = "https://news.example.org/rss.xml"
"""


def write(tmp_path: Path, text: str) -> Path:
    return write_toml(tmp_path, text.replace('"archive.db"', f'"{tmp_path / "archive.db"}"'))


def problems(tmp_path: Path, text: str) -> list[tuple[str, int, str]]:
    return problems_in(write(tmp_path, text), environ={})


@pytest.mark.parametrize("host", ["127.0.0.1", "10.20.30.40", "192.168.1.10", "[::1]", "169.254.169.254",
                                  "localhost:8080"])
def test_a_feed_on_a_private_address_is_refused_saying_how_to_allow_it(tmp_path, host):
    (key, line, message), = problems(tmp_path, CONFIG.replace("news.example.org", host))
    assert (key, line) == ("feeds[0].url", 9) and "allow_private_networks = true" in message


def test_a_feed_on_a_private_address_loads_when_private_networks_are_allowed(tmp_path):
    text = CONFIG.replace("news.example.org", "127.0.0.1:8001").replace("= false", "= true")
    assert load_settings(write(tmp_path, text), environ={}).feeds[0].url == "https://127.0.0.1:8001/rss.xml"


def test_a_url_with_a_space_is_refused(tmp_path):
    (key, _, message), = problems(tmp_path, CONFIG.replace("news.example.org", "exa mple.org"))
    assert key == "feeds[0].url" and "whitespace" in message


def test_a_store_in_a_folder_that_does_not_exist_is_refused(tmp_path):
    (key, line, message), = problems(tmp_path, CONFIG.replace('"archive.db"', '"no-such-dir/archive.db"'))
    assert (key, line) == ("storage.path", 2) and "does not exist" in message


def test_a_per_host_limit_above_the_global_limit_is_refused(tmp_path):
    text = CONFIG.replace("allow_private_networks = false", "global_concurrency = 4\nper_host_concurrency = 8")
    (key, line, message), = problems(tmp_path, text)
    assert (key, line) == ("http.per_host_concurrency", 7) and "global_concurrency (4)" in message


def test_the_placeholder_contact_is_a_warning_not_an_error(tmp_path):
    text = CONFIG.replace("desk@newsroom.net", "ops@example.org")
    settings = load_settings(write(tmp_path, text), environ={})
    assert [(w.key, w.line, "ops@example.org" in w.message) for w in settings.warnings] == [
        ("http.user_agent", 5, True)]


def test_a_real_contact_gives_no_warning(tmp_path):
    assert load_settings(write(tmp_path, CONFIG), environ={}).warnings == ()


def test_the_default_user_agent_is_warned_about_when_none_is_written(tmp_path):
    text = CONFIG.replace('user_agent = "newswatch-test (+mailto:desk@newsroom.net)"\n', "")
    assert [w.key for w in load_settings(write(tmp_path, text), environ={}).warnings] == ["http.user_agent"]


def test_a_refused_config_still_carries_its_warnings(tmp_path):
    text = CONFIG.replace("desk@newsroom.net", "ops@example.org").replace("= false", '= "no"')
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text), environ={})
    assert [w.key for w in caught.value.warnings] == ["http.user_agent"]


def test_close_matches_offer_names_that_start_with_what_was_written():
    assert close_matches("EU", ["Europe", "Eastern Europe", "Estonia"]) == ["Europe"]


def test_close_matches_offer_look_alikes_of_a_typo():
    assert close_matches("Nigeer", ["Niger", "Nigeria", "Chad"]) == ["Niger", "Nigeria"]


def test_a_connect_timeout_longer_than_the_total_is_a_warning(tmp_path):
    text = CONFIG.replace("allow_private_networks = false", 'connect_timeout = "90s"')
    warnings = load_settings(write(tmp_path, text), environ={}).warnings
    assert [(w.key, w.line) for w in warnings] == [("http.connect_timeout", 6)]


def test_a_tick_longer_than_a_feed_interval_is_a_warning(tmp_path):
    text = CONFIG + 'interval = "15m"\n\n[scheduler]\ntick = "1h"\n'
    warnings = load_settings(write(tmp_path, text), environ={}).warnings
    assert [(w.key, "polled less often" in w.message) for w in warnings] == [("scheduler.tick", True)]


def test_a_max_backoff_shorter_than_a_feed_interval_is_a_warning(tmp_path):
    text = CONFIG + '\n[scheduler]\nmax_backoff = "1m"\n'
    assert [w.key for w in load_settings(write(tmp_path, text), environ={}).warnings] == ["scheduler.max_backoff"]
