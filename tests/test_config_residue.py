"""The extra residue rules file a config names is checked when the config loads, not on every article."""

from pathlib import Path

import pytest

from daemon.config_file import load_settings
from daemon.errors import ConfigError

CONFIG = """\
[http]
user_agent = "newswatch-test (+mailto:desk@newsroom.net)"

[extraction]
residue_rules = "extra-residue.toml"
"""


def load(tmp_path: Path, rules: str | None):
    if rules is not None:
        (tmp_path / "extra-residue.toml").write_text(rules, encoding="utf-8")
    path = tmp_path / "newswatch.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return load_settings(path, environ={})


def problems(tmp_path: Path, rules: str | None) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, rules)
    return [p.describe(caught.value.path) for p in caught.value.problems]


def test_a_good_rules_file_loads_with_its_absolute_path(tmp_path):
    settings = load(tmp_path, "[sites.\"news.example.org\"]\ntail = ['more from our partners']\n")
    assert settings.residue_rules_path == str(tmp_path / "extra-residue.toml")


def test_each_bad_pattern_is_reported_with_the_rules_file_and_its_line(tmp_path):
    rules = "[global]\nparagraphs = [\n  'fine',\n  'broken (group',\n]\n\n[sites.\"a.example\"]\ntail = ['[x']\n"
    found = problems(tmp_path, rules)
    path = tmp_path / "extra-residue.toml"
    assert [line.split(": bad pattern")[0] for line in found] == [
        f"{path}:4: global.paragraphs", f"{path}:8: sites.a.example.tail"]


def test_a_rules_file_that_is_not_toml_is_reported_with_its_line(tmp_path):
    found = problems(tmp_path, "[global]\nparagraphs = ['a']]\n")
    assert found[0].startswith(f"{tmp_path / 'extra-residue.toml'}:2: (syntax): ")


def test_a_missing_rules_file_is_reported_at_the_config_line(tmp_path):
    found = problems(tmp_path, None)
    assert found == [f"{tmp_path / 'newswatch.toml'}:5: extraction.residue_rules: "
                     f"file not found: {tmp_path / 'extra-residue.toml'}"]


def test_a_string_where_a_list_of_patterns_belongs_is_a_problem(tmp_path):
    found = problems(tmp_path, "[global]\nteasers = 'read more'\n")
    assert found == [f"{tmp_path / 'extra-residue.toml'}:2: global.teasers: expected a list of strings"]


def test_a_limit_of_the_wrong_type_is_a_problem(tmp_path):
    found = problems(tmp_path, "[limits]\ntail_paragraphs = '4'\n")
    assert found == [f"{tmp_path / 'extra-residue.toml'}:2: limits.tail_paragraphs: expected int, got '4'"]


def test_rules_file_problems_sit_in_line_order_with_the_configs_own(tmp_path):
    (tmp_path / "extra-residue.toml").write_text("[global]\ntail = ['(']\n", encoding="utf-8")
    path = tmp_path / "newswatch.toml"
    path.write_text('[http]\nmax_bytes = 0\n\n[extraction]\nresidue_rules = "extra-residue.toml"\nworkers = -1\n',
                    encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ={})
    assert [p.key for p in caught.value.problems] == ["http.max_bytes", "global.tail", "extraction.workers"]


from hypothesis import given, settings as hsettings, strategies as st

_values = st.recursive(
    st.booleans() | st.integers(-5, 50) | st.floats(allow_nan=False) | st.text(max_size=8),  # TOML has no null
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["paragraphs", "tail", "patterns", "words", "token", "tail_paragraphs", "x.org", "odd"]),
        inner, max_size=3),
    max_leaves=10)
_extra_files = st.dictionaries(st.sampled_from(["global", "sites", "icons", "dateline", "limits", "walls", "misc"]),
                               _values, max_size=4)


@hsettings(max_examples=200, deadline=None)
@given(_extra_files)
def test_any_parsed_extra_rules_give_rules_or_a_config_error(extra):
    from daemon.config_lines import LineIndex
    from daemon.paths import shipped_config_path
    from daemon.residue import RULES_FILE, merged_rules
    import tomllib
    shipped = tomllib.loads(shipped_config_path(RULES_FILE).read_text(encoding="utf-8"))
    try:
        merged_rules(shipped, extra, "extra.toml", LineIndex(""))
    except ConfigError as exc:
        assert exc.problems
