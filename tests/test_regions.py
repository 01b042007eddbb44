"""Region tagging: the seed expectations on fixtures of ours, the classic traps, bad input."""

from __future__ import annotations

import pytest

from daemon.gazetteer import Gazetteer
from daemon.regions import focus_countries, mentioned_countries, score_pairs, tag
from tests.tagged import countries_in

# Shaped like seed 000: icon-sprite labels (with "flag ru"), a time line, the headline twice,
# a wire story about a drone strike in Mali that also names France, Niger and Ivory Coast.
DRONE_TITLE = "French Reaper drone kills militants in Mali"
DRONE_TEXT = """\
icon bookmarkicon cameraicon closeicon fbicon flag ruicon full chevron upicon searchicon twicon vkicon
14 Mar, 2021 09:10

French Reaper drone kills militants in Mali

French Reaper drone kills militants in Mali

The French armed forces said on Sunday that a Reaper drone had struck a column of fighters in \
central Mali, killing several of them, as Paris weighs how long its Sahel mission can last.

The strike followed an ambush on Malian soldiers near the border. French officers said the drone \
took off from the Niamey air base in Niger.

The French president was in Ivory Coast that weekend; speaking in Abidjan, he said troops would \
stay in Mali while the threat to Europe remained.
"""

# Shaped like seed 002, body only (its sidebar about other countries is not part of the clean text).
BORDER_TEXT = """\
French attack helicopters on Saturday hit a militant convoy just across the Niger-Mali border, \
close to where an ambush killed four U.S. soldiers earlier this month.

The French defence ministry said its helicopters chased the gunmen after they crossed from \
Nigerien territory into Mali.

Earlier that day, fighters on motorbikes had raided a Nigerien army post near the town of Ayorou, \
killing 12 Nigerien gendarmes.

Nigerien helicopters followed the attackers to the border, where French aircraft took over.

A news site in Mauritania reported that a local Islamic State branch claimed the raid. U.S. \
officials have blamed the same group for the earlier ambush.

France keeps about 4,000 troops in West Africa under Operation Barkhane.
"""


# --- the seeds ---------------------------------------------------------------------------------

def test_drone_story_is_about_mali(gazetteer: Gazetteer) -> None:
    assert focus_countries(tag(DRONE_TITLE, DRONE_TEXT, gazetteer)) == {"ML"}


def test_drone_story_mentions_france_niger_and_ivory_coast(gazetteer: Gazetteer) -> None:
    assert {"FR", "NE", "CI"} <= countries_in(DRONE_TEXT, gazetteer, DRONE_TITLE)


def test_drone_story_never_reads_russia_from_the_flag_icon_label(gazetteer: Gazetteer) -> None:
    assert "RU" not in countries_in(DRONE_TEXT, gazetteer, DRONE_TITLE)


def test_drone_story_is_filed_under_sahel_western_africa_and_africa(gazetteer: Gazetteer) -> None:
    focus = {t.region_id for t in tag(DRONE_TITLE, DRONE_TEXT, gazetteer) if t.focus}
    assert {"sahel", "western-africa", "africa"} <= focus


def test_border_story_is_about_niger_and_mali(gazetteer: Gazetteer) -> None:
    assert focus_countries(tag("", BORDER_TEXT, gazetteer)) == {"NE", "ML"}


def test_border_story_mentions_united_states_france_and_mauritania(gazetteer: Gazetteer) -> None:
    assert {"US", "FR", "MR"} <= countries_in(BORDER_TEXT, gazetteer)


def test_border_story_carries_none_of_the_sidebar_countries(gazetteer: Gazetteer) -> None:
    sidebar = {"PL", "GB", "DE", "IT", "SE", "FI", "TR", "RU", "UA"}
    assert not sidebar & countries_in(BORDER_TEXT, gazetteer)


# --- traps -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, present, absent", [
    ("Herders fled from Niger into northern Nigeria.", {"NE", "NG"}, set()),
    ("Nigeria's army said it repelled the attack.", {"NG"}, {"NE"}),
    ("Elections in Niger were postponed.", {"NE"}, {"NG"}),
    ("Boats carry rice down the Niger River every season.", set(), {"NE"}),
])
def test_niger_and_nigeria_are_told_apart(gazetteer: Gazetteer, text: str, present: set, absent: set) -> None:
    found = countries_in(text, gazetteer)
    assert present <= found and not absent & found


