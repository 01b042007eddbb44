"""Sahel localities GeoNames lacks or lists below 5,000 people: camps, villages and border posts.

Named after a place preposition they stand alone; named otherwise they still need their country.
"""

from __future__ import annotations

import pytest

from daemon.gazetteer import Gazetteer
from daemon.regions import focus_countries, mentioned_countries, tag


@pytest.mark.parametrize(("title", "country"), [
    ("Soldiers killed as militants overrun a base in Tessalit", "ML"),
    ("Les FAMa patrouillent à Anéfis depuis lundi", "ML"),
    ("Gunmen torch market stalls near Kantchari", "BF"),
    ("Hundreds of expelled migrants stranded in Assamaka", "NE"),
    ("Un convoi de migrants bloqué à Dirkou", "NE"),
    ("Tension rises at the crossing in Bordj Badji Mokhtar", "DZ"),
    ("Smugglers arrested in Al Qatrun", "LY"),
])
def test_a_locality_named_as_a_place_is_its_countrys_focus(title: str, country: str,
                                                           gazetteer: Gazetteer) -> None:
    assert focus_countries(tag(title, "", gazetteer)) == {country}


@pytest.mark.parametrize(("title", "country"), [
    ("اشتباكات عنيفة في تساليت", "ML"),
    ("تعطل شاحنات المهاجرين في ديركو", "NE"),
    ("انفجار لغم قرب بارسالوغو", "BF"),
])
def test_arabic_spellings_of_localities_are_found(title: str, country: str, gazetteer: Gazetteer) -> None:
    assert focus_countries(tag(title, "", gazetteer)) == {country}


def test_a_locality_without_a_preposition_is_taken_with_its_countrys_support(gazetteer: Gazetteer) -> None:
    tags = tag("Les FAMa reprennent Anéfis", "L'armée malienne a repris la localité mardi.", gazetteer)
    assert "city:sahel-anefis" in {t.region_id for t in tags}


def test_a_locality_tag_carries_its_coordinates(gazetteer: Gazetteer) -> None:
    region = gazetteer.region("city:sahel-anefis")
    assert (region.parent_id, region.lat, region.lon) == ("ML", 18.05, 0.6)


def test_a_locality_geonames_knows_keeps_its_geonames_id(gazetteer: Gazetteer) -> None:
    tags = tag("Drone strike reported in Tessalit", "", gazetteer)
    assert "city:2449893" in {t.region_id for t in tags}


@pytest.mark.parametrize("title", [
    "Tessalit scores twice in the derby",
    "Gossi and her sister open a bakery",
    "Konna wins the sprint",
])
def test_a_locality_name_not_used_as_a_place_gives_no_country(title: str, gazetteer: Gazetteer) -> None:
    assert mentioned_countries(tag(title, "", gazetteer)) == set()
