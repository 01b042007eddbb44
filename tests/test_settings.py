"""Config validation: every problem is reported with its key and line, and good configs load."""

from pathlib import Path

import pytest

from daemon.errors import ConfigError
from daemon.config_file import load_settings, parse_duration
from tests.config_world import problems_in, write_toml

GOOD = """
[storage]
path = "archive.db"

[http]
user_agent = "newswatch-test (+mailto:ops@example.org)"
allow_private_networks = true
read_timeout = "5s"

[regions.custom]
Sahel = ["ML", "NE", "BF", "TD", "MR"]

[[feeds]]
url = "https://example.org/africa/rss.xml"
name = "Example Africa"
regions = ["ML"]
interval = "15m"

[[alerts]]
name = "sahel-attacks"
regions = ["Sahel"]
keywords = ["drone strike"]
webhook = { url = "https://hooks.example.org/in", secret_env = "HOOK_SECRET" }
"""


write = write_toml


def problems(tmp_path: Path, text: str, **kwargs) -> list[tuple[str, int, str]]:
    return problems_in(write(tmp_path, text), environ=kwargs.pop("environ", {"HOOK_SECRET": "s"}), **kwargs)


def test_a_good_config_loads_with_every_value(tmp_path):
    settings = load_settings(write(tmp_path, GOOD), environ={"HOOK_SECRET": "s3cret"})
    assert settings.storage_path == "archive.db"
    assert settings.http.allow_private_networks is True
    assert settings.http.read_timeout == 5.0
    assert settings.feeds[0].interval_s == 900
    assert settings.feeds[0].regions == ("ML",)
    assert settings.custom_regions == {"Sahel": ("ML", "NE", "BF", "TD", "MR")}
    assert settings.alerts[0].webhook.secret == "s3cret"
    assert settings.alerts[0].keywords == ("drone strike",)


def test_unknown_key_is_reported_with_its_line(tmp_path):
    text = GOOD.replace('read_timeout = "5s"', 'read_timeout = "5s"\nretries = 3')
    found = problems(tmp_path, text)
    assert found == [("http.retries", 9, found[0][2])]
    assert "unknown key" in found[0][2]


def test_wrong_type_names_the_expected_type(tmp_path):
    found = problems(tmp_path, GOOD.replace("allow_private_networks = true", 'allow_private_networks = "yes"'))
    assert found[0][:2] == ("http.allow_private_networks", 7)
    assert "expected bool" in found[0][2]


def test_bad_feed_url_points_at_the_feed_line(tmp_path):
    found = problems(tmp_path, GOOD.replace("https://example.org/africa/rss.xml", "ftp://example.org/rss"))
    assert found[0][:2] == ("feeds[0].url", 14)


def test_duplicate_feed_url_names_the_first_one(tmp_path):
    text = GOOD + '\n[[feeds]]\nurl = "https://EXAMPLE.org/africa/rss.xml"\n'
    found = problems(tmp_path, text)
    assert found[0][0] == "feeds[1].url"
    assert "duplicate" in found[0][2] and "feeds[0]" in found[0][2]


def test_missing_secret_names_the_environment_variable(tmp_path):
    found = problems(tmp_path, GOOD, environ={})
    assert found[0][0] == "alerts[0].webhook.secret_env"
    assert "HOOK_SECRET" in found[0][2]


def test_unknown_region_in_a_rule_is_reported(tmp_path):
    known = {"ml": "ML", "ne": "NE", "bf": "BF", "td": "TD", "mr": "MR", "sahel": "sahel"}
    found = problems(tmp_path, GOOD.replace('regions = ["Sahel"]', 'regions = ["Sahelistan"]'),
                     resolve_region=lambda name: known.get(name.lower()))
    assert found == [("alerts[0].regions", 21, "unknown region 'Sahelistan' (did you mean 'Sahel'?)")]


def test_every_problem_is_reported_at_once(tmp_path):
    text = GOOD.replace('user_agent = "newswatch-test (+mailto:ops@example.org)"', "user_agent = 5")
    text = text.replace('interval = "15m"', 'interval = "soon"')
    keys = [p[0] for p in problems(tmp_path, text)]
    assert keys == ["http.user_agent", "feeds[0].interval"]


def test_syntax_error_gives_the_line(tmp_path):
    found = problems(tmp_path, "[storage]\npath = \n")
    assert found[0][0] == "(syntax)" and found[0][1] == 2


def test_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read config"):
        load_settings(tmp_path / "absent.toml")


@pytest.mark.parametrize("text,seconds", [("15m", 900), ("1h", 3600), ("30s", 30), ("2d", 172800), (45, 45)])
def test_durations_parse(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("bad", ["", "15 minutes", "-5m", 0, True])
def test_bad_durations_are_refused(bad):
    with pytest.raises(ValueError):
        parse_duration(bad)


def test_shipped_example_config_is_valid():
    from daemon.gazetteer import Gazetteer
    gazetteer = Gazetteer.load({"Sahel": ["ML", "NE", "BF", "TD", "MR"], "Lake Chad Basin": ["NE", "NG", "TD", "CM"]})
    path = Path(__file__).resolve().parents[1] / "config" / "newswatch.toml"
    settings = load_settings(path, resolve_region=gazetteer.resolve, environ={})
    assert len(settings.feeds) >= 15
    assert {"ML", "NE"} <= {r for f in settings.feeds for r in f.regions}


from hypothesis import given, settings as hsettings, strategies as st

_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10**7) | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(min_size=1, max_size=12), inner, max_size=3),
    max_leaves=12)
_tables = st.dictionaries(
    st.sampled_from(["storage", "http", "scheduler", "extraction", "regions", "feeds", "alerts", "extra"]),
    _values, max_size=5)


@hsettings(max_examples=200, deadline=None)
@given(_tables)
def test_any_parsed_toml_gives_settings_or_a_config_error(raw):
    from daemon.config_file import settings_from_mapping
    from daemon.config_lines import LineIndex
    try:
        settings_from_mapping(raw, LineIndex(""), "fuzz.toml", resolve_region=None, environ={})
    except ConfigError as exc:
        assert exc.problems


@pytest.mark.parametrize("bad", [float("inf"), float("nan"), "99999999999d"])
def test_endless_or_overflowing_durations_are_refused(bad):
    with pytest.raises(ValueError):
        parse_duration(bad)


def test_a_typo_in_a_custom_region_member_is_reported(tmp_path):
    known = {"ML": "ML", "NE": "NE", "BF": "BF", "TD": "TD", "MR": "MR", "SAHEL": "sahel"}
    found = problems(tmp_path, GOOD.replace('"BF", "TD"', '"BX", "TD"'), resolve_region=lambda n: known.get(n.upper()))
    assert found[0][:2] == ("regions.custom.Sahel", 11) and "BX" in found[0][2]


def test_a_malformed_feed_url_is_a_problem_not_a_crash(tmp_path):
    found = problems(tmp_path, GOOD.replace("https://example.org/africa/rss.xml", "http://[::1/rss"))
    assert found[0][0] == "feeds[0].url" and "not a valid URL" in found[0][2]


def test_the_shipped_example_config_warns_only_about_its_placeholder_contact():
    path = Path(__file__).resolve().parents[1] / "config" / "newswatch.toml"
    warnings = load_settings(path, environ={}).warnings
    assert [(w.key, "ops@example.org" in w.message) for w in warnings] == [("http.user_agent", True)]