@pytest.mark.parametrize("text, expected", [
    ("Voters in Guinea-Bissau went to the polls.", {"GW"}),
    ("Oil output in Equatorial Guinea fell.", {"GQ"}),
    ("Floods hit Papua New Guinea.", {"PG"}),
    ("Protests spread in Guinea.", {"GN"}),
])
def test_the_guinea_family_takes_the_longest_name(gazetteer: Gazetteer, text: str, expected: set) -> None:
    assert countries_in(text, gazetteer) == expected


@pytest.mark.parametrize("text, expected", [
    ("Storms hit Atlanta, Georgia, and Birmingham, Alabama.", "US"),
    ("Peaches from Georgia and South Carolina sold out in Florida.", "US"),
    ("Protesters in Tbilisi, Georgia, marched on parliament.", "GE"),
    ("Georgia and Russia traded accusations over South Ossetia.", "GE"),
])
def test_georgia_is_decided_by_its_neighbours_in_the_text(gazetteer: Gazetteer, text: str, expected: str) -> None:
    found = countries_in(text, gazetteer)
    assert expected in found and ({"US", "GE"} - {expected}).isdisjoint(found)


@pytest.mark.parametrize("text, absent", [
    ("Chad Smith scored twice in the second half.", "TD"),
    ("Michael Jordan said he would not return.", "JO"),
    ("Paris Hilton arrived at the premiere.", "FR"),
    ("Victoria Beckham launched a new label.", "AU"),
    ("Mr. Jordan declined to comment.", "JO"),
])
def test_place_names_used_as_person_names_are_not_places(gazetteer: Gazetteer, text: str, absent: str) -> None:
    assert absent not in countries_in(text, gazetteer)


@pytest.mark.parametrize("text, expected", [
    ("Washington said the sanctions would stay.", "US"),
    ("Moscow's response came within hours.", "RU"),
    ("Paris said the mission would end next year.", "FR"),
])
def test_capitals_standing_for_governments_tag_the_country(gazetteer: Gazetteer, text: str, expected: str) -> None:
    tags = tag("", text, gazetteer)
    assert mentioned_countries(tags) == {expected} and not [t for t in tags if t.kind == "city"]


@pytest.mark.parametrize("text, expected", [
    ("Fighting resumed near Kinshasa as Congo's army advanced.", "CD"),
    ("In Brazzaville, Congo's president met donors.", "CG"),
    ("Rebels seized towns in the Democratic Republic of Congo.", "CD"),
    ("Oil revenue in the Republic of Congo rose.", "CG"),
    ("Ebola cases in Congo rose again.", "CD"),
])
def test_congo_is_resolved_to_one_of_the_two_congos(gazetteer: Gazetteer, text: str, expected: str) -> None:
    assert countries_in(text, gazetteer) == {expected}


def test_paris_texas_is_in_the_united_states_not_france(gazetteer: Gazetteer) -> None:
    assert countries_in("A tornado damaged homes in Paris, Texas, on Monday.", gazetteer) == {"US"}


@pytest.mark.parametrize("text, expected", [
    ("Mali's army retook the town.", {"ML"}),
    ("Mali’s junta extended its rule.", {"ML"}),
    ("Patrols along the Niger-Mali border increased.", {"NE", "ML"}),
    ("The Burkina Faso–Niger road reopened.", {"BF", "NE"}),
])
def test_possessives_and_hyphenated_pairs_are_matched(gazetteer: Gazetteer, text: str, expected: set) -> None:
    assert countries_in(text, gazetteer) == expected


def test_all_caps_text_is_matched(gazetteer: Gazetteer) -> None:
    assert countries_in("TROOPS DEPLOYED TO CHAD AND MALI AFTER ATTACK", gazetteer) == {"TD", "ML"}


def test_lower_case_common_words_are_not_places(gazetteer: Gazetteer) -> None:
    assert countries_in("We ate turkey and a chad of paper fell.", gazetteer) == set()


def test_capitalised_turkey_is_the_country(gazetteer: Gazetteer) -> None:
    assert countries_in("Turkey closed its border.", gazetteer) == {"TR"}


def test_dateline_city_makes_its_country_the_focus(gazetteer: Gazetteer) -> None:
    text = "ABIDJAN, Ivory Coast — Cocoa farmers blocked roads on Tuesday over prices."
    tags = tag("Cocoa farmers block roads", text, gazetteer)
    assert focus_countries(tags) == {"CI"}
    assert any(t.kind == "city" and t.focus for t in tags)


def test_a_dateline_after_a_dated_byline_is_read_as_the_dateline(gazetteer: Gazetteer) -> None:
    text = ("BY JANE ROE Staff Reporter March 29, 2009 PATASKALA -- City officials say the burned block "
            "can be rebuilt without a variance, the planning director said on Friday.")
    tags = tag("Zoning allows a burned block to be rebuilt", text, gazetteer)
    assert focus_countries(tags) == {"US"}


