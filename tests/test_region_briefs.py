"""Short items (a headline with a line of summary) and capitals named by their country's adjective."""

from __future__ import annotations

from daemon.gazetteer import Gazetteer
from daemon.regions import focus_countries, mentioned_countries, tag

LONG_BODY = " ".join(["Les négociations se poursuivent entre les délégations, selon un communiqué."] * 12)


def test_a_headline_alone_is_about_the_country_it_names(gazetteer: Gazetteer) -> None:
    assert focus_countries(tag("Le Mali quitte la CEDEAO", "", gazetteer)) == {"ML"}


def test_a_headline_with_a_line_of_summary_is_about_the_country_it_names(gazetteer: Gazetteer) -> None:
    summary = "Les ministres ont annoncé la décision lundi soir après une longue réunion."
    assert focus_countries(tag("Burkina : le couvre-feu prolongé", summary, gazetteer)) == {"BF"}


def test_an_arabic_headline_naming_the_army_by_its_adjective_is_about_that_country(gazetteer: Gazetteer) -> None:
    assert focus_countries(tag("الجيش البوركيني يعلن مقتل مسلحين", "", gazetteer)) == {"BF"}


def test_a_long_article_still_needs_more_than_its_headline(gazetteer: Gazetteer) -> None:
    tags = tag("Le Mali quitte la CEDEAO", LONG_BODY, gazetteer)
    assert (focus_countries(tags), mentioned_countries(tags)) == (set(), {"ML"})


def test_a_headline_that_names_a_person_gives_no_focus(gazetteer: Gazetteer) -> None:
    assert mentioned_countries(tag("Chad Johnson signs with the Bengals", "", gazetteer)) == set()


def test_the_capital_named_by_its_country_adjective_is_a_place(gazetteer: Gazetteer) -> None:
    for title in ("Protests in the Malian capital", "Manifestation dispersée dans la capitale malienne",
                  "Des tirs entendus dans la capitale malienne"):
        assert focus_countries(tag(title, "", gazetteer)) == {"ML"}, title


def test_the_chadian_capital_in_arabic_is_a_place(gazetteer: Gazetteer) -> None:
    assert focus_countries(tag("مظاهرات في العاصمة التشادية", "", gazetteer)) == {"TD"}


def test_foreign_money_called_capital_is_no_place(gazetteer: Gazetteer) -> None:
    assert focus_countries(tag("An influx of Chinese capital worries regulators", "", gazetteer)) == set()


def test_the_malian_army_in_arabic_names_mali(gazetteer: Gazetteer) -> None:
    assert focus_countries(tag("الجيش المالي يستعيد السيطرة على بلدة في الشمال", "", gazetteer)) == {"ML"}


def test_the_arabic_word_for_financial_names_no_country(gazetteer: Gazetteer) -> None:
    assert mentioned_countries(tag("وزير المالية يعرض الميزانية على البرلمان", "", gazetteer)) == set()


def test_the_malian_army_by_its_acronym_names_mali(gazetteer: Gazetteer) -> None:
    assert focus_countries(tag("Les FAMa reprennent le contrôle d'une localité", "", gazetteer)) == {"ML"}


def test_fame_in_spanish_names_no_country(gazetteer: Gazetteer) -> None:
    assert mentioned_countries(tag("La fama del cantante no deja de crecer", "", gazetteer)) == set()
