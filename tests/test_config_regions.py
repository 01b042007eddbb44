"""Region names in the config resolve to regions first and to a city only when written exactly as its name."""

import pytest

from daemon.config_file import load_settings
from daemon.errors import ConfigError
from daemon.gazetteer import Gazetteer


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


@pytest.mark.parametrize("reference, region_id", [
    ("Angola", "AO"),      # a country, though a town bears its name too
    ("Asia", "asia"),      # a continent, though a town bears its name too
    ("ne", "NE"),          # a country code in any case
    ("Bamako", "city:2460596"),
])
def test_resolve_prefers_countries_and_regions_to_cities(gazetteer, reference, region_id):
    assert gazetteer.resolve(reference) == region_id


def test_an_unknown_region_code_does_not_become_a_town(gazetteer):
    assert gazetteer.resolve("EU") is None


def test_a_city_resolves_only_when_written_exactly_as_its_name(gazetteer):
    assert (gazetteer.resolve("Eu"), gazetteer.resolve("bamako")) == ("city:3019329", None)


def test_an_unknown_region_in_the_config_is_reported_with_close_names(tmp_path, gazetteer):
    path = tmp_path / "newswatch.toml"
    path.write_text('[http]\nuser_agent = "t (+mailto:desk@newsroom.net)"\n\n'
                    '[[feeds]]\nurl = "https://news.example.org/rss.xml"\nregions = ["EU"]\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ={}, resolve_region=gazetteer.resolve,
                      region_names=[r.name for r in gazetteer.regions()])
    assert [p.describe() for p in caught.value.problems] == [
        "config:6: feeds[0].regions: unknown region 'EU' (did you mean 'Europe'?)"]