def test_capitals_after_a_byline_that_name_no_place_are_no_dateline(gazetteer: Gazetteer) -> None:
    text = "BY JANE ROE Staff Reporter March 29, 2009 UPDATE -- The meeting moved to Thursday."
    assert countries_in(text, gazetteer) == set()


def test_a_city_rolls_up_to_country_subregion_continent_and_custom_regions(gazetteer: Gazetteer) -> None:
    tags = tag("Curfew imposed in Bamako", "Authorities in Bamako imposed a curfew.", gazetteer)
    focus = {t.region_id for t in tags if t.focus}
    assert {"ML", "western-africa", "africa", "sahel", gazetteer.resolve("Bamako")} <= focus


def test_feed_hints_are_evidence_for_an_ambiguous_name(gazetteer: Gazetteer) -> None:
    assert countries_in("Flooding in Georgia closed roads.", gazetteer, hints=("US",)) == {"US"}


def test_feed_hints_alone_create_no_tags(gazetteer: Gazetteer) -> None:
    assert tag("Quarterly results", "Revenue rose four percent.", gazetteer, hints=("ML",)) == ()


def test_one_stray_mention_is_not_a_focus(gazetteer: Gazetteer) -> None:
    text = "The company reported higher sales. Its chief executive once worked for a bank in Canada."
    assert focus_countries(tag("Sales rise", text, gazetteer)) == set()


def test_text_with_no_places_gets_no_tags(gazetteer: Gazetteer) -> None:
    assert tag("A recipe", "Whisk the eggs, add the flour and bake for twenty minutes.", gazetteer) == ()


def test_empty_input_gets_no_tags(gazetteer: Gazetteer) -> None:
    assert tag("", "", gazetteer) == ()


def test_very_long_text_is_tagged_within_its_cap(gazetteer: Gazetteer) -> None:
    text = "Troops arrived in Mali. " * 50_000
    assert mentioned_countries(tag("", text, gazetteer)) == {"ML"}


def test_score_pairs_counts_article_country_pairs() -> None:
    gold = {"a": {"ML", "NE"}, "b": {"US"}, "c": set()}
    predicted = {"a": {"ML"}, "b": {"US", "FR"}, "c": {"GB"}}
    scores = score_pairs(gold, predicted)
    assert (scores.true_positives, scores.false_positives, scores.false_negatives) == (2, 2, 1)
    assert round(scores.f1, 3) == round(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3), 3)


def test_a_famous_city_name_goes_to_the_namesake_in_the_country_the_article_is_in(gazetteer: Gazetteer) -> None:
    text = ("The county jobless rate rose in Athens, Madison and Jackson last month, "
            "the Georgia labor department said.")
    assert countries_in(text, gazetteer) == {"US"}


def test_a_lone_namesake_country_yields_when_the_article_points_elsewhere(gazetteer: Gazetteer) -> None:
    text = ("Deputies in Shakopee and Minneapolis arrested a man on Friday. "
            "Chad was released on bail, Minnesota court records show.")
    assert "TD" not in countries_in(text, gazetteer)


def test_a_country_named_as_a_place_survives_an_article_about_elsewhere(gazetteer: Gazetteer) -> None:
    text = "Volunteers from Shakopee and Minneapolis, Minnesota, flew to a clinic in Chad."
    assert "TD" in countries_in(text, gazetteer)


def test_a_subdivision_named_like_a_first_name_needs_its_country_elsewhere(gazetteer: Gazetteer) -> None:
    text = "The neighbours, Brittany and her husband, planted a rain garden in Fairfield, Ohio."
    assert "FR" not in countries_in(text, gazetteer)


def test_one_adjective_alone_does_not_mention_a_country(gazetteer: Gazetteer) -> None:
    text = "The council in Dayton, Ohio, approved a French bakery's permit on Tuesday."
    assert countries_in(text, gazetteer) == {"US"}


def test_a_small_town_is_found_when_its_state_is_named(gazetteer: Gazetteer) -> None:
    tags = tag("", "The fair opens in Pataskala, Ohio, on Saturday.", gazetteer)
    cities = [gazetteer.region(t.region_id) for t in tags if t.kind == "city"]
    assert [(c.name, c.parent_id) for c in cities] == [("Pataskala", "US")]


