"""A keyword written in the full-text query's syntax (a prefix star, a quoted phrase) would be
searched for literally, star and quotes included, so its rule would never fire: the config says
so, with the keyword and how to write what was meant."""

from pathlib import Path

from tests.config_world import problems_in, write_toml
from tests.test_config_alerts import BASE as CONFIG_BASE

BASE = CONFIG_BASE + """\
[[alerts]]
name = "desk"
command = ["true"]
"""


def problems(tmp_path: Path, keywords: str) -> list[tuple[str, int, str]]:
    return problems_in(write_toml(tmp_path, BASE + f"keywords = {keywords}\n"), environ={}, secrets=False)


def test_a_keyword_with_a_prefix_star_is_refused_with_the_query_that_does_it(tmp_path):
    assert problems(tmp_path, '["ambush", "civil*"]') == [
        ("alerts[0].keywords", 11, "'civil*' would be searched with its * as written: keywords are whole words "
                                   "and take no wildcards; for words starting with civil, write query = 'civil*'")]


def test_a_keyword_in_double_quotes_is_refused_as_already_a_phrase(tmp_path):
    assert problems(tmp_path, """['"drone strike"']""") == [
        ("alerts[0].keywords", 11, "'\"drone strike\"' would be searched with its double quotes as written: a "
                                   "keyword is already matched as a whole phrase; write \"drone strike\" without "
                                   "the inner quotes")]
