"""Sudan's war towns and eastern Chad's border towns, spelled as the news spells them.

GeoNames files El Geneina as "Al-Junaynah" and Ed Daein as "El Daein"; the press's English, French and
Arabic spellings are our aliases, and the camps it lacks are Sahel localities, so that a one-line
brief about Darfur, Kordofan or the Chad border is about Sudan or Chad.
"""

from __future__ import annotations

import pytest

from daemon.gazetteer import Gazetteer
from daemon.regions import focus_countries, mentioned_countries, tag


@pytest.mark.parametrize("title", [
    "Shops looted overnight in El Geneina",
    "Aid trucks unload in Zalingei after weeks of delay",
    "Drone hits a market in Ed Daein",
    "Shelling resumes around Al-Fashir",
    "Families walking to Tawila tell of checkpoints",
    "Clinic closed in Zamzam after the raid",
    "Railway yard burned in Babanusa",
    "Cholera cases rise in Kabkabiya",
    "Paramilitaries set up checkpoints in Um Kadada",
    "Power cut in Ed Damazin",
    "Convoy ambushed outside Al-Obeid",
    "Bridge destroyed near Wad Madani",
])
def test_an_english_brief_about_a_sudanese_war_town_is_about_sudan(title: str, gazetteer: Gazetteer) -> None:
    assert focus_countries(tag(title, "", gazetteer)) == {"SD"}


@pytest.mark.parametrize("title", [
    "Pénurie d'eau à El Geneina",
    "Tirs d'artillerie sur El Facher",
    "Des déplacés arrivent à Zalinguei",
    "Frappe de drone à Kadougli",
])
def test_a_french_brief_about_a_sudanese_war_town_is_about_sudan(title: str, gazetteer: Gazetteer) -> None:
    assert focus_countries(tag(title, "", gazetteer)) == {"SD"}


@pytest.mark.parametrize("title", [
    "انقطاع الكهرباء في الجنينة",
    "وصول قافلة إغاثة إلى زالنجي",
    "سقوط قذائف على الضعين",
    "اشتباكات عنيفة في بابنوسة",
    "نزوح الأسر من كبكابية",
    "قصف مدفعي في الدلنج",
    "غارة بطائرة مسيرة في الدمازين",
    "نقص الغذاء في مخيم زمزم",
])
def test_an_arabic_brief_about_a_sudanese_war_town_is_about_sudan(title: str, gazetteer: Gazetteer) -> None:
    assert focus_countries(tag(title, "", gazetteer)) == {"SD"}


@pytest.mark.parametrize("title", [
    "Cargo flights land in Am Djarass",
    "Réfugiés soudanais enregistrés à Guéréda",
    "هبطت طائرة شحن في أم جرس",
])
def test_a_brief_about_an_eastern_chad_border_town_is_about_chad(title: str, gazetteer: Gazetteer) -> None:
    assert focus_countries(tag(title, "", gazetteer)) == {"TD"}


def test_zamzam_water_of_the_pilgrims_is_not_the_darfur_camp(gazetteer: Gazetteer) -> None:
    assert "SD" not in mentioned_countries(tag("Pilgrims carry home bottles of Zamzam water", "", gazetteer))


def test_arabic_white_is_not_el_obeid(gazetteer: Gazetteer) -> None:
    assert "SD" not in mentioned_countries(tag("ارتدى العريس ثوبا أبيض والعلم الأبيض يرفرف", "", gazetteer))


def test_arabic_i_know_is_not_adre(gazetteer: Gazetteer) -> None:
    assert "TD" not in mentioned_countries(tag("قال إنه لا أدري ماذا سيحدث غدا", "", gazetteer))


def test_arabic_long_is_not_tawila(gazetteer: Gazetteer) -> None:
    assert "SD" not in mentioned_countries(tag("انتظر المسافرون ساعات طويلة في المطار", "", gazetteer))
