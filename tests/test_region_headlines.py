"""What a headline or a hyphened pair says a story is about: its countries reach focus more easily."""

from __future__ import annotations

from daemon.gazetteer import Gazetteer
from daemon.regions import focus_countries, mentioned_countries, tag

BORDER_BRIEF = (
    "COTONOU – Les douaniers béninois ont rouvert lundi le poste de Malanville, au nord du pays, après "
    "des mois de fermeture. À Cotonou, le ministre du Commerce a salué « un pas utile » pour les "
    "transporteurs du Bénin, nombreux à attendre depuis l'été. Les autorités de Niamey n'ont pas encore "
    "réagi. À Parakou, les grossistes espèrent une reprise rapide des ventes de ciment et de riz vers le "
    "Niger.")

ENVOY_BRIEF = (
    "نيامي - أجرى مبعوث أمريكي محادثات في نيامي مع وزير الخارجية النيجري حول التعاون في مكافحة الإرهاب. "
    "وقال مسؤول في نيامي إن اللقاء كان إيجابياً. وأضاف أن المبعوث سيزور أغاديز قبل أن يعود إلى واشنطن "
    "نهاية الأسبوع. وكانت واشنطن قد علّقت تعاونها العسكري العام الماضي، وأكدت الخارجية في واشنطن أن الزيارة تمهد لاتفاق. وتبحث سلطات النيجر عن شركاء جدد.")


def test_both_countries_of_a_headline_pair_are_the_focus(gazetteer: Gazetteer) -> None:
    tags = tag("Bénin-Niger : la frontière rouvre aux camions", BORDER_BRIEF, gazetteer)
    assert focus_countries(tags) == {"BJ", "NE"}


def test_the_same_country_named_only_in_the_body_is_no_focus(gazetteer: Gazetteer) -> None:
    text = BORDER_BRIEF + " Le Niger n'a pas commenté."        # as heavy as with the headline
    tags = tag("Bénin : la frontière rouvre aux camions", text, gazetteer)
    assert (focus_countries(tags), "NE" in mentioned_countries(tags)) == ({"BJ"}, True)


def test_an_envoy_in_the_headline_makes_his_country_a_focus(gazetteer: Gazetteer) -> None:
    tags = tag("مبعوث أمريكي في نيامي لبحث التعاون الأمني", ENVOY_BRIEF, gazetteer)
    assert focus_countries(tags) == {"NE", "US"}


def test_a_headline_adjective_that_names_no_actor_does_not_lower_the_bar(gazetteer: Gazetteer) -> None:
    text = ENVOY_BRIEF.replace("مبعوث أمريكي", "مبعوث")
    tags = tag("مطعم أمريكي في نيامي", text, gazetteer)
    assert focus_countries(tags) == {"NE"}


def test_a_border_word_opening_a_headline_is_no_first_name(gazetteer: Gazetteer) -> None:
    tags = tag("Frontière Mali-Niger : le trafic reprend", "Les camions passent de nouveau.", gazetteer)
    assert mentioned_countries(tags) == {"ML", "NE"}


def test_two_countries_joined_by_a_hyphen_are_both_the_story(gazetteer: Gazetteer) -> None:
    text = ("Gunmen crossed the Burkina-Niger border overnight and attacked a customs post near Téra. "
            "Soldiers reached Téra by dawn, the army said, and the attackers fled back into Burkina Faso. "
            "Traders in Téra said the market stayed shut on Monday.")
    assert focus_countries(tag("", text, gazetteer)) == {"NE", "BF"}
