"""How a name is used decides whether it is a place: surnames, ages, water bodies, dishes, markets."""

from __future__ import annotations

import pytest

from daemon.gazetteer import Gazetteer
from daemon.regions import analyse, focus_countries, mentioned_countries, tag
from tests.tagged import countries_in


@pytest.mark.parametrize("text", [
    "The victim, Matthew D. Flores, was found on Monday. Police said Flores had no enemies.",
    "Tina Vehof walked with her youngest son Joshua, 4, to the bus stop.",
    "A fire gutted the diner that he and his wife Nancy ran for thirty years.",
    "Detective Bill Carlow arrived at noon. By Friday the file had been handed to Carlow for review.",
])
def test_a_town_name_used_as_a_persons_name_tags_nothing(gazetteer: Gazetteer, text: str) -> None:
    assert countries_in(text, gazetteer) == set()


def test_a_byline_name_is_not_a_country(gazetteer: Gazetteer) -> None:
    assert countries_in("BY CHAD KLIMACK Staff Reporter\n\nThe zoning board met on Tuesday.", gazetteer) == set()


@pytest.mark.parametrize("text, absent", [
    ("The bayou drains south past Tyler and empties into the Gulf of Mexico east of Beaumont.", "MX"),
    ("Low pressure over the Gulf of Alaska brought rain to the coast.", "US"),
])
def test_a_water_body_named_after_a_place_is_not_that_place(gazetteer: Gazetteer, text: str, absent: str) -> None:
    assert absent not in countries_in(text, gazetteer)


def test_a_dish_named_after_a_city_is_not_the_city(gazetteer: Gazetteer) -> None:
    text = "Add 1 Tbsp. green onions and 1 Fresno chile, then simmer for ten minutes."
    assert countries_in(text, gazetteer) == set()


def test_a_country_named_as_a_market_is_no_focus(gazetteer: Gazetteer) -> None:
    text = ("The new electric coupe goes on sale next spring. US versions of the car get a smaller "
            "battery, and the US price has not been announced. US buyers will also get different "
            "mirrors. The interior has massage seats and a large touchscreen, and the range is "
            "longer than the older model thanks to a new motor and better aerodynamics.")
    tags = tag("New electric coupe revealed", text, gazetteer)
    assert "US" in mentioned_countries(tags)
    assert focus_countries(tags) == set()


def test_a_countrys_name_is_the_country_not_a_small_namesake_town(gazetteer: Gazetteer) -> None:
    text = ("Rep. Smith toured the U.S.-Mexico border at McAllen, Texas, and said the United States "
            "needs more agents. Drug seizures on the border with Mexico rose, the agency said.")
    assert "MX" in countries_in(text, gazetteer)


def test_a_province_outranks_a_namesake_city(gazetteer: Gazetteer) -> None:
    text = "Ontario's education minister said on Friday that school boards should share empty space."
    assert countries_in(text, gazetteer) == {"CA"}


def test_saint_and_mount_are_found_in_their_short_forms(gazetteer: Gazetteer) -> None:
    assert countries_in("ST. PAUL, Minn. -- A South St. Paul man was charged on Monday.", gazetteer) == {"US"}


@pytest.mark.parametrize("text, expected", [
    ("Five people appeared in court in Tipperary after the parade.", {"IE"}),
    ("The crash closed the road near Ennis, County Clare, for six hours.", {"IE"}),
    ("Lancashire County Council will fund two new bus routes.", {"GB"}),
])
def test_english_and_irish_counties_name_their_country(gazetteer: Gazetteer, text: str, expected: set[str]) -> None:
    assert countries_in(text, gazetteer) == expected


def test_a_word_that_opens_a_sentence_and_is_written_lowercase_elsewhere_is_the_word(gazetteer: Gazetteer) -> None:
    text = ("Ulama dari India dan Iran hadir. Dari sinilah muncul dua kelompok. "
            "Sebagian besar datang dari kota yang sama.")
    assert [words for words, _ in analyse("", text, gazetteer)[0]] == ["India", "Iran"]


def test_a_town_that_opens_a_sentence_stays_a_town_when_never_written_lowercase(gazetteer: Gazetteer) -> None:
    text = "Officials met on Monday. Dari residents said the well had run dry for a week in Dari."
    assert countries_in(text, gazetteer) == {"IN"}


def test_a_country_named_as_a_diplomats_posting_is_not_placed(gazetteer: Gazetteer) -> None:
    mentions, _ = analyse("Envoy testifies", "The former ambassador to Moldova testified before the committee.",
                          gazetteer)
    assert [(words, mention.located) for words, mention in mentions] == [("Moldova", False)]


def test_a_journey_to_a_country_still_places_it(gazetteer: Gazetteer) -> None:
    mentions, _ = analyse("Envoy travels", "The ambassador flew to Moldova on Monday.", gazetteer)
    assert [(words, mention.located) for words, mention in mentions] == [("Moldova", True)]


def test_a_story_about_an_envoy_is_not_about_the_country_of_the_posting(gazetteer: Gazetteer) -> None:
    text = ("The former U.S. ambassador to Moldova testified on Tuesday before a U.S. House committee. "
            "The ambassador to Moldova said the U.S. State Department had ignored her warnings. U.S. "
            "lawmakers asked why the ambassador to Moldova had been recalled.")
    assert "MD" not in focus_countries(tag("Recalled envoy testifies", text, gazetteer))


def test_a_story_of_one_countrys_politics_is_about_it_beside_an_envoys_posting(gazetteer: Gazetteer) -> None:
    text = ("Claim: the former U.S. envoy to Moldova owns three yachts.\n\n"
            "Rating: false.\n\n"
            "The former envoy to Moldova spoke to the U.S. Senate Foreign Relations Committee last week. "
            "Soon after, posts shared by critics of her testimony claimed she was secretly rich. "
            "We found no record of any yacht in her name. The U.S. Coast Guard registry lists none, and "
            "U.S. disclosure forms she filed as ambassador to Moldova show modest savings.")
    tags = tag("Does a former envoy own three yachts?", text, gazetteer)
    assert focus_countries(tags) == {"US"}
    assert "MD" in mentioned_countries(tags)
