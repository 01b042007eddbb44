"""Renders the demo newsroom (daemon/data/demo_newsroom.toml) into feeds and cluttered article pages.

The pages carry the clutter a naive scraper keeps: icon-sprite labels, inline teasers between
paragraphs, share prompts, author bios and sidebars about unrelated countries.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

DATA = Path(__file__).parent / "data" / "demo_newsroom.toml"
ICON_LABELS = ("icon bookmark", "icon camera", "icon chevron down", "icon chevron up", "icon close",
               "icon download", "icon fb", "icon flag ru", "icon flag fr", "icon mail", "icon search",
               "icon share", "icon sign in", "icon tg", "icon tw", "icon yt")


@dataclass(frozen=True, slots=True)
class Route:
    path: str
    body: bytes
    content_type: str


def load_newsroom(path: Path = DATA) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def brought_forward(newsroom: dict, now: datetime) -> dict:
    """The newsroom with every article moved by the same whole number of days, so the newest is
    published within the day before `now`: the canned queries that default to today or the last
    7 days then show the demo's stories, and the gaps between articles (which dedup and stories
    read) stay as written in the data file."""
    stamps = [_moment(a["published"]) for a in newsroom["articles"]]
    shift = timedelta(days=max(0, (now - max(stamps)).days)) if stamps else timedelta(0)
    articles = [{**a, "published": _stamp(_moment(a["published"]) + shift)} for a in newsroom["articles"]]
    return {**newsroom, "articles": articles}


def _moment(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _paragraphs_of(article: dict, by_slug: dict) -> list[str]:
    if "copy_of" not in article:
        return list(article["paragraphs"])
    original = list(by_slug[article["copy_of"]]["paragraphs"])
    return original[:3] + original[4:]   # syndication cuts a paragraph


def render_page(article: dict, outlet: dict, by_slug: dict, base_url: str) -> str:
    """One article page: real structure and metadata, with the outlet's clutter around the text."""
    url = f"{base_url}/{outlet['slug']}/{article['slug']}"
    paragraphs = _paragraphs_of(article, by_slug)
    dateline = article.get("dateline") or by_slug.get(article.get("copy_of", ""), {}).get("dateline", "")
    body = []
    teasers = list(article.get("teasers", []))
    for i, text in enumerate(paragraphs):
        lead = f"{escape(dateline)} — " if i == 0 and dateline else ""
        body.append(f"<p>{lead}{escape(text)}</p>")
        if i in (1, 3) and teasers:
            teaser = teasers.pop(0)
            body.append(f'<p><a href="{base_url}/{outlet["slug"]}/related">{escape(outlet["teaser_prefix"])} '
                        f'{escape(teaser)}</a></p>')
    body.append("<p>Know someone who follows this story? Share this article!</p>")
    body.append(f"<p><em>{escape(outlet['bio'])}</em></p>")
    sidebar = "".join(f"<li>{escape(line)}</li>" for line in outlet["sidebar"])
    published = article["published"]
    icons = "".join(f"<span class=\"icon\">{label}</span>" for label in ICON_LABELS)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{escape(article['title'])} | {escape(outlet['name'])}</title>
