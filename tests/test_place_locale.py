"""Namesakes decided by how the article is written: currency, spelling, times, institutions."""

from __future__ import annotations

import pytest

from daemon.gazetteer import Gazetteer
from daemon.place_locale import leading_locale, locale_votes
from daemon.regions import focus_countries, mentioned_countries, tag


def test_each_kind_of_cue_counts_once() -> None:
    votes = locale_votes("It cost £40 and later £55; the bus left at 7.30pm. Call 01632 960123.")
    assert votes == {"GB": 3, "IE": 1, "AU": 1, "NZ": 1}
    assert leading_locale(votes) == "GB"


def test_no_cue_and_a_tie_lead_nowhere() -> None:
    assert locale_votes("The river rose overnight.") == {}
    assert leading_locale({}) is None
    assert leading_locale({"US": 1, "CA": 1}) is None


def test_a_dollar_priced_council_story_is_about_the_american_town(gazetteer: Gazetteer) -> None:
    text = ("MANSFIELD — The city council will vote tonight on a $1.2 million loan for a new police "
            "station. The meeting starts at 7 p.m. at the municipal center.")
    assert mentioned_countries(tag("Council to vote on loan", text, gazetteer)) == {"US"}


def test_pounds_and_british_times_keep_an_english_town_in_england(gazetteer: Gazetteer) -> None:
    text = ("Detectives in Lancaster are looking for a man seen near the canal at 11.40pm on Friday. "
            "A reward of £500 has been offered by the family.")
    assert mentioned_countries(tag("Appeal after canal attack", text, gazetteer)) == {"GB"}


def test_dollars_and_councillors_point_to_the_canadian_london(gazetteer: Gazetteer) -> None:
    text = ("Councillors voted 9-5 to spend $21 million on the airport road, a project that could make "
            "London a cargo hub, the deputy mayor said.")
    assert mentioned_countries(tag("Airport road approved", text, gazetteer)) == {"CA"}


def test_a_world_city_is_not_taken_by_a_small_namesake_when_its_country_is_named(gazetteer: Gazetteer) -> None:
    text = ("The British prince spent the weekend in London after the interview. He had stayed at a "
            "house in New York City in 2010, and the case was heard in a US court in Manhattan. "
            "Royal aides in England said he regretted the visit.")
    tags = tag("Prince under pressure", text, gazetteer)
    assert "GB" in focus_countries(tags)
    assert "city:2643743" in {t.region_id for t in tags}        # London, England (GeoNames id)


@pytest.mark.parametrize("text, expected", [
    ("French troops left the base on Sunday.", {"FR"}),
    ("Chinese officials declined to comment.", {"CN"}),
    ("The stall sold French fries and Italian ice.", set()),
    ("She teaches English at the high school.", set()),
])
def test_one_adjective_names_a_country_only_when_the_state_or_its_people_act(
        gazetteer: Gazetteer, text: str, expected: set[str]) -> None:
    assert mentioned_countries(tag("", text, gazetteer)) == expected


def test_a_region_in_the_title_carries_to_the_member_country_named_as_a_place(gazetteer: Gazetteer) -> None:
    text = ("Hundreds of fishermen have returned to islands on Lake Chad, officials in Chad said, as "
            "the fish markets reopened.")
    tags = tag("Fishermen return to Lake Chad islands", text, gazetteer)
    assert focus_countries(tags) == {"TD"}


def test_a_continent_in_the_title_does_not_make_every_country_in_it_a_focus(gazetteer: Gazetteer) -> None:
    text = ("Ministers met in Kenya on Monday. Delegates from Chad and Ghana also attended, and a "
            "statement was read in Nairobi, Kenya, later in the day.")
    assert focus_countries(tag("Africa's trade ministers meet", text, gazetteer)) == {"KE"}


def test_a_short_local_story_is_about_the_only_country_it_places(gazetteer: Gazetteer) -> None:
    text = ("Police arrested a man on Tuesday after a fire at a house in Toledo, Ohio. Firefighters "
            "said no residents were injured, and the suspect will appear in court on Friday.")
    assert focus_countries(tag("Man arrested after house fire", text, gazetteer)) == {"US"}


def test_a_product_story_naming_one_city_once_has_no_focus(gazetteer: Gazetteer) -> None:
    text = ("The new phone has a larger screen, a faster chip and a camera that works better at night. "
            "It was shown at an event in San Francisco and goes on sale next month for the same price "
            "as last year's model, with more storage and a battery that lasts a full day.")
    assert focus_countries(tag("New phone revealed", text, gazetteer)) == set()


@pytest.mark.parametrize("text", ["Les combats continuent au Tchad.", "Los combates siguen en Chad.",
                                  "Os combates continuam no Chade."])
def test_french_spanish_and_portuguese_prepositions_place_a_country_like_in(gazetteer: Gazetteer, text: str) -> None:
    english = {t.region_id: t.score for t in tag("", "Fighting goes on in Chad.", gazetteer)}
    other = {t.region_id: t.score for t in tag("", text, gazetteer)}
    assert other["TD"] == english["TD"]
