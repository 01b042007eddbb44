"""Ingestion files a copy of a copy under its original's story, as reprocessing does: the original may
share no bucket key with the newcomer, which only resembles another outlet's copy of it."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import datetime, timezone

from daemon import runtime
from daemon.config_file import load_settings
from storage.store import Store
from tests.daemon_world import page, rss, write_config
from tests.test_reprocess_copies import AGENCY, INSPECTOR, PAPER, save

WEEK_BEFORE = datetime(2026, 11, 13, 7, 30, tzinfo=timezone.utc)   # the newsroom's pages are of 20 November


def test_a_newsletter_rerunning_a_papers_added_paragraph_joins_the_agency_reports_story(newsroom, tmp_path):
    db = tmp_path / "n.db"
    store = Store.open(db)
    agency = save(store, "agency", AGENCY, WEEK_BEFORE)
    save(store, "paper", PAPER, WEEK_BEFORE, duplicate_of=agency, story_id=agency)
    store.close()
    newsroom.add("/strike", page("Cement workers strike over unpaid overtime", [INSPECTOR]),
                 content_type="text/html")
    feed = newsroom.add("/feed.xml", rss("Newsletter", [{"title": "Cement workers strike over unpaid overtime",
                                                         "link": newsroom.url("/strike"), "guid": "n1"}]),
                        content_type="application/rss+xml")
    asyncio.run(runtime.run_once(load_settings(write_config(tmp_path / "n.toml", db, [feed])), use_processes=False))
    row = sqlite3.connect(db).execute("SELECT duplicate_of, story_id FROM articles WHERE url = ?",
                                      [newsroom.url("/strike")]).fetchone()
    assert row == (agency, agency)
