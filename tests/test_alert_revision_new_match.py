"""A revision that newly matches a rule alerts it, on_update or not: on_update decides only whether a
rule alerts again for an article it already alerted for. Run against the real daemon, the loopback
newsroom and a real webhook receiver: one world, polled three times, that every test here reads."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest

from daemon.newsroom import Newsroom
from daemon.receiver import WebhookReceiver
from tests.daemon_world import atom_entry, newswatch, page, write_config

HTML = "text/html; charset=utf-8"
ATOM = "application/atom+xml"

# First published with no place our tagger can place, then revised to say where: Mali.
BORDER_TITLE = "Clashes reported near border town"
BORDER = [
    "Residents of a small border town said on Monday that gunfire had been heard for several hours overnight, "
    "and that many families had left for nearby fields.",
    "A local official, speaking by telephone, said soldiers had arrived in the morning and that the main road "
    "into town had been closed to all traffic.",
    "Aid groups said they were trying to reach the area, but that the situation remained unclear and no casualty "
    "figures were yet available.",
    "Traders said the weekly livestock market, the largest for many miles around, would stay shut until further "
    "notice.",
]
BORDER_REVISED_TITLE = "Clashes reported near border town in Mali"
BORDER_REVISED = [
    "Residents of Ménaka, a town in eastern Mali near the border, said on Monday that gunfire had been heard for "
    "several hours overnight, and that many families had left for nearby fields.",
    *BORDER[1:],
    "Mali's army said on Tuesday that it had regained control of the town's outskirts.",
]

# About Mali from its first version; the revision adds a line and is still about Mali.
FLOODS_TITLE = "Floods cut the road between Mopti and Sévaré"
FLOODS = [
    "Heavy rain in central Mali washed away part of the road linking Mopti and Sévaré on Sunday, leaving lorries "
    "stranded on both sides of the breach.",
    "Engineers from the public works ministry in Bamako said repairs could take two weeks if the rain stopped.",
    "Fishermen offered to ferry passengers across the flooded stretch for a small fee, residents said.",
]
FLOODS_REVISED = [*FLOODS, "On Tuesday the ministry said a temporary crossing of gravel and steel plates would "
                           "open by the weekend."]

ALERTS = """
[[alerts]]
name = "mali-desk"
regions = ["Mali"]
webhook = {{ url = "{url}", secret = "s" }}

[[alerts]]
name = "mali-updates"
regions = ["Mali"]
on_update = true
webhook = {{ url = "{url}", secret = "s" }}
"""


@dataclass(frozen=True, slots=True)
class Delivered:
    """One alert the receiver accepted: its rule and what its payload says of the article."""

    rule: str
    url: str
    revision: int
    title: str


@dataclass(frozen=True, slots=True)
class World:
    border: str        # the border story's URL: no place at first, Mali after its revision
    floods: str        # the floods story's URL: Mali in both versions
    border_copy: str   # the border story's first version again under another URL: a copy
    delivered: tuple[Delivered, ...]
    stored: dict[str, tuple[int, int | None]]   # URL -> (revision, duplicate_of) as stored at the end

    def sent(self, rule: str, url: str) -> list[tuple[int, str]]:
        """(revision, title) of each alert rule sent for the article at url, in delivery order."""
        return [(d.revision, d.title) for d in self.delivered if d.rule == rule and d.url == url]


def run_once(config) -> None:
    result = newswatch("-c", str(config), "run", "--once")
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    """Poll 1 stores the border and floods stories; poll 2 adds a feed with a copy of the border
    story (stored as its copy); poll 3 sees all three entries re-stamped, each page revised."""
    tmp = tmp_path_factory.mktemp("revision_new_match")
    db = tmp / "n.db"
    early = datetime.now(timezone.utc) - timedelta(days=1)
    with Newsroom() as newsroom, WebhookReceiver("s") as receiver:
        border = newsroom.add("/a/border-clashes", page(BORDER_TITLE, BORDER), content_type=HTML)
        floods = newsroom.add("/b/mopti-floods", page(FLOODS_TITLE, FLOODS), content_type=HTML)
        feeds = [newsroom.add("/a/feed.atom", atom_entry(border, early, "Clashes"), content_type=ATOM),
                 newsroom.add("/b/feed.atom", atom_entry(floods, early, "Floods"), content_type=ATOM)]
        alerts = ALERTS.format(url=receiver.url)
        run_once(write_config(tmp / "n.toml", db, feeds, alerts=alerts))

        border_copy = newsroom.add("/c/border-clashes-copy", page(BORDER_TITLE, BORDER), content_type=HTML)
        feeds.append(newsroom.add("/c/feed.atom", atom_entry(border_copy, early, "Clashes"), content_type=ATOM))
        config = write_config(tmp / "n.toml", db, feeds, alerts=alerts)
        run_once(config)

        later = datetime.now(timezone.utc) + timedelta(minutes=5)
        for feed_path, page_path, title, paragraphs in (
                ("/a/feed.atom", "/a/border-clashes", BORDER_REVISED_TITLE, BORDER_REVISED),
                ("/b/feed.atom", "/b/mopti-floods", FLOODS_TITLE, FLOODS_REVISED),
                ("/c/feed.atom", "/c/border-clashes-copy", BORDER_REVISED_TITLE, BORDER_REVISED)):
            link = newsroom.add(page_path, page(title, paragraphs), content_type=HTML)
            newsroom.add(feed_path, atom_entry(link, later, title), content_type=ATOM)
        run_once(config)
        delivered = tuple(Delivered(r.body["rule"], r.body["article"]["url"], r.body["article"]["revision"],
                                    r.body["article"]["title"])
                          for r in sorted(receiver.accepted(), key=lambda r: int(r.delivery_id)))
    conn = sqlite3.connect(db)
    stored = {url: (revision, duplicate_of)
              for url, revision, duplicate_of in conn.execute("SELECT url, revision, duplicate_of FROM articles")}
    conn.close()
    return World(border=border, floods=floods, border_copy=border_copy, delivered=delivered, stored=stored)


def test_a_revision_that_first_names_mali_alerts_a_rule_without_on_update_once_as_revision_1(world):
    assert world.stored[world.border] == (1, None)
    assert world.sent("mali-desk", world.border) == [(1, BORDER_REVISED_TITLE)]


def test_a_rule_with_on_update_alerts_once_for_a_revision_that_first_matches_it(world):
    assert world.sent("mali-updates", world.border) == [(1, BORDER_REVISED_TITLE)]


def test_a_rule_without_on_update_that_alerted_for_the_first_version_is_not_alerted_again(world):
    assert world.stored[world.floods] == (1, None)
    assert world.sent("mali-desk", world.floods) == [(0, FLOODS_TITLE)]


def test_a_rule_with_on_update_that_alerted_for_the_first_version_alerts_again_for_the_revision(world):
    assert world.sent("mali-updates", world.floods) == [(0, FLOODS_TITLE), (1, FLOODS_TITLE)]


def test_a_copy_revised_to_name_mali_alerts_no_rule(world):
    revision, duplicate_of = world.stored[world.border_copy]
    assert revision == 1 and duplicate_of is not None
    assert [d for d in world.delivered if d.url == world.border_copy] == []
