"""Copies and stories a demanding newsroom would get wrong: wire templates that report different
events in the same sentence frame are neither copies nor one story, and the refusal says why."""

from __future__ import annotations

import asyncio
import sqlite3
import tomllib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import structlog

from daemon import runtime
from daemon.config_file import load_settings
from daemon.dedup import MemoryCandidates, find_copy, fingerprint
from daemon.stories import MemoryStories, assign_story, same_story, story_features
from tests.daemon_world import page, rss, write_config

T0 = datetime(2026, 3, 3, 8, 0, tzinfo=timezone.utc)

QUAKE_FRAME = [
    "A magnitude {magnitude} earthquake struck {distance} kilometres {direction} of {town}, {country}, at "
    "{clock} local time on Tuesday, the United States Geological Survey said.",
    "The quake hit at a depth of {depth} kilometres, the agency said.",
    "There were no immediate reports of damage or casualties, and no tsunami warning was issued.",
    "Residents posted videos on social media showing hanging lamps swaying and objects falling from shelves.",
    "The region sits on a seismically active belt where tectonic plates meet, and tremors of this size "
    "are felt several times a year.",
    "Emergency services said teams had been sent to check buildings and roads in the nearest villages.",
]
QUAKE_IN_THE_EAST = dict(magnitude="6.1", distance="42", direction="south-west", town="Tarrak",
                         country="Indonesia", clock="04:12", depth="10")
QUAKE_IN_THE_ANDES = dict(magnitude="5.4", distance="17", direction="north", town="Villacruz",
                          country="Peru", clock="22:40", depth="35")

MATCH_FRAME = [
    "{home} beat {away} {score} in their group match on Saturday, keeping alive their hopes of reaching "
    "the knockout rounds.",
    "{home} took the lead before half-time and held on despite late pressure from the visitors, who had a "
    "goal disallowed for offside.",
    "The coach said after the match that his players had shown great character and that the team would "
    "now focus on the final group game.",
    "The result leaves the group wide open with one round of matches left to play.",
]

BRIDGE_REPORT = "\n".join([
    "Officials in Kabala said on Thursday that the new bridge over the Sewa river would open to lorries "
    "next month, ending years of dangerous ferry crossings for rice traders.",
    "The 240-metre bridge links the market town with the farming villages on the eastern bank, where most "
    "of the district's rice is grown.",
    "Councillor Fatmata Koroma said the crossing would cut the cost of bringing rice to market by a third.",
])
BRIDGE_REWRITE = "\n".join([
    "Rice traders in Kabala welcomed news that the long-awaited bridge across the Sewa will carry lorries "
    "from next month, replacing a ferry that capsized twice in three years.",
    "According to councillor Fatmata Koroma, the 240-metre crossing will cut the cost of bringing rice from "
    "the eastern villages to the market by a third.",
])


def quake(place: dict) -> list[str]:
    return [line.format(**place) for line in QUAKE_FRAME]


def match(home: str, away: str, score: str) -> str:
    return "\n".join(line.format(home=home, away=away, score=score) for line in MATCH_FRAME)


def archive_with(title: str, text: str) -> MemoryCandidates:
    archive = MemoryCandidates()
    archive.add(1, fingerprint(title, text), title=title)
    return archive


def test_two_quake_reports_from_one_wire_template_in_different_countries_are_not_copies():
    archive = archive_with("Strong quake hits Indonesia", "\n".join(quake(QUAKE_IN_THE_EAST)))
    verdict = find_copy(fingerprint("Quake shakes northern Peru", "\n".join(quake(QUAKE_IN_THE_ANDES))), archive)
    assert verdict.duplicate_of is None


def test_a_template_refused_as_a_copy_is_explained_in_the_verdict():
    archive = archive_with("Strong quake hits Indonesia", "\n".join(quake(QUAKE_IN_THE_EAST)))
    verdict = find_copy(fingerprint("Quake shakes northern Peru", "\n".join(quake(QUAKE_IN_THE_ANDES))), archive)
    assert "same wording as 1" in verdict.reason and "facts differ" in verdict.reason


def test_two_match_reports_from_one_template_with_other_teams_and_scores_are_not_copies():
    archive = archive_with("Mali edge Niger", match("Mali", "Niger", "2-1"))
    verdict = find_copy(fingerprint("Ghana edge Togo", match("Ghana", "Togo", "1-0")), archive)
    assert verdict.duplicate_of is None