<link rel="canonical" href="{url}">
<meta property="og:url" content="{url}">
<meta property="og:site_name" content="{escape(outlet['name'])}">
<meta property="og:title" content="{escape(article['title'])}">
<meta name="author" content="{escape(article.get('author', ''))}">
<meta property="article:published_time" content="{published}">
</head><body>
<div class="sprite">{icons}</div>
<nav><a href="{base_url}/{outlet['slug']}/">Home</a> <a href="#">World</a> <a href="#">Africa</a> <a href="#">Sign in</a></nav>
<main><article>
<h1>{escape(article['title'])}</h1>
<p class="byline">By {escape(article.get('author', ''))} · {published[:10]}</p>
{''.join(body)}
</article>
<aside><h2>{escape(outlet['sidebar_title'])}</h2><ul>{sidebar}</ul><h3>Load More</h3></aside>
</main>
<footer>© 2026 {escape(outlet['name'])}. All rights reserved. <a href="#">Privacy</a></footer>
</body></html>"""


def _rfc822(stamp: str) -> str:
    return format_datetime(_moment(stamp))


def render_feed(outlet: dict, articles: list[dict], base_url: str) -> tuple[bytes, str]:
    """The outlet's feed as RSS 2.0 or Atom, whichever the outlet uses."""
    home = f"{base_url}/{outlet['slug']}/"
    newest = max((a["published"] for a in articles), default="2026-11-22T00:00:00Z", key=_moment)
    items = []
    for a in articles:
        link = "" if a.get("no_link") else f"{home}{a['slug']}?utm_source=rss&utm_medium=feed"
        summary = escape(a.get("summary") or a.get("title", ""))
        if outlet["feed_format"] == "atom":
            link_el = f'<link rel="alternate" href="{escape(link)}"/>' if link else ""
            items.append(f"<entry><id>tag:{outlet['slug']},2026:{a['slug']}</id><title>{escape(a['title'])}</title>"
                         f"{link_el}<updated>{a['published']}</updated><published>{a['published']}</published>"
                         f"<author><name>{escape(a.get('author', ''))}</name></author>"
                         f"<summary>{summary}</summary></entry>")
        else:
            link_el = f"<link>{escape(link)}</link>" if link else ""
            items.append(f"<item><title>{escape(a['title'])}</title>{link_el}"
                         f"<guid isPermaLink=\"false\">{outlet['slug']}-{a['slug']}</guid>"
                         f"<pubDate>{_rfc822(a['published'])}</pubDate><description>{summary}</description></item>")
    if outlet["feed_format"] == "atom":
        xml = (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
               f"<title>{escape(outlet['name'])}</title><id>{home}</id><link href=\"{home}\"/>"
               f"<updated>{newest}</updated>{''.join(items)}</feed>")
        return xml.encode(), "application/atom+xml; charset=utf-8"
    xml = (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{escape(outlet["name"])}'
           f"</title><link>{home}</link><description>{escape(outlet['name'])}</description>{''.join(items)}"
           f"</channel></rss>")
    return xml.encode(), "application/rss+xml; charset=utf-8"


def routes(base_url: str, newsroom: dict | None = None, now: datetime | None = None) -> list[Route]:
    """Every path the demo newsroom serves: one feed per outlet and one page per linked article.
    Given `now`, the articles are dated as recent news (brought_forward); otherwise as written."""
    newsroom = newsroom or load_newsroom()
    if now is not None:
        newsroom = brought_forward(newsroom, now)
    outlets = {o["slug"]: o for o in newsroom["outlets"]}
    by_slug = {a["slug"]: a for a in newsroom["articles"]}
    result = []
    for slug, outlet in outlets.items():
        mine = [a for a in newsroom["articles"] if a["outlet"] == slug]
        body, ctype = render_feed(outlet, mine, base_url)
        result.append(Route(f"/{slug}/feed.xml", body, ctype))
        for article in mine:
            if article.get("no_link") or article.get("page_missing"):
                continue
            page = render_page(article, outlet, by_slug, base_url)
            result.append(Route(f"/{slug}/{article['slug']}", page.encode(), "text/html; charset=utf-8"))
    return result


def poll_phases(newsroom: dict | None = None) -> list[list[str]]:
    """Feed paths in groups to poll one after another: an outlet whose story another carries is
    polled (and stored) before the carrier, so the outlet that broke it is always the original."""
    newsroom = newsroom or load_newsroom()
    owner = {a["slug"]: a["outlet"] for a in newsroom["articles"]}
    sources: dict[str, set[str]] = {o["slug"]: set() for o in newsroom["outlets"]}
    for article in newsroom["articles"]:
        if "copy_of" in article:
            sources[article["outlet"]].add(owner[article["copy_of"]])
    rank: dict[str, int] = {}

    def rank_of(slug: str, seen: frozenset[str]) -> int:
        if slug in seen:
            raise ValueError(f"demo outlets copy each other in a circle: {sorted(seen)}")
        if slug not in rank:
            rank[slug] = 1 + max((rank_of(s, seen | {slug}) for s in sources[slug] - {slug}), default=-1)
        return rank[slug]

    phases: list[list[str]] = []
    for outlet in newsroom["outlets"]:
        level = rank_of(outlet["slug"], frozenset())
        phases.extend([] for _ in range(level + 1 - len(phases)))
        phases[level].append(f"/{outlet['slug']}/feed.xml")
    return phases


def feed_paths(newsroom: dict | None = None) -> list[tuple[str, str]]:
    newsroom = newsroom or load_newsroom()
    return [(f"/{o['slug']}/feed.xml", o["name"]) for o in newsroom["outlets"]]
