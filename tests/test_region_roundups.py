"""A page that names many countries, none standing out, is about none of them: a roundup."""

from __future__ import annotations

from daemon.gazetteer import Gazetteer
from daemon.regions import focus_countries, mentioned_countries, tag

QUALIFYING_TABLE = (
    "One round of qualifying is left, and most groups are still open. Here is where every side "
    "stands before the last games.\n\n"
    "Group A: Portugal are through. Slovenia and Croatia meet with the second place at stake.\n\n"
    "Group B: Austria lead on goal difference from Denmark; Latvia are out.\n\n"
    "Group C: Greece need a point against Norway, who must win by two.\n\n"
    "Group D: Belgium are through. Estonia and Lithuania play for pride.\n\n"
    "Group E: Poland, Hungary and Albania are level on points with one game left.\n\n"
    "Group F: Sweden host Finland; the winner goes through.\n\n"
    "Group G: Romania and Serbia both need help from Iceland.\n\n"
    "Who is already in: Portugal, Belgium and the hosts. Who can still qualify: everyone above bar Latvia.")

REACTIONS = (
    "BAMAKO — Soldiers took control of the state broadcaster in Bamako on Tuesday and announced that "
    "Mali's government had been dissolved. Gunfire was heard near the presidential palace in Koulouba "
    "and roads out of Bamako were closed by the army. Residents of Bamako said the streets were "
    "empty by nightfall.\n\n"
    "Reactions came quickly. France and Germany called for a return to civilian rule in Mali. Senegal "
    "and Guinea closed their borders with Mali. Nigeria, Ghana, Côte d'Ivoire and Niger asked the "
    "regional bloc to meet. Russia said it was following events in Mali closely. Algeria, Morocco "
    "and Mauritania urged calm. The United States suspended aid to Mali pending a review.")


def test_a_table_of_many_countries_is_about_none_of_them(gazetteer: Gazetteer) -> None:
    tags = tag("Qualifying: where every team stands as Portugal seal their place", QUALIFYING_TABLE, gazetteer)
    assert focus_countries(tags) == set()
    assert {"PT", "HR", "SE", "PL", "LV"} <= mentioned_countries(tags)


def test_a_story_that_the_world_reacts_to_stays_about_its_country(gazetteer: Gazetteer) -> None:
    tags = tag("Soldiers seize power in Mali", REACTIONS, gazetteer)
    assert len(mentioned_countries(tags)) >= 12        # as many countries as the table names
    assert focus_countries(tags) == {"ML"}
