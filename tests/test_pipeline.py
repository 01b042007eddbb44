"""The pipeline in-process: one entry's failure is recorded and the rest goes on; known links are not fetched again."""

import asyncio
import sqlite3

import daemon.analysis as analysis_module
import daemon.pipeline as pipeline_module
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


def die_once(marker: str) -> str:
    """Kills its worker process the first time (as an out-of-memory kill would), then works."""
    import os
    from pathlib import Path
    if not Path(marker).exists():
        Path(marker).write_text("died")
        os._exit(1)
    return "ok"


def test_a_dead_worker_is_replaced_and_the_work_retried(tmp_path):
    from concurrent.futures import ProcessPoolExecutor

    from daemon.pipeline import Pipeline
    from daemon.runtime import worker_context

    pools = []

    def new_pool():
        pools.append(ProcessPoolExecutor(1, mp_context=worker_context()))
        return pools[-1]

    pipeline = Pipeline(None, None, None, None, new_pool(), replace_executor=new_pool)
    try:
        assert asyncio.run(pipeline._in_worker(die_once, str(tmp_path / "marker"))) == "ok"
        assert len(pools) == 2 and pipeline.executor is pools[1]
    finally:
        for pool in pools:
            pool.shutdown(wait=False, cancel_futures=True)


def test_a_bug_in_a_feed_poll_backs_the_feed_off_with_the_reason(newsroom, tmp_path, monkeypatch):
    feed = newsroom.add("/feed.xml", rss("F", []), content_type="application/rss+xml")

    def broken_parser(*args, **kwargs):
        raise RuntimeError("parser bug")

    monkeypatch.setattr(pipeline_module, "parse_feed", broken_parser)
    settings = load_settings(write_config(tmp_path / "n.toml", tmp_path / "n.db", [feed]))
    results = asyncio.run(runtime.run_once(settings, use_processes=False))
    assert results[0].status == "error"
    conn = sqlite3.connect(tmp_path / "n.db")
    errors, last_error, next_poll = conn.execute(
        "SELECT consecutive_errors, last_error, next_poll_at FROM feeds").fetchone()
    assert (errors, last_error) == (1, "internal error: RuntimeError")
    assert next_poll > conn.execute("SELECT max(at) FROM fetches").fetchone()[0]


def test_an_https_link_to_an_article_stored_from_http_is_known_without_a_fetch(newsroom, tmp_path):
    newsroom.add("/niger", page("Niger schools", NIGER_PARAGRAPHS), content_type="text/html")
    first = newsroom.add("/first.xml", rss("F", [{"title": "a", "link": newsroom.url("/niger"), "guid": "1"}]),
                         content_type="application/rss+xml")
    https_link = newsroom.url("/niger").replace("http://", "https://")   # nothing answers https here
    second = newsroom.add("/second.xml", rss("S", [{"title": "a", "link": https_link, "guid": "9"}]),
                          content_type="application/rss+xml")
    db = tmp_path / "n.db"
    asyncio.run(runtime.run_once(load_settings(write_config(tmp_path / "a.toml", db, [first])), use_processes=False))
    results = asyncio.run(runtime.run_once(load_settings(write_config(tmp_path / "b.toml", db, [first, second])),
                                           use_processes=False))
    by_feed = {r.feed_url: r for r in results}
    assert by_feed[second].known == 1 and by_feed[second].skipped == 0 and by_feed[second].stored == 0
    assert sqlite3.connect(db).execute("SELECT count(*) FROM articles").fetchone()[0] == 1
