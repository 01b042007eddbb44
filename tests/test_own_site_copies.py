"""A small site whose every page ends in a long footer: its stories are originals, not copies of its first.

The footer is most of what two short stories of such a site share, so each new one read as a near
copy of the first. Copies count no site lines, so the footer was never learned and the site's every
later story stayed a copy (never alerting). Seen with the real daemon against the loopback newsroom.
"""

from __future__ import annotations

import sqlite3

from tests.daemon_world import newswatch, page, rss, write_config

FOOTER = [
    "The Valley Courier is published every weekday by the Valley Courier Cooperative, a member-owned "
    "newsroom based above the old post office on Market Street since the spring of 1987.",
    "Subscribe for unlimited access to our reporting on the council, the schools, the courts and the "
    "farms of the valley, and get the weekend print edition delivered to your door on Saturdays.",
    "Have a story we should hear about? Write to our newsroom or call the desk during office hours; "
    "our reporters read every message and answer as many as they can within the week.",
]
STORIES = [
    ("Council approves new bridge budget", "The council voted five to two on Tuesday to fund repairs to the "
     "river bridge. Work starts in April and will close one lane for eight weeks."),
    ("School bus route changes next month", "Pupils on the northern route will be picked up twenty minutes "
     "earlier from March, the district said, after the depot moved to the industrial park."),
    ("Farmers market moves indoors for winter", "The Saturday market will run in the exhibition hall until "
     "the end of February, with thirty stalls and a new cafe run by the catering college."),
    ("Library extends its evening hours", "Readers can borrow books until nine on Thursdays from next week, "
     "after volunteers offered to staff the desk and the trustees approved the change."),
    ("Burst main floods two streets", "A water main burst under Elm Street before dawn, flooding cellars on "
     "two streets. Crews restored supply by noon and the utility will pay for pumping."),
    ("Harvest festival draws record crowd", "About four thousand visitors came to the showground on Sunday, "
     "the organisers said, the most since the festival began in the nineteen seventies."),
]


def _run(newsroom, tmp_path, items):
    feed = newsroom.add("/v/feed.xml", rss("Valley Courier", items), content_type="application/rss+xml")
    db = tmp_path / "n.db"
    result = newswatch("-c", str(write_config(tmp_path / "n.toml", db, [feed])), "run", "--once")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT title, duplicate_of FROM articles ORDER BY id").fetchall()


def test_stories_of_a_site_sharing_only_its_footer_are_originals(newsroom, tmp_path) -> None:
    items = []
    for i, (title, lead) in enumerate(STORIES):
        link = newsroom.add(f"/v/story-{i}", page(title, [lead, *FOOTER], clutter=False),
                            content_type="text/html; charset=utf-8")
        items.append({"title": title, "link": link, "guid": f"v{i}"})
    stored = _run(newsroom, tmp_path, items)
    assert len(stored) == len(STORIES)
    assert [duplicate_of for _, duplicate_of in stored] == [None] * len(STORIES)


def test_the_same_story_at_a_second_address_of_the_site_stays_a_copy(newsroom, tmp_path) -> None:
    title, lead = STORIES[0]
    body = [lead, "The bridge was last repaired in 2009, when the work took a whole summer.", *FOOTER]
    first = newsroom.add("/v/bridge", page(title, body, clutter=False), content_type="text/html; charset=utf-8")
    again = newsroom.add("/v/news/bridge-budget", page(title, body + ["Updated at noon."], clutter=False),
                         content_type="text/html; charset=utf-8")
    stored = _run(newsroom, tmp_path, [{"title": title, "link": first, "guid": "v1"},
                                       {"title": title, "link": again, "guid": "v2"}])
    assert [duplicate_of for _, duplicate_of in stored] == [None, 1]
