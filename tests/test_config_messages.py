"""What `newswatch check-config` prints for each kind of config slip: one line per problem, naming
the file, the line, the key and the value, with what was probably meant."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from daemon.cli import main
from daemon.errors import ConfigError
from daemon.reload import read_config

GOOD_TOP = """[storage]
path = "{store}"

[http]
user_agent = "newswatch-test (+mailto:desk@newsroom.net)"
"""

FEED = """
[[feeds]]
url = "https://news.newsroom.net/rss.xml"
name = "Newsroom"
"""


def config_file(tmp_path: Path, body: str, top: str = GOOD_TOP) -> Path:
    """A config whose storage and user agent are fine, followed by body as written."""
    path = tmp_path / "newswatch.toml"
    path.write_text(top.format(store=tmp_path / "n.db") + body, encoding="utf-8")
    return path


def check(path: Path) -> tuple[int, list[str]]:
    """check-config's exit code and the lines it prints."""
    result = CliRunner().invoke(main, ["--log-format", "json", "-c", str(path), "check-config"],
                                catch_exceptions=False)
    return result.exit_code, result.output.splitlines()


def line_of(path: Path, written: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if written in line)


# 1. unknown top-level tables

@pytest.mark.parametrize("written, rest, meant", [
    ("[[feed]]", 'url = "https://other.newsroom.net/rss.xml"', "[[feeds]]"),
    ("[sheduler]", 'tick = "1m"', "[scheduler]"),
])
def test_an_unknown_table_is_named_with_its_line_and_the_table_meant(tmp_path, written, rest, meant):
    path = config_file(tmp_path, f"{FEED}\n{written}\n{rest}\n")
    code, lines = check(path)
    assert code == 2
    name = written.strip("[]")
    assert lines[0].startswith(f"error: {path}:{line_of(path, written)}: {name}: unknown table {written} "
                               f"(did you mean {meant}?"), lines


def test_a_misspelt_key_inside_a_table_gets_the_key_meant_too(tmp_path):
    path = config_file(tmp_path, FEED + '\n[scheduler]\ntik = "1m"\n')
    code, lines = check(path)
    assert (code, lines[0]) == (2, f"error: {path}:{line_of(path, 'tik =')}: scheduler.tik: unknown key 'tik' "
                                   "(did you mean 'tick'? known: adaptive, disable_after_errors, entry_max_tries, "
                                   "entry_max_wait, feed_hints, jitter, max_backoff, max_interval, tick)")


def test_a_key_written_above_every_table_names_the_table_it_belongs_in(tmp_path):
    path = config_file(tmp_path, FEED, top='path = "{store}"\n\n[http]\nuser_agent = "t (+mailto:a@newsroom.net)"\n')
    code, lines = check(path)
    assert code == 2
    assert lines[0].startswith(f"error: {path}:1: path: unknown top-level key 'path' (it belongs in [storage]"), lines


# 2. the file itself and its syntax

def test_a_missing_config_file_reads_naturally(tmp_path):
    code, lines = check(tmp_path / "absent.toml")
    assert code == 2
    assert lines[0].startswith(f"error: {tmp_path / 'absent.toml'}: cannot read config: no such file (name yours "
                               "with -c PATH"), lines


def test_a_syntax_error_names_its_line_and_column_and_shows_the_line(tmp_path):
    path = config_file(tmp_path, '\n[[feeds]]\nurl "https://news.newsroom.net/rss.xml"\n')
    code, lines = check(path)
    number = line_of(path, 'url "https')
    assert (code, lines) == (2, [f"error: {path}:{number}:5: not valid TOML: expected '=' after a key in a "
                                 f"key/value pair; line {number} reads: url \"https://news.newsroom.net/rss.xml\""])


def test_a_key_written_twice_is_explained(tmp_path):
    path = config_file(tmp_path, FEED + 'name = "Again"\n')
    code, lines = check(path)
    assert code == 2 and "(the key is written twice in its table)" in lines[0] and "(syntax)" not in lines[0], lines


def test_a_config_in_a_legacy_encoding_names_the_line_and_byte(tmp_path):
    path = config_file(tmp_path, FEED)
    path.write_bytes(path.read_bytes().replace(b'"Newsroom"', '"Newsroom é"'.encode("latin-1")))
    code, lines = check(path)
    assert (code, lines) == (2, [f"error: {path}:9:18: not UTF-8 text (byte 0xe9); convert the file, "
                                 "e.g. iconv -f WINDOWS-1252 -t UTF-8"])


