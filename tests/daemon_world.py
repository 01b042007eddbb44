"""Builders for integration tests: a newsroom's feeds, a config file for it, and running the real CLI."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone
from html import escape
from pathlib import Path

from daemon.newsroom import Newsroom

REPO = Path(__file__).resolve().parents[1]


def rss(title: str, items: list[dict]) -> bytes:
    """An RSS 2.0 feed; each item has title, link (or None), guid and optional summary."""
    base = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)
    parts = []
    for i, item in enumerate(items):
        link = f"<link>{escape(item['link'])}</link>" if item.get("link") else ""
        parts.append(f"<item><title>{escape(item['title'])}</title>{link}<guid isPermaLink=\"false\">"
                     f"{escape(item['guid'])}</guid><pubDate>{format_datetime(base + timedelta(hours=i))}</pubDate>"
                     f"<description>{escape(item.get('summary', ''))}</description></item>")
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{escape(title)}</title>'
            f"<link>http://example.org/</link><description>test</description>{''.join(parts)}</channel></rss>").encode()


def atom_entry(link: str, updated: datetime, title: str = "Convoy") -> bytes:
    """An Atom feed of one entry stamped `updated`: a later stamp asks for a re-check of the stored article."""
    stamp = updated.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>'
            f"<id>urn:t</id><updated>{stamp}</updated><entry><id>urn:t:1</id><title>{escape(title)}</title>"
            f'<link rel="alternate" href="{escape(link)}"/><published>2026-11-20T08:00:00Z</published>'
            f"<updated>{stamp}</updated></entry></feed>").encode()


def page(title: str, paragraphs: list[str], clutter: bool = True) -> bytes:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    extra = ("<p><a href=\"/other\">Also on testsite: Harbour reopens after storm</a></p>"
             "<p>Enjoyed this? Share this story!</p>") if clutter else ""
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{escape(title)} | Test Site"
            f"</title><meta property=\"og:site_name\" content=\"Test Site\">"
            f"<meta property=\"article:published_time\" content=\"2026-11-20T08:00:00Z\"></head><body>"
            f"<nav>Home World Sport</nav><article><h1>{escape(title)}</h1>{body}{extra}</article>"
            f"<aside><h2>More In World</h2><ul><li>Poland and Germany agree on rail links</li></ul></aside>"
            f"<footer>© Test Site</footer></body></html>").encode()


def write_config(path: Path, db: Path, feeds: list[str], *, alerts: str = "", extra_http: str = "",
                 tick: str = "1s") -> Path:
    feed_blocks = "\n".join(f'[[feeds]]\nurl = "{url}"\nname = "feed {i}"\ninterval = "1m"\n'
                            for i, url in enumerate(feeds))
    path.write_text(f"""
[storage]
path = "{db}"

[http]
user_agent = "newswatch-test (+mailto:test@example.org)"
allow_private_networks = true
connect_timeout = "2s"
read_timeout = "2s"
total_timeout = "4s"
max_bytes = 200000
max_redirects = 3
{extra_http}

[scheduler]
tick = "{tick}"

[extraction]
workers = 1

[regions.custom]
Sahel = ["ML", "NE", "BF", "TD", "MR"]

{feed_blocks}
{alerts}
""", encoding="utf-8")
    return path


def newswatch(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the real CLI in a child process, as an operator would."""
    return subprocess.run([sys.executable, "-m", "daemon", "--log-format", "json", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})})


def start_newswatch(*args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "daemon", "--log-format", "json", *args], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})


def stop_newswatch(process: subprocess.Popen, sig: signal.Signals = signal.SIGTERM, timeout: float = 40) -> str:
    """Send a running daemon a signal and wait for it to exit; its log (stderr). Killed if it hangs."""
    try:
        process.send_signal(sig)
        _, stderr = process.communicate(timeout=timeout)
    finally:
        if process.poll() is None:
            process.kill()
    return stderr


