"""The gazetteer: regions, names, containment and the config's custom regions."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pycountry
import pytest

from daemon import city_table
from daemon.gazetteer import DATA_DIR, UNLISTED_COUNTRIES, Gazetteer


def test_every_iso_country_is_a_region_with_a_parent(gazetteer: Gazetteer) -> None:
    countries = {r.id: r for r in gazetteer.regions() if r.kind == "country"}
    assert set(countries) == {c.alpha_2 for c in pycountry.countries} | set(UNLISTED_COUNTRIES)
    assert all(region.parent_id for region in countries.values())


def test_every_country_has_a_demonym_in_the_data_file() -> None:
    with (DATA_DIR / "demonyms.toml").open("rb") as handle:
        demonyms = tomllib.load(handle)["demonyms"]
    assert {c.alpha_2 for c in pycountry.countries} <= set(demonyms)


@pytest.mark.parametrize("section", ["government_names", "leader_names", "evidence_names"])
def test_every_name_that_stands_for_a_country_names_a_real_one(section: str) -> None:
    with (DATA_DIR / "regions.toml").open("rb") as handle:
        codes = set(tomllib.load(handle)[section].values())
    assert codes and codes <= {c.alpha_2 for c in pycountry.countries}


def test_regions_lists_subregions_continents_and_customs_but_no_cities(gazetteer: Gazetteer) -> None:
    kinds = {r.kind for r in gazetteer.regions()}
    assert kinds == {"country", "subregion", "continent", "custom"}


def test_a_country_sits_in_its_un_subregion_and_continent(gazetteer: Gazetteer) -> None:
    assert gazetteer.region("ML").parent_id == "western-africa"
    assert gazetteer.region("western-africa").parent_id == "africa"


def test_a_city_region_names_its_country_as_parent(gazetteer: Gazetteer) -> None:
    bamako = gazetteer.region(gazetteer.resolve("Bamako"))
    assert (bamako.name, bamako.kind, bamako.parent_id) == ("Bamako", "city", "ML")


def test_regions_carry_coordinates(gazetteer: Gazetteer) -> None:
    assert gazetteer.region("NE").lat is not None and gazetteer.region("sahel").lon is not None


def test_containing_a_country_lists_subregion_continent_and_custom_regions(gazetteer: Gazetteer) -> None:
    assert {"western-africa", "africa", "sahel"} <= set(gazetteer.containing("ML"))


def test_containing_a_city_starts_with_its_country(gazetteer: Gazetteer) -> None:
    assert gazetteer.containing(gazetteer.resolve("Niamey"))[:2] == ("NE", "western-africa")


@pytest.mark.parametrize("reference, region_id", [
    ("Sahel", "sahel"), ("sahel", "sahel"), ("ML", "ML"), ("ml", "ML"), ("Mali", "ML"),
    ("Western Africa", "western-africa"), ("West Africa", "western-africa"), ("Ivory Coast", "CI"),
    ("Lake Chad Basin", "lake-chad-basin"), ("africa", "africa"),
])
def test_resolve_turns_names_and_ids_into_region_ids(gazetteer: Gazetteer, reference: str, region_id: str) -> None:
    assert gazetteer.resolve(reference) == region_id


def test_resolve_returns_none_for_an_unknown_name(gazetteer: Gazetteer) -> None:
    assert gazetteer.resolve("Atlantis Prime") is None


def test_config_custom_regions_replace_shipped_members(gazetteer: Gazetteer) -> None:
    custom = Gazetteer.load({"Sahel": ["ML", "NE"]})
    assert "sahel" not in custom.containing("BF") and "sahel" in custom.containing("NE")


def test_a_new_custom_region_gets_a_slug_id_and_contains_its_members() -> None:
    custom = Gazetteer.load({"Central Sahel": ["ML", "BF", "NE"]})
    assert custom.resolve("Central Sahel") == "central-sahel"
    assert "central-sahel" in custom.containing("BF")


def test_unknown_custom_member_codes_raise_naming_them() -> None:
    with pytest.raises(ValueError, match="XX"):
        Gazetteer.load({"Sahel": ["ML", "XX"]})


def test_the_shared_gazetteer_is_built_once_per_process(gazetteer: Gazetteer) -> None:
    assert Gazetteer.load().index is gazetteer.index


def test_the_city_table_is_written_once_and_read_back_equal(tmp_path: Path) -> None:
    built = city_table.city_rows(tmp_path, min_population=15_000)
    assert city_table.cache_file(tmp_path, 15_000).is_file()
    read_back = city_table.city_rows(tmp_path, min_population=15_000)
    assert [(r.geonameid, r.name, r.country, int(r.population), r.key) for r in read_back] == \
        [(r.geonameid, r.name, r.country, int(r.population), r.key) for r in built]


def test_the_city_table_stores_each_name_in_its_index_key_form(tmp_path: Path) -> None:
    rows = city_table.city_rows(tmp_path, min_population=15_000)
    assert {r.name: r.key for r in rows}["Bouaké"] == "bouake"


def test_a_city_table_with_a_missing_column_is_rebuilt(tmp_path: Path) -> None:
    built = city_table.city_rows(tmp_path, min_population=15_000)
    path = city_table.cache_file(tmp_path, 15_000)
    header, *lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([header, *(line.rsplit("\t", 1)[0] for line in lines)]), encoding="utf-8")
    assert city_table.city_rows(tmp_path, min_population=15_000) == built


def test_a_truncated_city_table_is_rebuilt(tmp_path: Path) -> None:
    built = city_table.city_rows(tmp_path, min_population=15_000)
    path = city_table.cache_file(tmp_path, 15_000)
    path.write_text("\n".join(path.read_text(encoding="utf-8").splitlines()[:10]), encoding="utf-8")
    assert len(city_table.city_rows(tmp_path, min_population=15_000)) == len(built)


def test_an_unwritable_cache_directory_still_yields_the_cities(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    rows = city_table.city_rows(blocker / "cache", min_population=15_000)
    assert any(r.name == "Lagos" for r in rows)
