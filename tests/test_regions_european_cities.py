"""Big cities in their Spanish, Portuguese, Italian and German spellings, and "Roma", "Mosca" and
"Napoli" read as the cities only where the words around them are Italian, Spanish or Portuguese."""

from __future__ import annotations

import pytest

from daemon.gazetteer import Gazetteer
from tests.tagged import countries_in


@pytest.mark.parametrize("text, expected", [
    ("Huelga de transporte en Lisboa.", {"PT"}),
    ("Il vertice di Milano e Torino.", {"IT"}),
    ("Traffico bloccato a Napoli e Genova.", {"IT"}),
    ("Mostra d'arte a Firenze.", {"IT"}),
    ("Streik in Wien und München.", {"AT", "DE"}),
    ("Konferenz in Praha und Warszawa.", {"CZ", "PL"}),
    ("Overleg in Brussel.", {"BE"}),
    ("Verhandlungen in Genf.", {"CH"}),
    ("Kabinetsberaad in Den Haag.", {"NL"}),
    ("Gespräche in Moskau.", {"RU"}),
    ("Nuovi colloqui a Mosca.", {"RU"}),
    ("Il treno da Mosca arriva in ritardo.", {"RU"}),
    ("Negociaciones en Moscú.", {"RU"}),
    ("Moscú niega cualquier implicación.", {"RU"}),
    ("Il presidente ha incontrato il sindaco di Napoli.", {"IT"}),
    ("Ieri sera ha vinto il Napoli.", {"IT"}),
    ("Vertice a Londra.", {"GB"}),
    ("Delegazione a Pechino.", {"CN"}),
    ("Marcha en Nueva York.", {"US"}),
    ("Chegada a Nova Iorque.", {"US"}),
    ("Atentado en Argel.", {"DZ"}),
    ("Gipfel in Kairo.", {"EG"}),
])
def test_european_spellings_of_big_cities_name_their_country(gazetteer: Gazetteer, text: str,
                                                             expected: set) -> None:
    assert countries_in(text, gazetteer) == expected


@pytest.mark.parametrize("text", [
    "Miles de personas marchan en Roma contra los recortes.",
    "Estudantes protestam em Roma contra o governo.",
    "Il sindaco di Roma presenta il bilancio.",
    "Voli cancellati da Roma verso il sud.",
])
def test_roma_after_an_italian_spanish_or_portuguese_preposition_is_rome(gazetteer: Gazetteer, text: str) -> None:
    assert countries_in(text, gazetteer) == {"IT"}


@pytest.mark.parametrize("text", [
    "Roma families face eviction from the settlement.",
    "Charities said a Roma community had been left without water.",
    "Advocates for the Roma met officials on Tuesday.",
])
def test_roma_in_english_is_the_people_and_names_no_place(gazetteer: Gazetteer, text: str) -> None:
    assert countries_in(text, gazetteer) == set()


def test_an_english_text_about_roma_in_italy_finds_italy_from_rome_alone(gazetteer: Gazetteer) -> None:
    assert countries_in("Roma families were evicted in Rome.", gazetteer) == {"IT"}


def test_mosca_as_a_spanish_surname_names_no_place(gazetteer: Gazetteer) -> None:
    assert countries_in("El defensa Mosca despejó el balón en el último minuto.", gazetteer) == set()


def test_mosca_opening_a_spanish_sentence_names_no_place(gazetteer: Gazetteer) -> None:
    assert countries_in("Mosca blanca: la plaga que preocupa a los agricultores.", gazetteer) == set()


def test_napoli_as_a_surname_in_english_names_no_place(gazetteer: Gazetteer) -> None:
    assert countries_in("The players thanked coach Napoli after the final whistle.", gazetteer) == set()


@pytest.mark.parametrize("text", [
    "Il ministro è arrivato a Mosca in mattinata.",
    "I tifosi sono tornati a Napoli dopo la finale.",
])
def test_italian_a_before_moscow_or_naples_names_the_city(gazetteer: Gazetteer, text: str) -> None:
    assert countries_in(text, gazetteer) == ({"RU"} if "Mosca" in text else {"IT"})


@pytest.mark.parametrize("text", [
    "Volunteers repaired the roof of a Roma school near the river.",
    "She hired a Roma pianist for the wedding.",
])
def test_english_a_roma_before_any_noun_names_no_place(gazetteer: Gazetteer, text: str) -> None:
    assert countries_in(text, gazetteer) == set()


def test_a_capitalised_surname_particle_is_no_city_phrase(gazetteer: Gazetteer) -> None:
    assert countries_in("The report was written by Gianni Di Napoli and a colleague.", gazetteer) == set()


@pytest.mark.parametrize(("text", "country"), [
    ("Colloqui a Mosca.", "RU"),
    ("Marchan en Roma.", "IT"),
    ("Partita del Napoli.", "IT"),
])
def test_a_city_phrase_after_a_sentences_first_word_is_the_city(gazetteer: Gazetteer, text: str,
                                                                country: str) -> None:
    assert countries_in(text, gazetteer) == {country}


def test_a_city_phrase_after_a_first_name_inside_a_sentence_is_a_surname(gazetteer: Gazetteer) -> None:
    assert countries_in("Il regista Rafael de Roma ha presentato il film.", gazetteer) == set()
