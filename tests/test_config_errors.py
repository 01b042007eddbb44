"""Errors survive pickling (a ConfigError raised in an extraction worker must reach the daemon intact),
and the [scheduler] keys for adaptive intervals are read, or refused naming their key and line."""

import pickle
from concurrent.futures import ProcessPoolExecutor

import pytest

from daemon.config_file import load_settings
from daemon.errors import ConfigError, ConfigProblem, ExtractionError, FeedParseError, FetchError
from daemon.residue import load_rules
from tests.config_world import problems_in, write_toml


def round_trip(error: Exception) -> Exception:
    return pickle.loads(pickle.dumps(error))


def test_a_config_error_keeps_its_message_and_problems_through_pickling():
    error = ConfigError([ConfigProblem("global.paragraphs", 4, "bad pattern '('", "/etc/rules.toml")],
                        "newswatch.toml")
    copy = round_trip(error)
    assert (str(copy), copy.problems, copy.path) == (str(error), error.problems, "newswatch.toml")


def test_a_config_error_keeps_its_warnings_through_pickling():
    warning = ConfigProblem("http.user_agent", 9, "placeholder contact")
    assert round_trip(ConfigError([], "c.toml", (warning,))).warnings == (warning,)


def test_a_fetch_error_keeps_its_status_and_retry_after_through_pickling():
    copy = round_trip(FetchError("https://example.org/rss", "HTTP 429", status=429, retry_after=30.0))
    assert (str(copy), copy.status, copy.retry_after) == ("https://example.org/rss: HTTP 429", 429, 30.0)


@pytest.mark.parametrize("kind", [FeedParseError, ExtractionError])
def test_url_errors_keep_their_url_and_reason_through_pickling(kind):
    copy = round_trip(kind("https://example.org/a", "empty page"))
    assert (type(copy), copy.url, copy.reason, str(copy)) == (kind, "https://example.org/a", "empty page",
                                                              "https://example.org/a: empty page")


def test_a_problem_in_another_file_names_that_file():
    problem = ConfigProblem("global.tail", 3, "bad pattern", "/srv/extra.toml")
    assert problem.describe("newswatch.toml") == "/srv/extra.toml:3: global.tail: bad pattern"


def test_bad_residue_rules_raise_a_config_error_out_of_a_worker_process(tmp_path):
    rules = tmp_path / "extra.toml"
    rules.write_text("[global]\nparagraphs = ['unclosed (group']\n", encoding="utf-8")
    with ProcessPoolExecutor(max_workers=1) as pool:
        with pytest.raises(ConfigError, match=r"extra.toml:2: global.paragraphs: bad pattern"):
            pool.submit(load_rules, str(rules)).result(timeout=60)


SCHEDULER = """
[storage]
path = "archive.db"

[scheduler]
tick = "30s"
{keys}

[[feeds]]
url = "https://example.org/rss.xml"
interval = "15m"
"""


def scheduler_config(tmp_path, keys: str):
    return write_toml(tmp_path, SCHEDULER.format(keys=keys))


def test_adaptive_intervals_are_on_by_default_with_a_four_hour_cap(tmp_path):
    scheduler = load_settings(scheduler_config(tmp_path, ""), environ={}).scheduler
    assert (scheduler.adaptive, scheduler.max_interval_s, scheduler.feed_hints) == (True, 4 * 3600, True)


def test_the_adaptive_keys_are_read(tmp_path):
    keys = 'adaptive = false\nmax_interval = "90m"\nfeed_hints = false'
    scheduler = load_settings(scheduler_config(tmp_path, keys), environ={}).scheduler
    assert (scheduler.adaptive, scheduler.max_interval_s, scheduler.feed_hints) == (False, 5400, False)


@pytest.mark.parametrize("keys,key,words", [
    ('adaptive = "no"', "scheduler.adaptive", "expected bool"),
    ("feed_hints = 1", "scheduler.feed_hints", "expected bool"),
    ('max_interval = "soon"', "scheduler.max_interval", "expected a duration"),
    ('max_interval = "30s"', "scheduler.max_interval", "at least 1m"),
    ("max_interval = -5", "scheduler.max_interval", "positive"),
])
def test_a_bad_adaptive_value_is_refused_naming_its_key_and_line(tmp_path, keys, key, words):
    (found_key, line, message), = problems_in(scheduler_config(tmp_path, keys), environ={})
    assert (found_key, line) == (key, 7)
    assert words in message
