"""Shapes around a name that say it is no place: a double first name, a quoted title; and
industries named by their home ("Nollywood")."""

from __future__ import annotations

import pytest

from daemon.gazetteer import Gazetteer
from daemon.regions import focus_countries, tag
from tests.tagged import countries_in


def _city_names(text: str, gazetteer: Gazetteer) -> set[str]:
    return {gazetteer.region(t.region_id).name for t in tag("", text, gazetteer) if t.kind == "city"}


def test_a_town_name_after_a_first_name_and_hyphen_is_a_double_first_name(gazetteer: Gazetteer) -> None:
    text = "In Boston, Rose-Lynn sang for her mother. Later Rose-Lynn left for Texas."
    assert _city_names(text, gazetteer) == {"Boston"}


def test_a_place_after_a_hyphened_prefix_is_still_a_place(gazetteer: Gazetteer) -> None:
    assert countries_in("Pro-Beijing lawmakers walked out of the chamber.", gazetteer) == {"CN"}


def test_two_places_joined_by_a_hyphen_are_both_places(gazetteer: Gazetteer) -> None:
    assert countries_in("The Paris-Lyon train was cancelled.", gazetteer) == {"FR"}


@pytest.mark.parametrize("text", [
    "She wrote “Glasgow,” a ballad for the film.",
    "The band closed with 'Nashville' before the encore.",
    "He starred in “Fargo” for two seasons.",
])
def test_a_town_name_alone_in_quotes_is_a_title(gazetteer: Gazetteer, text: str) -> None:
    assert countries_in(text, gazetteer) == set()


def test_a_town_name_quoted_inside_a_longer_quote_is_still_a_place(gazetteer: Gazetteer) -> None:
    assert countries_in("“We left Glasgow at dawn,” she said.", gazetteer) == {"GB"}


def test_a_country_alone_in_quotes_is_still_the_country(gazetteer: Gazetteer) -> None:
    assert countries_in("Officials avoided the word “Mali” in the statement.", gazetteer) == {"ML"}


def test_an_actress_of_nollywood_is_filed_under_nigeria(gazetteer: Gazetteer) -> None:
    text = ("The Nollywood actress shared new photos with her fans on Sunday. Her followers praised the "
            "pictures, and fellow Nollywood stars left comments under the post.")
    assert focus_countries(tag("Nollywood actress shares new photos", text, gazetteer)) == {"NG"}


@pytest.mark.parametrize("text", [
    "Ministers flew to the UN to ask for a Security Council session.",
    "Delegates at the UN voted on the text late on Friday.",
    "The agency sent its figures to GAO auditors last week.",
    "Negotiators are heading to the (UN) climate summit next month.",
    "Volunteers in the NICE program will paint fences in the old neighborhood this spring.",
])
def test_an_acronym_in_capitals_is_not_a_town_of_the_same_letters(gazetteer: Gazetteer, text: str) -> None:
    """Un (India), Eu (France) and Gao (Mali) are towns; in mixed-case text "UN", "EU", "GAO" are not."""
    assert countries_in(text, gazetteer) == set()


@pytest.mark.parametrize(("text", "country"), [
    ("GAO, Mali — Gunmen fired on a supply convoy outside the town on Tuesday.", "ML"),
    ("Commuters in NYC waited an hour for the trains after the storm.", "US"),
    ("GAO, MALI — GUNMEN FIRED ON A SUPPLY CONVOY OUTSIDE THE TOWN ON TUESDAY.", "ML"),
])
def test_a_town_in_capitals_is_still_a_town_in_a_dateline_an_abbreviation_or_all_caps_text(
        gazetteer: Gazetteer, text: str, country: str) -> None:
    assert countries_in(text, gazetteer) == {country}


@pytest.mark.parametrize("text", [
    "Virginia Okafor, who runs the shelter, said every bed was taken. Okafor has asked the council for money.",
    "Indiana Marsh won the county's spelling bee. Marsh, who is twelve, spelled every word right.",
])
def test_a_state_before_a_surname_that_recurs_alone_is_a_first_name(gazetteer: Gazetteer, text: str) -> None:
    assert countries_in(text, gazetteer) == set()


@pytest.mark.parametrize("text", [
    "Flooding in Virginia closed roads on Monday. Virginia Governor Ellis said more rain was due; the Governor "
    "asked drivers to stay home.",
    "A Minnesota Highway Patrol trooper stopped the van on Highway 29 near the lake.",
])
def test_a_state_before_a_word_that_recurs_inside_other_names_is_still_the_state(
        gazetteer: Gazetteer, text: str) -> None:
    assert countries_in(text, gazetteer) == {"US"}


