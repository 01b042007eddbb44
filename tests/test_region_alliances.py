"""The Alliance of Sahel States: named in three languages, never from the encryption acronym, and a
headline about a group that the text spells out member by member is about every member."""

from __future__ import annotations

from daemon.gazetteer import Gazetteer
from daemon.regions import focus_countries, tag

AES = "alliance-of-sahel-states"


def _regions(title: str, text: str, gazetteer: Gazetteer) -> dict[str, bool]:
    return {t.region_id: t.focus for t in tag(title, text, gazetteer) if t.kind == "custom"}


def test_a_summit_of_the_aes_is_filed_under_the_alliance(gazetteer: Gazetteer) -> None:
    text = "Les chefs d'État du Mali, du Burkina Faso et du Niger se retrouvent samedi à Niamey."
    assert _regions("L'AES tient son sommet annuel", text, gazetteer).get(AES) is True


def test_the_alliance_is_named_in_arabic(gazetteer: Gazetteer) -> None:
    text = "أعلن تحالف دول الساحل في باماكو عن خطة مشتركة لتأمين الحدود."
    assert AES in _regions("", text, gazetteer)


def test_the_full_english_name_needs_no_member_beside_it(gazetteer: Gazetteer) -> None:
    assert AES in _regions("", "The Alliance of Sahel States announced a joint passport.", gazetteer)


def test_a_member_country_rolls_up_to_the_alliance(gazetteer: Gazetteer) -> None:
    text = "Floods hit Gao and Timbuktu this week; Mali's government declared a disaster in both towns."
    assert _regions("Floods in northern Mali", text, gazetteer).get(AES) is True


def test_aes_encryption_names_no_region(gazetteer: Gazetteer) -> None:
    text = "Backups are encrypted with AES before they leave the laptop, and the key never does."
    assert tag("How we keep your files safe", text, gazetteer) == ()


def test_the_aes_acronym_counts_beside_a_member(gazetteer: Gazetteer) -> None:
    assert AES in _regions("", "Les ministres de l'AES se réunissent à Ouagadougou.", gazetteer)


DEADLINE = ("The bloc's heads of state agreed at an extraordinary summit to give Mali, Burkina Faso and "
            "Niger six more months to settle what their withdrawal left open: the free movement of "
            "people and goods, the staff from the three countries in the bloc's institutions, and "
            "unpaid contributions. The summit asked that talks stay open and named a mediator.")


def test_a_headline_about_a_group_whose_members_the_text_names_is_about_each(gazetteer: Gazetteer) -> None:
    title = "ECOWAS gives the Alliance of Sahel States six more months"
    assert focus_countries(tag(title, DEADLINE, gazetteer)) == {"ML", "BF", "NE"}


def test_the_same_in_arabic(gazetteer: Gazetteer) -> None:
    text = ("منحت القمة لمالي وبوركينا فاسو والنيجر ستة أشهر إضافية لتسوية الملفات العالقة بعد انسحابها، "
            "ومنها تنقل الأشخاص والبضائع والمساهمات غير المدفوعة، ودعت إلى إبقاء قنوات الحوار مفتوحة. ") * 2
    assert focus_countries(tag("إيكواس تمدد المهلة لدول الساحل الثلاث", text, gazetteer)) == {"ML", "BF", "NE"}


def test_a_group_in_the_headline_is_not_about_each_member_unless_the_text_names_all(
        gazetteer: Gazetteer) -> None:
    text = DEADLINE.replace("Mali, Burkina Faso and Niger", "Mali, Niger, Chad and Mauritania")
    assert focus_countries(tag("Sahel states get six more months", text, gazetteer)) == set()