def test_two_quake_reports_citing_the_us_geological_survey_are_two_stories():
    east = story_features("Strong quake hits Indonesia", "\n".join(quake(QUAKE_IN_THE_EAST)), T0)
    andes = story_features("Quake shakes northern Peru", "\n".join(quake(QUAKE_IN_THE_ANDES)),
                           T0 + timedelta(hours=3))
    assert not same_story(east, andes)


def test_the_daemon_stores_two_template_quake_reports_as_two_originals_in_two_stories(newsroom, tmp_path):
    db = tmp_path / "n.db"
    newsroom.add("/quake-east", page("Strong quake hits Indonesia", quake(QUAKE_IN_THE_EAST), clutter=False),
                 content_type="text/html")
    newsroom.add("/quake-andes", page("Quake shakes northern Peru", quake(QUAKE_IN_THE_ANDES), clutter=False),
                 content_type="text/html")
    feed = newsroom.add("/feed.xml", rss("Quake desk", [
        {"title": "Strong quake hits Indonesia", "link": newsroom.url("/quake-east"), "guid": "q1"},
        {"title": "Quake shakes northern Peru", "link": newsroom.url("/quake-andes"), "guid": "q2"},
    ]), content_type="application/rss+xml")
    asyncio.run(runtime.run_once(load_settings(write_config(tmp_path / "n.toml", db, [feed])), use_processes=False))
    rows = sqlite3.connect(db).execute("SELECT duplicate_of, story_id FROM articles ORDER BY id").fetchall()
    assert len(rows) == 2 and [dup for dup, _ in rows] == [None, None] and rows[0][1] != rows[1][1]


def test_joining_a_story_is_logged_with_the_names_and_terms_the_two_articles_share():
    first = story_features("Bridge over the Sewa opens at Kabala", BRIDGE_REPORT, T0)
    second = story_features("Kabala traders cheer new Sewa bridge", BRIDGE_REWRITE, T0 + timedelta(hours=5))
    known = MemoryStories()
    known.add(1, 7, first)
    with structlog.testing.capture_logs() as logs:
        verdict = assign_story(second, known)
    joined = [e for e in logs if e["event"] == "story.joined"]
    assert verdict.story_id == 7 and len(joined) == 1
    assert joined[0]["matched"] == 1 and {"kabala", "sewa"} <= set(joined[0]["names"]) and joined[0]["topic_terms"]


def test_a_japanese_report_under_another_headline_joins_the_first_reports_story():
    article = tomllib.loads((Path(__file__).parent / "fixtures" / "dedup_articles.toml").read_text("utf-8"))["japanese"]
    known = MemoryStories()
    known.add(1, 7, story_features(article["title"], article["text"], T0))
    rewritten = story_features("初日に市民二千人、蔵書は十五万冊", article["text"], T0 + timedelta(hours=2))
    assert assign_story(rewritten, known).story_id == 7


PORT_BLAST = ("انفجار في ميناء مدينة نواذيبو",
              "أعلنت السلطات في مدينة نواذيبو أن انفجارا وقع صباح الأربعاء في مستودع للوقود داخل الميناء، ما أدى "
              "إلى إصابة ثلاثة عمال بجروح طفيفة. وقال مدير الميناء إن فرق الإطفاء سيطرت على الحريق خلال ساعتين "
              "وإن حركة السفن لم تتوقف.")
PORT_BLAST_WITH_AGENCY = ("حريق مستودع وقود يصيب ثلاثة عمال",
                          "قالت السلطات إن ثلاثة عمال أصيبوا بجروح طفيفة إثر انفجار في مستودع للوقود داخل ميناء "
                          "نواذيبو صباح الأربعاء. وأوضح مدير الميناء أن رجال الإطفاء تمكنوا من إخماد الحريق في "
                          "غضون ساعتين، مؤكدا أن حركة السفن مستمرة، بحسب ما نقلت وكالة الأنباء الموريتانية AMI.")


def test_an_arabic_report_citing_an_agency_by_its_latin_acronym_joins_the_same_events_story():
    known = MemoryStories()
    known.add(1, 7, story_features(*PORT_BLAST, T0))
    assert assign_story(story_features(*PORT_BLAST_WITH_AGENCY, T0 + timedelta(hours=1)), known).story_id == 7
