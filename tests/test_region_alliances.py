"""The Alliance of Sahel States: named in three languages, and never from the encryption acronym."""

from __future__ import annotations

from daemon.gazetteer import Gazetteer
from daemon.regions import tag

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
