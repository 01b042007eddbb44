"""Big cities in their Spanish, Portuguese, Italian and German spellings, and "Roma" read as Rome
only where the words around it are Italian, Spanish or Portuguese."""

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
    ("Colloqui a Mosca.", {"RU"}),
    ("Negociaciones en Moscú.", {"RU"}),
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
