"""The daemon ingests a newsroom it has never seen (another outlet, another page layout, an Atom feed):
no crash, every entry stored or skipped with a reason, and the site's clutter gone from the text."""

import json
import sqlite3
from html import escape
from pathlib import Path

from tests.daemon_world import newswatch, write_config

SITE = Path(__file__).parent / "fixtures" / "site"


def atom(newsroom, slugs: list[str]) -> bytes:
    entries = "".join(
        f"<entry><id>urn:harbour:{slug}</id><title>{slug}</title>"
        f"<link rel=\"alternate\" href=\"{escape(newsroom.url('/world/' + slug))}\"/>"
        f"<updated>2026-11-2{i % 9}T10:00:00Z</updated></entry>" for i, slug in enumerate(slugs))
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>Harbour Ledger</title><id>urn:harbour</id><updated>2026-11-23T00:00:00Z</updated>"
            f"{entries}</feed>").encode()


def test_a_site_never_seen_before_is_ingested_whole_and_clean(newsroom, tmp_path):
    expected = json.loads((SITE / "expected.json").read_text(encoding="utf-8"))
    for slug in expected:
        newsroom.add(f"/world/{slug}", (SITE / "pages" / f"{slug}.html").read_bytes(),
                     content_type="text/html; charset=utf-8")
    feed = newsroom.add("/ledger.atom", atom(newsroom, list(expected)), content_type="application/atom+xml")
    db = tmp_path / "n.db"
    result = newswatch("-c", str(write_config(tmp_path / "n.toml", db, [feed])), "run", "--once")
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(db)
    stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    skipped = conn.execute("SELECT count(*) FROM skipped_entries").fetchone()[0]
    texts = [t for (t,) in conn.execute("SELECT text FROM articles")]
    conn.close()
    assert stored + skipped == len(expected) and stored >= len(expected) - 1
    clutter = {line for story in expected.values() for line in story.get("clutter", [])}
    leaked = [line for line in clutter if any(line in text for text in texts)]
    assert len(leaked) <= len(clutter) * 0.02, leaked[:5]
