"""A city of millions against its small namesakes: "via Moscow and Paris" in a story about the US
border is Russia and France, not Moscow, Idaho and Paris, Texas; "a tree in Berlin" in a story that
names Middletown and Hartford is Berlin, Connecticut."""

from __future__ import annotations

from daemon.gazetteer import Gazetteer
from daemon.regions import tag
from tests.tagged import countries_in


def _cities(title: str, text: str, gazetteer: Gazetteer) -> dict[str, str]:
    """City name -> its country, for every city the text is tagged with."""
    found = {}
    for t in tag(title, text, gazetteer):
        if t.kind == "city":
            region = gazetteer.region(t.region_id)
            found[region.name] = region.parent_id
    return found


def test_a_journey_through_world_cities_is_not_through_their_american_namesakes(gazetteer: Gazetteer) -> None:
    text = ("The men paid an agent to get them into the United States. They flew to Mexico via Moscow and "
            "Paris, walked for days toward Arizona and were held by the US Border Patrol near the fence. "
            "Officials in Arizona sent them back on a charter flight last week.")
    cities = _cities("", text, gazetteer)
    assert cities.get("Moscow") == "RU"
    assert cities.get("Paris") == "FR"
    assert {"RU", "FR", "US", "MX"} <= countries_in(text, gazetteer)


def test_a_small_town_is_read_when_a_place_of_its_state_is_named(gazetteer: Gazetteer) -> None:
    text = ("A Middletown driver was badly hurt when his car left the road and hit a tree in Berlin on "
            "Sunday night. He was taken to a hospital in Hartford, and Berlin police are investigating.")
    assert countries_in(text, gazetteer) == {"US"}


def test_a_small_town_is_read_beside_a_county_of_its_state(gazetteer: Gazetteer) -> None:
    text = ("Every household in Paris and Henry County will get a letter from the volunteer rescue squad "
            "this month asking for donations toward a new ambulance.")
    assert "FR" not in countries_in(text, gazetteer)


def test_saida_is_lebanons_beside_lebanon_and_algerias_beside_algeria(gazetteer: Gazetteer) -> None:
    """English writes Lebanon's Sidon as Saida too, Algeria's Saïda's own name: the article chooses."""
    assert countries_in("Gunfire was heard overnight in Saida, in southern Lebanon.", gazetteer) == {"LB"}
    assert countries_in("Le wali de Saïda a inauguré une école, a annoncé l'agence algérienne APS.",
                        gazetteer) == {"DZ"}