def test_a_capital_is_kept_when_its_small_namesake_lacks_support(gazetteer: Gazetteer) -> None:
    text = "Colombia's players trained on Sunday. The finals open on Monday in Madrid."
    tags = tag("", text, gazetteer)
    cities = [gazetteer.region(t.region_id) for t in tags if t.kind == "city"]
    assert [(c.name, c.parent_id) for c in cities] == [("Madrid", "ES")]


def test_us_local_institutions_are_evidence_for_an_ambiguous_city(gazetteer: Gazetteer) -> None:
    text = "Sheriff's deputies closed the skate park in Athens after the aldermen voted on Monday."
    assert countries_in(text, gazetteer) == {"US"}


def test_us_local_institutions_alone_create_no_tags(gazetteer: Gazetteer) -> None:
    assert tag("Budget vote", "The aldermen and the school district approved the budget.", gazetteer) == ()


def test_a_city_before_an_institution_word_is_a_place_not_a_person(gazetteer: Gazetteer) -> None:
    text = "The director of the Nashville Film Festival spoke to students on Tuesday."
    assert countries_in(text, gazetteer) == {"US"}


def test_the_only_country_named_several_times_is_the_focus(gazetteer: Gazetteer) -> None:
    lead = "The chamber met for the first time since its recess and read the letters it had received. " * 5
    text = lead + ("A senator representing Yobe North moved the motion. The Nigerian Senate then observed "
                   "a minute of silence, the Nigerian Senate said.")
    assert focus_countries(tag("Senate adjourns", text, gazetteer)) == {"NG"}


def test_a_planet_next_to_a_moon_is_not_a_florida_town(gazetteer: Gazetteer) -> None:
    text = "Astronomers saw water vapour above the surface of Jupiter's icy moon Europa this spring."
    assert countries_in(text, gazetteer) == set()


def test_an_institutions_home_is_mentioned_but_not_the_focus(gazetteer: Gazetteer) -> None:
    text = ("Researchers at the University of Pennsylvania and at the Keck Observatory in Hawaii, "
            "with a team from Harvard University, described how gut cells sense parasites.")
    tags = tag("Gut cells that sense parasites", text, gazetteer)
    assert (mentioned_countries(tags), focus_countries(tags)) == ({"US"}, set())


def test_a_surname_shared_with_a_town_does_not_make_the_focus(gazetteer: Gazetteer) -> None:
    text = ("The biologist Andrew Vaughan studies lungs. Vaughan said the cells grew after the flu. "
            "Vaughan began to wonder why. Vaughan cautioned that more work was needed.")
    assert focus_countries(tag("Cells that grow after the flu", text, gazetteer)) == set()


def test_a_county_written_with_co_is_a_us_county(gazetteer: Gazetteer) -> None:
    assert countries_in("A Loudon Co. man died in a wreck on Saturday.", gazetteer) == {"US"}


def test_a_state_abbreviation_before_a_lowercase_word_is_the_state(gazetteer: Gazetteer) -> None:
    assert countries_in("A Fla. economist doubts the casino job figures.", gazetteer) == {"US"}


def test_a_state_before_highway_is_still_the_state(gazetteer: Gazetteer) -> None:
    assert countries_in("The crash closed Texas Highway 6 for an hour on Monday.", gazetteer) == {"US"}


def test_the_only_country_named_often_is_the_focus_even_never_as_a_place(gazetteer: Gazetteer) -> None:
    text = ("The troupe opened the autumn festival with Korean drum dances and court music. "
            "Dancers in Korean hanbok followed, and a singer closed with old Korean folk songs. "
            "Visitors said the evening showed the beauty of Korea.")
    assert focus_countries(tag("A palace show opens the festival", text, gazetteer)) == {"KR"}


def test_weekday_abbreviations_in_opening_hours_are_not_towns(gazetteer: Gazetteer) -> None:
    assert countries_in("Shows Tue to Sat at 4PM. Closed on Sun & Mon.", gazetteer) == set()


def test_a_country_that_is_also_a_us_town_is_the_country_beside_its_neighbours(gazetteer: Gazetteer) -> None:
    text = ("Syria's president said peace with Israel was still possible. The militia is based in Lebanon, "
            "he said, and any deal must deal with Lebanon. The United States has offered to mediate.")
    tags = tag("Talks on the Golan", text, gazetteer)
    assert "LB" in mentioned_countries(tags) and not any(t.kind == "city" for t in tags)


def test_south_jersey_is_new_jersey_not_the_channel_island(gazetteer: Gazetteer) -> None:
    text = "Human remains were found on a beach in S. Jersey on Sunday, and South Jersey police are investigating."
    assert countries_in(text, gazetteer) == {"US"}
