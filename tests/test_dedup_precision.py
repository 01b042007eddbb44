"""Precision of copies, stories and learned lines: new facts are not a copy, names alone are not an
event, and a small site's story thread does not teach its background paragraph as boilerplate."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from daemon import boilerplate
from daemon.boilerplate import SiteLineCount
from daemon.dedup import MemoryCandidates, find_copy, fingerprint
from daemon.stories import MemoryStories, assign_story, same_story, story_features

T0 = datetime(2025, 6, 14, 7, 30, tzinfo=timezone.utc)

FIRST_REPORT = "\n".join([
    "A convoy carrying grain to the market town of Talbenou was stopped by armed men on the northern "
    "track on Saturday morning, according to the transport union.",
    "The union secretary, Issoufou Dambélé, said eleven lorries and their drivers were held for "
    "several hours before being allowed to turn back towards the depot.",
    "Traders in Talbenou warned that the price of millet would climb if the northern track stayed "
    "closed during the planting season.",
])
NEW_REPORTING = "\n".join([
    "On Sunday the regional governor confirmed that two drivers were still missing and that a third "
    "had been taken to hospital with gunshot wounds.",
    "The army announced escorts for every convoy on the northern track from Monday, and the union "
    "suspended deliveries until the escorts are in place.",
    "Aid agencies said the food stocks held in the town would last about three weeks at the present "
    "rate of distribution to displaced families.",
])


def test_an_update_that_doubles_the_text_with_new_reporting_is_not_a_copy():
    archive = MemoryCandidates()
    archive.add(1, fingerprint("Grain convoy stopped near Talbenou", FIRST_REPORT))
    update = fingerprint("Two drivers missing after Talbenou convoy attack",
                         f"{FIRST_REPORT}\n{NEW_REPORTING}")
    assert find_copy(update, archive).duplicate_of is None


def test_an_update_that_doubles_the_text_with_new_reporting_joins_the_first_reports_story():
    archive = MemoryCandidates()
    archive.add(1, fingerprint("Grain convoy stopped near Talbenou", FIRST_REPORT))
    title, text = "Two drivers missing after Talbenou convoy attack", f"{FIRST_REPORT}\n{NEW_REPORTING}"
    verdict = find_copy(fingerprint(title, text), archive)
    known = MemoryStories()
    known.add(1, 7, story_features("Grain convoy stopped near Talbenou", FIRST_REPORT, T0))
    story = assign_story(story_features(title, text, T0 + timedelta(hours=26)), known,
                         None if verdict.duplicate_of is None else 7)
    assert (verdict.duplicate_of, story.story_id, story.matched) == (None, 7, 1)


def test_two_short_reports_of_different_events_sharing_only_a_town_and_its_prefect_are_two_stories():
    market = story_features(
        "Talbenou market hall rebuilt",
        "The covered market of Talbenou opened again on Thursday after the roof was replaced. "
        "Prefect Aminata Kourouma toured the stalls with the traders' association.", T0)
    well = story_features(
        "Well collapses in Talbenou",
        "A well shaft caved in on the edge of Talbenou on Thursday night, trapping a goat herder. "
        "Prefect Aminata Kourouma sent diggers from the public works office.", T0 + timedelta(hours=6))
    assert not same_story(market, well)


def test_a_background_paragraph_repeated_across_a_small_sites_story_thread_is_kept():
    background = ("The northern track is the only road between Talbenou and the regional capital that "
                  "stays open in the rainy season.")
    today = "\n".join(["Escorted convoys reached Talbenou on Tuesday for the first time in a week.",
                       background,
                       "Traders said the first lorries carried seed as well as grain."])
    # three earlier parts of the thread carried it; the small host printed seven articles since
    counts = {boilerplate.line_key(background): SiteLineCount(articles=3, host_articles_since=7)}
    known = boilerplate.known_keys(counts, pending=True)
    assert boilerplate.strip(today, known)[1] == ()
