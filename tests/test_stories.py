import tomllib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import structlog
from hypothesis import given, settings
from hypothesis import strategies as st

from daemon.stories import (
    MemoryStories,
    StoryCandidate,
    assign_story,
    deserialise,
    same_story,
    serialise,
    story_features,
    story_keys,
)

EVENTS = {a["key"]: a for a in tomllib.loads(
    (Path(__file__).parent / "benchmarks" / "data" / "story_events.toml").read_text("utf-8"))["article"]}
ARTICLES = tomllib.loads((Path(__file__).parent / "fixtures" / "dedup_articles.toml").read_text("utf-8"))
NOON = datetime(2024, 3, 10, 12, tzinfo=timezone.utc)


def features(key, at=None):
    a = EVENTS[key]
    return story_features(a["title"], a["text"], at or datetime.fromisoformat(a["published_at"]))


@pytest.mark.parametrize("a, b", [
    ("mali-post-a", "mali-post-b"),
    ("mali-post-a", "mali-post-c"),
    ("niger-radio-a", "niger-radio-b"),
    ("bf-fuel-a", "bf-fuel-b"),
    ("sn-port-a", "sn-port-b"),
])
def test_reports_of_one_event_from_two_outlets_share_a_story(a, b):
    assert same_story(features(a), features(b))


@pytest.mark.parametrize("a, b", [
    ("mali-post-a", "mali-post-neg"),     # same army, same spokesman, another place two days later
    ("mali-post-a", "mali-post-old"),     # same place a year earlier
    ("niger-radio-a", "niger-radio-neg"), # same city and regulator, same day, another outlet
    ("bf-fuel-a", "bf-bread-neg"),        # prices in the same country, same day
    ("sn-port-a", "sn-port-neg"),         # a fire in the same city, same day
])
def test_events_in_one_region_with_other_actors_or_days_stay_apart(a, b):
    assert not same_story(features(a), features(b))


def test_reports_of_one_event_published_three_days_apart_are_not_joined():
    late = datetime.fromisoformat(EVENTS["mali-post-a"]["published_at"]) + timedelta(days=3)
    assert not same_story(features("mali-post-a"), features("mali-post-b", late))


def test_a_word_that_only_opens_sentences_is_not_a_name():
    found = story_features("Storm", "Gunmen attacked the town of Kidal. Officials in Kidal said so.", NOON)
    assert "gunmen" not in found.names and "kidal" in found.names


def test_country_names_and_demonyms_are_marked_broad():
    found = features("mali-post-a")
    assert {"mali", "malian"} <= set(found.broad) and "boulkessi" not in found.broad


def test_articles_on_adjacent_days_share_story_keys():
    assert set(story_keys(features("mali-post-a"))) & set(story_keys(features("mali-post-c")))


def test_articles_two_days_apart_share_no_story_keys():
    late = datetime.fromisoformat(EVENTS["mali-post-a"]["published_at"]) + timedelta(days=2)
    assert not set(story_keys(features("mali-post-a"))) & set(story_keys(features("mali-post-b", late)))


def test_story_keys_fit_sqlite_integers():
    assert all(-(1 << 63) <= k < (1 << 63) for k in story_keys(features("niger-radio-a")))


def test_features_survive_serialisation():
    found = features("chad-flood-a")
    assert deserialise(serialise(found)) == found


def test_corrupt_features_blob_raises_value_error():
    with pytest.raises(ValueError):
        deserialise(b"\xff{not json")


def test_a_copy_takes_its_originals_story():
    assert assign_story(features("mali-post-neg"), MemoryStories(), original_story_id=41).story_id == 41


def test_an_article_with_no_matching_candidate_opens_a_new_story():
    source = MemoryStories()
    source.add(1, 1, features("mali-post-a"))
    assert assign_story(features("mali-post-neg"), source).story_id is None


def test_an_article_joins_the_story_of_its_matching_candidate():
    source = MemoryStories()
    source.add(1, 1, features("niger-radio-neg"))
    source.add(2, 9, features("niger-radio-a"))
    assert assign_story(features("niger-radio-b"), source).story_id == 9


def test_corrupt_candidate_features_are_logged_and_skipped():
    class Broken:
        def by_story_keys(self, keys, limit=200):
            return [StoryCandidate(5, 5, b"garbage")]

    with structlog.testing.capture_logs() as logs:
        verdict = assign_story(features("mali-post-b"), Broken())
    assert verdict.story_id is None and [e["event"] for e in logs] == ["stories.corrupt_features"]


def test_japanese_reports_with_the_same_lead_share_a_story():
    a = ARTICLES["japanese"]
    other_title = story_features("市立図書館がオープン", a["text"], NOON)
    assert same_story(story_features(a["title"], a["text"], NOON), other_title)


def test_japanese_text_has_no_names_but_has_keys():
    a = ARTICLES["japanese"]
    found = story_features(a["title"], a["text"], NOON)
    assert found.names == () and story_keys(found)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=2000), st.text(max_size=80))
def test_any_text_gives_features_that_round_trip(text, title):
    found = story_features(title, text, NOON)
    assert deserialise(serialise(found)) == found