MALI_PARAGRAPHS = [
    "Soldiers in central Mali said on Tuesday that a convoy carrying food to Djenné had been attacked near the Bani river, and that three drivers were missing.",
    "The army said it had sent reinforcements from Mopti, and that the road would stay closed until the area was secured.",
    "Residents of Djenné said markets had been short of rice and millet since the convoys were first targeted in October.",
    "Aid workers in Bamako said they were looking for other routes, including boats on the Niger river.",
]
NIGER_PARAGRAPHS = [
    "Niger's government said on Wednesday that it would reopen schools in Tillabéri that had been closed for two years because of attacks.",
    "Teachers who fled to Niamey will be paid a bonus to return, the education minister told reporters.",
    "Parents in the region welcomed the decision but asked for guards at every school before classes begin.",
]
KENYA_PARAGRAPHS = [
    "Kenya's central bank kept its main lending rate unchanged on Thursday, citing a stable shilling and slowing inflation.",
    "Traders in Nairobi had expected a cut after fuel prices fell for a third month in a row.",
    "The bank said it would watch food prices closely after poor rains in the north of the country.",
]


def populate(newsroom: Newsroom) -> dict[str, str]:
    """A small newsroom with good feeds, one syndicated copy, and faulty feeds and pages."""
    copy = MALI_PARAGRAPHS[:2] + ["The Sahel Desk has more on this story."] + MALI_PARAGRAPHS[2:]
    newsroom.add("/a/mali-convoy", page("Convoy attacked on the road to Djenné", MALI_PARAGRAPHS),
                 content_type="text/html; charset=utf-8")
    newsroom.add("/a/niger-schools", page("Niger to reopen schools in Tillabéri", NIGER_PARAGRAPHS),
                 content_type="text/html; charset=utf-8")
    newsroom.add_fault("/b/mali-convoy-copy", "slow", delay=0.4, body=page(
        "Food convoy to Djenné hit in attack, drivers missing", copy), content_type="text/html; charset=utf-8")
    newsroom.add("/b/kenya-rates", page("Kenya holds its lending rate", KENYA_PARAGRAPHS),
                 content_type="text/html; charset=utf-8")
    newsroom.add_fault("/b/gone", "status", status=404)
    newsroom.add_fault("/b/endless-page", "endless")
    feeds = {
        "good": newsroom.add("/a/feed.xml", rss("Outlet A", [
            {"title": "Convoy attacked", "link": newsroom.url("/a/mali-convoy?utm_source=rss"), "guid": "a1"},
            {"title": "Niger schools", "link": newsroom.url("/a/niger-schools"), "guid": "a2"},
            {"title": "No link here", "link": None, "guid": "a3"},
        ]), content_type="application/rss+xml"),
        "second": newsroom.add("/b/feed.xml", rss("Outlet B", [
            {"title": "Convoy copy", "link": newsroom.url("/b/mali-convoy-copy"), "guid": "b1"},
            {"title": "Kenya rates", "link": newsroom.url("/b/kenya-rates"), "guid": "b2"},
            {"title": "Gone page", "link": newsroom.url("/b/gone"), "guid": "b3",
             "summary": "Fishermen on Lake Chad say the water has risen for a second year, and markets at Bol are busy again with traders from Cameroon."},
            {"title": "Gone page without summary", "link": newsroom.url("/b/gone?x=2"), "guid": "b4"},
            {"title": "Endless page", "link": newsroom.url("/b/endless-page"), "guid": "b5"},
        ]), content_type="application/rss+xml"),
        "throttled": newsroom.add_fault("/c/feed.xml", "status", status=429, retry_after=3600),
        "html": newsroom.add("/d/feed.xml", b"<!DOCTYPE html><html><body><h1>Welcome</h1></body></html>",
                             content_type="text/html"),
        "oversized": newsroom.add_fault("/e/feed.xml", "oversized", size=5_000_000),
        "slow": newsroom.add_fault("/f/feed.xml", "slow", delay=10),
        "loop": newsroom.add_fault("/g/feed.xml", "redirect_loop"),
        "broken": newsroom.add_fault("/h/feed.xml", "broken", body=b"<rss><channel><item>" * 50),
    }
    return feeds
