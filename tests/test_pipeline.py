"""The pipeline in-process: one entry's failure is recorded and the rest of the feed goes on."""

import asyncio
import sqlite3

import daemon.analysis as analysis_module
from daemon import runtime
from daemon.config_file import load_settings
from tests.daemon_world import KENYA_PARAGRAPHS, NIGER_PARAGRAPHS, page, rss, write_config


def test_a_bug_on_one_entry_is_recorded_and_the_others_are_stored(newsroom, tmp_path, monkeypatch):
    newsroom.add("/niger", page("Niger schools", NIGER_PARAGRAPHS), content_type="text/html")
    newsroom.add("/kenya", page("Kenya rates", KENYA_PARAGRAPHS), content_type="text/html")
    feed = newsroom.add("/feed.xml", rss("F", [{"title": "a", "link": newsroom.url("/niger"), "guid": "1"},
                                               {"title": "b", "link": newsroom.url("/kenya"), "guid": "2"}]),
                        content_type="application/rss+xml")
    real_tag = analysis_module.tag

    def tag_failing_on_kenya(title, text, gazetteer, hints=()):
        if "Kenya" in title:
            raise RuntimeError("tagger bug")
        return real_tag(title, text, gazetteer, hints=hints)

    monkeypatch.setattr(analysis_module, "tag", tag_failing_on_kenya)
    settings = load_settings(write_config(tmp_path / "n.toml", tmp_path / "n.db", [feed]))
    results = asyncio.run(runtime.run_once(settings, use_processes=False))
    assert results[0].stored == 1 and results[0].skipped == 1
    conn = sqlite3.connect(tmp_path / "n.db")
    assert conn.execute("SELECT reason, detail FROM skipped_entries").fetchall() == [
        ("internal error", "RuntimeError: tagger bug")]
    assert conn.execute("SELECT last_status FROM feeds").fetchall() == [("ok",)]
