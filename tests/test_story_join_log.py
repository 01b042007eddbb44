"""story.joined names the article that joined: the story decision is logged where it is made, deep in
the copy and story check, which does not know the URL; the ingest binds it for the events on the way."""

from __future__ import annotations

import asyncio

import structlog

from daemon import runtime
from daemon.config_file import load_settings
from tests.daemon_world import page, rss, write_config
from tests.log_capture import every_event_captured

FIRST = [
    "Floodwater broke through the Sélingué dam spillway on Monday, forcing the evacuation of villages "
    "downstream along the Sankarani river, the governor of Sikasso region, Moussa Koné, said.",
    "Rescue teams from the civil protection agency reached Kangaba by evening. Koné said about 1,800 "
    "people had left their homes and that the Sélingué reservoir was still rising after a week of rain.",
]
SECOND = [
    "Villages along the Sankarani river were emptied on Monday after floodwater overran a spillway at "
    "the Sélingué dam, regional officials said.",
    "Governor Moussa Koné of Sikasso said evacuations reached Kangaba, where civil protection crews "
    "set up tents. Around 1,800 residents were moved as rain kept filling the reservoir.",
]


def test_a_report_joining_another_outlets_story_is_logged_with_its_url(newsroom, tmp_path) -> None:
    first = newsroom.add("/a/dam", page("Sélingué dam spillway fails, villages evacuated", FIRST),
                         content_type="text/html; charset=utf-8")
    second = newsroom.add("/b/dam", page("Evacuations as Sélingué spillway overrun", SECOND),
                          content_type="text/html; charset=utf-8")
    feeds = [newsroom.add("/a/feed.xml", rss("A", [{"title": "Dam", "link": first, "guid": "a1"}]),
                          content_type="application/rss+xml"),
             newsroom.add("/b/feed.xml", rss("B", [{"title": "Dam", "link": second, "guid": "b1"}]),
                          content_type="application/rss+xml")]
    settings = load_settings(str(write_config(tmp_path / "n.toml", tmp_path / "n.db", feeds)))
    with every_event_captured(processors=[structlog.contextvars.merge_contextvars]) as events:
        asyncio.run(runtime.run_once(settings, use_processes=False))
    joined = [e for e in events if e["event"] == "story.joined"]
    assert len(joined) == 1 and joined[0]["url"] in (first, second)
    stored = {e["url"]: e["story"] for e in events if e["event"] == "article.stored"}
    assert stored[first] == stored[second]