# 3. every bad name of a list, each with its own message

def test_an_empty_name_in_a_feeds_region_list_hides_no_other_name(tmp_path):
    path = config_file(tmp_path, FEED + 'regions = ["", "Sahell", 7]\n')
    code, lines = check(path)
    number = line_of(path, "regions =")
    assert code == 2
    assert lines[:3] == [f"error: {path}:{number}: feeds[0].regions: item 1 is an empty string: remove it or write "
                         "a name",
                         f"error: {path}:{number}: feeds[0].regions: unknown region 'Sahell' (did you mean 'Sahel'?)",
                         f"error: {path}:{number}: feeds[0].regions: item 3 is an integer 7, expected a string"]


def test_each_bad_name_of_a_multi_line_rule_list_points_at_its_own_line(tmp_path):
    rule = ('\n[[alerts]]\nname = "watch"\nregions = [\n  "Sahel",\n  "",\n  "Atlantiss",\n]\n'
            'command = ["true"]\n')
    path = config_file(tmp_path, FEED + rule)
    code, lines = check(path)
    assert code == 2
    empty, misspelt = line_of(path, '  "",'), line_of(path, "Atlantiss")
    assert lines[0].startswith(f"error: {path}:{empty}: alerts[0].regions: ")
    assert lines[1].startswith(f"error: {path}:{misspelt}: alerts[0].regions: "), lines
    assert "item 2 is an empty string" in lines[0] and "unknown region 'Atlantiss'" in lines[1], lines


def test_a_keyword_of_the_wrong_type_hides_no_other_keyword_problem(tmp_path):
    rule = '\n[[alerts]]\nname = "watch"\nkeywords = [3, "civil*"]\ncommand = ["true"]\n'
    code, lines = check(config_file(tmp_path, FEED + rule))
    assert code == 2 and "item 1 is an integer 3, expected a string" in lines[0], lines
    assert "'civil*' would be searched with its *" in lines[1], lines


# 4. a custom region named like a country

@pytest.mark.parametrize("name, country", [
    ("Mali", "the country Mali (ML)"), ('"Ivory Coast"', "the country Ivory Coast (CI)"),
    ("UK", "the country United Kingdom (GB)"),
    ("Congo", "the countries Democratic Republic of the Congo (CD) and Republic of the Congo (CG)")])
def test_a_custom_region_named_like_a_country_is_refused(tmp_path, name, country):
    path = config_file(tmp_path, f'\n[regions.custom]\n{name} = ["ML", "NE"]\n' + FEED)
    code, lines = check(path)
    assert code == 2
    assert lines[0].startswith(f"error: {path}:{line_of(path, name)}: regions.custom.{name.strip(chr(34))}: "
                               f"'{name.strip(chr(34))}' already names {country}: "), lines


def test_an_empty_code_in_a_custom_region_is_shown_as_written(tmp_path):
    path = config_file(tmp_path, '\n[regions.custom]\n"Liptako" = ["ML", ""]\n' + FEED)
    code, lines = check(path)
    assert (code, lines[0]) == (2, f"error: {path}:{line_of(path, 'Liptako')}: regions.custom.Liptako: expected ISO "
                                   "country codes as strings, got ''")


# 5. a region name that is only a city's name

@pytest.mark.parametrize("name, city", [("Springfield", "the city Springfield, United States (US)"),
                                        ("Atlantis", "the city Atlantis, South Africa (ZA)")])
def test_a_region_that_resolves_to_a_city_is_warned_about(tmp_path, name, city):
    path = config_file(tmp_path, FEED + f'regions = ["{name}"]\n')
    code, lines = check(path)
    assert code == 0, lines
    warning = next(line for line in lines if "feeds[0].regions" in line)
    assert warning.startswith(f"warning: {path}:{line_of(path, 'regions =')}: feeds[0].regions: '{name}' is not a "
                              f"country or region name: it is read as {city}"), warning
    assert "(to mean that city, write 'city:" in warning


