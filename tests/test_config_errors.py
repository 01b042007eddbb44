"""Errors survive pickling: a ConfigError raised in an extraction worker must reach the daemon intact."""

import pickle
from concurrent.futures import ProcessPoolExecutor

import pytest

from daemon.errors import ConfigError, ConfigProblem, ExtractionError, FeedParseError, FetchError
from daemon.residue import load_rules


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
