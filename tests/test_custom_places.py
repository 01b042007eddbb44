"""[places]: villages the GeoNames data lacks, listed by the operator and tagged like cities."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from config_world import problems_in, write_toml
from daemon.cli import main
from daemon.config_file import load_settings
from daemon.config_lines import LineIndex
from daemon.gazetteer import Gazetteer
from daemon.regions import focus_countries, mentioned_countries, tag
from daemon.runtime import open_store
from daemon.settings import CustomPlace, Settings

SAHEL = '[regions.custom]\nSahel = ["ML", "NE", "BF", "TD", "MR"]\n'
PLACES = ('[places]\nSeytenga = "BF"\nBoulkessi = { country = "ML", lat = 14.62, lon = -1.36 }\n'
          '"Liptako-Gourma" = ["ML", "NE", "BF"]\n')
ATTACK = "Gunmen killed dozens of civilians in Seytenga."


@pytest.fixture(scope="module")
def sahel() -> Gazetteer:
    return Gazetteer.load({"Sahel": ("ML", "NE", "BF", "TD", "MR")},
                          (CustomPlace("Seytenga", ("BF",)), CustomPlace("Boulkessi", ("ML",), 14.62, -1.36),
                           CustomPlace("Liptako-Gourma", ("ML", "NE", "BF")), CustomPlace("Hope", ("NE",))))


def ids(tags) -> set[str]:
    return {t.region_id for t in tags}


# --- config ---------------------------------------------------------------------------------------

def test_places_are_read_as_names_with_their_countries_and_coordinates(tmp_path):
    settings = load_settings(write_toml(tmp_path, SAHEL + PLACES))
    assert settings.custom_places == (CustomPlace("Seytenga", ("BF",)), CustomPlace("Boulkessi", ("ML",), 14.62, -1.36),
                                      CustomPlace("Liptako-Gourma", ("ML", "NE", "BF")))


def test_a_config_without_places_has_none(tmp_path):
    assert load_settings(write_toml(tmp_path, SAHEL)).custom_places == ()


def test_an_unknown_country_code_is_reported_with_its_key_and_line(tmp_path):
    path = write_toml(tmp_path, '[places]\nSeytenga = "BF"\nInates = "XX"\n')
    assert problems_in(path) == [("places.Inates", 3, "not ISO 3166-1 alpha-2 country codes: 'XX'")]


def test_a_latitude_out_of_range_is_reported(tmp_path):
    path = write_toml(tmp_path, '[places]\nBoulkessi = { country = "ML", lat = 114.6, lon = -1.36 }\n')
    assert problems_in(path) == [("places.Boulkessi", 2, "lat must be a number from -90 to 90, got 114.6")]


def test_a_latitude_without_a_longitude_is_reported(tmp_path):
    path = write_toml(tmp_path, '[places]\nBoulkessi = { country = "ML", lat = 14.6 }\n')
    assert problems_in(path) == [("places.Boulkessi", 2, "give both lat and lon, or neither")]


def test_an_empty_place_name_is_reported(tmp_path):
    path = write_toml(tmp_path, '[places]\n"" = "BF"\n')
    assert [(key, message) for key, _, message in problems_in(path)] == [
        ("places.", "a place needs a name with letters or digits")]


def test_a_place_named_like_a_custom_region_is_reported(tmp_path):
    path = write_toml(tmp_path, SAHEL + '[places]\nsahel = "ML"\n')
    assert problems_in(path) == [("places.sahel", 4, "same name as the custom region 'Sahel' ([regions.custom]); "
                                                     "rename one")]


def test_a_value_that_is_no_country_is_reported(tmp_path):
    path = write_toml(tmp_path, '[places]\nSeytenga = 12\n')
    assert problems_in(path)[0][:2] == ("places.Seytenga", 2)


def test_an_unknown_key_in_a_place_table_is_reported(tmp_path):
    path = write_toml(tmp_path, '[places]\nSeytenga = { country = "BF", population = 3000 }\n')
    assert problems_in(path) == [("places.Seytenga", 2, "unknown key 'population' (known: country, lat, lon)")]


def test_a_feed_may_name_a_place_as_its_hint(tmp_path):
    path = write_toml(tmp_path, PLACES + '[[feeds]]\nurl = "https://example.org/rss"\nregions = ["Seytenga"]\n')
    result = CliRunner().invoke(main, ["-c", str(path), "--db", str(tmp_path / "n.db"), "check-config"])
    assert result.exit_code == 0, result.output


# --- tagging --------------------------------------------------------------------------------------

def test_a_place_rolls_up_to_its_country_and_the_sahel(sahel):
    tags = tag("", ATTACK, sahel)
    assert {"place:seytenga", "BF", "sahel", "western-africa", "africa"} <= ids(tags)


def test_a_place_in_the_title_makes_its_country_the_focus(sahel):
    assert focus_countries(tag("Gunmen kill dozens in Seytenga", ATTACK, sahel)) == {"BF"}


def test_a_possessive_place_is_still_the_place(sahel):
    assert "place:boulkessi" in ids(tag("", "Soldiers at Boulkessi's camp repelled the assault.", sahel))


def test_a_border_area_takes_the_country_the_other_places_name(sahel):
    text = "Fighting spread across Liptako-Gourma. Officials in Niamey and Tillaberi counted the dead."
    tags = tag("", text, sahel)
    assert "place:liptako-gourma" in ids(tags) and mentioned_countries(tags) == {"NE"}


def test_a_border_area_named_alone_is_in_its_first_listed_country(sahel):
    tags = tag("", "Fighting spread across Liptako-Gourma.", sahel)
    assert "place:liptako-gourma" in ids(tags) and mentioned_countries(tags) == {"ML"}


def test_a_place_named_like_a_namesake_town_leaves_it_to_the_articles_evidence():
    moura = Gazetteer.load({}, (CustomPlace("Moura", ("ML",)),))
    text = "Moura is a quiet town in Portugal's Alentejo, near Beja and Evora."
    assert "PT" in ids(tag("", text, moura)) and "ML" not in ids(tag("", text, moura))


def test_a_place_named_like_a_common_word_is_not_read_in_a_sentence_about_it(sahel):
    text = "Hope is fading for the miners. Rescuers said there was little hope left in the valley."
    assert "NE" not in ids(tag("", text, sahel))


def test_without_places_the_village_is_not_found(gazetteer):
    assert tag("", ATTACK, gazetteer) == ()


def test_a_place_region_carries_its_country_and_coordinates(sahel):
    assert sahel.region("place:boulkessi").parent_id == "ML"
    assert (sahel.region("place:boulkessi").lat, sahel.region("place:boulkessi").lon) == (14.62, -1.36)


def test_a_place_resolves_by_its_name(sahel):
    assert sahel.resolve("Seytenga") == "place:seytenga"


# --- store and commands ---------------------------------------------------------------------------

def test_places_are_stored_in_the_regions_table_as_cities(tmp_path, sahel):
    settings = Settings(storage_path=str(tmp_path / "n.db"))
    store = open_store(settings, sahel)
    try:
        row = store.db["regions"].get("place:boulkessi")
    finally:
        store.close()
    assert (row["name"], row["kind"], row["parent_id"], row["lat"], row["lon"]) == ("Boulkessi", "city", "ML",
                                                                                     14.62, -1.36)


def test_tag_command_uses_the_configs_places(tmp_path):
    path = write_toml(tmp_path, SAHEL + PLACES)
    result = CliRunner().invoke(main, ["-c", str(path), "tag", "--title", "Gunmen kill dozens in Seytenga", "-"],
                                input=ATTACK, catch_exceptions=False)
    assert result.output.splitlines()[0] == "focus:     Burkina Faso (BF)"
    assert '"Seytenga" -> Seytenga, Burkina Faso (city)' in result.output


def test_check_config_counts_the_places(tmp_path):
    path = write_toml(tmp_path, SAHEL + PLACES)
    result = CliRunner().invoke(main, ["-c", str(path), "--db", str(tmp_path / "n.db"), "check-config"])
    assert "3 places" in result.output


def test_the_example_config_lists_sahel_places():
    settings = load_settings(Path(__file__).parents[1] / "config" / "newswatch.toml", store_path="n.db")
    assert {"Seytenga", "Boulkessi", "Inates"} <= {p.name for p in settings.custom_places}


def test_an_error_in_a_quoted_place_name_with_a_space_and_an_accent_names_its_own_line() -> None:
    text = '[places]\nSeytenga = "BF"\n"Tin Akoff" = "XX"\n"Ségou Sud" = "ML"\n'
    lines = LineIndex(text)
    assert (lines.line_of("places.Tin Akoff"), lines.line_of("places.Ségou Sud")) == (3, 4)
