"""Spanish, Portuguese, German and Italian place names: CLDR names, hand-kept aliases, capitals, skips."""

from __future__ import annotations

import pytest

from daemon.european_names import adjective_forms, names_data
from daemon.gazetteer import Gazetteer
from daemon.regions import focus_countries, tag
from tests.tagged import countries_in


def test_a_spanish_brief_about_mali_is_about_mali_and_mentions_france(gazetteer: Gazetteer) -> None:
    title = "Emboscada contra una patrulla en el centro de Malí"
    text = ("Una patrulla del ejército fue atacada el martes cerca de Mopti, en el centro de Malí; "
            "hubo doce soldados muertos. El gobierno de Malí decretó tres días de duelo y Francia "
            "condenó la emboscada.")
    tags = tag(title, text, gazetteer)
    assert focus_countries(tags) == {"ML"} and countries_in(text, gazetteer, title) == {"ML", "FR"}


@pytest.mark.parametrize("text, expected", [
    ("Die Armee von Tschad meldet Kämpfe im Norden.", {"TD"}),
    ("Die Regierung der Elfenbeinküste verschiebt die Wahl.", {"CI"}),
    ("Proteste in Weißrussland und Russland.", {"BY", "RU"}),
    ("Flüchtlinge aus der DR Kongo erreichen Uganda.", {"CD", "UG"}),
])
def test_german_country_names_are_recognised(gazetteer: Gazetteer, text: str, expected: set) -> None:
    assert countries_in(text, gazetteer) == expected


@pytest.mark.parametrize("text, expected", [
    ("Los EE. UU. enviarán ayuda humanitaria.", {"US"}),
    ("Encuentro entre EEUU y Rusia.", {"US", "RU"}),
    ("Os EUA anunciaram novas sanções.", {"US"}),
])
def test_the_abbreviations_for_the_united_states_are_recognised(gazetteer: Gazetteer, text: str,
                                                                 expected: set) -> None:
    assert countries_in(text, gazetteer) == expected


@pytest.mark.parametrize("text, expected", [
    ("Lluvias torrenciales en Camerún y Níger.", {"CM", "NE"}),
    ("La Costa d'Avorio ha chiuso le frontiere.", {"CI"}),
    ("Il governo della Costa d’Avorio ha chiuso le frontiere.", {"CI"}),
])
def test_accented_and_elided_names_are_recognised(gazetteer: Gazetteer, text: str, expected: set) -> None:
    assert countries_in(text, gazetteer) == expected


@pytest.mark.parametrize("text, expected", [
    ("Manifestación en Yamena contra la junta.", {"TD"}),
    ("Cortes de electricidad en Uagadugú.", {"BF"}),
    ("Explosion in Ndschamena.", {"TD"}),
    ("Ministros reunidos em Abidjã.", {"CI"}),
])
def test_capitals_spelled_the_spanish_portuguese_or_german_way_are_recognised(gazetteer: Gazetteer, text: str,
                                                                               expected: set) -> None:
    assert countries_in(text, gazetteer) == expected


def test_guine_bissau_is_not_read_as_guinea(gazetteer: Gazetteer) -> None:
    assert countries_in("A Guiné-Bissau vai às urnas no domingo.", gazetteer) == {"GW"}


def test_a_skip_listed_name_is_not_a_place(gazetteer: Gazetteer) -> None:
    assert "MF" not in countries_in("San Martín cruzó los Andes con su ejército.", gazetteer)


def test_spanish_gana_at_the_start_of_a_headline_is_not_ghana(gazetteer: Gazetteer) -> None:
    assert "GH" not in countries_in("Gana el Barcelona y se acerca al liderato.", gazetteer)


def test_the_portuguese_word_for_a_meeting_opening_a_headline_is_not_reunion(gazetteer: Gazetteer) -> None:
    assert "RE" not in countries_in("Reunião de ministros termina sem acordo.", gazetteer)


def test_an_english_sentence_with_the_same_words_keeps_its_places(gazetteer: Gazetteer) -> None:
    text = "Firefighters from St. Helena, California, joined crews from Ghana and Mali."
    assert countries_in(text, gazetteer) == {"US", "GH", "ML"}


def test_an_italian_adjective_in_o_takes_the_feminine_and_plural_endings() -> None:
    assert adjective_forms("maliano", names_data()["adjectives"]["rules"]["it"]) == (
        "maliano", "maliana", "maliani", "maliane")


def test_a_spanish_adjective_in_es_takes_an_unaccented_feminine_and_plural() -> None:
    assert adjective_forms("senegalés", names_data()["adjectives"]["rules"]["es"]) == (
        "senegalés", "senegalesa", "senegaleses", "senegalesas")


@pytest.mark.parametrize("text, expected", [
    ("Los soldados malienses repelieron el ataque.", {"ML"}),
    ("As autoridades chadianas fecharam a fronteira.", {"TD"}),
    ("Die malische Armee meldet Verluste; die malischen Behörden schweigen.", {"ML"}),
    ("Il governo nigerino tace; le truppe nigerine si ritirano.", {"NE"}),
])
def test_a_lowercase_adjective_of_nationality_is_evidence_for_its_country(gazetteer: Gazetteer, text: str,
                                                                          expected: set) -> None:
    assert countries_in(text, gazetteer) == expected


def test_an_english_first_name_spelled_like_an_adjective_is_not_france(gazetteer: Gazetteer) -> None:
    assert "FR" not in countries_in("Frances Okafor chaired the meeting in Lagos.", gazetteer)


def test_every_code_in_the_data_is_a_country_the_gazetteer_knows(gazetteer: Gazetteer) -> None:
    data = names_data()
    codes = {code for table in (*data["countries"].values(), *data["aliases"].values()) for code in table}
    codes |= {code for code, _ in data["cities"].values()}
    codes |= {code for language in data["adjectives"]["rules"] for code in data["adjectives"][language]}
    assert all((region := gazetteer.region(code)) is not None and region.kind == "country" for code in codes)


@pytest.mark.parametrize("text, expected", [
    ("El ejército maliense atacó la base.", {"ML"}),
    ("Die malische Armee griff an.", {"ML"}),
    ("Il governo nigerino ha chiuso la frontiera.", {"NE"}),
    ("O exército nigerino fechou a fronteira.", {"NE"}),
])
def test_one_adjective_beside_a_state_noun_names_its_country(gazetteer: Gazetteer, text: str, expected: set) -> None:
    assert countries_in(text, gazetteer) == expected


@pytest.mark.parametrize("text", [
    "Reunión de ministros en Bamako.",
    "Reunión del consejo de seguridad en Bamako.",
    "Reunión con el gobierno en Bamako.",
    "Reunión entre Malí y Níger en Bamako.",
])
def test_a_spanish_sentence_opening_with_reunion_and_a_preposition_is_a_meeting(gazetteer: Gazetteer,
                                                                               text: str) -> None:
    assert "RE" not in countries_in(text, gazetteer)


def test_a_lowercase_spanish_reunion_is_a_meeting(gazetteer: Gazetteer) -> None:
    assert countries_in("La reunión con el gobierno maliense terminó sin acuerdo.", gazetteer) == {"ML"}


@pytest.mark.parametrize("text", [
    "Un ciclón azota la isla de la Reunión.",
    "Un ciclón causa daños en Reunión.",
])
def test_the_island_written_reunion_in_spanish_is_still_the_island(gazetteer: Gazetteer, text: str) -> None:
    assert countries_in(text, gazetteer) == {"RE"}