def test_a_city_in_a_rule_is_warned_about_and_the_city_id_silences_it(tmp_path):
    rule = '\n[[alerts]]\nname = "watch"\nregions = ["Springfield", "city:4409896"]\ncommand = ["true"]\n'
    code, lines = check(config_file(tmp_path, FEED + rule))
    warnings = [line for line in lines if "alerts[0].regions" in line]
    assert code == 0 and len(warnings) == 1 and "'Springfield' is not a country" in warnings[0], lines


def test_a_misspelt_region_keeps_its_suggestion_beside_a_city_warning(tmp_path):
    code, lines = check(config_file(tmp_path, FEED + 'regions = ["Sahell", "Springfield"]\n'))
    assert code == 2 and lines[0].endswith("feeds[0].regions: unknown region 'Sahell' (did you mean 'Sahel'?)")
    assert any(line.startswith("warning:") and "'Springfield' is not a country" in line for line in lines), lines


# types, durations and URLs a newcomer gets wrong

def test_a_quoted_boolean_says_to_drop_the_quotes(tmp_path):
    path = config_file(tmp_path, 'allow_private_networks = "true"\n' + FEED)
    code, lines = check(path)
    assert (code, lines[0]) == (2, f"error: {path}:6: http.allow_private_networks: expected bool, got str 'true': "
                                   "write it without quotes, true")


def test_a_bad_duration_lists_the_accepted_forms(tmp_path):
    path = config_file(tmp_path, FEED + 'interval = "1h30m"\n')
    code, lines = check(path)
    assert code == 2
    assert lines[0] == (f"error: {path}:{line_of(path, 'interval =')}: feeds[0].interval: expected a duration such as "
                        "'15m', '1h' or '30s' (a number of seconds, or one number with a unit s, m, h or d; no "
                        "combined '1h30m': write '90m'), got '1h30m'")


def test_a_feed_url_without_its_scheme_says_how_to_write_it(tmp_path):
    path = config_file(tmp_path, FEED.replace("https://news.newsroom.net", "news.newsroom.net"))
    code, lines = check(path)
    assert (code, lines[0]) == (2, f"error: {path}:{line_of(path, 'url =')}: feeds[0].url: URL has no scheme: "
                                   "write https://news.newsroom.net/rss.xml (or http://)")


def test_a_sighup_reload_reports_the_same_messages(tmp_path):
    path = config_file(tmp_path, FEED + '\n[sheduler]\ntick = "1m"\n')
    with pytest.raises(ConfigError) as caught:
        read_config(str(path))
    assert [p.describe(caught.value.path) for p in caught.value.problems][0].startswith(
        f"{path}:{line_of(path, '[sheduler]')}: sheduler: unknown table [sheduler] (did you mean [scheduler]?")


def test_feeds_written_as_one_table_ask_for_double_brackets(tmp_path):
    path = config_file(tmp_path, '\n[feeds]\nurl = "https://news.newsroom.net/rss.xml"\n')
    code, lines = check(path)
    assert (code, lines[0]) == (2, f"error: {path}:{line_of(path, '[feeds]')}: feeds: expected [[feeds]] tables "
                                   "(double brackets, one per feed), got a table")


def test_a_bare_number_as_interval_is_explained_as_seconds(tmp_path):
    path = config_file(tmp_path, FEED + "interval = 15\n")
    code, lines = check(path)
    assert (code, lines[0]) == (2, f"error: {path}:{line_of(path, 'interval =')}: feeds[0].interval: must be at least "
                                   "1m (be polite to publishers) (a bare number is seconds: write '15m' for minutes)")


def test_a_webhook_written_as_a_bare_url_names_the_form_expected(tmp_path):
    rule = '\n[[alerts]]\nname = "watch"\nkeywords = ["ambush"]\nwebhook = "https://hooks.newsroom.net/in"\n'
    path = config_file(tmp_path, FEED + rule)
    code, lines = check(path)
    assert (code, lines[0]) == (2, f"error: {path}:{line_of(path, 'webhook =')}: alerts[0].webhook: expected a table: "
                                   '{ url = "…", secret_env = "…" }, got a string')


def test_a_misspelt_url_scheme_is_named_with_the_scheme_meant(tmp_path):
    path = config_file(tmp_path, FEED.replace("https://news", "htps://news"))
    code, lines = check(path)
    assert (code, lines[0]) == (2, f"error: {path}:{line_of(path, 'url =')}: feeds[0].url: not an http(s) URL: "
                                   "scheme 'htps' (did you mean https?) in 'htps://news.newsroom.net/rss.xml'")