@pytest.mark.parametrize("text", [
    "The convoy reached the border town at dawn, a customs officer told Agence France-Presse.",
    "Two aid workers were freed on Sunday, a spokesman told Voice of America.",
])
def test_a_news_agency_credited_for_a_report_is_not_its_country(gazetteer: Gazetteer, text: str) -> None:
    assert countries_in(text, gazetteer) == set()


def test_a_common_word_in_a_capitals_dateline_is_no_town(gazetteer: Gazetteer) -> None:
    """ "OF" in a dateline is not Of, Turkey, and does not make "ISLE" (Isle, France) a town either."""
    text = "ISLE OF PALMS — Two planning commissioners will run for the vacant council seat in May."
    assert countries_in(text, gazetteer) == set()


def test_a_word_of_faith_after_in_is_no_town(gazetteer: Gazetteer) -> None:
    assert countries_in("She kept her faith in God through two long winters.", gazetteer) == set()


def test_a_namesake_countrys_name_for_local_people_is_the_town(gazetteer: Gazetteer) -> None:
    """Local news says "a Lebanon woman" for one from Lebanon, Pennsylvania; the country's would be Lebanese."""
    text = "A Lebanon woman charged with fraud will appear before the county judge next week."
    assert "LB" not in countries_in(text, gazetteer)


def test_the_country_stays_where_its_adjective_or_a_place_preposition_says_so(gazetteer: Gazetteer) -> None:
    assert countries_in("A Lebanese woman was among the passengers, Lebanese officials said.", gazetteer) == {"LB"}
    assert countries_in("The woman flew home to Lebanon last week.", gazetteer) == {"LB"}


@pytest.mark.parametrize("text", [
    "Firefighters were called to a house on Indian Lake Road early on Monday. Indian Lake Road was closed "
    "for three hours.",
    "Anglers say the trout are back in French Creek after the dam came down; French Creek had been silted "
    "up for years.",
])
def test_an_adjective_of_nationality_naming_a_local_lake_or_creek_is_no_country(gazetteer: Gazetteer,
                                                                                text: str) -> None:
    assert countries_in(text, gazetteer) & {"IN", "FR"} == set()


def test_an_adjective_of_nationality_before_a_lowercase_river_is_still_its_country(gazetteer: Gazetteer) -> None:
    text = "French troops crossed the river at dawn, French officials said."
    assert countries_in(text, gazetteer) == {"FR"}


def test_names_in_a_list_of_counties_are_the_counties(gazetteer: Gazetteer) -> None:
    """Navarro is a town in Argentina too; before "counties" it is the Texas county."""
    text = "Deputies from Navarro, Henderson and Ellis counties joined the search on Saturday."
    assert countries_in(text, gazetteer) == {"US"}


@pytest.mark.parametrize("text", [
    "The ballet is based on the play by J.M. Barrie, first staged in 1904.",
    "The sprint was won by David Vitoria ahead of two riders from the same team.",
])
def test_a_town_name_after_two_initials_or_a_common_first_name_is_a_surname(gazetteer: Gazetteer,
                                                                             text: str) -> None:
    assert countries_in(text, gazetteer) == set()


def test_a_town_quarter_before_a_town_is_no_initial(gazetteer: Gazetteer) -> None:
    text = "Fire damaged an apartment in S.E. Paris on Tuesday; Paris firefighters put the loss at $20,000."
    assert countries_in(text, gazetteer) == {"US"}


@pytest.mark.parametrize("text", [
    "Councillors approved a plan for two thousand houses near Weston-on-the-Green.",
    "Ferries left Port-en-Bessin before the storm reached the coast.",
])
def test_the_first_part_of_a_hyphened_village_name_is_not_a_town(gazetteer: Gazetteer, text: str) -> None:
    assert countries_in(text, gazetteer) & {"US", "GB"} == set()


def test_a_surname_with_an_apostrophe_stays_a_person_when_used_alone_later(gazetteer: Gazetteer) -> None:
    """O'Connor is a suburb of Canberra too; after "Brian O’Connor, 38," it is the man again."""
    text = ("The neighbour, Brian O’Connor, 38, promised officers he would turn the music down. An hour "
            "later O’Connor had the music up again, and O’Connor was arrested after he kicked a door in.")
    assert countries_in(text, gazetteer) == set()
