"""The Sahel's second towns named alone: a one-line brief about Kidal or Djibo is about Mali or Burkina.

A town whose name exists in one country only, named after a place preposition, stands alone from
15,000 people; elsewhere (a name, a surname) it still needs its country's support.
"""

from __future__ import annotations

import pytest

from daemon.gazetteer import Gazetteer
from daemon.regions import focus_countries, mentioned_countries, tag


@pytest.mark.parametrize(("title", "country"), [
    ("Army post attacked near Kidal", "ML"),
    ("Embuscade meurtrière à Djibo", "BF"),
    ("هجوم مسلح في كيدال", "ML"),
    ("Convoy of deportees left near Tamanrasset", "DZ"),
])
def test_a_town_named_as_a_place_is_its_countrys_focus(title: str, country: str, gazetteer: Gazetteer) -> None:
    assert focus_countries(tag(title, "", gazetteer)) == {country}


def test_a_lone_town_name_not_used_as_a_place_gives_no_country(gazetteer: Gazetteer) -> None:
    assert mentioned_countries(tag("Kidal signs a two-year contract with the club", "", gazetteer)) == set()


@pytest.mark.parametrize(("text", "country"), [
    ("أوقف المهاجرون في تمنراست ثم نقلوا بالحافلات.", "DZ"),
    ("عبرت القافلة من أوباري نحو الجنوب.", "LY"),
    ("وصل الوفد إلى واهيغويا صباح الأحد.", "BF"),
    ("تضررت الطرق بين الزويرات وروصو.", "MR"),
])
def test_arabic_names_of_the_migrant_route_towns(text: str, country: str, gazetteer: Gazetteer) -> None:
    assert mentioned_countries(tag("", text, gazetteer)) == {country}


def test_an_algerian_deportation_story_is_about_both_countries(gazetteer: Gazetteer) -> None:
    title = "الجزائر تبعد مئات المهاجرين نحو حدود النيجر"
    text = ("قالت منظمات إغاثة في نيامي إن حافلات أقلت المهاجرين من تمنراست إلى نقطة صحراوية قرب حدود "
            "النيجر. وطالبت السلطات النيجرية بوقف عمليات الإبعاد، بينما قالت الجزائر إنها تطبق القانون.")
    assert focus_countries(tag(title, text, gazetteer)) == {"DZ", "NE"}


@pytest.mark.parametrize(("title", "country"), [
    ("مقتل جنود في هجوم بمنطقة تيلابيري", "NE"),
    ("Attaque dans la localité de Djibo", "BF"),
    ("Curfew extended in the district of Tillabéri", "NE"),
])
def test_the_kind_of_place_may_stand_between_the_preposition_and_the_town(title: str, country: str,
                                                                          gazetteer: Gazetteer) -> None:
    assert focus_countries(tag(title, "", gazetteer)) == {country}


def test_within_the_framework_of_is_no_mauritanian_town(gazetteer: Gazetteer) -> None:
    text = "وقعت الحكومة اتفاقا جديدا في إطار التعاون الأمني مع شركائها."
    assert mentioned_countries(tag("", text, gazetteer)) == set()


@pytest.mark.parametrize("title", ["Two soldiers killed in an attack in Gao",
                                   "Inondations à Kayes : des centaines de sinistrés",
                                   "Floods in the Kayes region displace farmers"])
def test_a_town_far_larger_than_its_namesakes_abroad_stands_alone_as_a_place(title: str, gazetteer: Gazetteer) -> None:
    assert focus_countries(tag(title, "", gazetteer)) == {"ML"}


def test_the_smaller_namesake_is_read_when_the_article_names_its_country(gazetteer: Gazetteer) -> None:
    title = "Congo-Brazzaville : des inondations à Kayes font des centaines de sinistrés"
    assert mentioned_countries(tag(title, "", gazetteer)) == {"CG"}


def test_a_town_shared_with_namesakes_of_its_size_still_needs_its_country(gazetteer: Gazetteer) -> None:
    assert mentioned_countries(tag("Clashes in Mao leave three dead", "", gazetteer)) == set()


@pytest.mark.parametrize("title", ["Clashes near Menaka", "Attaque à Ménaka", "هجوم في ميناكا"])
def test_a_regional_capital_just_under_the_size_that_stands_alone_is_listed(title: str,
                                                                            gazetteer: Gazetteer) -> None:
    assert focus_countries(tag(title, "", gazetteer)) == {"ML"}
