"""Who acts for a country and where a story was reported: leaders, seats of government, datelines."""

from __future__ import annotations

import pytest

from daemon.gazetteer import Gazetteer
from daemon.regions import focus_countries, mentioned_countries, tag
from tests.tagged import countries_in


@pytest.mark.parametrize("text, expected", [
    ("Putin told reporters the talks had stalled.", "RU"),
    ("Donald Trump signed the order on Friday.", "US"),
    ("Le président Goïta a reçu les délégués.", "ML"),
    ("وقال ماكرون إن المهمة انتهت.", "FR"),
    ("Le général Doumbouya a promis un calendrier électoral.", "GN"),
    ("واستقبل الغزواني وفداً من رجال الأعمال.", "MR"),
    ("Tshisekedi a dénoncé les violences dans l'Est.", "CD"),
])
def test_a_leader_named_alone_stands_for_the_state(gazetteer: Gazetteer, text: str, expected: str) -> None:
    tags = tag("", text, gazetteer)
    assert mentioned_countries(tags) == {expected} and not [t for t in tags if t.kind == "city"]


def test_a_story_about_what_a_leader_does_is_about_the_leaders_country(gazetteer: Gazetteer) -> None:
    text = ("Erdogan met party officials on Monday and promised a new budget. Erdogan said inflation would "
            "fall by spring, and his ministers defended the plan. Critics of Erdogan called it a gamble "
            "before the vote. Erdogan is expected to address parliament next week.")
    assert focus_countries(tag("A budget before the vote", text, gazetteer)) == {"TR"}


def test_a_leader_quoted_once_in_a_story_about_elsewhere_is_no_focus(gazetteer: Gazetteer) -> None:
    text = ("Floods cut roads across northern Kenya this week. In Marsabit and Garissa, families left their "
            "homes as rivers rose. Kenya's meteorological office warned of more rain. Aid agencies in "
            "Nairobi said supplies were short. Modi sent condolences.")
    tags = tag("Floods cut roads in northern Kenya", text, gazetteer)
    assert (focus_countries(tags), "IN" in mentioned_countries(tags)) == ({"KE"}, True)


def test_a_common_surname_is_no_leader_without_the_first_name(gazetteer: Gazetteer) -> None:
    assert countries_in("Coach Tusk said the defence had played its best game.", gazetteer) == set()


DEPORTEES = ("Nearly 90 Nigerians came home on Thursday after being deported from the United States for "
             "overstaying their visas. Most had lived in Texas and New Jersey for years, driving taxis in Houston "
             "and cleaning offices in Newark. Some said they had been held for months before the flight. "
             "Relatives waited at the airport in Lagos with food and water.")


def test_the_datelined_country_stays_a_focus_beside_a_heavier_one(gazetteer: Gazetteer) -> None:
    tags = tag("Deportees return from the US", "LAGOS: " + DEPORTEES, gazetteer)
    assert focus_countries(tags) == {"NG", "US"}


def test_without_the_dateline_the_lighter_country_is_only_mentioned(gazetteer: Gazetteer) -> None:
    tags = tag("Deportees return from the US", DEPORTEES, gazetteer)
    assert (focus_countries(tags), mentioned_countries(tags)) == ({"US"}, {"NG", "US"})


def test_two_adjectives_joined_by_and_share_the_state_noun(gazetteer: Gazetteer) -> None:
    assert countries_in("French and German troops left the base on Monday.", gazetteer) == {"FR", "DE"}


def test_two_adjectives_before_a_common_noun_name_no_country(gazetteer: Gazetteer) -> None:
    assert countries_in("The shop sells French and German wines.", gazetteer) == set()
