"""Armed groups whose names place a story in a region (JNIM in the Sahel, Boko Haram around Lake Chad).

A brief often names the group and no country: "JNIM claims the ambush". An analyst watching the
Sahel wants it; the group is evidence for the region, never for one member country.
"""

from __future__ import annotations

import pytest

from daemon.gazetteer import Gazetteer
from daemon.regions import focus_countries, mentioned_countries, tag


def _regions(title: str, text: str, gazetteer: Gazetteer) -> dict[str, bool]:
    """Custom regions tagged, each with whether it is a focus."""
    return {t.region_id: t.focus for t in tag(title, text, gazetteer) if t.kind == "custom"}


@pytest.mark.parametrize(("title", "text", "region"), [
    ("JNIM says it held a checkpoint for two days", "The group posted photographs of its fighters on a road "
     "at dawn; no army statement followed.", "sahel"),
    ("", "Fighters of the ISGS stole cattle from herders overnight, a local official said.", "sahel"),
    ("Boko Haram raid leaves a market in ashes", "Traders lost their stalls and three people are missing, "
     "a relief worker said by phone.", "lake-chad-basin"),
    ("", "Des combattants de l'EIGS ont incendié deux camions sur l'axe principal.", "sahel"),
    ("هجوم لجماعة نصرة الإسلام والمسلمين على قافلة", "قال مصدر محلي إن المهاجمين أحرقوا ثلاث شاحنات.", "sahel"),
])
def test_a_groups_name_alone_tags_its_region_and_no_country(gazetteer: Gazetteer, title: str, text: str,
                                                            region: str) -> None:
    tags = tag(title, text, gazetteer)
    assert region in _regions(title, text, gazetteer)
    assert mentioned_countries(tags) == set()


def test_a_headline_naming_the_group_carries_to_the_country_the_text_places(gazetteer: Gazetteer) -> None:
    title = "JNIM claims an ambush on an army supply column"
    text = ("The convoy was hit on a dirt road outside Djibo in northern Burkina Faso, the group said in a "
            "statement. Relatives of two soldiers confirmed their deaths.")
    assert focus_countries(tag(title, text, gazetteer)) == {"BF"}
    assert _regions(title, text, gazetteer)["sahel"] is True


def test_a_group_named_in_passing_does_not_make_the_region_a_focus(gazetteer: Gazetteer) -> None:
    title = "Senegal's parliament passes the budget"
    text = ("Lawmakers in Dakar approved the budget on Friday after a long debate in Senegal's parliament. "
            "One deputy said the army would need more money if JNIM ever reached the border, and the "
            "finance minister said the Senegalese economy would grow.")
    tags = tag(title, text, gazetteer)
    assert focus_countries(tags) == {"SN"}
    assert _regions(title, text, gazetteer).get("sahel") is False
